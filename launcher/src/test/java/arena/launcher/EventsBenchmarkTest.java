package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Keeps the events benchmark working and its answers right; its timings are printed, never asserted. */
class EventsBenchmarkTest {

  @Test
  void aSmallRunReadsExactlyTheOldMatchsEvents() {
    // Given an old match of 3 rounds under 20,000 records of other matches, some sharing its robots
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      // When its events are asked for twice, then 6 times at once
      code = new CommandLine(new EventsBenchmark()).execute("--rounds", "3", "--during", "2000", "--others",
          "20000", "--requests", "2", "--parallel", "6");
    } finally {
      System.setOut(original);
    }

    // Then each answer held exactly the match's own events, in order, and the figures were printed
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).contains("request 1: 200", "request 2: 200", "exactly the match's own, in order",
        "6 at once: statuses", "heap peak");
    assertThat(printed).doesNotContain("WRONG");
  }
}
