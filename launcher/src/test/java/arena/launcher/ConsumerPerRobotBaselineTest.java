package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsumerPerRobotBaselineTest {

  @Test
  void aSmallRunDoublesItsRobotsAndSaysHowManyOneJvmHolds() throws Exception {
    // Given the baseline, small: 4 then 8 robots, each with a consumer of its own
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int exit;
    try {
      // When it runs on an embedded broker
      exit = new CommandLine(new ConsumerPerRobotBaseline()).execute("--start", "4", "--max", "8", "--waves", "1");
    } finally {
      System.setOut(out);
    }

    // Then each step is a line of figures and the last line says what one JVM held (figures are never asserted)
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(exit).isZero();
    assertThat(text).contains("    4 robots | joined all").contains("one JVM holds");
  }

  @Test
  void impossibleSizesAreRefusedWithExitTwo() {
    assertThat(new CommandLine(new ConsumerPerRobotBaseline()).execute("--start", "10", "--max", "5")).isEqualTo(2);
  }
}
