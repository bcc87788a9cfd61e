package arena.fakellm;

/** How the fake answers one request: {@link FakeLlm#script} queues them, else the settings' rates pick one. */
public enum Behaviour {
  /** A normal reply after the latency. */
  OK,
  /** HTTP 500. */
  SERVER_ERROR,
  /** HTTP 503 (OpenAI) or 529 overloaded (Anthropic). */
  UNAVAILABLE,
  /** HTTP 429 with Retry-After and the provider's rate-limit headers. */
  RATE_LIMITED,
  /** HTTP 200 whose body is cut off, so it is not JSON. */
  MALFORMED,
  /** HTTP 200 with an empty content string. */
  EMPTY,
  /** Never answers: the request stays open until the client gives up or the server stops. */
  HANG
}
