package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTimesTest {
  private static final long T = 1_000_000;

  /** A round as the first tests need it: its records and its slowest think times, nothing else seen. */
  private static RoundTimes round(long starting, long started, long answerDeadline, long voting, long voteDeadline,
      long completed, long slowestAnswerMs, long slowestVoteMs) {
    return new RoundTimes(starting, 0, 0, started, answerDeadline, voting, voteDeadline, completed,
        new RoundTimes.Acts(slowestAnswerMs, 0, 0, List.of()), new RoundTimes.Acts(slowestVoteMs, 0, 0, List.of()),
        List.of());
  }

  @Test
  void theOverheadIsTheRoundsTimeLessItsSlowestAnswerAndSlowestVote() {
    // Given a round that took 20 s from asking for robots to its score, whose slowest answer took 9 s and slowest
    // vote 6 s, both phases closing before their deadlines
    RoundTimes round = round(T, T + 500, T + 30_500, T + 10_000, T + 30_000, T + 20_000, 9000, 6000);

    // When its overhead is computed
    long overhead = round.overheadMs();

    // Then it is what is left: 5 s
    assertThat(overhead).isEqualTo(5000);
  }

  @Test
  void aRoundWhosePhaseRanToItsDeadlineHasNoOverhead() {
    // Given a round whose answering phase ended at its deadline (someone did not answer)
    RoundTimes round = round(T, T + 500, T + 10_500, T + 10_500, T + 30_500, T + 20_000, 3000, 3000);

    // Then its overhead is not told (-1): the phase lasted as long as the rules say, whatever the engine did
    assertThat(round.overheadMs()).isEqualTo(-1);
  }

  @Test
  void aRoundNotSeenWholeHasNoOverhead() {
    // Given a round whose completion was never seen
    RoundTimes round = round(T, T + 500, T + 30_500, T + 10_000, T + 30_000, 0, 9000, 6000);

    // Then it has no overhead
    assertThat(round.overheadMs()).isEqualTo(-1);
  }

  @Test
  void anOverheadBelowZeroIsZero() {
    // Given a round that took less than its slowest participants' times (a human's think counts from seeing the
    // phase; timestamps of two clocks meet here)
    RoundTimes round = round(T, T + 10, T + 30_000, T + 5000, T + 30_000, T + 9000, 5000, 5000);

    // Then its overhead is 0, not negative
    assertThat(round.overheadMs()).isZero();
  }

  @Test
  void aPhaseEndingPastItsDeadlineByMoreThanTheToleranceMissedIt() {
    // Given a round whose answering phase ended 1.5 s after its deadline and whose voting ended 0.5 s after
    RoundTimes round = round(T, T + 500, T + 10_500, T + 12_000, T + 32_000, T + 32_500, 0, 0);

    // When checked with a tolerance of 1 s
    // Then only the answering phase missed its deadline, by 1.5 s
    assertThat(round.late(1000)).containsExactly(new RoundTimes.Late("answering", 1500));
    // And with a tolerance of 2 s, none did
    assertThat(round.late(2000)).isEmpty();
  }

  @Test
  void phasesNotSeenYetMissNoDeadline() {
    // Given a round still answering (no voting or score seen yet)
    RoundTimes round = round(T, T + 500, T + 10_500, 0, 0, 0, 0, 0);

    // Then nothing is late
    assertThat(round.late(0)).isEmpty();
  }

  @Test
  void theOverheadSplitsIntoSeatingAssignmentAndEachPhaseShownAndClosedAndTheyAddUp() {
    // Given a round asking for robots at T and getting them 1.2 s later, seated 50 ms after that; its slowest
    // answerer saw the phase 50 ms after it opened, thought 9 s and sent (the last answer) 40 ms before voting
    // opened; its slowest voter saw voting 20 ms after it opened, thought 6 s and sent the last vote 30 ms before
    // the round completed
    RoundTimes round = new RoundTimes(T, T, T + 1200, T + 1250, T + 31_250, T + 10_340, T + 30_340, T + 16_390,
        new RoundTimes.Acts(9000, T + 1300, T + 10_300, List.of()),
        new RoundTimes.Acts(6000, T + 10_360, T + 16_360, List.of()), List.of());

    // When its overhead is split
    RoundTimes.Split split = round.split();

    // Then each part is its interval, and together they are the whole overhead: nothing is unexplained
    assertThat(round.overheadMs()).isEqualTo(1390);
    assertThat(split).isEqualTo(new RoundTimes.Split(1390, 50, 1200, 50, 40, 20, 30));
    assertThat(split.unexplained()).isZero();
  }

  @Test
  void whenTheLastToActIsNotTheSlowestTheGapIsUnexplained() {
    // Given an answering phase whose slowest participant (a robot, 1.5 s of model from 10 ms after the phase opened)
    // finished first, and whose last action came 300 ms later from a human who saw the phase late and thought 1 s;
    // voting as in a round that adds up
    RoundTimes round = new RoundTimes(T, T, T, T, T + 30_000, T + 1850, T + 21_850, T + 3870,
        new RoundTimes.Acts(1500, T + 10, T + 1810, List.of()),
        new RoundTimes.Acts(2000, T + 1860, T + 3860, List.of()), List.of());

    // When split
    RoundTimes.Split split = round.split();

    // Then the 300 ms between the slowest's end and the last action are the overhead's unexplained part
    assertThat(round.overheadMs()).isEqualTo(370);
    assertThat(split).isEqualTo(new RoundTimes.Split(370, 0, 0, 10, 40, 10, 10));
    assertThat(split.unexplained()).isEqualTo(300);
  }

  @Test
  void partsNotSeenCountAsUnexplained() {
    // Given a round whose answering phase's participants were not seen at all (no sighting, no action)
    RoundTimes round = new RoundTimes(T, T, T + 1000, T + 1100, T + 31_100, T + 10_000, T + 30_000, T + 20_000,
        new RoundTimes.Acts(8000, 0, 0, List.of()), new RoundTimes.Acts(9000, T + 10_500, T + 19_500, List.of()),
        List.of());

    // Then those two parts are 0 and their time is unexplained
    RoundTimes.Split split = round.split();
    assertThat(split).isEqualTo(new RoundTimes.Split(3000, 100, 1000, 0, 0, 500, 500));
    assertThat(split.unexplained()).isEqualTo(900);
  }

  @Test
  void aRoundWithoutOverheadHasNoSplit() {
    // Given a round whose answering ran to its deadline
    RoundTimes round = round(T, T + 500, T + 10_500, T + 10_500, T + 30_500, T + 20_000, 3000, 3000);

    // Then it has no split
    assertThat(round.split()).isNull();
  }

  @Test
  void eachTransitionRunsFromWhatClosedThePhaseToEachHumansFirstPushOfTheNext() {
    // Given a round whose robots were assigned at T+1000, whose answering closed early (last answer sent at T+9000,
    // voting at T+9050), whose voting ran out (deadline T+29_050), seen by two humans
    RoundTimes round = new RoundTimes(T, T, T + 1000, T + 1040, T + 31_040, T + 9050, T + 29_050, T + 29_100,
        new RoundTimes.Acts(7000, T + 1060, T + 9000, List.of(T + 1060L, T + 1090L)),
        new RoundTimes.Acts(0, 0, T + 12_000, List.of(T + 9070L, T + 9075L)), List.of(T + 29_120L, T + 29_140L));

    // Then seating → answering counts from the assignment, answering → voting from the last answer, and voting →
    // scores from the deadline (the phase ran out, its last vote closed nothing)
    assertThat(round.toAnswering()).containsExactly(60L, 90L);
    assertThat(round.toVoting()).containsExactly(70L, 75L);
    assertThat(round.toScores()).containsExactly(70L, 90L);
  }

  @Test
  void aRoundWithoutRobotsCountsItsFirstTransitionFromItsStart() {
    // Given a round of humans only (no robots asked for), seen by one human 30 ms after it began
    RoundTimes round = new RoundTimes(T, 0, 0, T + 10, T + 30_010, 0, 0, 0,
        new RoundTimes.Acts(0, 0, 0, List.of(T + 30L)), RoundTimes.Acts.NONE, List.of());

    // Then its first transition runs from round.starting, and the later ones are not told yet
    assertThat(round.toAnswering()).containsExactly(30L);
    assertThat(round.toVoting()).isEmpty();
    assertThat(round.toScores()).isEmpty();
  }
}
