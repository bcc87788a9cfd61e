package arena.fakellm;

/**
 * A request budget like a real API's: {@code requestsPerWindow} requests in each fixed window of {@code windowMs}
 * (0 requests: no limit). Under a limit every successful reply says what is left and when it refills, and a
 * request arriving with the window's budget spent is refused with 429.
 */
public record RateLimit(int requestsPerWindow, long windowMs) {
  public RateLimit {
    if (requestsPerWindow < 0) {
      throw new IllegalArgumentException(
          "rateLimit.requestsPerWindow must be >= 0 (0: unlimited), was " + requestsPerWindow);
    }
    if (windowMs < 1) {
      throw new IllegalArgumentException("rateLimit.windowMs must be >= 1, was " + windowMs);
    }
  }

  public static RateLimit unlimited() {
    return new RateLimit(0, 60_000);
  }

  public boolean limited() {
    return requestsPerWindow > 0;
  }
}
