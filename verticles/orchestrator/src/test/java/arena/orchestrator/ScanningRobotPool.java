package arena.orchestrator;

import arena.orchestrator.RobotPool.Assignment;
import arena.orchestrator.RobotPool.Change;
import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.events.OrchestrationEvent.AssignedRobot;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * {@link RobotPool} as it was before its index: every step scans the pool's robots. Kept for tests only, as the
 * oracle the indexed pool must agree with, choice for choice.
 */
final class ScanningRobotPool {
  private static final int RECENT_WORK = 8;
  /**
   * Rounds remembered as over. A replayed request younger than match.robotWaitMaxSeconds (older ones are ignored
   * anyway) names one of the rounds finished in that time: thousands, at hundreds of concurrent matches.
   */
  private static final int FINISHED_ROUNDS = 2048;
  private final long seed;
  private final int capacity;
  private final Selection selection;
  private final RobotStats stats;
  /** Unhealthy robots are seated only when no healthy idle robot is left. */
  private final Predicate<Robot> healthy;

  /**
   * Chance among equal robots comes from {@code seed}, the request and the pool's version alone, so a request
   * handled again after a failed publish (or by a restarted orchestrator) seats the same robots as the attempt
   * whose records may already be in Kafka. The service uses seed 0; tests vary it.
   *
   * @param capacity how many robots the pool may grow to (pool.scaling.maxTotal): a request for more than that, and
   *                 more than the pool has, can never be met; anything less waits for the pool to grow
   */
  public ScanningRobotPool(long seed, int capacity) {
    this(seed, capacity, Selection.only(new RandomSelection()));
  }

  /** A pool whose robots {@code selection} chooses among the equally allowed ones. */
  public ScanningRobotPool(long seed, int capacity, Selection selection) {
    this(seed, capacity, selection, RobotStats.empty(), r -> true);
  }

  private ScanningRobotPool(long seed, int capacity, Selection selection, RobotStats stats, Predicate<Robot> healthy) {
    this.seed = seed;
    this.capacity = capacity;
    this.selection = selection;
    this.stats = stats;
    this.healthy = healthy;
  }

  /** The same rules, choosing with {@code stats} (strategies weigh how robots did). */
  public ScanningRobotPool withStats(RobotStats stats) {
    return new ScanningRobotPool(seed, capacity, selection, stats, healthy);
  }

  /** The same rules, with {@code healthy} telling which robots are healthy (all of them until told otherwise). */
  public ScanningRobotPool withHealthy(Predicate<Robot> healthy) {
    return new ScanningRobotPool(seed, capacity, selection, stats, healthy);
  }

  public Selection selection() {
    return selection;
  }

  /** A fresh pool as {@link RobotPool} makes it (nothing indexed to check there), held as a plain list. */
  public static PoolState create(Map<String, Integer> byType, Instant now) {
    PoolState made = RobotPool.create(byType, now);
    return new PoolState(made.version(), List.copyOf(made.robots()), made.queue(), made.finishedRounds(),
        made.robotNumbers());
  }

  public static long count(PoolState state, Status status) {
    return state.robots().stream().filter(r -> r.status() == status).count();
  }

  /** The robots sitting in {@code matchId}'s round {@code round}. */
  public static List<Robot> seatedIn(PoolState state, String matchId, int round) {
    return state.robots().stream().filter(r -> isSeatedIn(r, matchId, round)).toList();
  }

  /**
   * Serves a robots request now, queues it behind earlier ones, or declares it impossible. A request already
   * assigned or already waiting is a re-delivery and changes nothing.
   */
  public Change request(PoolState state, RobotsNeeded request, String causationId, Instant now) {
    if (state.finished(request.matchId(), request.round())
        || !seatedIn(state, request.matchId(), request.round()).isEmpty()
        || state.queue().stream().anyMatch(p -> p.request().correlationId().equals(request.correlationId()))) {
      return new Change(state, false, List.of(), List.of(), List.of(), null);
    }
    if (request.identities() == null || request.identities().size() < request.count()) {
      throw new PoisonRecordException("robots request " + request.correlationId() + " asks for " + request.count()
          + " robots but does not name that many identities");
    }
    if (request.count() > Math.max(capacity, state.robots().size())) {
      return new Change(state, false, List.of(), List.of(), List.of(), request);
    }
    // Strict FIFO: anyone already waiting goes first, even if this smaller request would fit now.
    if (request.count() > 0 && (!state.queue().isEmpty() || count(state, Status.IDLE) < request.count())) {
      List<Pending> queue = new ArrayList<>(state.queue());
      queue.add(new Pending(request, causationId, now));
      return new Change(new PoolState(state.version() + 1, state.robots(), List.copyOf(queue), state.finishedRounds(), state.robotNumbers()), true,
          List.of(), List.of(), List.of(), null);
    }
    Seating seating = seat(state, state.robots(), request, now);
    Assignment assignment = new Assignment(request, causationId, seating.assigned(), null, seating.strategy());
    boolean changed = !seating.assigned().isEmpty();
    PoolState next = changed ? new PoolState(state.version() + 1, seating.robots(), state.queue(), state.finishedRounds(), state.robotNumbers()) : state;
    return new Change(next, changed, List.of(), List.of(), List.of(assignment), null);
  }

