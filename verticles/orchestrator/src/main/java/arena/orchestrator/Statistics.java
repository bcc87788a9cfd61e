package arena.orchestrator;

import java.util.List;

/**
 * The few statistics the experiment report needs: Wilson intervals for pass rates, normal intervals for means, and
 * two-sided z-tests for a difference (two proportions, pooled; two means, Welch's standard error). Normal
 * approximations: sound once each arm has some dozens of votes or answers, which is when a report is worth reading.
 */
final class Statistics {
  /** The confidence levels offered, with their two-sided normal quantiles. */
  static final List<Double> CONFIDENCE_LEVELS = List.of(0.9, 0.95, 0.99);
  private static final double[] Z = {1.6448536269514722, 1.959963984540054, 2.5758293035489004};

  private Statistics() {}

  record Interval(double low, double high) {}

  /** A mean with its sample variance and its interval. */
  record Mean(double value, double variance, long n, double low, double high) {}

  /** B minus A, the test statistic, the two-sided p-value, and whether p is below 1 − confidence. */
  record Test(double difference, double z, double pValue, boolean significant) {}

  /** The two-sided quantile for {@code confidence}; any other level is refused, naming {@code what}. */
  static double z(double confidence, String what) {
    int i = CONFIDENCE_LEVELS.indexOf(confidence);
    if (i < 0) {
      throw new IllegalArgumentException(what + " must be one of 0.9, 0.95, 0.99, not " + confidence);
    }
    return Z[i];
  }

  /** Wilson's score interval for {@code successes} of {@code n}; null without trials. */
  static Interval wilson(long successes, long n, double z) {
    if (n == 0) {
      return null;
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /** The mean of {@code n} values from their sum and sum of squares; null without values. */
  static Mean mean(double sum, double squares, long n, double z) {
    if (n == 0) {
      return null;
    }
    double mean = sum / n;
    double variance = n < 2 ? 0 : Math.max(0, (squares - n * mean * mean) / (n - 1));
    double half = z * Math.sqrt(variance / n);
    return new Mean(mean, variance, n, mean - half, mean + half);
  }

  /**
   * Pooled two-proportion z-test of {@code xb/nb} against {@code xa/na}; null when an arm has no trials or nobody
   * passed nor failed in either (no spread to test against).
   */
  static Test twoProportions(long xa, long na, long xb, long nb, double confidence) {
    if (na == 0 || nb == 0) {
      return null;
    }
    double pooled = (double) (xa + xb) / (na + nb);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
    if (se == 0) {
      return null;
    }
    double difference = (double) xb / nb - (double) xa / na;
    return test(difference, difference / se, confidence);
  }

  /** Welch's z-test of mean {@code b} against mean {@code a}; null when either is missing or neither varies. */
  static Test welch(Mean a, Mean b, double confidence) {
    if (a == null || b == null || a.n() < 2 || b.n() < 2) {
      return null;
    }
    double se = Math.sqrt(a.variance() / a.n() + b.variance() / b.n());
    if (se == 0) {
      return null;
    }
    double difference = b.value() - a.value();
    return test(difference, difference / se, confidence);
  }

  private static Test test(double difference, double z, double confidence) {
    double p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
    return new Test(difference, z, p, p < 1 - confidence);
  }

  /** The standard normal distribution function, from erfc (Numerical Recipes' erfcc, error below 1.2e-7). */
  static double normalCdf(double x) {
    return 1 - 0.5 * erfc(x / Math.sqrt(2));
  }

  private static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
