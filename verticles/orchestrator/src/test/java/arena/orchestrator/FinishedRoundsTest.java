package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link FinishedRounds} against a plain list trimmed at the front. */
class FinishedRoundsTest {

  @Test
  void keepsTheNewestRoundsInOrderAndKnowsThemAsAPlainListDoes() {
    SplittableRandom random = new SplittableRandom(1);
    // Given finished rounds read back as a plain list
    List<String> plain = new ArrayList<>(List.of("m0/1", "m0/2", "m1/*"));
    FinishedRounds rounds = FinishedRounds.of(List.copyOf(plain));
    for (int step = 0; step < 3000; step++) {
      // When rounds finish, now and then one finished already (a release handled again)
      String round = "m" + random.nextInt(200) + "/" + (random.nextInt(4) == 0 ? "*" : random.nextInt(1, 6));
      rounds = rounds.latest(round, 64);
      plain.remove(round);
      plain.add(round);
      while (plain.size() > 64) {
        plain.remove(0);
      }

      // Then they are the plain list's, in its order, and each is known while it is kept
      assertThat(rounds).containsExactlyElementsOf(plain);
      String asked = "m" + random.nextInt(200) + "/" + random.nextInt(1, 6);
      assertThat(rounds.contains(asked)).isEqualTo(plain.contains(asked));
    }
  }

  @Test
  void aQueueIsTakenAsItIs() {
    // Given a queue of finished rounds
    FinishedRounds rounds = FinishedRounds.of(List.of()).latest("m1/1", 8);

    // When it is asked for as a queue again, Then it is the very same
    assertThat(FinishedRounds.of(rounds)).isSameAs(rounds);
  }
}
