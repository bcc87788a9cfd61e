package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final LlmSettings.Retries RETRIES = new LlmSettings.Retries(3, 200, 1000);
  private static final long NOW = Instant.parse("2025-01-01T12:00:00Z").toEpochMilli();
  private static final UnaryOperator<String> NONE = name -> null;

  private static UnaryOperator<String> headers(Map<String, String> h) {
    return h::get;
  }

  private static OptionalLong next(int status, UnaryOperator<String> headers, int retry, long remainingMs,
      double random) {
    return Backoff.nextWait(status, headers, retry, RETRIES, NOW, remainingMs, () -> random);
  }

  @Test
  void rate_limits_server_errors_timeouts_and_lost_connections_are_retried_other_client_errors_are_not() {
    assertThat(Backoff.retryable(429)).isTrue();
    assertThat(Backoff.retryable(500)).isTrue();
    assertThat(Backoff.retryable(503)).isTrue();
    assertThat(Backoff.retryable(529)).isTrue();
    assertThat(Backoff.retryable(408)).isTrue();
    assertThat(Backoff.retryable(409)).isTrue();
    assertThat(Backoff.retryable(0)).as("no response").isTrue();
    assertThat(Backoff.retryable(400)).isFalse();
    assertThat(Backoff.retryable(401)).isFalse();
    assertThat(Backoff.retryable(404)).isFalse();
    assertThat(Backoff.retryable(200)).as("a malformed 200").isFalse();
  }

  @Test
  void backoff_is_exponential_with_full_jitter_and_capped() {
    // Given the largest random draw
    // Then the cap doubles from the base until the maximum
    assertThat(Backoff.jitteredMs(0, 200, 1000, () -> 1.0)).isEqualTo(200);
    assertThat(Backoff.jitteredMs(1, 200, 1000, () -> 1.0)).isEqualTo(400);
    assertThat(Backoff.jitteredMs(2, 200, 1000, () -> 1.0)).isEqualTo(800);
    assertThat(Backoff.jitteredMs(3, 200, 1000, () -> 1.0)).isEqualTo(1000);
    assertThat(Backoff.jitteredMs(40, 200, 1000, () -> 1.0)).isEqualTo(1000);
    // and a draw anywhere in between scales it
    assertThat(Backoff.jitteredMs(2, 200, 1000, () -> 0.5)).isEqualTo(400);
    assertThat(Backoff.jitteredMs(2, 200, 1000, () -> 0.0)).isZero();
  }

  @Test
  void retry_after_is_read_as_seconds_or_an_http_date() {
    assertThat(Backoff.retryAfterMs("2", NOW)).isEqualTo(2000);
    assertThat(Backoff.retryAfterMs("0.5", NOW)).isEqualTo(500);
    assertThat(Backoff.retryAfterMs("Wed, 01 Jan 2025 12:00:03 GMT", NOW)).isEqualTo(3000);
    assertThat(Backoff.retryAfterMs("Wed, 01 Jan 2025 11:00:00 GMT", NOW)).as("in the past").isZero();
    assertThat(Backoff.retryAfterMs("soon", NOW)).isEqualTo(-1);
    assertThat(Backoff.retryAfterMs(null, NOW)).isEqualTo(-1);
  }

  @Test
  void openai_reset_durations_are_read() {
    assertThat(Backoff.durationMs("1s")).isEqualTo(1000);
    assertThat(Backoff.durationMs("6m0s")).isEqualTo(360_000);
    assertThat(Backoff.durationMs("20ms")).isEqualTo(20);
    assertThat(Backoff.durationMs("1h2m3.5s")).isEqualTo(3_723_500);
    assertThat(Backoff.durationMs("0.25s")).isEqualTo(250);
    assertThat(Backoff.durationMs("12")).isEqualTo(-1);
    assertThat(Backoff.durationMs("1s garbage")).isEqualTo(-1);
    assertThat(Backoff.durationMs("")).isEqualTo(-1);
  }

  @Test
  void anthropic_reset_instants_are_read_as_a_wait_from_now() {
    assertThat(Backoff.untilMs("2025-01-01T12:00:01.500Z", NOW)).isEqualTo(1500);
    assertThat(Backoff.untilMs("2025-01-01T13:00:02+01:00", NOW)).isEqualTo(2000);
    assertThat(Backoff.untilMs("2024-12-31T00:00:00Z", NOW)).isZero();
    assertThat(Backoff.untilMs("tomorrow", NOW)).isEqualTo(-1);
  }

  @Test
  void a_429_waits_for_the_longest_of_what_the_server_asked() {
    // Given a 429 with Retry-After and the reset headers of both APIs
    UnaryOperator<String> h = headers(Map.of("retry-after", "1", "x-ratelimit-reset-requests", "1.2s",
        "x-ratelimit-reset-tokens", "300ms", "anthropic-ratelimit-tokens-reset", "2025-01-01T12:00:01.700Z"));

    // When / Then
    assertThat(Backoff.serverWaitMs(429, h, NOW)).hasValue(1700);
    assertThat(next(429, h, 0, 10_000, 0.0)).hasValue(1700);
  }

  @Test
  void rate_limit_headers_only_count_on_a_429_but_retry_after_counts_on_any_retryable_status() {
    // Given headers every response carries, and a 503 with Retry-After
    UnaryOperator<String> quota = headers(Map.of("x-ratelimit-reset-tokens", "6m0s"));
    UnaryOperator<String> unavailable = headers(Map.of("retry-after", "2"));

    // Then
    assertThat(Backoff.serverWaitMs(500, quota, NOW)).isEmpty();
    assertThat(next(500, quota, 0, 10_000, 1.0)).as("jittered backoff").hasValue(200);
    assertThat(next(503, unavailable, 0, 10_000, 1.0)).hasValue(2000);
    assertThat(next(503, headers(Map.of("retry-after-ms", "750")), 0, 10_000, 1.0)).hasValue(750);
  }

  @Test
  void without_server_hints_the_wait_is_the_jittered_backoff() {
    assertThat(next(0, NONE, 0, 10_000, 1.0)).hasValue(200);
    assertThat(next(0, NONE, 2, 10_000, 1.0)).hasValue(800);
    assertThat(next(429, NONE, 1, 10_000, 0.5)).hasValue(200);
  }

  @Test
  void no_retry_for_other_client_errors_after_the_last_retry_or_past_the_budget() {
    assertThat(next(400, NONE, 0, 10_000, 1.0)).isEmpty();
    assertThat(next(401, headers(Map.of("retry-after", "1")), 0, 10_000, 1.0)).isEmpty();
    assertThat(next(500, NONE, 3, 10_000, 1.0)).as("3 retries made").isEmpty();
    // Given 1.5 s of budget left, a 2 s Retry-After would outlive it
    assertThat(next(429, headers(Map.of("retry-after", "2")), 0, 1500, 1.0)).isEmpty();
    // and a wait must leave room for the call itself
    assertThat(next(500, NONE, 0, 200 + Backoff.MIN_ATTEMPT_MS - 1, 1.0)).isEmpty();
    assertThat(next(500, NONE, 0, 200 + Backoff.MIN_ATTEMPT_MS, 1.0)).hasValue(200);
  }

  @Test
  void a_reply_that_says_a_budget_is_used_up_pauses_until_that_budget_resets() {
    // Given OpenAI's requests used up, its tokens not
    UnaryOperator<String> openai = headers(Map.of("x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "1.5s", "x-ratelimit-remaining-tokens", "9000",
        "x-ratelimit-reset-tokens", "6m0s"));
    // and Anthropic's output tokens used up
    UnaryOperator<String> anthropic = headers(Map.of("anthropic-ratelimit-requests-remaining", "49",
        "anthropic-ratelimit-requests-reset", "2025-01-01T12:00:30Z",
        "anthropic-ratelimit-output-tokens-remaining", "0",
        "anthropic-ratelimit-output-tokens-reset", "2025-01-01T12:00:02.250Z"));

    // Then on any reply, success or failure, the used-up limit's reset is the pause
    assertThat(Backoff.pauseMs(200, openai, NOW)).hasValue(1500);
    assertThat(Backoff.pauseMs(500, openai, NOW)).hasValue(1500);
    assertThat(Backoff.pauseMs(200, anthropic, NOW)).hasValue(2250);
    // and the longest when several are
    assertThat(Backoff.pauseMs(200, headers(Map.of("x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "20ms", "x-ratelimit-remaining-tokens", "0",
        "x-ratelimit-reset-tokens", "1s")), NOW)).hasValue(1000);
  }

  @Test
  void no_pause_while_a_budget_is_left_or_the_headers_cannot_be_read() {
    assertThat(Backoff.pauseMs(200, NONE, NOW)).isEmpty();
    assertThat(Backoff.pauseMs(200, headers(Map.of("x-ratelimit-remaining-requests", "1",
        "x-ratelimit-reset-requests", "1s")), NOW)).isEmpty();
    assertThat(Backoff.pauseMs(200, headers(Map.of("x-ratelimit-remaining-requests", "0")), NOW))
        .as("no reset said").isEmpty();
    assertThat(Backoff.pauseMs(200, headers(Map.of("x-ratelimit-remaining-requests", "none",
        "x-ratelimit-reset-requests", "1s")), NOW)).isEmpty();
    assertThat(Backoff.pauseMs(200, headers(Map.of("x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "soon")), NOW)).isEmpty();
  }

  @Test
  void a_429_pauses_for_what_the_server_asked_even_without_a_remaining_header() {
    assertThat(Backoff.pauseMs(429, headers(Map.of("retry-after", "2")), NOW)).hasValue(2000);
    assertThat(Backoff.pauseMs(429, headers(Map.of("anthropic-ratelimit-requests-reset",
        "2025-01-01T12:00:01Z")), NOW)).hasValue(1000);
    assertThat(Backoff.pauseMs(503, headers(Map.of("retry-after", "2")), NOW)).as("only a 429 pauses everyone")
        .isEmpty();
  }

  @Test
  void a_pause_starts_once_and_only_grows() {
    // Given
    RatePause pause = new RatePause();
    assertThat(pause.remainingMs(NOW)).isZero();

    // When / Then a pause starts
    assertThat(pause.extend(NOW, NOW + 1000)).isTrue();
    assertThat(pause.remainingMs(NOW + 400)).isEqualTo(600);
    // a longer one extends it without starting another, a shorter one changes nothing
    assertThat(pause.extend(NOW + 100, NOW + 1500)).isFalse();
    assertThat(pause.extend(NOW + 200, NOW + 300)).isFalse();
    assertThat(pause.remainingMs(NOW + 1000)).isEqualTo(500);
    // once over, the next one starts anew; one already over starts nothing
    assertThat(pause.extend(NOW + 2000, NOW + 2000)).isFalse();
    assertThat(pause.extend(NOW + 2000, NOW + 2500)).isTrue();
    assertThat(pause.remainingMs(NOW + 3000)).isZero();
  }
}
