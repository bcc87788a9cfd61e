package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class DialectTest {
  private static final Prompts.Conversation CONVERSATION = new Prompts.Conversation("be Sam",
      List.of(new Prompts.Turn("user", "Best smell?"), new Prompts.Turn("assistant", "fresh bread"),
          new Prompts.Turn("user", "Sandwich?")));

  private static LlmSettings settings(Dialect dialect, boolean stream) {
    return new LlmSettings(dialect, "http://x", "m-1", "k", 1000, 99, stream, 2,
        new LlmSettings.Retries(1, 10, 100), new LlmSettings.Breaker(3, 1000));
  }

  @Test
  void openai_gets_a_system_message_then_the_turns() {
    // When
    JsonObject body = Dialect.OPENAI.body(settings(Dialect.OPENAI, false), CONVERSATION, 0.5);

    // Then
    assertThat(Dialect.OPENAI.path()).isEqualTo("/chat/completions");
    assertThat(body.getString("model")).isEqualTo("m-1");
    assertThat(body.getInteger("max_tokens")).isEqualTo(99);
    assertThat(body.getDouble("temperature")).isEqualTo(0.5);
    assertThat(body.containsKey("stream")).isFalse();
    assertThat(body.getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "be Sam"))
        .add(new JsonObject().put("role", "user").put("content", "Best smell?"))
        .add(new JsonObject().put("role", "assistant").put("content", "fresh bread"))
        .add(new JsonObject().put("role", "user").put("content", "Sandwich?")));
    // and streaming asks for the usage too
    JsonObject streamed = Dialect.OPENAI.body(settings(Dialect.OPENAI, true), CONVERSATION, 0.5);
    assertThat(streamed.getBoolean("stream")).isTrue();
    assertThat(streamed.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test
  void anthropic_gets_the_system_apart_from_the_turns() {
    // When
    JsonObject body = Dialect.ANTHROPIC.body(settings(Dialect.ANTHROPIC, true), CONVERSATION, 0.5);

    // Then
    assertThat(Dialect.ANTHROPIC.path()).isEqualTo("/v1/messages");
    assertThat(body.getString("system")).isEqualTo("be Sam");
    assertThat(body.getInteger("max_tokens")).isEqualTo(99);
    assertThat(body.getBoolean("stream")).isTrue();
    assertThat(body.getJsonArray("messages")).hasSize(3);
    assertThat(body.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("user");
  }

  @Test
  void whole_replies_give_text_and_usage() {
    // Given
    String openai = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"toast\"}}],"
        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":7,\"total_tokens\":57}}";
    String anthropic = "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"toast\"}],"
        + "\"usage\":{\"input_tokens\":40,\"output_tokens\":5}}";

    // When / Then
    assertThat(Dialect.OPENAI.read(openai, false)).isEqualTo(new Dialect.Completion("toast", 50, 7));
    assertThat(Dialect.ANTHROPIC.read(anthropic, false)).isEqualTo(new Dialect.Completion("toast", 40, 5));
  }

  @Test
  void streams_give_the_joined_deltas_and_the_usage() {
    // Given
    String openai = """
        data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

        data: {"choices":[{"index":0,"delta":{"content":"to"}}]}

        data: {"choices":[{"index":0,"delta":{"content":"ast"}}]}

        data: {"choices":[],"usage":{"prompt_tokens":50,"completion_tokens":2}}

        data: [DONE]

        """;
    String anthropic = """
        event: message_start
        data: {"type":"message_start","message":{"usage":{"input_tokens":40,"output_tokens":1}}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"to"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ast"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6}}

        event: message_stop
        data: {"type":"message_stop"}
        """;

    // When / Then
    assertThat(Dialect.OPENAI.read(openai, true)).isEqualTo(new Dialect.Completion("toast", 50, 2));
    assertThat(Dialect.ANTHROPIC.read(anthropic, true)).isEqualTo(new Dialect.Completion("toast", 40, 6));
  }

  @Test
  void sse_data_lines_are_joined_per_event_and_comments_skipped() {
    assertThat(Dialect.sseData(": keep-alive\r\ndata: a\r\ndata: b\r\n\r\nevent: x\ndata:c\n"))
        .containsExactly("a\nb", "c");
  }

  @Test
  void malformed_replies_are_refused() {
    for (Dialect d : Dialect.values()) {
      assertThatThrownBy(() -> d.read("{\"choices\":[{\"message\":{\"con", false)).isInstanceOf(LlmException.class);
      assertThatThrownBy(() -> d.read("", false)).isInstanceOf(LlmException.class);
      assertThatThrownBy(() -> d.read("{}", false)).isInstanceOf(LlmException.class);
      assertThatThrownBy(() -> d.read("data: {oops\n\n", true)).isInstanceOf(LlmException.class);
      assertThatThrownBy(() -> d.read("data: [DONE]\n\n", true)).isInstanceOf(LlmException.class);
    }
    assertThatThrownBy(() -> Dialect.ANTHROPIC.read(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n", true))
        .isInstanceOf(LlmException.class);
  }
}
