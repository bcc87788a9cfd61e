package arena.shared.ops;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.stream.Stream;

/** One Prometheus registry per JVM, added to Micrometer's global registry that the game's meters use. */
public final class ArenaMetrics {
  private static PrometheusMeterRegistry prometheus;

  private ArenaMetrics() {}

  public static synchronized PrometheusMeterRegistry prometheus() {
    if (prometheus == null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.addRegistry(prometheus);
    }
    return prometheus;
  }

  /** The histogram's buckets: a robot's quick vote and a ten-minute phase both fall in a narrow one. */
  private static final Duration[] BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
      30_000, 60_000, 120_000, 300_000, 600_000).map(Duration::ofMillis).toArray(Duration[]::new);

  /**
   * A duration the operator watches in percentiles: {@code <name>_seconds} as a Prometheus histogram
   * ({@code _bucket{le}}, {@code _count}, {@code _sum}; {@code _max}), whose percentiles
   * {@code histogram_quantile} computes over any set of JVMs, from 5 ms to 10 minutes.
   */
  public static Timer.Builder duration(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
  }
}
