package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake LLM as a launcher role: it runs alone, with no Kafka, for offline games and load tests. */
class FakeLlmRoleTest {

  @Test
  void theFakeLlmRoleRunsAloneWithoutKafka() throws Exception {
    // Given a configuration with only the fake-llm role and no broker anywhere
    JsonObject json = ArenaConfig.load(null, Map.of());
    int port = FreePorts.next();
    json.put("roles", new JsonArray().add(ArenaNode.Role.parse("fake-llm").configName()));
    json.getJsonObject("fakeLlm").put("port", port).put("latency", new JsonObject().put("medianMs", 0)
        .put("p99Ms", 0));
    json.getJsonObject("kafka").put("bootstrapServers", "");
    json.getJsonObject("admin").put("port", 0);

    // When the node starts
    ArenaNode node = ArenaNode.start(json, Map.of()).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    try {
      // Then it speaks the OpenAI API on its port
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> reply = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer any-key").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", "m").put("messages",
              new JsonArray().add(new JsonObject().put("role", "user").put("content", "Favourite soup?"))).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(reply.body()).getJsonArray("choices")).hasSize(1);
    } finally {
      node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void roleNamesAreTheOnesOnTheCommandLine() {
    assertThat(ArenaNode.Role.parse(" Fake-LLM ")).isEqualTo(ArenaNode.Role.FAKE_LLM);
    assertThat(ArenaNode.Role.FAKE_LLM.configName()).isEqualTo("fake-llm");
    assertThatThrownBy(() -> ArenaNode.Role.parse("llm"))
        .hasMessageContaining("unknown role 'llm'").hasMessageContaining("fake-llm, orchestrator");
  }
}
