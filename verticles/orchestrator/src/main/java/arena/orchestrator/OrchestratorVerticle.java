package arena.orchestrator;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.config.ArenaConfig;
import arena.shared.game.MatchRules;
import arena.shared.kafka.DeadLetters;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Lanes;
import arena.shared.kafka.Received;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Robot Orchestration: the single authority over the robot pool. It assigns robots to match rounds, queues
 * requests that must wait, releases robots, and sends robots their work.
 *
 * <p>Deploy exactly ONE instance per cluster (instances=1): the pool lives in this instance's memory and in the
 * compacted {@code robot-pool-state} topic it alone writes. Its consumer group reads every partition of
 * {@code match-events} and {@code robot-responses}; a second instance would split those and own a second pool.
 */
public class OrchestratorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OrchestratorVerticle.class);
  static final String SERVICE = "robot-orchestrator";
  /** Local event-bus address answering the current {@link RobotStats} as JSON, for the admin listener. */
  public static final String STATS_ADDRESS = "arena.robots.stats";

  private final Lanes lanes = new Lanes();
  private final List<Meter> gauges = new ArrayList<>();
  private EventPublisher publisher;
  private EventConsumer consumer;
  private Orchestration orchestration;
  private ScalingPolicy scaling;
  private long scalingTimer = -1;
  private long healthTimer = -1;
  private boolean healing;
  private MessageConsumer<Object> statsConsumer;
  private boolean evaluating;

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    Map<String, Integer> byType = robotsByType(cfg);
    scaling = new ScalingPolicy(cfg.bind("pool.scaling", ScalingPolicy.Settings.class), byType.keySet());
    publisher = EventPublisher.create(vertx, cfg, SERVICE);
    orchestration = new Orchestration(new RobotPool(0, scaling.settings().maxTotal()), Clock.systemUTC(),
        Metrics.globalRegistry, Duration.ofSeconds(MatchRules.of(cfg).robotWaitMaxSeconds()));
    HealthPolicy health = new HealthPolicy(cfg.bind("pool.health", HealthPolicy.Settings.class));
    orchestration.health(health);
    // The pool must be back (or created) before the first request is looked at.
    return vertx.executeBlocking(() -> StateReader.read(cfg, Topic.ROBOT_POOL_STATE, PoolState.class, null))
        .compose(latest -> DeadLetters.parkAll(publisher, cfg, SERVICE, latest.unreadable()).map(v ->
            Optional.ofNullable(latest.byKey().get(Orchestration.POOL_KEY)).map(StateReader.Stored::state)))
        .compose(restored -> publishInOrder(orchestration.open(restored, byType)))
        .compose(v -> lanes.run("pool", this::scale))
        .compose(v -> {
          bindGauges(Metrics.globalRegistry);
          // Operators only (the admin port): the stats tell robots apart, so they never reach the players' side.
          statsConsumer = vertx.eventBus().localConsumer(STATS_ADDRESS,
              msg -> msg.reply(json(orchestration.stats())));
          // Time alone retires idle robots, and a scale that failed to publish is tried again; a tick while the
          // last one still waits in the lane (a slow broker) is skipped rather than piled up.
          scalingTimer = vertx.setPeriodic(scaling.settings().evaluateSeconds() * 1000, id -> {
            if (!evaluating) {
              evaluating = true;
              lanes.run("pool", this::scale).onComplete(done -> evaluating = false);
            }
          });
          // Health is judged on every interval, in the pool's lane; like scaling, a tick is skipped while one waits.
          healthTimer = vertx.setPeriodic(health.settings().intervalSeconds() * 1000, id -> {
            if (!healing) {
              healing = true;
              lanes.run("pool", () -> orchestration.heal(this::publishInOrder).recover(t -> Future.succeededFuture()))
                  .onComplete(done -> healing = false);
            }
          });
          consumer = EventConsumer.group(vertx, cfg, SERVICE, Set.of(Topic.MATCH_EVENTS, Topic.ROBOT_RESPONSES),
              publisher, this::handle);
          return consumer.start();
        })
        .onSuccess(v -> log.info("robot orchestration ready: {} robots", orchestration.state().robots().size()));
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

  private Future<Void> publishInOrder(List<Outgoing> out) {
    Future<Void> chain = Future.succeededFuture();
    for (Outgoing o : out) {
      chain = chain.compose(v -> publisher.publish(o.key(), o.payload(), o.correlationId(), o.causationId())
          .<Void>mapEmpty());
    }
    return chain.onFailure(t -> log.error("publishing pool changes failed: {}", t.toString()));
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

  private static JsonObject json(RobotStats.Tally t) {
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
    vertx.cancelTimer(healthTimer);
    Future<Void> unregistered = statsConsumer == null ? Future.succeededFuture() : statsConsumer.unregister();
    gauges.forEach(Metrics.globalRegistry::remove);
    gauges.clear();
    Future<Void> stopped = unregistered.compose(v -> consumer == null ? Future.succeededFuture() : consumer.stop());
    return stopped.eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close());
  }
}
