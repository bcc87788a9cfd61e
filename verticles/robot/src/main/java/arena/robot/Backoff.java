package arena.robot;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When to try an LLM call again: pure functions, so every rule has a unit test. 429, 408, 409, 5xx and
 * failures without a response (connection errors, timeouts) are retried; other 4xx would fail the same way
 * again. The wait is what the server asked for when it said, else exponential backoff with full jitter.
 */
final class Backoff {
  /** A retry that cannot get at least this long before the robot's budget ends is not worth starting. */
  static final long MIN_ATTEMPT_MS = 100;

  /** One rate limit's headers: what is left, and when it refills (an OpenAI duration or an Anthropic instant). */
  private record Limit(String remaining, String reset, boolean resetIsInstant) {
    /** -1 when absent or unreadable. */
    long resetMs(UnaryOperator<String> header, long nowMs) {
      String value = header.apply(reset);
      return resetIsInstant ? untilMs(value, nowMs) : durationMs(value);
    }

    boolean exhausted(UnaryOperator<String> header) {
      String value = header.apply(remaining);
      try {
        return value != null && Long.parseLong(value.strip()) <= 0;
      } catch (NumberFormatException unreadable) {
        return false;
      }
    }
  }

  private static final List<Limit> LIMITS = List.of(
      new Limit("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", false),
      new Limit("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", false),
      new Limit("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", true),
      new Limit("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset", true),
      new Limit("anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset", true),
      new Limit("anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset", true));
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private Backoff() {}

  /**
   * The wait before retry number {@code retry + 1}, or empty to give up.
   *
   * @param status      the HTTP status, 0 when no response came (connection error, timeout)
   * @param header      the response's header by lower-case name (null when absent)
   * @param retry       retries already made
   * @param remainingMs what is left of the robot's budget
   */
  static OptionalLong nextWait(int status, UnaryOperator<String> header, int retry, LlmSettings.Retries retries,
      long nowMs, long remainingMs, DoubleSupplier random) {
    if (!retryable(status) || retry >= retries.max()) {
      return OptionalLong.empty();
    }
    OptionalLong asked = serverWaitMs(status, header, nowMs);
    long wait = asked.isPresent() ? asked.getAsLong()
        : jitteredMs(retry, retries.baseDelayMs(), retries.maxDelayMs(), random);
    return wait + MIN_ATTEMPT_MS <= remainingMs ? OptionalLong.of(wait) : OptionalLong.empty();
  }

  static boolean retryable(int status) {
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** Full jitter: uniform in [0, min(max, base * 2^retry)]. */
  static long jitteredMs(int retry, long baseMs, long maxMs, DoubleSupplier random) {
    long cap = Math.min(maxMs, baseMs << Math.min(retry, 30));
    return Math.round(random.getAsDouble() * cap);
  }

  /**
   * What the server asked for: Retry-After (or OpenAI's retry-after-ms) on any retryable status; on a 429
   * also the longest of the rate-limit reset headers, since the response does not say which limit was hit.
   */
  static OptionalLong serverWaitMs(int status, UnaryOperator<String> header, long nowMs) {
    long wait = -1;
    wait = Math.max(wait, retryAfterMs(header.apply("retry-after"), nowMs));
    wait = Math.max(wait, millis(header.apply("retry-after-ms")));
    if (status == 429) {
      for (Limit limit : LIMITS) {
        wait = Math.max(wait, limit.resetMs(header, nowMs));
      }
    }
    return wait < 0 ? OptionalLong.empty() : OptionalLong.of(wait);
  }

  /**
   * How long every call of the provider should hold back after this reply, or empty: on a 429 what the server
   * asked for ({@link #serverWaitMs}); on any other reply the longest reset of the limits it says are used up
   * (remaining 0), since the next call would be refused anyway.
   */
  static OptionalLong pauseMs(int status, UnaryOperator<String> header, long nowMs) {
    if (status == 429) {
      return serverWaitMs(status, header, nowMs);
    }
    long wait = -1;
    for (Limit limit : LIMITS) {
      if (limit.exhausted(header)) {
        wait = Math.max(wait, limit.resetMs(header, nowMs));
      }
    }
    return wait < 0 ? OptionalLong.empty() : OptionalLong.of(wait);
  }

  /** Retry-After: delay-seconds or an HTTP-date; -1 when absent or unreadable. */
  static long retryAfterMs(String value, long nowMs) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.strip();
    try {
      return Math.max(0, Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        return Math.max(0, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
            - nowMs);
      } catch (DateTimeParseException unreadable) {
        return -1;
      }
    }
  }

  /** OpenAI's reset durations: "1s", "6m0s", "20ms", "1h2m3.5s"; -1 when absent or unreadable. */
  static long durationMs(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    Matcher m = DURATION_PART.matcher(value.strip());
    double ms = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      ms += switch (m.group(2)) {
        case "h" -> n * 3_600_000;
        case "m" -> n * 60_000;
        case "s" -> n * 1000;
        default -> n;
      };
      end = m.end();
    }
    return end == value.strip().length() && end > 0 ? Math.round(ms) : -1;
  }

  /** Anthropic's reset instants (RFC 3339) as a wait from now; -1 when absent or unreadable. */
  static long untilMs(String value, long nowMs) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      Instant at = OffsetDateTime.parse(value.strip()).toInstant();
      return Math.max(0, at.toEpochMilli() - nowMs);
    } catch (DateTimeParseException unreadable) {
      return -1;
    }
  }

  private static long millis(String value) {
    try {
      return value == null ? -1 : Math.max(0, Math.round(Double.parseDouble(value.strip())));
    } catch (NumberFormatException unreadable) {
      return -1;
    }
  }
}
