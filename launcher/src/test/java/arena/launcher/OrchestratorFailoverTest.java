package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.OrchestratorVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrators on the real broker, each in a Vert.x of its own (as in two JVMs): exactly one is active; when it
 * stops the other takes over within pool.failoverSeconds with the pool as Kafka has it; an active one whose
 * transactional id was taken over (a stale one) publishes nothing, stands by, and never double-assigns a robot.
 */
class OrchestratorFailoverTest {

  @Test
  void oneIsActiveTheOtherTakesOverAndAFencedOneNeverPublishes() throws Exception {
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", 2)
        .put("skeptical-scientist", 2));
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    Vertx outside = Vertx.vertx();
    EventPublisher match = EventPublisher.create(outside, cfg, "match-service");
    try {
      // Given two orchestrators started one after the other
      await(first.deployVerticle(new OrchestratorVerticle(), new DeploymentOptions().setConfig(json)));
      await(second.deployVerticle(new OrchestratorVerticle(), new DeploymentOptions().setConfig(json)));

      // Then exactly one of them is active
      Vertx active = awaitActive(List.of(first, second), 1, Duration.ofSeconds(30)).get(0);
      Vertx standby = active == first ? second : first;

      // And it seats a round
      List<String> m1 = assigned(cfg, match, "m1-" + UUID.randomUUID());

      // When the active one stops
      await(active.close());
      Instant stopped = Instant.now();

      // Then the other one takes over within pool.failoverSeconds, with the pool as it was: m1's robots are busy
      awaitActive(List.of(standby), 1, Duration.ofSeconds(cfg.integer("pool.failoverSeconds")));
      System.out.println("orchestrator takeover after a stop: " + Duration.between(stopped, Instant.now()).toMillis()
          + " ms");
      List<String> m2 = assigned(cfg, match, "m2-" + UUID.randomUUID());
      assertThat(m2).doesNotContainAnyElementsOf(m1);

      // When another producer takes the orchestrators' transactional id over (the new holder of a stale one)
      EventPublisher usurper = EventPublisher.transactional(outside, cfg, "usurper",
          cfg.string("kafka.topicPrefix") + "robot-orchestrator");
      await(usurper.initTransactions());
      String m3 = "m3-" + UUID.randomUUID();
      await(match.publish(m3, new MatchEvent.RobotsNeeded(m3, 1, 2, List.of(), List.of("B", "C"), "c-" + m3),
          "c-" + m3, null));

      // Then the fenced one stands by without publishing the assignment
      awaitActive(List.of(standby), 0, Duration.ofSeconds(30));
      assertThat(assignments(cfg, m3)).isEmpty();
      await(usurper.close());

      // And, as it still holds the lease, it takes over again a lease session later and seats m3 once, on free robots
      List<String> seated = awaitAssigned(cfg, m3, Duration.ofSeconds(60));
      assertThat(seated).hasSize(2).doesNotContainAnyElementsOf(m1).doesNotContainAnyElementsOf(m2);
      assertThat(assignments(cfg, m3)).hasSize(1);
    } finally {
      for (Vertx v : List.of(first, second, outside)) {
        v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** Asks for two robots for round 1 of {@code matchId} and returns the robots assigned. */
  private static List<String> assigned(ArenaConfig cfg, EventPublisher match, String matchId) throws Exception {
    await(match.publish(matchId, new MatchEvent.RobotsNeeded(matchId, 1, 2, List.of(), List.of("B", "C"),
        "c-" + matchId), "c-" + matchId, null));
    return awaitAssigned(cfg, matchId, Duration.ofSeconds(30));
  }

  private static List<String> awaitAssigned(ArenaConfig cfg, String matchId, Duration within) throws Exception {
    return ForgettingTest.await(() -> assignments(cfg, matchId).stream().findFirst(), within);
  }

  /** The robots of each round.robots_assigned for {@code matchId} a read_committed reader sees. */
  private static List<List<String>> assignments(ArenaConfig cfg, String matchId) {
    List<List<String>> out = new ArrayList<>();
    TopicReader.readAll(cfg, Topic.ROBOT_ORCHESTRATION_EVENTS).stream()
        .filter(r -> matchId.equals(r.key()) && "round.robots_assigned".equals(TopicReader.header(r, "ce_type")))
        .forEach(r -> out.add(new JsonObject(r.value()).getJsonObject("payload").getJsonArray("robots").stream()
            .map(o -> ((JsonObject) o).getString("id")).toList()));
    return out;
  }

  /** Waits until exactly {@code count} of {@code among} answer the robot stats (only an active one does). */
  private static List<Vertx> awaitActive(List<Vertx> among, int count, Duration within) throws Exception {
    return ForgettingTest.await(() -> {
      List<Vertx> answering = among.stream().filter(OrchestratorFailoverTest::active).toList();
      return answering.size() == count ? Optional.of(answering) : Optional.empty();
    }, within);
  }

  private static boolean active(Vertx vertx) {
    try {
      vertx.eventBus().request(OrchestratorVerticle.STATS_ADDRESS, null).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
