package arena.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LettersTest {

  @Test
  void theFirstLettersAreInOrder() {
    assertThat(Letters.first(4)).containsExactly("A", "B", "C", "D");
    assertThat(Letters.first(26)).endsWith("Z");
    assertThatThrownBy(() -> Letters.first(27)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everySeatGetsADistinctLetterFromA() {
    // Given five participants
    List<String> participants = List.of("ann", "bob", "r1", "r2", "r3");

    // When letters are dealt
    Map<String, String> dealt = Letters.deal(participants, new SplittableRandom(7));

    // Then each has one, and together they are exactly A to E
    assertThat(dealt).containsOnlyKeys(participants);
    assertThat(dealt.values()).containsExactlyInAnyOrder("A", "B", "C", "D", "E");
  }

  @Test
  void lettersAreReshuffledAcrossRounds() {
    // Given one random source for a whole match
    SplittableRandom random = new SplittableRandom(42);
    List<String> participants = List.of("ann", "bob", "r1", "r2");

    // When ten rounds are dealt
    Set<Map<String, String>> deals = new HashSet<>();
    Set<String> annLetters = new HashSet<>();
    for (int round = 0; round < 10; round++) {
      Map<String, String> dealt = Letters.deal(participants, random);
      deals.add(dealt);
      annLetters.add(dealt.get("ann"));
    }

    // Then the seating changes from round to round
    assertThat(deals).hasSizeGreaterThan(1);
    assertThat(annLetters).hasSizeGreaterThan(1);
  }

  @Test
  void theSameSeedDealsTheSameLetters() {
    assertThat(Letters.shuffled(8, new SplittableRandom(3))).isEqualTo(Letters.shuffled(8, new SplittableRandom(3)));
  }
}
