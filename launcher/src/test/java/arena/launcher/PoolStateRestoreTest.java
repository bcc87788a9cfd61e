package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.OrchestratorVerticle;
import arena.orchestrator.PoolRecords;
import arena.orchestrator.RobotPool;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A pool of 10,000 robots written to robot-pool-state on the real broker, then restored by the orchestrator. */
class PoolStateRestoreTest {
  private static final int PER_TYPE = 1000;
  private static final String[] TYPES = {"curious-student", "skeptical-scientist", "creative-artist", "retired-poet",
      "night-owl", "gym-enthusiast", "amateur-chef", "history-buff", "gamer", "traveler"};

  @Test
  void aPoolOfTenThousandRobotsIsWrittenRecordByRecordAndRestored() throws Exception {
    // Given a pool of 10,000 robots, all but two busy, 3,000 requests waiting and 2,048 rounds finished
    JsonObject json = TestArena.fastConfig();
    JsonObject robots = new JsonObject();
    for (String type : TYPES) {
      robots.put(type, PER_TYPE);
    }
    json.getJsonObject("pool").put("robots", robots);
    json.getJsonObject("pool").getJsonObject("scaling").put("maxTotal", TYPES.length * PER_TYPE);
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    PoolState pool = pool(robots.getMap().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> (Integer) e.getValue(), (a, b) -> a, LinkedHashMap::new)));

    // And it is stored record by record on the broker
    List<PoolRecords.Record> records = PoolRecords.none().write(pool).records();
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try {
      EventPublisher publisher = EventPublisher.create(vertx, cfg, "test");
      await(Future.all(records.stream().map(r -> publisher.publish(r.key(), r.value(), "c", null)).toList()));

      // When it is read back, as the orchestrator does: every record, in order
      long started = System.nanoTime();
      PoolRecords.Replay replay = new PoolRecords.Replay();
      assertThat(StateReader.replay(cfg, Topic.ROBOT_POOL_STATE, Event.class, null, replay)).isEmpty();
      PoolRecords.Restored restored = replay.restored();
      long readMs = (System.nanoTime() - started) / 1_000_000;

      // Then it is the pool that was written
      assertThat(replay.records()).isEqualTo(records.size());
      assertThat(replay.cutShort()).isZero();
      assertThat(restored.pool()).contains(pool);

      // And the orchestrator starts on it, with every robot and waiting request, and writes nothing new
      started = System.nanoTime();
      await(vertx.deployVerticle(new OrchestratorVerticle(), new DeploymentOptions().setConfig(json)));
      long startMs = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("restore of %d robots (%d records): read back and assembled in %d ms; orchestrator started"
          + " in %d ms%n", pool.robots().size(), records.size(), readMs, startMs);
      assertThat(gauge(registry, "idle") + gauge(registry, "busy")).isEqualTo(TYPES.length * PER_TYPE);
      assertThat(gauge(registry, "busy")).isEqualTo(TYPES.length * PER_TYPE - 2);
      assertThat(registry.find("arena.pool.queue.length").gauge().value()).isEqualTo(3000);
      List<ConsumerRecord<String, String>> stored = TopicReader.readAll(cfg, Topic.ROBOT_POOL_STATE);
      assertThat(stored).hasSize(records.size());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Metrics.removeRegistry(registry);
    }
  }

  @Test
  void aPoolStoredAsOneRecordIsRestoredThenStoredRecordByRecordAndItsRecordTombstoned() throws Exception {
    // Given a pool stored the old way, whole under the key "pool", with a busy robot and a waiting request
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("pool").put("robots", TestArena.pool(1));
    // A pool that may not grow, so the start writes nothing after taking the pool up
    json.getJsonObject("pool").getJsonObject("scaling").put("minIdlePerType", 0).put("maxTotal", 3);
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    PoolState created = RobotPool.create(Map.of("curious-student", 1, "skeptical-scientist", 1,
        "creative-artist", 1), Instant.now());
    Robot first = created.robots().get(0);
    PoolState old = new PoolState(7, List.of(new Robot(first.id(), first.type(), Status.BUSY, "m1", 1, "A",
        Instant.now(), 2, List.of()), created.robots().get(1), created.robots().get(2)),
        List.of(new Pending(new MatchEvent.RobotsNeeded("m2", 1, 3, List.of(), List.of("A", "B", "C"), "m2-r1-req"),
            "e1", Instant.now())), List.of("m0/1"), Map.of());
    Vertx vertx = Vertx.vertx();
    try {
      EventPublisher publisher = EventPublisher.create(vertx, cfg, "test");
      await(publisher.publish("pool", old, "c", null));

      // When the orchestrator starts on it
      await(vertx.deployVerticle(new OrchestratorVerticle(), new DeploymentOptions().setConfig(json)));

      // Then the topic holds the same pool record by record, the old record tombstoned, then the summary
      List<ConsumerRecord<String, String>> stored = TopicReader.readAll(cfg, Topic.ROBOT_POOL_STATE);
      assertThat(stored.get(stored.size() - 2).key()).isEqualTo("pool");
      assertThat(stored.get(stored.size() - 2).value()).isNull();
      assertThat(stored.get(stored.size() - 1).key()).isEqualTo("summary");
      StateReader.Latest<Event> latest = StateReader.read(cfg, Topic.ROBOT_POOL_STATE, Event.class, null);
      assertThat(latest.byKey()).doesNotContainKey("pool")
          .containsKeys(first.id(), "queue/m2-r1-req", "finished/m0/1", "summary");
      PoolState restored = PoolRecords.restore(latest.byKey().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().state()))).pool().orElseThrow();
      assertThat(restored.robots()).isEqualTo(old.robots());
      assertThat(restored.queue()).isEqualTo(old.queue());
      assertThat(restored.finishedRounds()).isEqualTo(old.finishedRounds());
      assertThat(restored.version()).isEqualTo(old.version());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String status) {
    // One gauge per persona type and status.
    return registry.find("arena.pool.robots").tag("status", status).gauges().stream()
        .mapToDouble(io.micrometer.core.instrument.Gauge::value).sum();
  }

  private static PoolState pool(Map<String, Integer> byType) {
    Instant now = Instant.now();
    PoolState created = RobotPool.create(byType, now);
    List<Robot> robots = new ArrayList<>();
    for (Robot r : created.robots()) {
      boolean busy = robots.size() >= 2;
      String matchId = "m-" + robots.size() / 4;
      robots.add(new Robot(r.id(), r.type(), busy ? Status.BUSY : Status.IDLE, busy ? matchId : null, busy ? 1 : 0,
          busy ? String.valueOf((char) ('A' + robots.size() % 4)) : null, now, 3,
          List.of(UUID.randomUUID() + "/response", UUID.randomUUID() + "/vote")));
    }
    List<Pending> queue = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      queue.add(new Pending(new MatchEvent.RobotsNeeded("q-" + i, 1, 4, List.of(), List.of("A", "B", "C", "D"),
          "q-" + i + "-r1-req"), UUID.randomUUID().toString(), now));
    }
    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 2048; i++) {
      finished.add(PoolState.roundKey("done-" + i, 1 + i % 5));
    }
    return new PoolState(50_000, List.copyOf(robots), List.copyOf(queue), List.copyOf(finished),
        created.robotNumbers());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
