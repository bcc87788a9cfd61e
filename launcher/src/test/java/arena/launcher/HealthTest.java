package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics: the detailed checks and Prometheus metrics on the admin listener only; the player port says
 * UP or DOWN and nothing more (robot counters and LLM fallbacks would tell robots from humans).
 */
class HealthTest {

  @Test
  void upWhileKafkaAnswersAndEveryRoleRuns_downWhenARoleIsGone() {
    try (TestArena arena = TestArena.start()) {
      // Given a whole game in one JVM
      GameApi.Response up = arena.admin.send("GET", "/health", null, null);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.json().getString("status")).isEqualTo("UP");
      assertThat(up.body()).contains("\"kafka\"", "\"roles\"");
      assertThat(arena.api.send("GET", "/health", null, null).json()).isEqualTo(new JsonObject().put("status", "UP"));

      // When the Match Service is taken out
      arena.undeploy(ArenaNode.Role.MATCH);

      // Then the admin health says which role is down, and the player port only that the game is
      GameApi.Response down = arena.admin.send("GET", "/health", null, null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body()).contains("\"match\":\"DOWN\"");
      GameApi.Response player = arena.api.send("GET", "/health", null, null);
      assertThat(player.status()).isEqualTo(503);
      assertThat(player.json()).isEqualTo(new JsonObject().put("status", "DOWN"));
    }
  }

  @Test
  void metricsAndDetailedHealthAreOnTheAdminListenerOnly() {
    try (TestArena arena = TestArena.start()) {
      // Given a game whose robots have answered in a match
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.await(v -> "RESPONDING".equals(v.getString("phase")));

      // When a player asks the player port for metrics and health
      GameApi.Response metrics = arena.api.send("GET", "/metrics", null, null);
      GameApi.Response health = arena.api.send("GET", "/health", null, null);

      // Then there are no metrics, and health is only its status
      assertThat(metrics.status()).isEqualTo(404);
      assertThat(metrics.json().getString("error")).isNotBlank();
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json()).isEqualTo(new JsonObject().put("status", "UP"));

      // And the admin listener serves both, in full
      GameApi.Response adminMetrics = arena.admin.send("GET", "/metrics", null, null);
      assertThat(adminMetrics.status()).isEqualTo(200);
      assertThat(adminMetrics.header("content-type")).startsWith("text/plain; version=0.0.4");
      assertThat(adminMetrics.body()).contains("# TYPE");
      GameApi.Response adminHealth = arena.admin.send("GET", "/health", null, null);
      assertThat(adminHealth.status()).isEqualTo(200);
      assertThat(adminHealth.json().getJsonArray("checks")).isNotEmpty();
    }
  }

  @Test
  void theAdminListenerIsOnLoopbackUnlessOpened() throws Exception {
    // Given the defaults, and what an environment variable makes of them
    JsonObject defaults = ArenaConfig.load(null, Map.of());
    JsonObject opened = ArenaConfig.load(null, Map.of("ARENA_ADMIN_HOST", "0.0.0.0", "ARENA_ADMIN_PORT", "9191"));

    // Then the admin listener is on 127.0.0.1:9090 unless opened
    assertThat(defaults.getJsonObject("admin")).isEqualTo(new JsonObject().put("host", "127.0.0.1")
        .put("port", 9090));
    assertThat(opened.getJsonObject("admin")).isEqualTo(new JsonObject().put("host", "0.0.0.0").put("port", 9191));

    // And a game on the default host answers on loopback but not on this machine's other addresses
    try (TestArena arena = TestArena.start()) {
      int port = arena.config.getJsonObject("admin").getInteger("port");
      assertThat(arena.config.getJsonObject("admin").getString("host")).isEqualTo("127.0.0.1");
      assertThat(arena.admin.send("GET", "/health", null, null).status()).isEqualTo(200);
      for (InetAddress address : otherAddresses()) {
        try (Socket socket = new Socket()) {
          assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 2000))
              .as("admin port on " + address).isInstanceOf(IOException.class);
        }
      }
    }
  }

  /** This machine's addresses other than loopback (there may be none). */
  private static List<InetAddress> otherAddresses() throws SocketException {
    return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
        .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
  }

  @Test
  void downWhileKafkaIsGone_upWhenItIsBack() throws Exception {
    // Given a game on a broker of its own
    var dir = Files.createTempDirectory("arena-health");
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort);
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("kafka").put("bootstrapServers",
        broker.bootstrapServers()))) {
      assertThat(arena.admin.send("GET", "/health", null, null).status()).isEqualTo(200);

      // When the broker stops
      broker.close();

      // Then health reports Kafka down
      Instant end = Instant.now().plus(Duration.ofSeconds(20));
      GameApi.Response health;
      do {
        health = arena.admin.send("GET", "/health", null, null);
      } while (health.status() != 503 && Instant.now().isBefore(end));
      assertThat(health.status()).isEqualTo(503);
      JsonObject kafka = health.json().getJsonArray("checks").stream().map(o -> (JsonObject) o)
          .filter(c -> "kafka".equals(c.getString("id"))).findFirst().orElseThrow();
      assertThat(kafka.getString("status")).isEqualTo("DOWN");

      // And when the broker is back, so is the game
      try (EmbeddedKafka again = EmbeddedKafka.start(dir, port, controllerPort)) {
        end = Instant.now().plus(Duration.ofSeconds(30));
        do {
          health = arena.admin.send("GET", "/health", null, null);
        } while (health.status() != 200 && Instant.now().isBefore(end));
        assertThat(health.status()).isEqualTo(200);
        arena.stopNode();
      }
    }
  }
}
