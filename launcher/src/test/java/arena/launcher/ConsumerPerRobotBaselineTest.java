package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsumerPerRobotBaselineTest {

  @Test
  void aSmallRunDoublesItsRobotsAndSaysHowManyOneJvmHolds() throws Exception {
    // Given the baseline, small: 4 then 8 robots, each with a consumer of its own
    // When it runs on an embedded broker
    CommandRun run = CommandRun.of(new ConsumerPerRobotBaseline(), "--start", "4", "--max", "8", "--waves", "1");

    // Then each step is a line of figures and the last line says what one JVM held (figures are never asserted)
    assertThat(run.exit()).isZero();
    assertThat(run.printed()).contains("    4 robots | joined all").contains("one JVM holds");
  }

  @Test
  void impossibleSizesAreRefusedWithExitTwo() {
    assertThat(new CommandLine(new ConsumerPerRobotBaseline()).execute("--start", "10", "--max", "5")).isEqualTo(2);
  }
}
