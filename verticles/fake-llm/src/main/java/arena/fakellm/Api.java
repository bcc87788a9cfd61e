package arena.fakellm;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The wire shapes of one provider's API; {@link FakeLlm} does the timing and the bookkeeping. */
interface Api {
  /** A refusal (401/400) of a request this API would not take, or null. {@code body} is null when not JSON. */
  Failure check(MultiMap headers, JsonObject body);

  /** SERVER_ERROR, UNAVAILABLE or RATE_LIMITED as this API sends them. */
  Failure failure(Behaviour behaviour, FakeLlmSettings settings);

  /** The 429 of a spent budget, with Retry-After and the rate-limit headers. */
  Failure rateLimited(Quota quota, Instant now);

  /** The rate-limit headers of a reply: what is left of the budget and when it refills. */
  Map<String, String> quotaHeaders(Quota quota, Instant now);

  /** The whole reply, when the request did not ask to stream. */
  JsonObject reply(Answer answer);

  /** The server-sent events of a streamed reply, each ending with its blank line. */
  List<String> events(Answer answer);

  record Failure(int status, Map<String, String> headers, JsonObject body) {}

  /**
   * What is left of a request budget: {@code remaining} of {@code limit} requests until {@code resetAt}.
   * {@code limit} is 0 when no budget is configured (a 429 from the rates or the script): its header is left out.
   */
  record Quota(int limit, int remaining, Instant resetAt) {
    /** A budget spent until {@code resetAt}, of a size nobody configured. */
    static Quota spentUntil(Instant resetAt) {
      return new Quota(0, 0, resetAt);
    }

    long resetInMs(Instant now) {
      return Math.max(0, Duration.between(now, resetAt).toMillis());
    }

    /** Whole seconds, rounded up: a client waiting that long finds the budget refilled. */
    String retryAfterSeconds(Instant now) {
      return String.valueOf((resetInMs(now) + 999) / 1000);
    }
  }

  /** One reply to make: {@code id} is unique, {@code text} what the model says. */
  record Answer(String id, JsonObject request, Conversation conversation, String text, long createdSeconds) {
    private static final int PIECES = 4;

    String model() {
      return request.getString("model");
    }

    int outputTokens() {
      return Conversation.tokens(text);
    }

    /** The text cut at spaces into a few pieces, the way a model streams it; joined, they are the text. */
    List<String> pieces() {
      String[] words = text.split("(?<= )");
      int perPiece = Math.max(1, (words.length + PIECES - 1) / PIECES);
      List<String> pieces = new ArrayList<>();
      for (int i = 0; i < words.length && !text.isEmpty(); i += perPiece) {
        pieces.add(String.join("", List.of(words).subList(i, Math.min(words.length, i + perPiece))));
      }
      return pieces;
    }
  }
}
