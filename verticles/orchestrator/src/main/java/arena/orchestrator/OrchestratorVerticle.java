package arena.orchestrator;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import arena.shared.events.OrchestrationEvent.PoolScaled;
import arena.shared.game.MatchRules;
import arena.shared.kafka.DeadLetters;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.GroupCommit;
import arena.shared.kafka.Lanes;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Status;
import arena.shared.state.RobotTally;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Robot Orchestration: the single authority over the robot pool. It assigns robots to match rounds, queues
 * requests that must wait, releases robots, and sends robots their work.
 *
 * <p>Any number of instances may run, in one JVM or many: exactly one is active, the holder of the {@link Lease};
 * the others stand by and take over when it dies or leaves. The active one owns the pool (in its memory and in the
 * compacted {@code robot-pool-state} topic, record by record: {@link PoolRecords}), reads every partition of {@code match-events} and
 * {@code robot-responses}, and publishes its steps (events, commands, pool state) in Kafka transactions under a
 * fixed transactional.id, as many steps per transaction as wait in its lane ({@link GroupCommit}): an input counts
 * as handled once its transaction commits, and a transaction that fails ends the term, whose memory had run ahead
 * of Kafka; the next term reads the pool back and the inputs come again. Taking over starts with {@code initTransactions}, which fences the previous holder: a
 * stale one (paused, partitioned) fails its next send or commit, its open transaction is aborted, and it stands by.
 * Only then is the pool read back, so it holds everything the previous holder committed.
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
  /** Local event-bus address answering the pool as JSON (robots by type and state, seated matches, queue), for /ops. */
  public static final String POOL_ADDRESS = "arena.robots.pool";
  /** The pool's answer lists this many waiting requests at most, the oldest first; {@code queued} counts them all. */
  static final int QUEUE_LISTED = 50;
  /** The one lane every change of the pool goes through, one at a time. */
  private static final String POOL_LANE = "pool";

  private final List<Meter> gauges = new ArrayList<>();
  private final DistributionSummary stepsPerTransaction = DistributionSummary.builder("arena.pool.transaction.steps")
      .description("pool steps (inputs, scaling, healing) committed together in one Kafka transaction")
      .register(Metrics.globalRegistry);
  private ArenaConfig cfg;
  private Map<String, Integer> byType;
  private ScalingPolicy scaling;
  private Selection.Settings selection;
  private HealthPolicy.Settings health;
  /** Non-transactional, for dead letters only: parking a record decides nothing about the pool. */
  private EventPublisher deadLetters;
  private Lease lease;
  private MessageConsumer<Object> statsConsumer;
  private MessageConsumer<Object> experimentConsumer;
  private MessageConsumer<Object> poolConsumer;
  /** Takeovers and stand-downs, one at a time and in order. */
  private final Lanes leadership = new Lanes();
  /** The active term, null while standing by. */
  private Term term;
  private long retryTimer = -1;
  /** Takeovers since a transaction last committed: a step that keeps failing backs off like a failing takeover. */
  private int failedTakeovers;
  private boolean stopping;

  /** What exists only while this instance is active; a new term starts from the pool as Kafka has it. */
  private static final class Term {
    final Lanes lanes = new Lanes();
    final EventPublisher publisher;
    final Orchestration orchestration;
    GroupCommit transaction;
    /** Whether the pool changed since the scaling rules last looked at it. */
    boolean changed;
    EventConsumer consumer;
    long scalingTimer = -1;
    long healthTimer = -1;
    boolean evaluating;
    boolean healing;
    boolean over;

    Term(EventPublisher publisher, Orchestration orchestration) {
      this.publisher = publisher;
      this.orchestration = orchestration;
    }
  }

  @Override
  public Future<?> start() {
    cfg = ArenaConfig.of(config());
    byType = robotsByType(cfg);
    scaling = new ScalingPolicy(cfg.bind("pool.scaling", ScalingPolicy.Settings.class), byType.keySet());
    selection = cfg.bind("pool.selection", Selection.Settings.class);
    Selection.of(selection); // a bad strategy or experiment stops the start, not a takeover
    health = cfg.bind("pool.health", HealthPolicy.Settings.class);
    deadLetters = EventPublisher.create(vertx, cfg, SERVICE);
    // Operators only (the admin port): the stats tell robots apart, so they never reach the players' side.
    statsConsumer = vertx.eventBus().localConsumer(STATS_ADDRESS, msg -> {
      if (term == null) {
        msg.fail(503, "this robot orchestrator stands by");
      } else {
        msg.reply(json(term.orchestration.stats()));
      }
    });
    poolConsumer = vertx.eventBus().localConsumer(POOL_ADDRESS, msg -> {
      if (term == null) {
        msg.fail(503, "this robot orchestrator stands by");
      } else {
        msg.reply(json(term.orchestration.state()));
      }
    });
    experimentConsumer = vertx.eventBus().localConsumer(EXPERIMENT_ADDRESS, msg -> {
      if (term == null) {
        msg.fail(503, "this robot orchestrator stands by");
        return;
      }
      Orchestration orchestration = term.orchestration;
      try {
        double confidence = msg.body() instanceof Number n ? n.doubleValue() : orchestration.selection().confidence();
        msg.reply(ExperimentReport.of(orchestration.selection(), orchestration.stats(), confidence));
      } catch (IllegalArgumentException e) {
        msg.fail(400, e.getMessage());
      }
    });
    lease = new Lease(vertx, cfg, leaseGroup(cfg), new Lease.Holder() {
      @Override
      public void gained() {
        takeOver();
      }

      @Override
      public void lost() {
        if (!stopping) {
          log.warn("robot orchestration: the lease went to another instance, standing by");
          standDown();
        }
      }
    });
    // Started once this instance knows its part: active with the pool open (a takeover that failed is retried), or
    // standing by. A group slow to answer leaves it standing by; the lease may still come later.
    return lease.start().timeout(Lease.sessionMs(cfg) * 2, TimeUnit.MILLISECONDS).otherwiseEmpty()
        .compose(held -> leadership.run("term", () -> Future.succeededFuture()))
        .onSuccess(v -> log.info("robot orchestration {}", term != null ? "active" : "standing by"));
  }

  /**
   * The consumer group whose owner of partition 0 of robot-pool-state is the active orchestrator; one per topic
   * prefix, so games sharing a cluster never share an active orchestrator.
   */
  public static String leaseGroup(ArenaConfig cfg) {
    return cfg.string("kafka.topicPrefix") + SERVICE + "-lease";
  }

  /** The lease is ours: fence the previous holder, read the stats and the pool back, then take inputs. */
  private void takeOver() {
    vertx.cancelTimer(retryTimer);
    leadership.run("term", () -> {
      if (term != null || stopping || !lease.held()) {
        return Future.succeededFuture();
      }
      long began = System.nanoTime();
      EventPublisher publisher = EventPublisher.transactional(vertx, cfg, SERVICE,
          cfg.string("kafka.topicPrefix") + SERVICE);
      Orchestration orchestration = new Orchestration(new RobotPool(0, scaling.settings().maxTotal(),
          Selection.of(selection)), Clock.systemUTC(), Metrics.globalRegistry,
          Duration.ofSeconds(MatchRules.of(cfg).robotWaitMaxSeconds()));
      // A new term judges no worker silent before it has had time to hear from every one.
      orchestration.health(new HealthPolicy(health));
      Term t = new Term(publisher, orchestration);
      t.transaction = new GroupCommit(publisher, cfg.integer("pool.stepsPerTransaction"), e -> lost(t, e));
      // The stats and the pool must be back (or created) before the first request is looked at.
      return publisher.initTransactions()
          .compose(v -> restoreStats(orchestration))
          .compose(v -> vertx.executeBlocking(() -> restore(cfg)))
          .compose(read -> DeadLetters.parkAll(deadLetters, cfg, SERVICE, read.unreadable())
              .map(v -> read.replay().restored()))
          .compose(restored -> step(t, () -> publishInOrder(t, orchestration.open(restored, byType))))
          .compose(v -> {
            term = t;
            return step(t, () -> scale(t));
          })
          .compose(v -> {
            bindGauges(Metrics.globalRegistry, orchestration);
            // Time alone retires idle robots, and a scale that failed to publish is tried again; a tick while the
            // last one still waits in the lane (a slow broker) is skipped rather than piled up.
            t.scalingTimer = vertx.setPeriodic(scaling.settings().evaluateSeconds() * 1000, id -> {
              if (!t.evaluating) {
                t.evaluating = true;
                step(t, () -> scale(t)).onComplete(done -> t.evaluating = false);
              }
            });
            // Health is judged on every interval, in the pool's lane; like scaling, a tick is skipped while one waits.
            t.healthTimer = vertx.setPeriodic(health.intervalSeconds() * 1000, id -> {
              if (!t.healing) {
                t.healing = true;
                step(t, () -> t.orchestration.heal(out -> publishInOrder(t, out))
                    .recover(e -> Future.succeededFuture())).onComplete(done -> t.healing = false);
              }
            });
            t.consumer = EventConsumer.group(vertx, cfg, SERVICE, Set.of(Topic.MATCH_EVENTS, Topic.ROBOT_RESPONSES),
                deadLetters, received -> handle(t, received)).only(Orchestration.USES);
            return t.consumer.start();
          })
          .onSuccess(v -> {
            log.info("robot orchestration took over in {} ms: {} robots", (System.nanoTime() - began) / 1_000_000,
                orchestration.state().robots().size());
          })
          .recover(e -> {
            log.error("robot orchestration could not take over: {}", e.toString());
            term = null;
            return end(t).onComplete(v -> retryTakeOver(EventPublisher.fenced(e)));
          });
    });
  }

  /** The robot stats as {@code robot-stats} holds them; unreadable records are parked, not fatal. */
  private Future<Void> restoreStats(Orchestration orchestration) {
    return vertx.executeBlocking(() -> StateReader.read(cfg, Topic.ROBOT_STATS, RobotTally.class, null))
        .compose(latest -> DeadLetters.parkAll(deadLetters, cfg, SERVICE, latest.unreadable()).map(v -> {
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

  /**
   * Tries again while the lease is ours. After a fence it waits a whole lease session first: a stale holder learns
   * by then that it lost the lease, and must not fence the instance that took over.
   */
  private void retryTakeOver(boolean fenced) {
    if (stopping) {
      return;
    }
    EventConsumer.Settings.Retry retry = cfg.bind("kafka.consumer", EventConsumer.Settings.class).retry();
    long delay = fenced ? Lease.sessionMs(cfg)
        : Math.min(retry.maxMs(), retry.firstMs() << Math.min(failedTakeovers++, 20));
    vertx.cancelTimer(retryTimer);
    retryTimer = vertx.setTimer(delay, id -> takeOver());
  }

  /** Lease lost, or the producer fenced: nothing more goes out from this term; back to standing by. */
  private Future<Void> standDown() {
    return leadership.run("term", () -> {
      Term t = term;
      term = null;
      return t == null ? Future.succeededFuture() : end(t);
    });
  }

  private Future<Void> end(Term t) {
    t.over = true;
    vertx.cancelTimer(t.scalingTimer);
    vertx.cancelTimer(t.healthTimer);
    gauges.forEach(Metrics.globalRegistry::remove);
    gauges.clear();
    Future<Void> stopped = t.consumer == null ? Future.succeededFuture() : t.consumer.stop();
    return stopped.eventually(t.publisher::close);
  }

  private Future<Void> handle(Term t, Received received) {
    if (received.tombstone()) {
      return Future.succeededFuture();
    }
    return step(t, () -> {
      long version = t.orchestration.state().version();
      // The scaling rules look at every robot: once per burst of changes (when no other step waits), not per step.
      return t.orchestration.handle(received.envelope(), out -> publishInOrder(t, out))
          .compose(v -> {
            t.changed |= t.orchestration.state().version() != version;
            if (!t.changed || t.lanes.waiting(POOL_LANE) > 0) {
              return Future.succeededFuture();
            }
            t.changed = false;
            return scale(t);
          });
    });
  }

  /**
   * Runs one step in the pool's lane, so no two changes ever interleave; its records join the open transaction,
   * which stays open while other steps wait in the lane and commits once none does (or it is full). Completes when that transaction commits. A step that
   * fails before publishing fails alone, its memory unchanged (the record is retried or parked).
   */
  private Future<Void> step(Term t, Supplier<Future<Void>> work) {
    return t.lanes.run(POOL_LANE, () -> work.get().transform(done -> {
      Future<Void> committed = t.transaction.committed();
      Future<Void> settled = t.lanes.waiting(POOL_LANE) > 0 && !t.transaction.full() ? Future.succeededFuture()
          : commit(t);
      return settled.transform(ignored -> done.succeeded() ? Future.succeededFuture(committed)
          : Future.<Future<Void>>failedFuture(done.cause()));
    })).compose(committed -> committed);
  }

  private Future<Void> commit(Term t) {
    int steps = t.transaction.steps();
    return t.transaction.commit().onSuccess(v -> {
      if (steps > 0) {
        stepsPerTransaction.record(steps);
        failedTakeovers = 0;
      }
    });
  }

  /**
   * A transaction of this term failed: its memory is ahead of Kafka, so nothing more goes out from it. It stands
   * down and takes over again (right away unless fenced), reading the pool back as Kafka has it.
   */
  private void lost(Term t, Throwable e) {
    if (t.over) {
      return;
    }
    t.over = true;
    boolean fenced = EventPublisher.fenced(e);
    if (fenced) {
      log.warn("robot orchestration: another instance took the pool over, standing by");
    } else {
      log.error("robot orchestration: a transaction of pool changes failed ({}); reading the pool back", e.toString());
    }
    standDown().onComplete(v -> retryTakeOver(fenced));
  }

  /**
   * The pool after a change (or as time passed) against the scaling rules. A failure here leaves the input handled:
   * the next change or the timer decides again.
   */
  private Future<Void> scale(Term t) {
    return t.orchestration.scale(scaling, out -> publishInOrder(t, out))
        .recover(e -> Future.succeededFuture());
  }

  /**
   * One step's records, sent at once into the open transaction (the producer keeps their order per partition) and
   * visible together with the rest of it on commit; a term that is over publishes nothing. A record without a
   * payload is a robot-pool-state tombstone. A record larger than Kafka takes would fail the transaction on every
   * try, and the pool would never move again: the step fails alone before joining it, as an input that cannot be
   * applied (parked), its memory unchanged.
   */
  private Future<Void> publishInOrder(Term t, List<Outgoing> out) {
    if (t.over) {
      return Future.failedFuture("robot orchestration stands by");
    }
    if (out.isEmpty()) {
      return Future.succeededFuture();
    }
    List<ProducerRecord<String, String>> records = new ArrayList<>(out.size());
    for (Outgoing o : out) {
      ProducerRecord<String, String> record = o.payload() == null ? null
          : t.publisher.encode(t.publisher.envelope(o.key(), o.payload(), o.correlationId(), o.causationId()));
      int over = record == null ? 0 : t.publisher.oversize(record);
      if (over > 0) {
        String problem = String.format("its %s record for key %.60s is %,d bytes over the producer's"
            + " max.request.size", Topic.registrationOf(o.payload().getClass()).eventType(), o.key(), over);
        log.error("robot orchestration: a step cannot be written, {}", problem);
        return Future.failedFuture(new PoisonRecordException("cannot be written: " + problem));
      }
      records.add(record);
    }
    return t.transaction.join(() -> {
      List<Future<?>> sends = new ArrayList<>(out.size());
      for (int i = 0; i < out.size(); i++) {
        sends.add(records.get(i) == null ? t.publisher.tombstone(Topic.ROBOT_POOL_STATE, out.get(i).key())
            : t.publisher.send(records.get(i)));
      }
      return sends;
    }).onSuccess(v -> t.transaction.committed().onSuccess(committed -> countScaling(out)));
  }

  /** Each committed {@code robot.pool_scaled}, by reason: {@code arena_pool_scaled_total{reason}}. */
  private static void countScaling(List<Outgoing> out) {
    out.stream().map(Outgoing::payload).filter(PoolScaled.class::isInstance).map(PoolScaled.class::cast)
        .forEach(scaled -> Counter.builder("arena.pool.scaled").tag("reason", scaled.reason().name()
                .toLowerCase(Locale.ROOT)).description("pool changes of one persona type, by reason")
            .register(Metrics.globalRegistry).increment());
  }

  /**
   * The pool's gauges, on the active instance only (a standby's pool would be stale): robots per persona type and
   * status, the share of robots busy, and the queue.
   */
  private void bindGauges(MeterRegistry registry, Orchestration orchestration) {
    PoolCounts counts = new PoolCounts(orchestration);
    for (String type : byType.keySet()) {
      for (Status status : Status.values()) {
        gauges.add(Gauge.builder("arena.pool.robots", counts, c -> c.of(type, status))
            .tag("type", type).tag("status", status.name().toLowerCase(Locale.ROOT))
            .description("robots in the pool, by persona type and status").register(registry));
      }
    }
    gauges.add(Gauge.builder("arena.pool.utilization", orchestration, o -> {
      int total = o.state().robots().size();
      return total == 0 ? 0 : (double) RobotPool.count(o.state(), Status.BUSY) / total;
    }).description("share of the pool's robots seated in a round (0 to 1)").register(registry));
    gauges.add(Gauge.builder("arena.pool.queue.length", orchestration, o -> o.state().queue().size())
        .description("robots requests waiting for robots").register(registry));
  }

  /**
   * Robots by type and status, counted once per pool a scrape sees (not once per gauge: there are types × statuses
   * of them, and the pool holds thousands of robots). Read on the scraping thread; the pool itself is immutable.
   */
  private static final class PoolCounts {
    private final Orchestration orchestration;
    private PoolState counted;
    private Map<String, Long> counts = Map.of();

    PoolCounts(Orchestration orchestration) {
      this.orchestration = orchestration;
    }

    synchronized long of(String type, Status status) {
      PoolState now = orchestration.state();
      if (now != counted) {
        Map<String, Long> fresh = new HashMap<>();
        now.robots().forEach(r -> fresh.merge(r.type() + "/" + r.status(), 1L, Long::sum));
        counts = fresh;
        counted = now;
      }
      return counts.getOrDefault(type + "/" + status, 0L);
    }
  }

  /** {@code {"robots":{id:{type,…}},"personas":{type:{…}}}}, robots and personas sorted by name. */
  static JsonObject json(RobotStats stats) {
    JsonObject robots = new JsonObject();
    new TreeMap<>(stats.robots()).forEach((id, t) -> robots.put(id, json(t)));
    JsonObject personas = new JsonObject();
    new TreeMap<>(stats.personas()).forEach((type, t) -> personas.put(type, json(t)));
    return new JsonObject().put("robots", robots).put("personas", personas);
  }

  /**
   * The pool for operators: per type how many robots are idle and busy, the matches robots sit in (as many as busy
   * robots), the queue.
   */
  static JsonObject json(PoolState pool) {
    JsonObject byType = new JsonObject();
    JsonObject matches = new JsonObject();
    for (PoolState.Robot r : pool.robots()) {
      JsonObject counts = byType.getJsonObject(r.type(), new JsonObject().put("idle", 0).put("busy", 0));
      String status = r.status().name().toLowerCase(Locale.ROOT);
      byType.put(r.type(), counts.put(status, counts.getInteger(status) + 1));
      if (r.status() == Status.BUSY) {
        JsonObject seated = matches.getJsonObject(r.matchId(),
            new JsonObject().put("round", r.round()).put("robots", 0));
        matches.put(r.matchId(), seated.put("robots", seated.getInteger("robots") + 1));
      }
    }
    JsonArray queue = new JsonArray();
    pool.queue().stream().limit(QUEUE_LISTED).forEach(p -> queue.add(new JsonObject()
        .put("matchId", p.request().matchId())
        .put("round", p.request().round()).put("count", p.request().count()).put("queuedAt", p.queuedAt().toString())));
    return new JsonObject().put("version", pool.version()).put("byType", byType).put("matches", matches)
        .put("queued", pool.queue().size()).put("queue", queue);
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
    stopping = true;
    vertx.cancelTimer(retryTimer);
    Future<Void> unregistered = Future.all(
        statsConsumer == null ? Future.succeededFuture() : statsConsumer.unregister(),
        experimentConsumer == null ? Future.succeededFuture() : experimentConsumer.unregister(),
        poolConsumer == null ? Future.succeededFuture() : poolConsumer.unregister()).mapEmpty();
    // Stand down before leaving the group, so the next holder never meets a term of this one still running.
    return unregistered.eventually(this::standDown)
        .eventually(() -> lease == null ? Future.succeededFuture() : lease.stop())
        .eventually(() -> deadLetters == null ? Future.succeededFuture() : deadLetters.close());
  }
}
