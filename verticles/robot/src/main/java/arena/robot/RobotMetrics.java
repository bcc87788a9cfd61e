package arena.robot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The robot workers' meters, on Micrometer's global registry. */
final class RobotMetrics {
  private RobotMetrics() {}

  static void providerLatency(String provider, String kind, long ms) {
    Timer.builder("arena.robot.provider.latency").tag("provider", provider).tag("kind", kind)
        .register(Metrics.globalRegistry).record(Duration.ofMillis(ms));
  }

  /** One submitted answer ("response") or vote. */
  static void submitted(String kind, String provider, boolean fallback) {
    Counter.builder(kind.equals("vote") ? "arena.robot.votes" : "arena.robot.answers")
        .tag("provider", provider).tag("fallback", String.valueOf(fallback))
        .register(Metrics.globalRegistry).increment();
  }

  /** The scripted provider stood in for {@code provider}. */
  static void fallback(String provider, String kind, String reason) {
    Counter.builder("arena.robot.fallbacks").tag("provider", provider).tag("kind", kind).tag("reason", reason)
        .register(Metrics.globalRegistry).increment();
  }

  static void skipped(String reason) {
    Counter.builder("arena.robot.commands.skipped").tag("reason", reason).register(Metrics.globalRegistry)
        .increment();
  }
}
