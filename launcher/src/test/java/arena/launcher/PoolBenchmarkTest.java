package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The pool benchmark runs small and prints its figures (speed is never asserted). */
class PoolBenchmarkTest {

  @Test
  void aSmallPoolServesEveryRoundAndPrintsStepsPerSecond() {
    // Given the benchmark's own output
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int exit;
    try {
      // When it plays 20 matches of 4 robots on a pool of 100, two rounds
      exit = new CommandLine(new PoolBenchmark()).execute("--robots", "100", "--matches", "20", "--rounds", "2");
    } finally {
      System.setOut(out);
    }

    // Then it ends well and prints the steps of every round: 20 asks, 20 + 80 answers, 20 + 80 votes, 20 releases
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(exit).isZero();
    assertThat(text).contains("measured: 100 robots, 20 matches x 2 rounds: 480 steps in").contains("steps/s");
  }
}
