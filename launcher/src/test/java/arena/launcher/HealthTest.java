package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void upWhileKafkaAnswersAndEveryRoleRuns_downWhenARoleIsGone() {
    try (TestArena arena = TestArena.start()) {
      // Given a whole game in one JVM
      GameApi.Response up = arena.api.send("GET", "/health", null, null);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.json().getString("status")).isEqualTo("UP");
      assertThat(up.body()).contains("\"kafka\"", "\"roles\"");

      // When the Match Service is taken out
      arena.undeploy(ArenaNode.Role.MATCH);

      // Then health says so
      GameApi.Response down = arena.api.send("GET", "/health", null, null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body()).contains("\"match\":\"DOWN\"");
    }
  }

  @Test
  void downWhileKafkaIsGone_upWhenItIsBack() throws Exception {
    // Given a game on a broker of its own
    var dir = Files.createTempDirectory("arena-health");
    int port = TestArena.freePort();
    int controllerPort = TestArena.freePort();
    EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort);
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("kafka").put("bootstrapServers",
        broker.bootstrapServers()))) {
      assertThat(arena.api.send("GET", "/health", null, null).status()).isEqualTo(200);

      // When the broker stops
      broker.close();

      // Then health reports Kafka down
      Instant end = Instant.now().plus(Duration.ofSeconds(20));
      GameApi.Response health;
      do {
        health = arena.api.send("GET", "/health", null, null);
      } while (health.status() != 503 && Instant.now().isBefore(end));
      assertThat(health.status()).isEqualTo(503);
      JsonObject kafka = health.json().getJsonArray("checks").stream().map(o -> (JsonObject) o)
          .filter(c -> "kafka".equals(c.getString("id"))).findFirst().orElseThrow();
      assertThat(kafka.getString("status")).isEqualTo("DOWN");

      // And when the broker is back, so is the game
      try (EmbeddedKafka again = EmbeddedKafka.start(dir, port, controllerPort)) {
        end = Instant.now().plus(Duration.ofSeconds(30));
        do {
          health = arena.api.send("GET", "/health", null, null);
        } while (health.status() != 200 && Instant.now().isBefore(end));
        assertThat(health.status()).isEqualTo(200);
        arena.stopNode();
      }
    }
  }
}