  /** Frees the robots of one round, then serves the queue. */
  public Change release(PoolState state, String matchId, int round, Instant now) {
    return freeAndServe(state, r -> isSeatedIn(r, matchId, round), false, PoolState.roundKey(matchId, round), now);
  }

  /** Frees everything a finished match still holds, forgets its waiting requests, then serves the queue. */
  public Change releaseMatch(PoolState state, String matchId, Instant now) {
    return freeAndServe(state, r -> r.status() == Status.BUSY && matchId.equals(r.matchId()), true,
        PoolState.roundKey(matchId, 0), now);
  }

  /**
   * One more finished piece of work ({@code work}: its commandId/kind) for {@code robotId}; unknown robots, and work
   * among the robot's latest counted (a report delivered again), are ignored.
   */
  public static Change workCompleted(PoolState state, String robotId, String work) {
    int at = 0;
    while (at < state.robots().size() && !state.robots().get(at).id().equals(robotId)) {
      at++;
    }
    if (at == state.robots().size() || state.robots().get(at).recentWork().contains(work)) {
      return new Change(state, false, List.of(), List.of(), List.of(), null);
    }
    // In place: every other robot stays the very same object, so only this one's record is written again.
    List<Robot> robots = new ArrayList<>(state.robots());
    Robot r = robots.get(at);
    robots.set(at, new Robot(r.id(), r.type(), r.status(), r.matchId(), r.round(), r.identity(), r.since(),
        r.completedWork() + 1, withWork(r.recentWork(), work), r.seat()));
    return new Change(new PoolState(state.version() + 1, robots, state.queue(), state.finishedRounds(),
        state.robotNumbers()), true, List.of(), List.of(), List.of(), null);
  }

  /** Frees what {@code toFree} picks and marks {@code finished} (a {@link PoolState#roundKey}) as over. */
  private Change freeAndServe(PoolState state, Predicate<Robot> toFree, boolean dropQueued,
      String finished, Instant now) {
    String matchId = finished.substring(0, finished.lastIndexOf('/'));
    List<Robot> released = new ArrayList<>();
    List<Robot> robots = new ArrayList<>(state.robots().size());
    for (Robot r : state.robots()) {
      if (toFree.test(r)) {
        released.add(r);
        robots.add(new Robot(r.id(), r.type(), Status.IDLE, null, 0, null, now, r.completedWork(), r.recentWork()));
      } else {
        robots.add(r);
      }
    }
    List<Pending> queue = new ArrayList<>(state.queue());
    boolean dropped = dropQueued && queue.removeIf(p -> p.request().matchId().equals(matchId));

    List<Assignment> assignments = new ArrayList<>();
    robots = serve(state, robots, queue, assignments, now);
    if (released.isEmpty() && !dropped && assignments.isEmpty()) {
      return new Change(state, false, List.of(), List.of(), List.of(), null);
    }
    PoolState next = new PoolState(state.version() + 1, List.copyOf(robots), List.copyOf(queue),
        latest(state.finishedRounds(), finished, FINISHED_ROUNDS), state.robotNumbers());
    return new Change(next, true, List.of(), List.copyOf(released), List.copyOf(assignments), null);
  }

  /**
   * Retires the idle robots named in {@code retire}, adds robots until each type of {@code grownTo} has that many,
   * then serves the queue with what is idle. Busy robots are never retired.
   */
  public Change resize(PoolState state, Map<String, Integer> grownTo, Set<String> retire, Instant now) {
    List<Robot> retired = state.robots().stream()
        .filter(r -> retire.contains(r.id()) && r.status() == Status.IDLE).toList();
    PoolState kept = new PoolState(state.version(), state.robots().stream().filter(r -> !retired.contains(r)).toList(),
        state.queue(), state.finishedRounds(), state.robotNumbers());
    Change grown = RobotPool.reconcile(kept, grownTo, now);
    if (retired.isEmpty() && !grown.changed()) {
      return new Change(state, false, List.of(), List.of(), List.of(), null);
    }
    List<Pending> queue = new ArrayList<>(state.queue());
    List<Assignment> assignments = new ArrayList<>();
    List<Robot> robots = serve(state, new ArrayList<>(grown.state().robots()), queue, assignments, now);
    PoolState next = new PoolState(state.version() + 1, List.copyOf(robots), List.copyOf(queue),
        state.finishedRounds(), grown.state().robotNumbers());
    return new Change(next, true, grown.instantiated(), retired, List.copyOf(assignments), null);
  }

