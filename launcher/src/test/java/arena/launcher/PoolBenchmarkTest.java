package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pool benchmark runs small and prints its figures (speed is never asserted). */
class PoolBenchmarkTest {

  @Test
  void aSmallPoolServesEveryRoundAndPrintsStepsPerSecond() {
    // When it plays 20 matches of 4 robots on a pool of 100, two rounds
    CommandRun run = CommandRun.of(new PoolBenchmark(), "--robots", "100", "--matches", "20", "--rounds", "2");

    // Then it ends well and prints the steps of every round: 20 asks, 20 + 80 answers, 20 + 80 votes, 20 releases
    assertThat(run.exit()).isZero();
    assertThat(run.printed()).contains("measured: 100 robots, 20 matches x 2 rounds: 480 steps in").contains("steps/s");
  }

  @Test
  void withEncodeItEncodesEveryRecordAndPrintsWhatEachTypeCost() {
    // When it plays the same small pool encoding every record as the publisher does
    CommandRun run = CommandRun.of(new PoolBenchmark(), "--robots", "100", "--matches", "20", "--rounds", "2",
        "--encode");

    // Then it ends well and prints the records and characters of each type, the pool's robots among them
    assertThat(run.exit()).isZero();
    assertThat(run.printed()).contains("records encoded").contains("encoded pool.robot: ")
        .contains("encoded robot.tally: ");
  }
}
