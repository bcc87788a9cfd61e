package arena.robot;

import java.util.function.UnaryOperator;

/**
 * A failed LLM exchange. {@code reason} tags the fallback metric; the message never holds the key nor the
 * provider's body (which may echo what it was sent), and there is no stack trace to pay for.
 */
final class LlmException extends RuntimeException {
  private static final UnaryOperator<String> NO_HEADERS = name -> null;

  final String reason;
  /** The HTTP status, 0 when there was no response. */
  final int status;
  /** The response's headers by name, for Retry-After and the rate-limit headers. */
  final transient UnaryOperator<String> headers;

  LlmException(String reason, String message) {
    this(reason, message, 200, NO_HEADERS);
  }

  private LlmException(String reason, String message, int status, UnaryOperator<String> headers) {
    super(message, null, false, false);
    this.reason = reason;
    this.status = status;
    this.headers = headers;
  }

  static LlmException http(int status, UnaryOperator<String> headers) {
    return new LlmException("http_" + status, "HTTP " + status, status, headers);
  }
}
