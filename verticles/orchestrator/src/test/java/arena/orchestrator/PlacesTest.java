package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link Places} against plain sorted sets. */
class PlacesTest {

  @Test
  void addsRemovesAndFindsPlacesAsASortedSet() {
    SplittableRandom random = new SplittableRandom(1);
    for (int capacity : new int[] {1, 2, 7, 64, 100}) {
      // Given three disjoint sets of places, changed at random
      List<Places> sets = new ArrayList<>(List.of(Places.none(capacity), Places.none(capacity),
          Places.none(capacity)));
      List<TreeSet<Integer>> plain = List.of(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
      for (int step = 0; step < 2000; step++) {
        int place = random.nextInt(capacity);
        int owner = place % 3;
        boolean in = random.nextBoolean();
        sets.set(owner, in ? sets.get(owner).plus(place) : sets.get(owner).minus(place));
        if (in) {
          plain.get(owner).add(place);
        } else {
          plain.get(owner).remove(place);
        }

        // Then each holds what its sorted set holds, in order
        for (int s = 0; s < 3; s++) {
          List<Integer> listed = new ArrayList<>();
          sets.get(s).forEach(listed::add);
          assertThat(listed).containsExactlyElementsOf(plain.get(s));
          assertThat(sets.get(s).size()).isEqualTo(plain.get(s).size());
          assertThat(sets.get(s).contains(place)).isEqualTo(plain.get(s).contains(place));
        }
        // And the n-th of two of them together, less a few, is the n-th of their union
        TreeSet<Integer> union = new TreeSet<>(plain.get(0));
        union.addAll(plain.get(2));
        Set<Integer> out = new HashSet<>();
        union.stream().filter(p -> random.nextInt(4) == 0).forEach(out::add);
        union.removeAll(out);
        List<Integer> expected = new ArrayList<>(union);
        for (int n = 0; n < expected.size(); n++) {
          assertThat(Places.select(List.of(sets.get(0), sets.get(2)), out, n)).isEqualTo(expected.get(n));
        }
      }
    }
  }
}
