package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** A cluster that takes only SASL logins: the Kafka properties reach every client the game makes. */
class SecuredClusterTest {
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required ";

  @Test
  void aWholeMatchIsPlayedOnAClusterThatNeedsALogin() throws Exception {
    // Given a broker whose only client listener wants a SASL PLAIN login
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    Path dir = Files.createTempDirectory("arena-sasl");
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort, Map.of(
        "listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port,
        "inter.broker.listener.name", "SASL_PLAINTEXT",
        "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "sasl.enabled.mechanisms", "PLAIN",
        "sasl.mechanism.inter.broker.protocol", "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN + "username=\"broker\" password=\"b-pw\" "
            + "user_broker=\"b-pw\" user_arena=\"a-pw\";"))) {
      // And a client without a login is turned away
      try (Admin anonymous = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.bootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"))) {
        assertThatThrownBy(() -> anonymous.describeCluster().nodes().get(10, TimeUnit.SECONDS));
      }

      // When the game runs every role against it with the login in its Kafka properties
      try (TestArena arena = TestArena.start(c -> c.getJsonObject("kafka")
          .put("bootstrapServers", broker.bootstrapServers())
          .put("properties", new JsonObject().put("security.protocol", "SASL_PLAINTEXT").put("sasl.mechanism", "PLAIN")
              .put("sasl.jaas.config", PLAIN + "username=\"arena\" password=\"a-pw\";")))) {
        // Then topic setup (admin), the roles (producers, consumers, state restore) and the health check get in
        assertThat(arena.admin.send("GET", "/health", null, null).status()).isEqualTo(200);
        String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
        Play ann = new Play(arena.api, matchId, "Ann");
        ann.playRound(1, "Tea, always tea.");
        assertThat(ann.awaitCompleted().getString("status")).isEqualTo("COMPLETED");
        // And so does the gateway's event-log reader
        GameApi.Response events = arena.api.events(matchId);
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.array().stream().map(e -> ((JsonObject) e).getString("eventType")))
            .contains("match.created", "round.robots_assigned", "match.completed");
      }
    }
  }
}
