package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.OrchestratorVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A burst of robots requests on the real broker: the orchestrator commits many of its steps in one transaction
 * (one per step held it to about a hundred steps a second), and still seats every round once, each robot in one
 * round at a time.
 */
class PoolBurstTest {
  private static final int ROUNDS = 300;

  @Test
  void aBurstOfRobotsRequestsIsSeatedOnceEachInFewerTransactionsThanSteps() throws Exception {
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", ROUNDS + 20));
    json.getJsonObject("pool").getJsonObject("scaling").put("maxTotal", ROUNDS + 100);
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    Vertx vertx = Vertx.vertx();
    try {
      // Given an orchestrator with a pool large enough for every round
      await(vertx.deployVerticle(new OrchestratorVerticle(), new DeploymentOptions().setConfig(json)));
      String run = UUID.randomUUID().toString().substring(0, 8);

      // When the Match Service asks for one robot for each of 300 rounds at once
      EventPublisher match = EventPublisher.create(vertx, cfg, "match-service");
      long sent = System.nanoTime();
      List<Future<?>> asked = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        String matchId = "burst-" + run + "-" + i;
        asked.add(match.publish(matchId, new MatchEvent.RobotsNeeded(matchId, 1, 1, List.of(), List.of("B"),
            "c-" + matchId), "c-" + matchId, null));
      }
      await(Future.all(asked));

      // Then every round is seated exactly once, and no robot sits in two rounds
      Map<String, List<String>> seated = ForgettingTest.await(() -> {
        Map<String, List<String>> byMatch = assignments(cfg, "burst-" + run);
        return byMatch.size() == ROUNDS ? Optional.of(byMatch) : Optional.empty();
      }, Duration.ofSeconds(120));
      System.out.printf("%d rounds seated in %d ms%n", ROUNDS, (System.nanoTime() - sent) / 1_000_000);
      assertThat(assignments(cfg, "burst-" + run).values()).allSatisfy(robots -> assertThat(robots).hasSize(1));
      assertThat(seated.values().stream().map(robots -> robots.get(0)).distinct()).hasSize(ROUNDS);

      // And the steps went out in fewer transactions than there were steps
      DistributionSummary transactions = registry.find("arena.pool.transaction.steps").summary();
      assertThat(transactions).as("arena.pool.transaction.steps").isNotNull();
      System.out.printf("%d transactions, at most %.0f steps in one%n", transactions.count(), transactions.max());
      assertThat(transactions.totalAmount()).isGreaterThanOrEqualTo(ROUNDS);
      assertThat(transactions.count()).isLessThan(ROUNDS);
    } finally {
      Metrics.removeRegistry(registry);
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** The robots of each round.robots_assigned a read_committed reader sees, by match, for matches named so. */
  private static Map<String, List<String>> assignments(ArenaConfig cfg, String prefix) {
    Map<String, List<String>> out = new HashMap<>();
    TopicReader.readAll(cfg, Topic.ROBOT_ORCHESTRATION_EVENTS).stream()
        .filter(r -> r.key() != null && r.key().startsWith(prefix)
            && "round.robots_assigned".equals(TopicReader.header(r, "ce_type")))
        .forEach(r -> out.merge(r.key(), new JsonObject(r.value()).getJsonObject("payload").getJsonArray("robots")
            .stream().map(o -> ((JsonObject) o).getString("id")).toList(), (a, b) -> {
              List<String> both = new ArrayList<>(a);
              both.addAll(b);
              return both;
            }));
    return out;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
