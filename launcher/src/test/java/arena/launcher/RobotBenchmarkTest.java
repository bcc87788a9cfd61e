package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Keeps the benchmark command working; its figures are printed, never asserted. */
class RobotBenchmarkTest {

  @Test
  void aSmallRunCompletesAndPrintsItsFigures() {
    // Given a benchmark of 30 robots against a fake model answering in 50 ms
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      // When it runs one warm-up and one measured wave
      code = new CommandLine(new RobotBenchmark()).execute("--robots", "30", "--latency-ms", "50", "--waves", "1");
    } finally {
      System.setOut(original);
    }

    // Then every robot answered and each wave printed its line
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).contains("warm-up  answers 30/30", "wave 1   answers 30/30", "max in flight at the fake",
        "heap peak", "threads");
  }
}
