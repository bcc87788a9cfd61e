package arena.fakellm;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Anthropic Messages: {@code POST /v1/messages}, errors as {"type":"error","error":{"type","message"}}. */
final class AnthropicApi implements Api {

  @Override
  public Failure check(MultiMap headers, JsonObject body) {
    String key = headers.get("x-api-key");
    if (key == null || key.isBlank()) {
      return error(401, "authentication_error", "x-api-key header is required");
    }
    String version = headers.get("anthropic-version");
    if (version == null || version.isBlank()) {
      return error(400, "invalid_request_error", "anthropic-version: header is required");
    }
    if (body == null) {
      return error(400, "invalid_request_error", "There was an error parsing the body of your request: not JSON");
    }
    if (!(body.getValue("model") instanceof String)) {
      return error(400, "invalid_request_error", "model: Field required");
    }
    if (!(body.getValue("max_tokens") instanceof Number n) || n.intValue() < 1) {
      return error(400, "invalid_request_error", "max_tokens: Field required (an integer >= 1)");
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return error(400, "invalid_request_error", "messages: at least one message is required");
    }
    return null;
  }

  @Override
  public Failure failure(Behaviour behaviour, FakeLlmSettings settings) {
    return switch (behaviour) {
      case RATE_LIMITED -> {
        Instant now = Instant.now();
        yield rateLimited(Quota.spentUntil(now.plusSeconds(settings.retryAfterSeconds())), now);
      }
      case UNAVAILABLE -> error(529, "overloaded_error", "Overloaded");
      default -> error(500, "api_error", "Internal server error");
    };
  }

  @Override
  public Failure rateLimited(Quota quota, Instant now) {
    Map<String, String> headers = new TreeMap<>(quotaHeaders(quota, now));
    headers.put("retry-after", quota.retryAfterSeconds(now));
    return new Failure(429, headers,
        body("rate_limit_error", "Number of requests has exceeded your per-minute rate limit"));
  }

  /** The reset is an RFC 3339 instant, to the millisecond so that a client waiting for it finds the budget refilled. */
  @Override
  public Map<String, String> quotaHeaders(Quota quota, Instant now) {
    Map<String, String> headers = new TreeMap<>();
    if (quota.limit() > 0) {
      headers.put("anthropic-ratelimit-requests-limit", String.valueOf(quota.limit()));
    }
    headers.put("anthropic-ratelimit-requests-remaining", String.valueOf(quota.remaining()));
    headers.put("anthropic-ratelimit-requests-reset", quota.resetAt().toString());
    return headers;
  }

  private static Failure error(int status, String type, String message) {
    return new Failure(status, Map.of(), body(type, message));
  }

  private static JsonObject body(String type, String message) {
    return new JsonObject().put("type", "error").put("error", new JsonObject().put("type", type)
        .put("message", message));
  }

  @Override
  public JsonObject reply(Answer a) {
    return message(a, new JsonArray().add(text(a.text())), "end_turn")
        .put("usage", usage(a.conversation().promptTokens(), a.outputTokens()));
  }

  @Override
  public List<String> events(Answer a) {
    List<String> events = new ArrayList<>();
    events.add(event("message_start", new JsonObject().put("message",
        message(a, new JsonArray(), null).put("usage", usage(a.conversation().promptTokens(), 1)))));
    events.add(event("content_block_start", new JsonObject().put("index", 0).put("content_block", text(""))));
    for (String piece : a.pieces()) {
      events.add(event("content_block_delta", new JsonObject().put("index", 0)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", piece))));
    }
    events.add(event("content_block_stop", new JsonObject().put("index", 0)));
    events.add(event("message_delta", new JsonObject()
        .put("delta", new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"))
        .put("usage", new JsonObject().put("output_tokens", a.outputTokens()))));
    events.add(event("message_stop", new JsonObject()));
    return events;
  }

  private static JsonObject message(Answer a, JsonArray content, String stopReason) {
    return new JsonObject().put("id", "msg_" + a.id()).put("type", "message").put("role", "assistant")
        .put("model", a.model()).put("content", content).put("stop_reason", stopReason).putNull("stop_sequence");
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }

  private static JsonObject usage(int input, int output) {
    return new JsonObject().put("input_tokens", input).put("output_tokens", output);
  }

  private static String event(String type, JsonObject data) {
    JsonObject typed = new JsonObject().put("type", type).mergeIn(data);
    return "event: " + type + "\ndata: " + typed.encode() + "\n\n";
  }
}
