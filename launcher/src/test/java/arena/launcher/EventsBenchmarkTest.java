package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeps the events benchmark working and its answers right; its timings are printed, never asserted. */
class EventsBenchmarkTest {

  @Test
  void aSmallRunReadsExactlyTheOldMatchsEvents() {
    // Given an old match of 3 rounds under 20,000 records of other matches, some sharing its robots
    // When its events are asked for twice, then 6 times at once
    CommandRun run = CommandRun.of(new EventsBenchmark(), "--rounds", "3", "--during", "2000", "--others", "20000",
        "--requests", "2", "--parallel", "6");

    // Then each answer held exactly the match's own events, in order, and the figures were printed
    assertThat(run.exit()).as(run.printed()).isZero();
    assertThat(run.printed()).contains("request 1: 200", "request 2: 200", "exactly the match's own, in order",
        "6 at once: statuses", "heap peak");
    assertThat(run.printed()).doesNotContain("WRONG");
  }
}
