package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaFloorTest {
  /** The tail of kafka-tools 3.9.2's EndToEndLatency output (it prints every 1000th latency before). */
  private static final String END_TO_END = "0\t23\n1000\t1\nAvg latency: 1.2345 ms\n"
      + "Percentiles: 50th = 1, 99th = 4, 99.9th = 12\n";
  /** ProducerPerformance's progress lines, then its summary. */
  private static final String PRODUCER = "98765 records sent, 19753.0 records/sec (3.77 MB/sec), 5.1 ms avg latency, "
      + "90.0 ms max latency.\n200000 records sent, 41000.123456 records/sec (7.82 MB/sec), 3.21 ms avg latency, "
      + "95.00 ms max latency, 2 ms 50th, 9 ms 95th, 31 ms 99th, 80 ms 99.9th.\n";

  @Test
  void theFiguresAreReadFromBothToolsOutput() {
    KafkaFloor floor = KafkaFloor.parse(END_TO_END, PRODUCER);

    assertThat(floor).isEqualTo(new KafkaFloor(1.2345, 1, 4, 12, 41000.123456, 2, 31));
  }

  @Test
  void aToolThatPrintedNoFiguresFailsWithItsOutput() {
    assertThatThrownBy(() -> KafkaFloor.parse("Exception in thread \"main\" TimeoutException", PRODUCER))
        .hasMessageContaining("EndToEndLatency printed no figures").hasMessageContaining("TimeoutException");
    assertThatThrownBy(() -> KafkaFloor.parse(END_TO_END, "no brokers"))
        .hasMessageContaining("ProducerPerformance printed no figures: no brokers");
  }

  @Test
  void theOverheadIsAMultipleOfTheFloorOfARoundsHops() {
    // Given a round overhead of 120 ms and a hop of 2 ms: 6 hops make 12 ms, so 10 times the floor
    assertThat(KafkaFloor.multiple(120, 2.0)).isEqualTo(10.0);
    // A hop under a millisecond counts as one (the tool prints whole milliseconds)
    assertThat(KafkaFloor.multiple(60, 0.3)).isEqualTo(10.0);
  }
}
