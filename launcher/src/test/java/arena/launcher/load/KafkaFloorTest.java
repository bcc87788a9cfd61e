package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.launcher.EmbeddedKafka;
import arena.launcher.FreePorts;
import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaFloorTest {

  @Test
  void theToolsSummariesAreReadAndTheirProgressLinesSkipped() {
    // Given what EndToEndLatency and ProducerPerformance print (progress first, the summary last)
    String e2e = """
        0\t162.788192
        1000\t2.296772
        Avg latency: 2.4648 ms
        Percentiles: 50th = 1, 99th = 12, 99.9th = 52
        """;
    String produced = """
        93412 records sent, 18682.4 records/sec (5.35 MB/sec), 1431.2 ms avg latency, 2217.0 ms max latency.
        200000 records sent, 40136.464981 records/sec (11.48 MB/sec), 1310.07 ms avg latency, 2217.00 ms max \
        latency, 1291 ms 50th, 2001 ms 95th, 2147 ms 99th, 2208 ms 99.9th.
        """;

    // When they are read, then each figure lands where it belongs
    assertThat(KafkaFloor.hop(2000, e2e)).isEqualTo(new KafkaFloor.Hop(2000, 2.4648, 1, 12, 52));
    assertThat(KafkaFloor.throughput(300, produced)).isEqualTo(
        new KafkaFloor.Throughput(200000, 300, 40136.464981, 1310.07, 1291, 2147, 2208, 2217));
  }

  @Test
  void theOverheadIsAMultipleOfTheFloorOfARoundsHops() {
    // Given a round overhead of 120 ms and a hop of 2 ms: 6 hops make 12 ms, so 10 times the floor
    assertThat(KafkaFloor.multiple(120, 2.0)).isEqualTo(10.0);
    // A hop under a millisecond counts as one (the tool prints whole milliseconds)
    assertThat(KafkaFloor.multiple(60, 0.3)).isEqualTo(10.0);
  }

  @Test
  void aToolThatPrintsNoSummaryIsAnErrorThatShowsWhatItPrinted() {
    assertThatThrownBy(() -> KafkaFloor.hop(10, "Exception in thread \"main\" TimeoutException"))
        .hasMessageContaining("EndToEndLatency printed no summary").hasMessageContaining("TimeoutException");
    assertThatThrownBy(() -> new KafkaFloor.Plan(0, 1, 1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bothToolsRunAgainstTheGamesBrokerWithTheGamesDurability() throws Exception {
    // Given a broker of its own
    try (EmbeddedKafka broker = EmbeddedKafka.start(Files.createTempDirectory("arena-floor"), FreePorts.next(),
        FreePorts.next())) {
      JsonObject json = ArenaConfig.defaults();
      json.getJsonObject("kafka").put("bootstrapServers", broker.bootstrapServers());

      // When the floor is measured, small
      KafkaFloor.Floor floor = KafkaFloor.measure(ArenaConfig.of(json),
          new KafkaFloor.Plan(200, 5000, 300, Duration.ofSeconds(90)));

      // Then both tools ran to their summaries (figures printed, never asserted: speed is for benchmarks)
      System.out.println("floor: " + floor);
      assertThat(floor.hop().messages()).isEqualTo(200);
      assertThat(floor.hop().p99Ms()).isGreaterThanOrEqualTo(floor.hop().p50Ms());
      assertThat(floor.throughput().records()).isEqualTo(5000);
      assertThat(floor.throughput().recordsPerSecond()).isPositive();
    }
  }
}
