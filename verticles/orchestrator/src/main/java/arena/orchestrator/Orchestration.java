package arena.orchestrator;

import arena.orchestrator.RobotPool.Assignment;
import arena.orchestrator.RobotPool.Change;
import arena.orchestrator.ScalingPolicy.Decision;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.OrchestrationEvent.PoolScaled;
import arena.shared.events.OrchestrationEvent.RobotReleased;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.ops.ArenaMetrics;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Scaled;
import arena.shared.state.PoolState.Status;
import arena.shared.state.RobotTally;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's reactions, without Kafka: each input event becomes the list of records to publish, in
 * order (events and commands first, then the pool's records that changed: see {@link PoolRecords}). It holds the
 * current {@link PoolState} and which robots served each running match, and takes up what a reaction changed only
 * once all its records are written: a failed publish leaves it as it was, so the retried input decides again from
 * the same memory. The caller must feed it one event at a time.
 */
public final class Orchestration {
  /** The key of pool-wide events ({@code robot.pool_scaled}), and of the whole pool as robot-pool-state once held. */
  public static final String POOL_KEY = "pool";
  private static final Logger log = LoggerFactory.getLogger(Orchestration.class);
  private static final int MAX_RUNNING_MATCHES = 10_000;
  /** How many robot numbers past the highest given a replacement looks through for one a healthy worker hosts. */
  private static final int MAX_REPLACEMENT_TRIES = 1000;

  /**
   * One record to publish: {@code causationId} null starts a fresh chain; {@code payload} null is a tombstone for
   * {@code key} on robot-pool-state (a robot retired, a request no longer waiting).
   */
  public record Outgoing(String key, Event payload, String correlationId, String causationId) {}

  /** Publishes records in order; the future completes once the broker has acknowledged every one. */
  public interface Publisher {
    Future<Void> publish(List<Outgoing> records);
  }

  private final RobotPool pool;
  private final Clock clock;
  private final Duration robotWaitMax;
  /** Every robots request served, timed from the request to its assignment, by how it was served. */
  private final Timer servedAtOnce;
  private final Timer servedFromQueue;
  private final Counter queued;
  private final Counter unavailable;
  private final MeterRegistry registry;
  private PoolState state = PoolState.EMPTY;
  /** What robot-pool-state holds, record by record; follows Kafka like the pool. */
  private PoolRecords records = PoolRecords.none();
  /** How robots and personas perform; follows Kafka like the pool (taken up once a step's records are written). */
  private RobotStats stats = RobotStats.empty();
  /** The latest scaling decision per persona type, stored in the pool's summary; follows Kafka like the pool. */
  private Map<String, Scaled> lastScaled = Map.of();
  /**
   * The robots that sat in each running match, so they can be told to forget it when it completes. Kept out of
   * the pool state on purpose: after a restart robots forget idle matches on their own. Bounded in case a match
   * never completes (its events lost); the eldest match goes first.
   */
  private final Map<String, Set<String>> served = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
      return size() > MAX_RUNNING_MATCHES;
    }
  };

  /**
   * What each robot answered in each running match, as the match showed it when voting started, so a robot's next
   * response command carries its earlier rounds. Bounded like {@link #served}.
   */
  private final Map<String, Map<String, List<RobotCommand.EarlierRound>>> answered = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<String, List<RobotCommand.EarlierRound>>> eldest) {
      return size() > MAX_RUNNING_MATCHES;
    }
  };

  /**
   * @param robotWaitMax how long the Match Service waits for a round's robots ({@code match.robotWaitMaxSeconds}),
   *                     asking again meanwhile: a robots request older than that is a replay, never needed
   */
  public Orchestration(RobotPool pool, Clock clock, MeterRegistry registry, Duration robotWaitMax) {
    this.pool = pool;
    this.clock = clock;
    this.robotWaitMax = robotWaitMax;
    this.servedAtOnce = assignmentLatency(registry, "at_once");
    this.servedFromQueue = assignmentLatency(registry, "from_queue");
    this.queued = Counter.builder("arena.pool.requests.queued").description("robots requests that had to wait")
        .register(registry);
    this.unavailable = Counter.builder("arena.pool.requests.unavailable")
        .description("robots requests larger than the pool").register(registry);
    this.registry = registry;
  }

  private static Timer assignmentLatency(MeterRegistry registry, String served) {
    return ArenaMetrics.duration("arena.assignment.latency",
        "robots requests, from the request (a queued one: from joining the queue) to round.robots_assigned")
        .tag("served", served).register(registry);
  }

  // --- health: what the robot workers report, who is unhealthy, who replaces them --------------------------------

  private HealthPolicy healthPolicy;
  private HealthPolicy.Health health;
  private Map<String, HealthPolicy.Verdict> unhealthy = Map.of();
  /** The work each seated robot was last given in its round, until done or released: a replacement is given it. */
  private final Map<String, RobotCommand.Work> inHand = new HashMap<>();

  /** Watches the robots' health with {@code policy} from now on; the silent-worker grace starts now. */
  public Orchestration health(HealthPolicy policy) {
    this.healthPolicy = policy;
    this.health = policy.start(clock.instant());
    return this;
  }

  /**
   * Judges every robot by the latest health checks: unhealthy ones are seated only when no healthy robot is idle,
   * and each one a healthy worker can stand in for is replaced by a new robot of its type hosted there
   * ({@code robot.released} and {@code robot.instantiated}, reason replace, and {@code robot.pool_scaled} per type),
   * in its seat when it has one, where the replacement is given the work in hand again. Memory follows once every
   * record is written. The caller must not run it concurrently with {@link #handle}.
   */
  public Future<Void> heal(Publisher publisher) {
    if (healthPolicy == null) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    Map<String, HealthPolicy.Verdict> verdicts = healthPolicy.judge(health, state.robots(), now);
    List<Runnable> effects = new ArrayList<>();
    for (HealthPolicy.Verdict v : verdicts.values()) {
      if (!unhealthy.containsKey(v.robotId())) {
        effects.add(() -> {
          log.warn("robot {} is unhealthy: {}{}", v.robotId(), v.reason().text(),
              v.worker() == null ? "" : " at worker " + v.worker());
          Counter.builder("arena.pool.robots.unhealthy").tag("reason", v.reason().name().toLowerCase(Locale.ROOT))
              .description("robots found unhealthy").register(registry).increment();
        });
      }
    }
    unhealthy.keySet().stream().filter(id -> !verdicts.containsKey(id) && RobotPool.robot(state, id) != null)
        .forEach(id -> effects.add(() -> log.info("robot {} is healthy again", id)));
    effects.add(() -> unhealthy = verdicts);
    List<Outgoing> out = replace(verdicts.values(), now, effects);
    return publisher.publish(out).map(written -> {
      effects.forEach(Runnable::run);
      return null;
    });
  }

  /** The records that swap each robot of {@code verdicts} a healthy worker can stand in for; none when none can. */
  private List<Outgoing> replace(Collection<HealthPolicy.Verdict> verdicts, Instant now, List<Runnable> effects) {
    Map<String, Integer> numbers = RobotPool.highestNumbers(state);
    List<Robot> robots = new ArrayList<>(state.robots());
    List<Robot> added = new ArrayList<>();
    List<Robot> released = new ArrayList<>();
    List<Outgoing> commands = new ArrayList<>();
    String chain = UUID.randomUUID().toString();
    Map<String, Integer> places = new HashMap<>();
    for (int i = 0; i < robots.size(); i++) {
      places.put(robots.get(i).id(), i);
    }
    // Types no worker runs healthily now (their provider is out): none of theirs can be replaced, so none is tried.
    Map<String, Boolean> hostable = new HashMap<>();
    for (HealthPolicy.Verdict v : verdicts) {
      Integer at = places.get(v.robotId());
      Robot old = at == null ? null : robots.get(at);
      Integer number = old == null || !hostable.computeIfAbsent(old.type(),
          type -> healthPolicy.anyHealthyHost(health, type, now)) ? null
          : replacementNumber(old.type(), numbers.getOrDefault(old.type(), 0), now);
      if (number == null) {
        continue; // no healthy worker could host it: it stays, seated only when nothing healthy is idle
      }
      numbers.put(old.type(), number);
      String id = RobotPool.robotId(old.type(), number);
      boolean seated = old.status() == Status.BUSY;
      Robot fresh = seated
          ? new Robot(id, old.type(), Status.BUSY, old.matchId(), old.round(), old.identity(), now, 0, List.of(),
              seatName(old))
          : new Robot(id, old.type(), Status.IDLE, null, 0, null, now, 0, List.of());
      robots.set(at, fresh);
      added.add(fresh);
      released.add(old);
      effects.add(() -> log.info("robot {} replaces robot {} ({}){}", id, old.id(), v.reason().text(),
          seated ? " in match " + old.matchId() + " round " + old.round() + " as " + old.identity() : ""));
      if (seated) {
        effects.add(() -> served.computeIfAbsent(old.matchId(), m -> new LinkedHashSet<>()).add(id));
        RobotCommand.Work work = inHand.get(old.id());
        if (work != null && work.deadline().isAfter(now) && work.round() == old.round()
            && old.matchId().equals(work.matchId())) {
          // The same command, so a worker that gets both (or the Match Service, by the seat's id) counts it once.
          commands.add(new Outgoing(id, work, chain, null));
          effects.add(() -> {
            inHand.put(id, work);
            reissued().increment();
          });
        }
      }
      effects.add(() -> replaced().increment());
    }
    if (added.isEmpty()) {
      return List.of();
    }
    Change change = new Change(new PoolState(state.version() + 1, IndexedRobots.of(robots), state.queue(),
        state.finishedRounds(), Map.copyOf(numbers)), true, List.copyOf(added), List.copyOf(released), List.of(), null);
    List<Outgoing> out = new ArrayList<>();
    for (Robot r : added) {
      out.add(new Outgoing(r.id(), new OrchestrationEvent.RobotInstantiated(r.id(), r.type()), chain, null));
    }
    Map<String, Integer> byType = RobotPool.byType(state);
    added.stream().map(Robot::type).distinct().forEach(type -> out.add(new Outgoing(POOL_KEY,
        new OrchestrationEvent.PoolScaled(type, byType.get(type), byType.get(type), PoolScaled.Reason.REPLACE), chain,
        null)));
    out.addAll(apply(chain, null, change, RobotReleased.Reason.REPLACE, commands, effects));
    return out;
  }

  /**
   * The first robot number past {@code highest} (ids are never given twice) whose commands would go to a healthy
   * worker; null if none of the next few would.
   */
  private Integer replacementNumber(String type, int highest, Instant now) {
    for (int n = highest + 1; n <= highest + MAX_REPLACEMENT_TRIES; n++) {
      if (healthPolicy.canHost(health, RobotPool.robotId(type, n), type, now)) {
        return n;
      }
    }
    return null;
  }

  /** The id the Match Service knows {@code robot}'s seat by: its own, or that of the robot it replaced there. */
  private String seatName(Robot robot) {
    return robot.seat() != null ? robot.seat() : robot.id();
  }

  private Counter replaced() {
    return Counter.builder("arena.pool.robots.replaced").description("unhealthy robots replaced").register(registry);
  }

  private Counter reissued() {
    return Counter.builder("arena.pool.commands.reissued")
        .description("work in hand given again to the robot that replaced an unhealthy one").register(registry);
  }

  public PoolState state() {
    return state;
  }

  public RobotStats stats() {
    return stats;
  }

  /** Takes up the stats stored in {@code robot-stats} (by key); call before the first event is handled. */
  public void restoreStats(Map<String, RobotTally> stored) {
    stats = RobotStats.restore(stored);
    log.info("robot stats restored: {} robots, {} personas, {} experiment arms", stats.robots().size(),
        stats.personas().size(), stats.arms().size());
  }

  /** How robots are chosen, and the experiment if one runs. */
  public Selection selection() {
    return pool.selection();
  }

  /** The pool's rules, choosing with the stats and the robots' health as they are now. */
  private RobotPool pool() {
    return pool.withStats(stats).withUnhealthy(unhealthy.keySet());
  }

  /**
   * Takes up the stored pool, or creates one from configuration when nothing was stored, and announces every
   * robot that is new. {@code restored} is taken to be stored record by record already.
   */
  public List<Outgoing> open(Optional<PoolState> restored, Map<String, Integer> byType) {
    return open(new PoolRecords.Restored(restored, restored.map(PoolRecords::holding).orElse(PoolRecords.none()),
        Map.of()),
        byType);
  }

  /**
   * Takes up the pool read back from robot-pool-state ({@link PoolRecords#restore}), or creates one from
   * configuration when nothing was stored, announces every robot that is new, and writes what the topic lacks (all
   * of it when the pool was stored the old way, whole in one record, which is then tombstoned).
   */
  List<Outgoing> open(PoolRecords.Restored restored, Map<String, Integer> byType) {
    Instant now = clock.instant();
    boolean fresh = restored.pool().isEmpty();
    Change change = RobotPool.reconcile(restored.pool().orElse(PoolState.EMPTY), byType, now);
    state = RobotPool.indexed(change.state());
    lastScaled = restored.scaled();
    log.info("robot pool {}: {} robots {}, {} waiting requests, version {}", fresh ? "created" : "restored",
        state.robots().size(), RobotPool.byType(state), state.queue().size(), state.version());
    String chain = UUID.randomUUID().toString();
    List<Outgoing> out = new ArrayList<>();
    for (Robot r : change.instantiated()) {
      out.add(new Outgoing(r.id(), new OrchestrationEvent.RobotInstantiated(r.id(), r.type()), chain, null));
    }
    if (change.changed()) {
      Map<String, Integer> before = RobotPool.byType(restored.pool().orElse(change.state()));
      RobotPool.byType(state).forEach((type, to) -> {
        int from = fresh ? 0 : before.getOrDefault(type, 0);
        if (from != to) {
          out.add(new Outgoing(POOL_KEY, new OrchestrationEvent.PoolScaled(type, from, to,
              fresh ? PoolScaled.Reason.INITIAL : PoolScaled.Reason.CONFIG), chain, null));
        }
      });
    }
    PoolRecords.Step step = restored.stored().write(state, lastScaled);
    records = step.after();
    out.addAll(outgoing(step, chain, null));
    return out;
  }

  private static List<Outgoing> outgoing(PoolRecords.Step step, String correlationId, String causationId) {
    return step.records().stream().map(r -> new Outgoing(r.key(), r.value(), correlationId, causationId)).toList();
  }

  /**
   * Applies {@code policy} to the pool as it is now: publishes each decision ({@code robot.pool_scaled}), each
   * robot retired ({@code robot.released}) or added ({@code robot.instantiated}), the queued requests the new robots
   * serve, then the new state, and takes them up once all are written. The caller must not run it concurrently
   * with {@link #handle}.
   */
  public Future<Void> scale(ScalingPolicy policy, Publisher publisher) {
    Instant now = clock.instant();
    List<Decision> decisions = policy.decide(state, lastScaled, now);
    if (decisions.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Integer> grownTo = new LinkedHashMap<>();
    Set<String> retire = new LinkedHashSet<>();
    for (Decision d : decisions) {
      if (d.grows()) {
        grownTo.put(d.type(), d.to());
      }
      retire.addAll(d.retire());
    }
    Change change = pool().resize(state, grownTo, retire, now);
    String chain = UUID.randomUUID().toString();
    List<Runnable> effects = new ArrayList<>();
    List<Outgoing> out = new ArrayList<>();
    for (Robot r : change.instantiated()) {
      out.add(new Outgoing(r.id(), new OrchestrationEvent.RobotInstantiated(r.id(), r.type()), chain, null));
    }
    Map<String, Scaled> scaled = new HashMap<>(lastScaled);
    for (Decision d : decisions) {
      log.info("robot pool {}: {} robots {} -> {}", d.reason(), d.type(), d.from(), d.to());
      out.add(new Outgoing(POOL_KEY, new OrchestrationEvent.PoolScaled(d.type(), d.from(), d.to(), d.reason()),
          chain, null));
      scaled.put(d.type(), ScalingPolicy.after(scaled.get(d.type()), d, now));
    }
    // The cool-downs go into the pool's summary, so a restarted or new active orchestrator keeps them.
    Map<String, Scaled> after = Map.copyOf(scaled);
    effects.add(() -> lastScaled = after);
    out.addAll(apply(chain, null, change, RobotReleased.Reason.SCALE_DOWN, List.of(), effects, after));
    return publisher.publish(out).map(written -> {
      effects.forEach(Runnable::run);
      return null;
    });
  }

  /**
   * Reacts to one consumed event: publishes its records (none when it does not concern the pool), then, once they
   * are all written, takes up the new state. The returned future fails with the publish, memory unchanged.
   */
  public Future<Void> handle(Envelope<? extends Event> cause, Publisher publisher) {
    List<Runnable> effects = new ArrayList<>();
    List<Outgoing> out;
    try {
      out = new ArrayList<>(on(cause, effects));
      RobotStats after = statsAfter(cause.payload());
      // Last, after the pool's records: a crash in between loses this step's tallies (never counts them twice), while
      // stats written ahead of the pool could make a retried request seat other robots than the first attempt did.
      after.changedSince(stats.seq()).forEach((key, tally) ->
          out.add(new Outgoing(key, tally, cause.correlationId(), cause.eventId())));
      effects.add(() -> stats = after);
    } catch (RuntimeException e) {
      // A function of the pool and the event: what it cannot apply now it never will.
      return Future.failedFuture(new PoisonRecordException("cannot apply " + cause.eventType() + ": " + e, e));
    }
    return publisher.publish(out).map(written -> {
      effects.forEach(Runnable::run);
      return null;
    });
  }

  /** The events {@link #handle} acts on; any other is passed over. */
  static final Set<Class<? extends Event>> USES = Set.of(MatchEvent.RobotsNeeded.class, MatchEvent.RoundStarted.class,
      MatchEvent.VotingStarted.class, MatchEvent.RoundCompleted.class, MatchEvent.Completed.class,
      MatchEvent.Cancelled.class, RobotResponse.HealthCheck.class, RobotResponse.ResponseComplete.class);

  /** The records to publish in reaction to {@code cause}; what it changes in memory goes to {@code effects}. */
  private List<Outgoing> on(Envelope<? extends Event> cause, List<Runnable> effects) {
    Instant now = clock.instant();
    Event event = cause.payload();
    if (event instanceof MatchEvent.RobotsNeeded needed) {
      if (cause.occurredAt().plus(robotWaitMax).isBefore(now)) {
        // Delivered again after its round (or match) was over: seating robots now would hold them for nothing.
        log.info("match {} round {}: ignoring robots request {} from {}, older than {}", needed.matchId(),
            needed.round(), needed.correlationId(), cause.occurredAt(), robotWaitMax);
        return List.of();
      }
      List<Robot> seated = RobotPool.seatedIn(state, needed.matchId(), needed.round());
      if (!seated.isEmpty()) {
        return askedBeforeSeated(cause, seated) ? List.of() : assignAgain(cause, needed, seated);
      }
      Change change = pool().request(state, needed, cause.eventId(), now);
      Instant requested = cause.occurredAt().isAfter(now) ? now : cause.occurredAt();
      change.assignments().stream().filter(a -> a.queuedAt() == null)
          .forEach(a -> effects.add(() -> servedAtOnce.record(Duration.between(requested, now))));
      return apply(cause, change, effects);
    } else if (event instanceof MatchEvent.RoundStarted started) {
      return dispatch(cause, started.matchId(), started.round(), "response", effects, (r, name) ->
          new RobotCommand.GenerateResponse(commandId("response", name, started.matchId(), started.round()), name,
              r.type(), started.matchId(), started.round(), r.identity(), started.prompt(), started.deadline(),
              earlier(started.matchId(), name, started.round())));
    } else if (event instanceof MatchEvent.VotingStarted voting) {
      effects.add(() -> rememberAnswers(voting));
      return dispatch(cause, voting.matchId(), voting.round(), "vote", effects, (r, name) ->
          new RobotCommand.GenerateVote(commandId("vote", name, voting.matchId(), voting.round()), name, r.type(),
              voting.matchId(), voting.round(), r.identity(), voting.prompt(), voting.responses(), voting.deadline()));
    } else if (event instanceof MatchEvent.RoundCompleted completed) {
      return apply(cause, pool().release(state, completed.matchId(), completed.round(), now), effects);
    } else if (event instanceof MatchEvent.Completed completed) {
      effects.add(() -> answered.remove(completed.matchId()));
      return apply(cause.correlationId(), cause.eventId(), pool().releaseMatch(state, completed.matchId(), now),
          RobotReleased.Reason.MATCH_OVER, forget(cause, completed.matchId(), effects), effects);
    } else if (event instanceof MatchEvent.Cancelled cancelled) {
      effects.add(() -> answered.remove(cancelled.matchId()));
      return apply(cause.correlationId(), cause.eventId(), pool().releaseMatch(state, cancelled.matchId(), now),
          RobotReleased.Reason.MATCH_OVER, forget(cause, cancelled.matchId(), effects), effects);
    } else if (event instanceof RobotResponse.HealthCheck check) {
      if (healthPolicy != null) {
        Instant at = cause.occurredAt().isAfter(now) ? now : cause.occurredAt();
        HealthPolicy.Health next = healthPolicy.report(health, check, at);
        effects.add(() -> health = next);
      }
      return List.of();
    } else if (event instanceof RobotResponse.ResponseComplete done) {
      effects.add(() -> {
        RobotCommand.Work own = inHand.get(done.robotId());
        if (own != null && own.commandId().equals(done.commandId())) {
          inHand.remove(done.robotId());
        } else { // a replaced robot's work, given to its replacement
          inHand.values().removeIf(w -> w.commandId().equals(done.commandId()));
        }
      });
      return apply(cause, RobotPool.workCompleted(state, done.robotId(), done.commandId() + "/" + done.kind()),
          effects);
    }
    return List.of();
  }

  /** The stats once {@code event} is counted, from the pool as it was before the event (who sat where). */
  private RobotStats statsAfter(Event event) {
    if (event instanceof MatchEvent.RoundCompleted completed) {
      List<RobotStats.Seat> seats = RobotPool.seatedIn(state, completed.matchId(), completed.round()).stream()
          .map(r -> new RobotStats.Seat(r.id(), r.type(), r.identity())).toList();
      return stats.round(completed, seats, selection().arm(completed.matchId()));
    } else if (event instanceof RobotResponse.ResponseComplete done) {
      RobotTally counted = stats.robots().get(done.robotId()); // a robot's type never changes
      Robot robot = counted != null ? null : RobotPool.robot(state, done.robotId());
      String type = counted != null ? counted.type() : robot == null ? null : robot.type();
      return stats.work(done, type, done.matchId() == null ? null : selection().arm(done.matchId()));
    }
    return stats;
  }

  /**
   * Whether {@code cause} was written before the round's first robot was seated: the assignment written with that
   * seating (in the same transaction) is then on its way to the Match Service, so answering again would only add to
   * the backlog of an orchestrator that is behind. (A Match Service clock far behind ours delays the answer to its
   * next ask, never loses it.)
   */
  private static boolean askedBeforeSeated(Envelope<? extends Event> cause, List<Robot> seated) {
    return seated.stream().map(Robot::since).filter(Objects::nonNull).min(Comparator.naturalOrder())
        .map(cause.occurredAt()::isBefore).orElse(false);
  }

  /**
   * A round that already has its robots asks again: the Match Service asks again only when it has not seen the
   * assignment (lost, or published before a crash), so it gets the same robots behind the same letters again.
   */
  private List<Outgoing> assignAgain(Envelope<? extends Event> cause, MatchEvent.RobotsNeeded needed,
      List<Robot> seated) {
    List<OrchestrationEvent.AssignedRobot> robots = seated.stream()
        .map(r -> new OrchestrationEvent.AssignedRobot(seatName(r), r.identity(), r.type()))
        .sorted(Comparator.comparing(OrchestrationEvent.AssignedRobot::identity)).toList();
    log.info("match {} round {}: robots {} assigned again", needed.matchId(), needed.round(),
        robots.stream().map(OrchestrationEvent.AssignedRobot::id).toList());
    return List.of(new Outgoing(needed.matchId(), new OrchestrationEvent.RobotsAssigned(needed.matchId(),
        needed.round(), robots, needed.correlationId(), selection().forMatch(needed.matchId()).name()),
        needed.correlationId(), cause.eventId()));
  }

  private List<Outgoing> apply(Envelope<? extends Event> cause, Change change, List<Runnable> effects) {
    return apply(cause.correlationId(), cause.eventId(), change, RobotReleased.Reason.ROUND_OVER, List.of(),
        effects);
  }

  /**
   * The change's events, then {@code commands}, then the pool's records that changed; memory and metrics follow in
   * {@code effects}. Robots released go with {@code released}; assignments keep their own request's chain.
   */
  private List<Outgoing> apply(String correlationId, String causationId, Change change,
      RobotReleased.Reason released, List<Outgoing> commands, List<Runnable> effects) {
    return apply(correlationId, causationId, change, released, commands, effects, lastScaled);
  }

  /** As above, with {@code scaled} the latest scaling per persona type to store with the pool. */
  private List<Outgoing> apply(String correlationId, String causationId, Change change,
      RobotReleased.Reason released, List<Outgoing> commands, List<Runnable> effects, Map<String, Scaled> scaled) {
    Instant now = clock.instant();
    List<Outgoing> out = new ArrayList<>();
    for (Robot r : change.released()) {
      effects.add(() -> inHand.remove(r.id()));
      out.add(new Outgoing(r.id(), new OrchestrationEvent.RobotReleased(r.id(), r.matchId(), r.round(), released),
          correlationId, causationId));
    }
    for (Assignment a : change.assignments()) {
      MatchEvent.RobotsNeeded request = a.request();
      effects.add(() -> a.robots().forEach(r -> served.computeIfAbsent(request.matchId(),
          m -> new LinkedHashSet<>()).add(r.id())));
      out.add(new Outgoing(request.matchId(), new OrchestrationEvent.RobotsAssigned(request.matchId(),
          request.round(), a.robots(), request.correlationId(), a.strategy()), request.correlationId(),
          a.causationId()));
      if (a.queuedAt() != null) {
        // One served at once is timed where its request is taken, from the request's time.
        effects.add(() -> servedFromQueue.record(Duration.between(a.queuedAt(), now)));
      }
      log.info("match {} round {}: robots {} assigned{}", request.matchId(), request.round(),
          a.robots().stream().map(OrchestrationEvent.AssignedRobot::id).toList(),
          a.queuedAt() == null ? "" : " after waiting " + Duration.between(a.queuedAt(), now).toMillis() + " ms");
    }
    if (change.unavailable() != null) {
      MatchEvent.RobotsNeeded request = change.unavailable();
      effects.add(unavailable::increment);
      log.warn("match {} round {}: asks for {} robots but the pool has only {}", request.matchId(), request.round(),
          request.count(), change.state().robots().size());
      out.add(new Outgoing(request.matchId(), new OrchestrationEvent.RobotsUnavailable(request.matchId(),
          request.round(), request.count(), change.state().robots().size(), request.correlationId()),
          request.correlationId(), causationId));
    }
    out.addAll(commands);
    if (change.changed()) {
      if (change.state().queue().size() > state.queue().size()) {
        effects.add(queued::increment);
        log.info("robots request queued: {} waiting", change.state().queue().size());
      }
      effects.add(() -> state = change.state());
      PoolRecords.Step step = records.write(change.state(), scaled);
      effects.add(() -> records = step.after());
      out.addAll(outgoing(step, correlationId, causationId));
    }
    return out;
  }

  /** One ForgetMatch per robot that sat in the match, in any round; then the match is no longer tracked. */
  private List<Outgoing> forget(Envelope<? extends Event> cause, String matchId, List<Runnable> effects) {
    Set<String> robots = served.get(matchId);
    if (robots == null) {
      return List.of();
    }
    effects.add(() -> served.remove(matchId));
    log.debug("match {} over: {} robots told to forget it", matchId, robots.size());
    return robots.stream().map(id -> new Outgoing(id, new RobotCommand.ForgetMatch(
        commandId("forget", id, matchId, 0), id, matchId), cause.correlationId(), cause.eventId())).toList();
  }

  /** Each seated robot's answer, found under the letter it sat behind this round. */
  private void rememberAnswers(MatchEvent.VotingStarted voting) {
    Map<String, String> responses = voting.responses() == null ? Map.of() : voting.responses();
    for (Robot r : RobotPool.seatedIn(state, voting.matchId(), voting.round())) {
      String answer = responses.get(r.identity());
      if (answer != null) {
        List<RobotCommand.EarlierRound> rounds = answered.computeIfAbsent(voting.matchId(), m -> new LinkedHashMap<>())
            .computeIfAbsent(r.id(), id -> new ArrayList<>());
        rounds.removeIf(e -> e.round() == voting.round());
        rounds.add(new RobotCommand.EarlierRound(voting.round(), voting.prompt(), answer));
      }
    }
  }

  private List<RobotCommand.EarlierRound> earlier(String matchId, String robotId, int round) {
    return answered.getOrDefault(matchId, Map.of()).getOrDefault(robotId, List.of()).stream()
        .filter(e -> e.round() < round).toList();
  }

  /** The command for {@code robot}, in its seat's {@code name}. */
  private interface CommandFor {
    RobotCommand.Work to(Robot robot, String name);
  }

  private List<Outgoing> dispatch(Envelope<? extends Event> cause, String matchId, int round, String kind,
      List<Runnable> effects, CommandFor command) {
    List<Outgoing> out = new ArrayList<>();
    for (Robot r : RobotPool.seatedIn(state, matchId, round)) {
      RobotCommand.Work work = command.to(r, seatName(r));
      effects.add(() -> inHand.put(r.id(), work));
      out.add(new Outgoing(r.id(), work, cause.correlationId(), cause.eventId()));
    }
    log.debug("match {} round {}: {} {} commands", matchId, round, out.size(), kind);
    return out;
  }

  /** Same robot, match, round and kind give the same id, so a re-delivered event yields commands robots skip. */
  static String commandId(String kind, String robotId, String matchId, int round) {
    return UUID.nameUUIDFromBytes((kind + "|" + matchId + "|" + round + "|" + robotId)
        .getBytes(StandardCharsets.UTF_8)).toString();
  }
}
