package arena.shared.ops;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

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
}
