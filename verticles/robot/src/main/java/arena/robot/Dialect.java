package arena.robot;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What differs between the LLM APIs a robot can talk to: the path, the credentials, the request body and
 * how the reply (plain JSON or server-sent events) carries the text and the token usage.
 */
public enum Dialect {
  /** OpenAI Chat Completions, and every server that speaks it (vLLM, Ollama, llama.cpp server). */
  OPENAI("openai", "OPENAI") {
    @Override
    String path() {
      return "/chat/completions";
    }

    @Override
    void authorize(BiConsumer<String, String> header, String apiKey) {
      header.accept("Authorization", "Bearer " + apiKey);
    }

    @Override
    JsonObject body(LlmSettings s, Prompts.Conversation c, double temperature) {
      JsonArray messages = new JsonArray().add(message("system", c.system()));
      c.turns().forEach(t -> messages.add(message(t.role(), t.text())));
      JsonObject body = new JsonObject().put("model", s.model()).put("messages", messages)
          .put("max_tokens", s.maxTokens()).put("temperature", temperature);
      if (s.stream()) {
        // Without include_usage a stream reports no tokens, and the cost would read zero.
        body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
      }
      return body;
    }

    @Override
    Completion parse(JsonObject json) {
      if (!(json.getValue("choices") instanceof JsonArray choices) || choices.isEmpty()
          || !(choices.getValue(0) instanceof JsonObject first)
          || !(first.getValue("message") instanceof JsonObject message)
          || !(message.getValue("content") instanceof String content)) {
        throw new LlmException("malformed", "no choices[0].message.content");
      }
      JsonObject usage = json.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
      return new Completion(content, usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0));
    }

    @Override
    Completion parseStream(List<JsonObject> events) {
      StringBuilder text = new StringBuilder();
      int in = 0;
      int out = 0;
      for (JsonObject chunk : events) {
        if (chunk.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
            && choices.getValue(0) instanceof JsonObject first && first.getValue("delta") instanceof JsonObject delta
            && delta.getValue("content") instanceof String part) {
          text.append(part);
        }
        if (chunk.getValue("usage") instanceof JsonObject usage) {
          in = usage.getInteger("prompt_tokens", in);
          out = usage.getInteger("completion_tokens", out);
        }
      }
      return new Completion(text.toString(), in, out);
    }
  },

  /** Anthropic Messages. */
  ANTHROPIC("anthropic", "ANTHROPIC") {
    @Override
    String path() {
      return "/v1/messages";
    }

    @Override
    void authorize(BiConsumer<String, String> header, String apiKey) {
      header.accept("x-api-key", apiKey);
      header.accept("anthropic-version", "2023-06-01");
    }

    @Override
    JsonObject body(LlmSettings s, Prompts.Conversation c, double temperature) {
      JsonArray messages = new JsonArray();
      c.turns().forEach(t -> messages.add(message(t.role(), t.text())));
      JsonObject body = new JsonObject().put("model", s.model()).put("max_tokens", s.maxTokens())
          .put("system", c.system()).put("messages", messages).put("temperature", temperature);
      if (s.stream()) {
        body.put("stream", true);
      }
      return body;
    }

    @Override
    Completion parse(JsonObject json) {
      if (!(json.getValue("content") instanceof JsonArray blocks)) {
        throw new LlmException("malformed", "no content blocks");
      }
      StringBuilder text = new StringBuilder();
      for (Object block : blocks) {
        if (block instanceof JsonObject b && "text".equals(b.getValue("type"))
            && b.getValue("text") instanceof String t) {
          text.append(t);
        }
      }
      JsonObject usage = json.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
      return new Completion(text.toString(), usage.getInteger("input_tokens", 0), usage.getInteger("output_tokens", 0));
    }

    @Override
    Completion parseStream(List<JsonObject> events) {
      StringBuilder text = new StringBuilder();
      int in = 0;
      int out = 0;
      for (JsonObject event : events) {
        Object type = event.getValue("type");
        if ("error".equals(type)) {
          throw new LlmException("stream_error", "the stream reported an error");
        }
        if ("message_start".equals(type) && event.getValue("message") instanceof JsonObject m
            && m.getValue("usage") instanceof JsonObject usage) {
          in = usage.getInteger("input_tokens", in);
          out = usage.getInteger("output_tokens", out);
        } else if ("content_block_delta".equals(type) && event.getValue("delta") instanceof JsonObject delta
            && delta.getValue("text") instanceof String part) {
          text.append(part);
        } else if ("message_delta".equals(type) && event.getValue("usage") instanceof JsonObject usage) {
          // message_delta's output_tokens are cumulative
          out = usage.getInteger("output_tokens", out);
        }
      }
      return new Completion(text.toString(), in, out);
    }
  };

  /** The reply's text and the tokens it cost. */
  record Completion(String text, int inputTokens, int outputTokens) {}

  private final String providerName;
  private final String envPrefix;

  Dialect(String providerName, String envPrefix) {
    this.providerName = providerName;
    this.envPrefix = envPrefix;
  }

  /** The provider's name in configuration, metrics and events. */
  public String providerName() {
    return providerName;
  }

  /** An environment variable of this provider, e.g. OPENAI_API_KEY. */
  String env(String suffix) {
    return envPrefix + "_" + suffix;
  }

  /** Appended to the base URL. */
  abstract String path();

  /** Puts the key's headers. */
  abstract void authorize(BiConsumer<String, String> header, String apiKey);

  abstract JsonObject body(LlmSettings settings, Prompts.Conversation conversation, double temperature);

  /** A whole JSON reply; throws {@link LlmException} when it carries no text. */
  abstract Completion parse(JsonObject json);

  /** The data of a stream's events, in order. */
  abstract Completion parseStream(List<JsonObject> events);

  /** Reads a 200 reply: server-sent events when the request asked for a stream, else one JSON object. */
  Completion read(String body, boolean streamed) {
    if (body == null || body.isBlank()) {
      throw new LlmException("malformed", "empty body");
    }
    try {
      if (!streamed) {
        return parse(new JsonObject(body));
      }
      List<JsonObject> events = new ArrayList<>();
      for (String data : sseData(body)) {
        if (!data.equals("[DONE]")) {
          events.add(new JsonObject(data));
        }
      }
      if (events.isEmpty()) {
        throw new LlmException("malformed", "a stream without events");
      }
      return parseStream(events);
    } catch (DecodeException | ClassCastException e) {
      throw new LlmException("malformed", "the body is not the expected JSON");
    }
  }

  /** The data of each server-sent event (multi-line data joined by newlines); comments and event names skipped. */
  static List<String> sseData(String body) {
    List<String> out = new ArrayList<>();
    StringBuilder data = null;
    for (String line : body.split("\r\n|\r|\n", -1)) {
      if (line.isEmpty()) {
        if (data != null) {
          out.add(data.toString());
          data = null;
        }
      } else if (line.startsWith("data:")) {
        String value = line.substring(5);
        value = value.startsWith(" ") ? value.substring(1) : value;
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    if (data != null) {
      out.add(data.toString());
    }
    return out;
  }

  private static JsonObject message(String role, String content) {
    return new JsonObject().put("role", role).put("content", content);
  }
}
