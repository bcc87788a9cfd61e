package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundTimesTest {
  private static final long T = 1_000_000;

  @Test
  void theOverheadIsTheRoundsTimeLessItsSlowestAnswerAndSlowestVote() {
    // Given a round that took 20 s from asking for robots to its score, whose slowest answer took 9 s and slowest
    // vote 6 s, both phases closing before their deadlines
    RoundTimes round = new RoundTimes(T, T + 500, T + 30_500, T + 10_000, T + 30_000, T + 20_000, 9000, 6000);

    // When its overhead is computed
    long overhead = round.overheadMs();

    // Then it is what is left: 5 s
    assertThat(overhead).isEqualTo(5000);
  }

  @Test
  void aRoundWhosePhaseRanToItsDeadlineHasNoOverhead() {
    // Given a round whose answering phase ended at its deadline (someone did not answer)
    RoundTimes round = new RoundTimes(T, T + 500, T + 10_500, T + 10_500, T + 30_500, T + 20_000, 3000, 3000);

    // Then its overhead is not told (-1): the phase lasted as long as the rules say, whatever the engine did
    assertThat(round.overheadMs()).isEqualTo(-1);
  }

  @Test
  void aRoundNotSeenWholeHasNoOverhead() {
    // Given a round whose completion was never seen
    RoundTimes round = new RoundTimes(T, T + 500, T + 30_500, T + 10_000, T + 30_000, 0, 9000, 6000);

    // Then it has no overhead
    assertThat(round.overheadMs()).isEqualTo(-1);
  }

  @Test
  void anOverheadBelowZeroIsZero() {
    // Given a round that took less than its slowest participants' times (a human's think counts from seeing the
    // phase; timestamps of two clocks meet here)
    RoundTimes round = new RoundTimes(T, T + 10, T + 30_000, T + 5000, T + 30_000, T + 9000, 5000, 5000);

    // Then its overhead is 0, not negative
    assertThat(round.overheadMs()).isZero();
  }

  @Test
  void aPhaseEndingPastItsDeadlineByMoreThanTheToleranceMissedIt() {
    // Given a round whose answering phase ended 1.5 s after its deadline and whose voting ended 0.5 s after
    RoundTimes round = new RoundTimes(T, T + 500, T + 10_500, T + 12_000, T + 32_000, T + 32_500, 0, 0);

    // When checked with a tolerance of 1 s
    // Then only the answering phase missed its deadline, by 1.5 s
    assertThat(round.late(1000)).containsExactly(new RoundTimes.Late("answering", 1500));
    // And with a tolerance of 2 s, none did
    assertThat(round.late(2000)).isEmpty();
  }

  @Test
  void phasesNotSeenYetMissNoDeadline() {
    // Given a round still answering (no voting or score seen yet)
    RoundTimes round = new RoundTimes(T, T + 500, T + 10_500, 0, 0, 0, 0, 0);

    // Then nothing is late
    assertThat(round.late(0)).isEmpty();
  }
}
