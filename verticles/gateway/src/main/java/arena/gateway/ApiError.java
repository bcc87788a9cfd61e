package arena.gateway;

/** A request that ends with an HTTP error status and a message the player can read. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final long retryAfterSeconds;

  public ApiError(int status, String message) {
    this(status, message, 0);
  }

  private ApiError(int status, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** Seconds to wait before trying again, sent as Retry-After; 0 when the error says nothing about it. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, message);
  }

  /** 503 for a while: this gateway cannot answer yet, try again in {@code seconds}. */
  public static ApiError unavailable(String message, long seconds) {
    return new ApiError(503, message, seconds);
  }
}
