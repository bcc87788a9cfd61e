package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.MatchSettings;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A gateway started against a broker that already holds matches answers for none of them before it has read them. */
class GatewayCatchUpTest {
  private static final int FINISHED_MATCHES = 20_000;

  private record Seen(int health, int ready, int view, String retryAfter, String error) {}

  @Test
  void aRestartedGatewayIsDownAndAnswers503UntilItHasCaughtUp_neverAWrong404() throws Exception {
    try (TestArena arena = TestArena.start()) {
      // Given a broker holding many finished matches, and after them a live one that Ann plays
      fill(arena, FINISHED_MATCHES);
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 2)
          .put("responseSeconds", 120));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.await(v -> "RESPONDING".equals(v.getString("phase")));

      // When every service restarts, and Ann keeps asking for her match (and a balancer for /health) meanwhile
      arena.stopNode();
      CompletableFuture<Void> started = CompletableFuture.runAsync(arena::startNode);
      List<Seen> seen = new ArrayList<>();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
      while (Instant.now().isBefore(deadline)) {
        int health = status(() -> arena.api.send("GET", "/health", null, null));
        int ready = status(() -> arena.admin.send("GET", "/ready", null, null));
        GameApi.Response view = null;
        try {
          view = arena.api.view(matchId, ann.token);
        } catch (IllegalStateException notListening) {
          // the port is not open yet
        }
        seen.add(view == null ? new Seen(health, ready, 0, null, null) : new Seen(health, ready, view.status(),
            view.header("retry-after"), view.status() == 200 ? null : view.json().getString("error")));
        if (view != null && view.status() == 200) {
          break;
        }
        Thread.sleep(20);
      }
      started.get();

      // Then she never heard that her match does not exist: until the gateway had caught up she was asked to try
      // again shortly, and /health (and the admin's /ready) said DOWN all that time
      assertThat(seen).last().extracting(Seen::view).isEqualTo(200);
      assertThat(seen).noneMatch(s -> s.view() == 404);
      assertThat(seen).filteredOn(s -> s.view() == 503).allSatisfy(s -> {
        assertThat(s.retryAfter()).isEqualTo("1");
        assertThat(s.error()).contains("catching up");
      });
      assertThat(seen).filteredOn(s -> s.view() != 200).allSatisfy(s -> assertThat(s.health()).isNotEqualTo(200));
      assertThat(seen).filteredOn(s -> s.view() != 200).allSatisfy(s -> assertThat(s.ready()).isNotEqualTo(200));
      assertThat(seen).as("the admin listener said not ready while the gateway caught up")
          .anyMatch(s -> s.ready() == 503);
      assertThat(seen).as("the port answered before the gateway had caught up").anyMatch(s -> s.view() == 503);
      // And once ready, it answers as before
      assertThat(arena.api.send("GET", "/health", null, null).status()).isEqualTo(200);
      assertThat(arena.admin.send("GET", "/health", null, null).status()).isEqualTo(200);
      assertThat(arena.admin.send("GET", "/ready", null, null).status()).isEqualTo(200);
    }
  }

  private static int status(java.util.function.Supplier<GameApi.Response> call) {
    try {
      return call.get().status();
    } catch (IllegalStateException notListening) {
      return 0;
    }
  }

  /** Writes {@code count} matches that expired long ago straight onto match-state, as a Match Service would. */
  private static void fill(TestArena arena, int count) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", arena.arenaConfig().bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "20");
    String topic = arena.arenaConfig().topic(Topic.MATCH_STATE);
    Instant longAgo = Instant.now().minus(Duration.ofDays(1));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
        new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        String id = "old-" + i + "-" + UUID.randomUUID();
        MatchState state = new MatchState(id, new MatchSettings(3, 1, 1, 60, 30, 5), MatchState.Status.EXPIRED, 2,
            longAgo, longAgo.plusSeconds(600), List.of(), List.of(), List.of(), Map.of(), List.of(),
            MatchState.Usage.NONE, 1L);
        producer.send(new ProducerRecord<>(topic, id, Json.write(Envelope.of("match.state", "match-service", id,
            state, null, null))));
      }
      producer.flush();
    }
  }
}
