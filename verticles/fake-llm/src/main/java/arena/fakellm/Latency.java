package arena.fakellm;

import java.util.Random;

/**
 * How long the fake thinks: log-normal with this median and 99th percentile, like real LLM latencies (a long
 * right tail). Equal values mean a fixed latency.
 */
public record Latency(long medianMs, long p99Ms) {
  /** The standard normal's 99th percentile: p99 = median * exp(sigma * Z99). */
  private static final double Z99 = 2.3263;

  public Latency {
    if (medianMs < 0 || p99Ms < 0) {
      throw new IllegalArgumentException("latency must be >= 0 ms, was medianMs=" + medianMs + ", p99Ms=" + p99Ms);
    }
    if (p99Ms < medianMs) {
      throw new IllegalArgumentException("latency.p99Ms (" + p99Ms + ") must be >= latency.medianMs (" + medianMs + ")");
    }
  }

  public static Latency fixed(long ms) {
    return new Latency(ms, ms);
  }

  public long sampleMs(Random random) {
    if (p99Ms == medianMs) {
      return medianMs;
    }
    double median = Math.max(1, medianMs);
    double sigma = Math.log(p99Ms / median) / Z99;
    return Math.round(median * Math.exp(sigma * random.nextGaussian()));
  }
}
