package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeps the benchmark command working; its figures are printed, never asserted. */
class RobotBenchmarkTest {

  @Test
  void aSmallRunCompletesAndPrintsItsFigures() {
    // Given a benchmark of 30 robots against a fake model answering in 50 ms
    // When it runs one warm-up and one measured wave
    CommandRun run = CommandRun.of(new RobotBenchmark(), "--robots", "30", "--latency-ms", "50", "--waves", "1");

    // Then every robot answered and each wave printed its line
    assertThat(run.exit()).as(run.printed()).isZero();
    assertThat(run.printed()).contains("warm-up  answers 30/30", "wave 1   answers 30/30", "max in flight at the fake",
        "heap peak", "threads");
  }

  @Test
  void aSteadyFlowCompletesAndPrintsItsFigures() {
    // Given a benchmark of 30 robots against a fake model answering in 50 ms
    // When commands flow steadily, 10 in flight, for a short warm-up and window
    CommandRun run = CommandRun.of(new RobotBenchmark(), "--robots", "30", "--latency-ms", "50", "--steady", "2s",
        "--in-flight", "10", "--warm-up", "1s");

    // Then every command of the window was answered and the window printed its figures
    assertThat(run.exit()).as(run.printed()).isZero();
    assertThat(run.printed()).contains("steady flow: 10 calls in flight", "steady   answers", "p90",
        "max in flight at the fake", "heap peak", "threads");
  }
}
