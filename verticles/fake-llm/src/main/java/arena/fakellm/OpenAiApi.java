package arena.fakellm;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OpenAI Chat Completions: {@code POST /v1/chat/completions}, errors as {"error":{"message","type","code"}}. */
final class OpenAiApi implements Api {

  @Override
  public Failure check(MultiMap headers, JsonObject body) {
    String auth = headers.get("authorization");
    if (auth == null || !auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
      return error(401, "invalid_request_error", "invalid_api_key",
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
              + "auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    if (body == null) {
      return error(400, "invalid_request_error", null, "We could not parse the JSON body of your request.");
    }
    if (!(body.getValue("model") instanceof String)) {
      return error(400, "invalid_request_error", "missing_required_parameter", "you must provide a model parameter");
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return error(400, "invalid_request_error", "missing_required_parameter",
          "'messages' must be a non-empty array of messages");
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
      case UNAVAILABLE -> error(503, "server_error", null, "The engine is currently overloaded, please try again later.");
      default -> error(500, "server_error", null, "The server had an error while processing your request. Sorry about that!");
    };
  }

  @Override
  public Failure rateLimited(Quota quota, Instant now) {
    Map<String, String> headers = new TreeMap<>(quotaHeaders(quota, now));
    headers.put("retry-after", quota.retryAfterSeconds(now));
    return new Failure(429, headers, body("Rate limit reached for requests. Please try again in "
        + duration(quota.resetInMs(now)) + ".", "requests", "rate_limit_exceeded"));
  }

  @Override
  public Map<String, String> quotaHeaders(Quota quota, Instant now) {
    Map<String, String> headers = new TreeMap<>();
    if (quota.limit() > 0) {
      headers.put("x-ratelimit-limit-requests", String.valueOf(quota.limit()));
    }
    headers.put("x-ratelimit-remaining-requests", String.valueOf(quota.remaining()));
    headers.put("x-ratelimit-reset-requests", duration(quota.resetInMs(now)));
    return headers;
  }

  /** OpenAI's way of writing a wait: "20ms", "1s", "1.5s". */
  static String duration(long ms) {
    return ms < 1000 ? ms + "ms" : BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
  }

  private static Failure error(int status, String type, String code, String message) {
    return new Failure(status, Map.of(), body(message, type, code));
  }

  private static JsonObject body(String message, String type, String code) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").put("code", code));
  }

  @Override
  public JsonObject reply(Answer a) {
    int prompt = a.conversation().promptTokens();
    return head(a, "chat.completion")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", a.text()))
            .put("finish_reason", "stop")))
        .put("usage", usage(prompt, a.outputTokens()));
  }

  @Override
  public List<String> events(Answer a) {
    JsonObject options = a.request().getValue("stream_options") instanceof JsonObject o ? o : new JsonObject();
    boolean withUsage = Boolean.TRUE.equals(options.getValue("include_usage"));
    List<JsonObject> chunks = new ArrayList<>();
    chunks.add(chunk(a, new JsonObject().put("role", "assistant").put("content", ""), null));
    for (String piece : a.pieces()) {
      chunks.add(chunk(a, new JsonObject().put("content", piece), null));
    }
    chunks.add(chunk(a, new JsonObject(), "stop"));
    List<String> events = new ArrayList<>();
    for (JsonObject c : chunks) {
      // With include_usage every chunk carries "usage": null, and the last one the counts (and no choices).
      events.add(data(withUsage ? c.putNull("usage") : c));
    }
    if (withUsage) {
      events.add(data(head(a, "chat.completion.chunk").put("choices", new JsonArray())
          .put("usage", usage(a.conversation().promptTokens(), a.outputTokens()))));
    }
    events.add("data: [DONE]\n\n");
    return events;
  }

  private static JsonObject chunk(Answer a, JsonObject delta, String finishReason) {
    return head(a, "chat.completion.chunk").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", delta).put("finish_reason", finishReason)));
  }

  private static JsonObject head(Answer a, String object) {
    return new JsonObject().put("id", "chatcmpl-" + a.id()).put("object", object).put("created", a.createdSeconds())
        .put("model", a.model());
  }

  private static JsonObject usage(int prompt, int completion) {
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  private static String data(JsonObject json) {
    return "data: " + json.encode() + "\n\n";
  }
}
