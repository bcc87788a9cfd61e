package arena.robot;

import arena.shared.config.ArenaConfig;
import java.util.Map;

/**
 * Where and how one LLM provider is called, from {@code robot.providers.<name>}. The environment wins:
 * {@code <NAME>_BASE_URL} and {@code <NAME>_MODEL}; the key comes only from {@code <NAME>_API_KEY} and is
 * never printed ({@link #toString()} leaves it out).
 *
 * @param timeoutMs     one HTTP exchange
 * @param maxConcurrent HTTP calls in flight to this provider from this JVM, all robot verticles together
 */
public record LlmSettings(Dialect dialect, String baseUrl, String model, String apiKey, long timeoutMs,
    int maxTokens, boolean stream, int maxConcurrent, Retries retries, Breaker breaker) {

  /** At most {@code max} retries, waiting full-jitter exponential backoff between base and max delay. */
  public record Retries(int max, long baseDelayMs, long maxDelayMs) {}

  /** Opens after {@code maxFailures} failed exchanges in a row; lets one probe through after resetTimeoutMs. */
  public record Breaker(int maxFailures, long resetTimeoutMs) {}

  public static LlmSettings from(Dialect dialect, ArenaConfig cfg, Map<String, String> env) {
    String at = "robot.providers." + dialect.providerName() + ".";
    String baseUrl = nonBlank(env.get(dialect.env("BASE_URL")), cfg.string(at + "baseUrl"));
    String model = nonBlank(env.get(dialect.env("MODEL")), cfg.string(at + "model"));
    return new LlmSettings(dialect, baseUrl.replaceAll("/+$", ""), model, env.get(dialect.env("API_KEY")),
        cfg.longValue(at + "timeoutMs"), cfg.integer(at + "maxTokens"), cfg.bool(at + "stream"),
        Math.max(1, cfg.integer(at + "maxConcurrent")),
        new Retries(Math.max(0, cfg.integer(at + "retries.max")), cfg.longValue(at + "retries.baseDelayMs"),
            cfg.longValue(at + "retries.maxDelayMs")),
        new Breaker(Math.max(1, cfg.integer(at + "breaker.maxFailures")),
            cfg.longValue(at + "breaker.resetTimeoutMs")));
  }

  public static boolean hasKey(Dialect dialect, Map<String, String> env) {
    String key = env.get(dialect.env("API_KEY"));
    return key != null && !key.isBlank();
  }

  private static String nonBlank(String preferred, String otherwise) {
    return preferred != null && !preferred.isBlank() ? preferred : otherwise;
  }

  @Override
  public String toString() {
    return "LlmSettings[" + dialect.providerName() + ", baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
        + (apiKey == null ? "none" : "***") + ", timeoutMs=" + timeoutMs + ", maxTokens=" + maxTokens + ", stream="
        + stream + ", maxConcurrent=" + maxConcurrent + ", " + retries + ", " + breaker + "]";
  }
}
