package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole matches whose robots speak to an LLM over HTTP: the project's fake LLM runs as a role in the same node,
 * and the robots reach it through the OpenAI or the Anthropic provider, exactly as they would reach the real APIs.
 */
class LlmMatchTest {
  private static final String KEY = "sk-test-SECRET-in-the-environment";

  @Test
  void robotsOnTheOpenAiProviderPlayAWholeMatch() throws Exception {
    playWithRobotsOn("openai", "/v1/chat/completions",
        port -> Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1"));
  }

  @Test
  void robotsOnTheAnthropicProviderPlayAWholeMatch() throws Exception {
    playWithRobotsOn("anthropic", "/v1/messages",
        port -> Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port));
  }

  private static void playWithRobotsOn(String provider, String path,
      java.util.function.IntFunction<Map<String, String>> env) throws Exception {
    int fakePort = FreePorts.next();
    // Given the fake LLM in the node and robots configured for the provider, its key only in the environment
    try (TestArena arena = TestArena.start(c -> {
      c.put("roles", TestArena.roles("fake-llm", "match", "orchestrator", "robot", "gateway"));
      c.getJsonObject("fakeLlm").put("port", fakePort)
          .put("latency", new JsonObject().put("medianMs", 20).put("p99Ms", 80));
      c.getJsonObject("robot").put("provider", provider);
    }, env.apply(fakePort))) {
      // When Ann plays two rounds against two robots
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 2));
      Play ann = new Play(arena.api, matchId, "Ann");
      for (int round = 1; round <= 2; round++) {
        ann.playRound(round, "Soup, round " + round + ", always soup.");
      }
      JsonObject end = ann.awaitCompleted();
      assertThat(end.getJsonArray("results")).hasSize(2);

      // Then every robot answer and vote came from the model, none from the scripted stand-in
      JsonArray events = arena.api.events(matchId).array();
      List<JsonObject> complete = events.stream().map(o -> (JsonObject) o)
          .filter(e -> "robot.response_complete".equals(e.getString("eventType")))
          .map(e -> e.getJsonObject("payload")).toList();
      assertThat(complete).hasSize(2 * 2 * 2);
      assertThat(complete).allSatisfy(p -> {
        assertThat(p.getString("provider")).isEqualTo(provider);
        assertThat(p.getBoolean("fallback")).as(p.encode()).isFalse();
        assertThat(p.getInteger("inputTokens")).isPositive();
        assertThat(p.getInteger("outputTokens")).isPositive();
        assertThat(p.getDouble("costUsd")).isPositive();
      });

      // And the match's own total, in match.completed, counts every one of those calls (the last vote included)
      JsonObject usage = events.stream().map(o -> (JsonObject) o)
          .filter(e -> "match.completed".equals(e.getString("eventType"))).findFirst().orElseThrow()
          .getJsonObject("payload").getJsonObject("llmUsage");
      assertThat(usage.getInteger("calls")).isEqualTo(complete.size());
      assertThat(usage.getLong("inputTokens"))
          .isEqualTo(complete.stream().mapToLong(p -> p.getLong("inputTokens")).sum());
      assertThat(usage.getDouble("costUsd"))
          .isCloseTo(complete.stream().mapToDouble(p -> p.getDouble("costUsd")).sum(), within(1e-9));

      // And the fake saw those calls on the provider's own endpoint, with the key, which no event carries
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      JsonArray seen = new JsonArray(http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + fakePort + "/fake/requests")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(seen.stream().map(o -> ((JsonObject) o).getString("path")).distinct().toList())
          .containsExactly(path);
      assertThat(seen.size()).isGreaterThanOrEqualTo(complete.size());
      assertThat(events.encode()).doesNotContain(KEY).doesNotContain("SECRET");
    }
  }
}
