package arena.orchestrator;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import arena.shared.game.MatchRules;
import arena.shared.kafka.DeadLetters;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Lanes;
import arena.shared.kafka.Received;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState.Status;
import arena.shared.state.RobotTally;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Robot Orchestration: the single authority over the robot pool. It assigns robots to match rounds, queues
 * requests that must wait, releases robots, and sends robots their work.
 *
 * <p>Deploy exactly ONE instance per cluster (instances=1): the pool lives in this instance's memory and in the
 * compacted {@code robot-pool-state} topic it alone writes (record by record: {@link PoolRecords}). Its consumer
 * group reads every partition of {@code match-events} and {@code robot-responses}; a second instance would split
 * those and own a second pool.
 */
public class OrchestratorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OrchestratorVerticle.class);
  static final String SERVICE = "robot-orchestrator";
  /** Local event-bus address answering the current {@link RobotStats} as JSON, for the admin listener. */
  public static final String STATS_ADDRESS = "arena.robots.stats";
  /**
   * Local event-bus address answering the A/B report as JSON; the message body is the confidence level (a number,
   * or null for {@code pool.selection.experiment.confidence}). A level not offered fails with code 400.
   */
  public static final String EXPERIMENT_ADDRESS = "arena.robots.experiment";

  private final Lanes lanes = new Lanes();
  private final List<Meter> gauges = new ArrayList<>();
  private EventPublisher publisher;
  private EventConsumer consumer;
  private Orchestration orchestration;
  private ScalingPolicy scaling;
  private long scalingTimer = -1;
  private MessageConsumer<Object> statsConsumer;
  private MessageConsumer<Object> experimentConsumer;
  private boolean evaluating;
  private String poolStateTopic;

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    Map<String, Integer> byType = robotsByType(cfg);
    scaling = new ScalingPolicy(cfg.bind("pool.scaling", ScalingPolicy.Settings.class), byType.keySet());
    publisher = EventPublisher.create(vertx, cfg, SERVICE);
    Selection selection = Selection.of(cfg.bind("pool.selection", Selection.Settings.class));
    orchestration = new Orchestration(new RobotPool(0, scaling.settings().maxTotal(), selection), Clock.systemUTC(),
        Metrics.globalRegistry, Duration.ofSeconds(MatchRules.of(cfg).robotWaitMaxSeconds()));
    poolStateTopic = cfg.topic(Topic.ROBOT_POOL_STATE);
    // The stats and the pool must be back (or created) before the first request is looked at.
    return restoreStats(cfg)
        .compose(v -> vertx.executeBlocking(() -> restore(cfg)))
        .compose(read -> DeadLetters.parkAll(publisher, cfg, SERVICE, read.unreadable())
            .map(v -> read.replay().restored()))
        .compose(restored -> publishInOrder(orchestration.open(restored, byType)))
        .compose(v -> lanes.run("pool", this::scale))
        .compose(v -> {
          bindGauges(Metrics.globalRegistry);
          // Operators only (the admin port): the stats tell robots apart, so they never reach the players' side.
          statsConsumer = vertx.eventBus().localConsumer(STATS_ADDRESS,
              msg -> msg.reply(json(orchestration.stats())));
          experimentConsumer = vertx.eventBus().localConsumer(EXPERIMENT_ADDRESS, msg -> {
            try {
              double confidence = msg.body() instanceof Number n ? n.doubleValue()
                  : orchestration.selection().confidence();
              msg.reply(ExperimentReport.of(orchestration.selection(), orchestration.stats(), confidence));
            } catch (IllegalArgumentException e) {
              msg.fail(400, e.getMessage());
            }
          });
          // Time alone retires idle robots, and a scale that failed to publish is tried again; a tick while the
          // last one still waits in the lane (a slow broker) is skipped rather than piled up.
          scalingTimer = vertx.setPeriodic(scaling.settings().evaluateSeconds() * 1000, id -> {
            if (!evaluating) {
              evaluating = true;
              lanes.run("pool", this::scale).onComplete(done -> evaluating = false);
            }
          });
          consumer = EventConsumer.group(vertx, cfg, SERVICE, Set.of(Topic.MATCH_EVENTS, Topic.ROBOT_RESPONSES),
              publisher, this::handle);
          return consumer.start();
        })
        .onSuccess(v -> log.info("robot orchestration ready: {} robots", orchestration.state().robots().size()));
  }

  /** The robot stats as {@code robot-stats} holds them; unreadable records are parked, not fatal. */
  private Future<Void> restoreStats(ArenaConfig cfg) {
    return vertx.executeBlocking(() -> StateReader.read(cfg, Topic.ROBOT_STATS, RobotTally.class, null))
        .compose(latest -> DeadLetters.parkAll(publisher, cfg, SERVICE, latest.unreadable()).map(v -> {
          Map<String, RobotTally> stored = new LinkedHashMap<>();
          latest.byKey().forEach((key, value) -> stored.put(key, value.state()));
          orchestration.restoreStats(stored);
          return null;
        }));
  }

  private record PoolRead(PoolRecords.Replay replay, List<DeadLetters.Letter> unreadable) {}

  /** BLOCKING: every record of robot-pool-state, in order. */
  private static PoolRead restore(ArenaConfig cfg) throws TimeoutException {
    long started = System.nanoTime();
    PoolRecords.Replay replay = new PoolRecords.Replay();
    List<DeadLetters.Letter> unreadable = StateReader.replay(cfg, Topic.ROBOT_POOL_STATE, Event.class, null, replay);
    log.info("robot-pool-state read back: {} records in {} ms", replay.records(),
        (System.nanoTime() - started) / 1_000_000);
    if (replay.cutShort() > 0) {
      log.warn("robot-pool-state: the last change was cut short after {} of its records; the pool is taken as it"
          + " was before it", replay.cutShort());
    }
    return new PoolRead(replay, unreadable);
  }

  // One lane for the whole pool, so no two changes ever interleave. A failed publish fails the record, which is
  // retried against the memory as it was.
  private Future<Void> handle(Received received) {
    if (received.tombstone()) {
      return Future.succeededFuture();
    }
    return lanes.run("pool", () -> {
      long version = orchestration.state().version();
      return orchestration.handle(received.envelope(), this::publishInOrder)
          .compose(v -> orchestration.state().version() == version ? Future.succeededFuture() : scale());
    });
  }

  /**
   * The pool after a change (or as time passed) against the scaling rules. A failure here leaves the input handled:
   * the next change or the timer decides again.
   */
  private Future<Void> scale() {
    return orchestration.scale(scaling, this::publishInOrder)
        .recover(t -> Future.succeededFuture());
  }

  /**
   * Each record once the one before is acknowledged; a run of robot-pool-state records goes out at once (one
   * partition and an idempotent producer keep their order), so a step that changes many robots waits once.
   */
  private Future<Void> publishInOrder(List<Outgoing> out) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < out.size(); ) {
      int end = i + 1;
      while (isPoolState(out.get(i)) && end < out.size() && isPoolState(out.get(end))) {
        end++;
      }
      List<Outgoing> run = out.subList(i, end);
      chain = chain.compose(v -> Future.all(run.stream().map(this::publish).toList()).<Void>mapEmpty());
      i = end;
    }
    return chain.onFailure(t -> log.error("publishing pool changes failed: {}", t.toString()));
  }

  private Future<?> publish(Outgoing o) {
    if (o.payload() == null) {
      return publisher.sendRaw(KafkaProducerRecord.create(poolStateTopic, o.key(), null));
    }
    return publisher.publish(o.key(), o.payload(), o.correlationId(), o.causationId());
  }

  private static boolean isPoolState(Outgoing o) {
    return o.payload() == null || Topic.registrationOf(o.payload().getClass()).topic() == Topic.ROBOT_POOL_STATE;
  }

  private void bindGauges(MeterRegistry registry) {
    gauges.add(Gauge.builder("arena.pool.robots", orchestration, o -> RobotPool.count(o.state(), Status.IDLE))
        .tag("status", "idle").description("robots in the pool").register(registry));
    gauges.add(Gauge.builder("arena.pool.robots", orchestration, o -> RobotPool.count(o.state(), Status.BUSY))
        .tag("status", "busy").description("robots in the pool").register(registry));
    gauges.add(Gauge.builder("arena.pool.queue.length", orchestration, o -> o.state().queue().size())
        .description("robots requests waiting for robots").register(registry));
  }

  /** {@code {"robots":{id:{type,…}},"personas":{type:{…}}}}, robots and personas sorted by name. */
  static JsonObject json(RobotStats stats) {
    JsonObject robots = new JsonObject();
    new TreeMap<>(stats.robots()).forEach((id, t) -> robots.put(id, json(t)));
    JsonObject personas = new JsonObject();
    new TreeMap<>(stats.personas()).forEach((type, t) -> personas.put(type, json(t)));
    return new JsonObject().put("robots", robots).put("personas", personas);
  }

  private static JsonObject json(RobotTally t) {
    return new JsonObject().put("type", t.type()).put("rounds", t.rounds()).put("answers", t.answers())
        .put("votes", t.votes())
        .put("latencyMs", new JsonObject().put("mean", t.meanLatencyMs()).put("p90", t.p90LatencyMs()))
        .put("fallbacks", t.fallbacks()).put("costUsd", t.costUsd()).put("humanVotes", t.humanVotes())
        .put("passedAsHuman", t.passedAsHuman()).put("passRate", t.passRate());
  }

  /** {@code pool.robots}: persona type to how many robots of it, in configuration order. */
  static Map<String, Integer> robotsByType(ArenaConfig cfg) {
    JsonObject robots = cfg.object("pool.robots");
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (String type : robots.fieldNames()) {
      Object count = robots.getValue(type);
      if (!(count instanceof Number n) || n.intValue() < 0) {
        throw new IllegalArgumentException("config pool.robots." + type + " must be a count, not " + count);
      }
      byType.put(type, n.intValue());
    }
    return byType;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(scalingTimer);
    Future<Void> unregistered = Future.all(
        statsConsumer == null ? Future.succeededFuture() : statsConsumer.unregister(),
        experimentConsumer == null ? Future.succeededFuture() : experimentConsumer.unregister()).mapEmpty();
    gauges.forEach(Metrics.globalRegistry::remove);
    gauges.clear();
    Future<Void> stopped = unregistered.compose(v -> consumer == null ? Future.succeededFuture() : consumer.stop());
    return stopped.eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close());
  }
}