  /** Seats the queue's requests in order while enough robots are idle; what it seats moves to {@code assignments}. */
  private List<Robot> serve(PoolState from, List<Robot> robots, List<Pending> queue, List<Assignment> assignments,
      Instant now) {
    while (!queue.isEmpty()) {
      Pending head = queue.get(0);
      long idle = robots.stream().filter(r -> r.status() == Status.IDLE).count();
      if (idle < head.request().count()) {
        break; // the head blocks everyone behind it
      }
      Seating seating = seat(from, robots, head.request(), now);
      robots = new ArrayList<>(seating.robots());
      assignments.add(new Assignment(head.request(), head.causationId(), seating.assigned(), head.queuedAt(),
          seating.strategy()));
      queue.remove(0);
    }
    return robots;
  }

  /**
   * {@code work} after the latest others. A re-delivery comes from a consumer's uncommitted batch, within seconds:
   * a robot does far fewer than this many pieces of work in that time.
   */
  private static List<String> withWork(List<String> latest, String work) {
    return latest(latest, work, RECENT_WORK);
  }

  /** {@code item} after the others, keeping only the {@code keep} newest. */
  private static List<String> latest(List<String> others, String item, int keep) {
    List<String> next = new ArrayList<>(others);
    next.remove(item);
    next.add(item);
    return List.copyOf(next.subList(Math.max(0, next.size() - keep), next.size()));
  }

  private record Seating(List<Robot> robots, List<AssignedRobot> assigned, String strategy) {}

  /**
   * Picks {@code count} idle robots: robots the match did not just have come first (the excluded ones only when
   * nothing else is idle), persona types take turns, and the match's selection strategy chooses among equals.
   */
  private Seating seat(PoolState from, List<Robot> robots, RobotsNeeded request, Instant now) {
    RandomGenerator random = new SplittableRandom(seed ^ request.correlationId().hashCode() * 0x9E3779B97F4A7C15L
        ^ from.version());
    Set<String> excluded = request.excludeRobots() == null ? Set.of() : Set.copyOf(request.excludeRobots());
    List<Robot> fresh = new ArrayList<>();
    List<Robot> recent = new ArrayList<>();
    for (Robot r : robots) {
      if (r.status() == Status.IDLE) {
        (excluded.contains(r.id()) ? recent : fresh).add(r);
      }
    }
    SelectionStrategy strategy = selection.forMatch(request.matchId());
    SelectionStrategy.Context context = new SelectionStrategy.Context(request, stats, healthy);
    Map<String, Integer> typeTurns = new HashMap<>();
    List<Robot> chosen = new ArrayList<>();
    // Unhealthy robots come after every healthy one, fresh or recent.
    List<List<Robot>> tiers = new ArrayList<>();
    for (boolean unhealthy : new boolean[] {false, true}) {
      for (List<Robot> tier : List.of(fresh, recent)) {
        tiers.add(new ArrayList<>(tier.stream().filter(r -> healthy.test(r) != unhealthy).toList()));
      }
    }
    for (List<Robot> tier : tiers) {
      while (chosen.size() < request.count() && !tier.isEmpty()) {
        int fewest = tier.stream().mapToInt(r -> typeTurns.getOrDefault(r.type(), 0)).min().orElseThrow();
        List<Robot> equals = tier.stream().filter(r -> typeTurns.getOrDefault(r.type(), 0) == fewest).toList();
        Robot pick = strategy.pick(equals, context, random);
        tier.remove(pick);
        chosen.add(pick);
        typeTurns.merge(pick.type(), 1, Integer::sum);
      }
    }
    if (chosen.size() < request.count()) {
      throw new IllegalStateException("not enough idle robots for " + request.correlationId());
    }
    Map<String, Robot> seated = new HashMap<>();
    List<AssignedRobot> assigned = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      Robot r = chosen.get(i);
      String identity = request.identities().get(i);
      seated.put(r.id(), new Robot(r.id(), r.type(), Status.BUSY, request.matchId(), request.round(), identity, now,
          r.completedWork(), r.recentWork()));
      assigned.add(new AssignedRobot(r.id(), identity, r.type()));
    }
    List<Robot> next = robots.stream().map(r -> seated.getOrDefault(r.id(), r)).toList();
    return new Seating(next, List.copyOf(assigned), strategy.name());
  }

  private static boolean isSeatedIn(Robot r, String matchId, int round) {
    return r.status() == Status.BUSY && r.round() == round && matchId.equals(r.matchId());
  }
}
