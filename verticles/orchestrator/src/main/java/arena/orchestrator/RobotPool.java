package arena.orchestrator;

import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.events.OrchestrationEvent.AssignedRobot;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The robot pool's rules, as pure functions over the immutable {@link PoolState}: who gets which robots, who
 * waits, and who is served when robots come back. Every change returns a state whose version grew by one. The
 * states it returns hold their robots indexed ({@link IndexedRobots}), so a step costs what it changes, not the pool.
 */
public final class RobotPool {
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
  /** The ids of the unhealthy robots: seated only when no healthy idle robot is left. */
  private final Set<String> unhealthy;

  /**
   * Chance among equal robots comes from {@code seed}, the request and the pool's version alone, so a request
   * handled again after a failed publish (or by a restarted orchestrator) seats the same robots as the attempt
   * whose records may already be in Kafka. The service uses seed 0; tests vary it.
   *
   * @param capacity how many robots the pool may grow to (pool.scaling.maxTotal): a request for more than that, and
   *                 more than the pool has, can never be met; anything less waits for the pool to grow
   */
  public RobotPool(long seed, int capacity) {
    this(seed, capacity, Selection.only(new RandomSelection()));
  }

  /** A pool whose robots {@code selection} chooses among the equally allowed ones. */
  public RobotPool(long seed, int capacity, Selection selection) {
    this(seed, capacity, selection, RobotStats.empty(), Set.of());
  }

  private RobotPool(long seed, int capacity, Selection selection, RobotStats stats, Set<String> unhealthy) {
    this.seed = seed;
    this.capacity = capacity;
    this.selection = selection;
    this.stats = stats;
    this.unhealthy = unhealthy;
  }

  /** The same rules, choosing with {@code stats} (strategies weigh how robots did). */
  public RobotPool withStats(RobotStats stats) {
    return new RobotPool(seed, capacity, selection, stats, unhealthy);
  }

  /** The same rules, with the robots {@code unhealthy} names unhealthy (none until told otherwise). */
  public RobotPool withUnhealthy(Set<String> unhealthy) {
    return new RobotPool(seed, capacity, selection, stats, unhealthy);
  }

  public Selection selection() {
    return selection;
  }

  /** What one step did to the pool, in the order its events must be published. */
  public record Change(
      PoolState state,
      boolean changed,
      List<Robot> instantiated,
      List<Robot> released,
      List<Assignment> assignments,
      RobotsNeeded unavailable) {

    static Change none(PoolState state) {
      return new Change(state, false, List.of(), List.of(), List.of(), null);
    }
  }

  /**
   * Robots given to one request. {@code causationId} is the event id of the request's envelope;
   * {@code queuedAt} is null when the request never waited; {@code strategy} chose the robots.
   */
  public record Assignment(RobotsNeeded request, String causationId, List<AssignedRobot> robots, Instant queuedAt,
      String strategy) {}

  /** A fresh pool: {@code byType} robots of each persona type, all idle, ids like robot-curious-student-1. */
  public static PoolState create(Map<String, Integer> byType, Instant now) {
    return reconcile(PoolState.EMPTY, byType, now).state();
  }

  /**
   * Adds the robots the configuration now has more of; never removes or renumbers existing robots. A new robot's
   * number comes after every number its type ever had, so a retired robot's id (and its stats) is never reused.
   */
  public static Change reconcile(PoolState state, Map<String, Integer> byType, Instant now) {
    Map<String, Integer> have = new HashMap<>();
    state.robots().forEach(r -> have.merge(r.type(), 1, Integer::sum));
    Map<String, Integer> numbers = highestNumbers(state);
    List<Robot> added = new ArrayList<>();
    for (Map.Entry<String, Integer> e : byType.entrySet()) {
      String type = e.getKey();
      int wanted = e.getValue();
      if (wanted < 0) {
        throw new IllegalArgumentException("pool.robots." + type + " must not be negative");
      }
      for (int missing = wanted - have.getOrDefault(type, 0); missing > 0; missing--) {
        int n = numbers.merge(type, 1, Integer::sum);
        added.add(new Robot(robotId(type, n), type, Status.IDLE, null, 0, null, now, 0, List.of()));
      }
    }
    if (added.isEmpty()) {
      return Change.none(state);
    }
    List<Robot> robots = new ArrayList<>(state.robots());
    robots.addAll(added);
    PoolState next = new PoolState(state.version() + 1, IndexedRobots.of(robots), state.queue(),
        state.finishedRounds(), Map.copyOf(numbers));
    return new Change(next, true, List.copyOf(added), List.of(), List.of(), null);
  }

  /** Per persona type, the highest robot number ever given (also read from the ids, for states stored before). */
  public static Map<String, Integer> highestNumbers(PoolState state) {
    Map<String, Integer> numbers = new LinkedHashMap<>(state.robotNumbers());
    state.robots().forEach(r -> numbers.merge(r.type(), number(r), Math::max));
    return numbers;
  }

  /** robot-TYPE-N. */
  public static String robotId(String type, int number) {
    return "robot-" + type + "-" + number;
  }

  /** The N of robot-TYPE-N; 0 for an id not shaped so. */
  private static int number(Robot r) {
    String prefix = "robot-" + r.type() + "-";
    if (r.id().startsWith(prefix)) {
      try {
        return Integer.parseInt(r.id().substring(prefix.length()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** Robots per persona type, in the order they appear in the pool. */
  public static Map<String, Integer> byType(PoolState state) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    state.robots().forEach(r -> counts.merge(r.type(), 1, Integer::sum));
    return counts;
  }

  public static long count(PoolState state, Status status) {
    IndexedRobots robots = IndexedRobots.of(state.robots());
    return status == Status.IDLE ? robots.idleCount() : robots.size() - robots.idleCount();
  }

  /** The robots sitting in {@code matchId}'s round {@code round}, in pool order. */
  public static List<Robot> seatedIn(PoolState state, String matchId, int round) {
    return IndexedRobots.of(state.robots()).seatedIn(matchId, round);
  }

  /** The robot {@code id}, or null when the pool has none. */
  public static Robot robot(PoolState state, String id) {
    return IndexedRobots.of(state.robots()).robot(id);
  }

  /**
   * {@code state} with its robots and finished rounds indexed for the steps to come (see {@link IndexedRobots},
   * {@link FinishedRounds}): a pool read back from Kafka is indexed once, not at each step until the first that
   * changes it.
   */
  public static PoolState indexed(PoolState state) {
    return state.robots() instanceof IndexedRobots && state.finishedRounds() instanceof FinishedRounds ? state
        : new PoolState(state.version(), IndexedRobots.of(state.robots()), state.queue(),
            FinishedRounds.of(state.finishedRounds()), state.robotNumbers());
  }

  /**
   * Serves a robots request now, queues it behind earlier ones, or declares it impossible. A request already
   * assigned or already waiting is a re-delivery and changes nothing.
   */
  public Change request(PoolState state, RobotsNeeded request, String causationId, Instant now) {
    IndexedRobots robots = IndexedRobots.of(state.robots());
    if (state.finished(request.matchId(), request.round())
        || !robots.seatedIn(request.matchId(), request.round()).isEmpty()
        || state.queue().stream().anyMatch(p -> p.request().correlationId().equals(request.correlationId()))) {
      return Change.none(state);
    }
    if (request.identities() == null || request.identities().size() < request.count()) {
      throw new PoisonRecordException("robots request " + request.correlationId() + " asks for " + request.count()
          + " robots but does not name that many identities");
    }
    if (request.count() > Math.max(capacity, state.robots().size())) {
      return new Change(state, false, List.of(), List.of(), List.of(), request);
    }
    // Strict FIFO: anyone already waiting goes first, even if this smaller request would fit now.
    if (request.count() > 0 && (!state.queue().isEmpty() || robots.idleCount() < request.count())) {
      List<Pending> queue = new ArrayList<>(state.queue());
      queue.add(new Pending(request, causationId, now));
      return new Change(new PoolState(state.version() + 1, robots, List.copyOf(queue), state.finishedRounds(),
          state.robotNumbers()), true, List.of(), List.of(), List.of(), null);
    }
    Seating seating = seat(state, robots, request, now);
    Assignment assignment = new Assignment(request, causationId, seating.assigned(), null, seating.strategy());
    boolean changed = !seating.assigned().isEmpty();
    PoolState next = changed ? new PoolState(state.version() + 1, seating.robots(), state.queue(), state.finishedRounds(), state.robotNumbers()) : state;
    return new Change(next, changed, List.of(), List.of(), List.of(assignment), null);
  }

  /** Frees the robots of one round, then serves the queue. */
  public Change release(PoolState state, String matchId, int round, Instant now) {
    return freeAndServe(state, IndexedRobots.of(state.robots()).seatedIn(matchId, round), false,
        PoolState.roundKey(matchId, round), now);
  }

  /** Frees everything a finished match still holds, forgets its waiting requests, then serves the queue. */
  public Change releaseMatch(PoolState state, String matchId, Instant now) {
    return freeAndServe(state, IndexedRobots.of(state.robots()).busyIn(matchId), true,
        PoolState.roundKey(matchId, 0), now);
  }

  /**
   * One more finished piece of work ({@code work}: its commandId/kind) for {@code robotId}; unknown robots, and work
   * among the robot's latest counted (a report delivered again), are ignored.
   */
  public static Change workCompleted(PoolState state, String robotId, String work) {
    IndexedRobots robots = IndexedRobots.of(state.robots());
    int at = robots.placeOf(robotId);
    if (at < 0 || robots.get(at).recentWork().contains(work)) {
      return Change.none(state);
    }
    // In place: every other robot stays the very same object, so only this one's record is written again.
    Robot r = robots.get(at);
    robots = robots.with(at, new Robot(r.id(), r.type(), r.status(), r.matchId(), r.round(), r.identity(), r.since(),
        r.completedWork() + 1, withWork(r.recentWork(), work), r.seat()));
    return new Change(new PoolState(state.version() + 1, robots, state.queue(), state.finishedRounds(),
        state.robotNumbers()), true, List.of(), List.of(), List.of(), null);
  }

  /** Frees {@code released} and marks {@code finished} (a {@link PoolState#roundKey}) as over. */
  private Change freeAndServe(PoolState state, List<Robot> released, boolean dropQueued,
      String finished, Instant now) {
    String matchId = finished.substring(0, finished.lastIndexOf('/'));
    IndexedRobots robots = IndexedRobots.of(state.robots());
    for (Robot r : released) {
      robots = robots.with(robots.placeOf(r.id()),
          new Robot(r.id(), r.type(), Status.IDLE, null, 0, null, now, r.completedWork(), r.recentWork()));
    }
    List<Pending> queue = new ArrayList<>(state.queue());
    boolean dropped = dropQueued && queue.removeIf(p -> p.request().matchId().equals(matchId));

    List<Assignment> assignments = new ArrayList<>();
    robots = serve(state, robots, queue, assignments, now);
    if (released.isEmpty() && !dropped && assignments.isEmpty()) {
      return Change.none(state);
    }
    PoolState next = new PoolState(state.version() + 1, robots, List.copyOf(queue),
        FinishedRounds.of(state.finishedRounds()).latest(finished, FINISHED_ROUNDS), state.robotNumbers());
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
    Change grown = reconcile(kept, grownTo, now);
    if (retired.isEmpty() && !grown.changed()) {
      return Change.none(state);
    }
    List<Pending> queue = new ArrayList<>(state.queue());
    List<Assignment> assignments = new ArrayList<>();
    IndexedRobots robots = serve(state, IndexedRobots.of(grown.state().robots()), queue, assignments, now);
    PoolState next = new PoolState(state.version() + 1, robots, List.copyOf(queue),
        state.finishedRounds(), grown.state().robotNumbers());
    return new Change(next, true, grown.instantiated(), retired, List.copyOf(assignments), null);
  }

  /** Seats the queue's requests in order while enough robots are idle; what it seats moves to {@code assignments}. */
  private IndexedRobots serve(PoolState from, IndexedRobots robots, List<Pending> queue,
      List<Assignment> assignments, Instant now) {
    while (!queue.isEmpty()) {
      Pending head = queue.get(0);
      if (robots.idleCount() < head.request().count()) {
        break; // the head blocks everyone behind it
      }
      Seating seating = seat(from, robots, head.request(), now);
      robots = seating.robots();
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

  private record Seating(IndexedRobots robots, List<AssignedRobot> assigned, String strategy) {}

  /**
   * Picks {@code count} idle robots: robots the match did not just have come first (the excluded ones only when
   * nothing else is idle), persona types take turns, and the match's selection strategy chooses among equals.
   */
  private Seating seat(PoolState from, IndexedRobots robots, RobotsNeeded request, Instant now) {
    RandomGenerator random = new SplittableRandom(seed ^ request.correlationId().hashCode() * 0x9E3779B97F4A7C15L
        ^ from.version());
    Set<String> excluded = request.excludeRobots() == null ? Set.of() : Set.copyOf(request.excludeRobots());
    Predicate<Robot> healthy = r -> !unhealthy.contains(r.id());
    // The few idle robots set apart for later tiers (the match just had them, or they are unhealthy), in pool order.
    TreeMap<Integer, Robot> apart = new TreeMap<>();
    for (Set<String> ids : List.of(excluded, unhealthy)) {
      for (String id : ids) {
        Robot r = robots.robot(id);
        if (r != null && r.status() == Status.IDLE) {
          apart.put(robots.placeOf(id), r);
        }
      }
    }
    // Tiers, in turn: fresh healthy (every other idle robot), recent healthy, fresh unhealthy, recent unhealthy.
    Tier fresh = new Tier(robots, robots.idleByType());
    apart.values().forEach(fresh::takeOut);
    List<List<Robot>> setApart = List.of(List.of(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (Robot r : apart.values()) {
      setApart.get((healthy.test(r) ? 0 : 2) + (excluded.contains(r.id()) ? 1 : 0)).add(r);
    }
    List<Tier> tiers = List.of(fresh, Tier.of(robots, setApart.get(1)), Tier.of(robots, setApart.get(2)),
        Tier.of(robots, setApart.get(3)));
    SelectionStrategy strategy = selection.forMatch(request.matchId());
    SelectionStrategy.Context context = new SelectionStrategy.Context(request, stats, healthy);
    Map<String, Integer> typeTurns = new HashMap<>();
    List<Robot> chosen = new ArrayList<>();
    for (Tier tier : tiers) {
      while (chosen.size() < request.count()) {
        Set<String> types = tier.types();
        if (types.isEmpty()) {
          break;
        }
        int fewest = types.stream().mapToInt(t -> typeTurns.getOrDefault(t, 0)).min().orElseThrow();
        types.removeIf(t -> typeTurns.getOrDefault(t, 0) != fewest);
        Robot pick = strategy.pick(tier.of(types), context, random);
        tier.takeOut(pick);
        chosen.add(pick);
        typeTurns.merge(pick.type(), 1, Integer::sum);
      }
    }
    if (chosen.size() < request.count()) {
      throw new IllegalStateException("not enough idle robots for " + request.correlationId());
    }
    List<AssignedRobot> assigned = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      Robot r = chosen.get(i);
      String identity = request.identities().get(i);
      robots = robots.with(robots.placeOf(r.id()), new Robot(r.id(), r.type(), Status.BUSY, request.matchId(),
          request.round(), identity, now, r.completedWork(), r.recentWork()));
      assigned.add(new AssignedRobot(r.id(), identity, r.type()));
    }
    return new Seating(robots, List.copyOf(assigned), strategy.name());
  }

  /**
   * Idle robots equally allowed so far, by persona type: each type's places, less the few taken out (set apart for a
   * later tier, or picked already). The pool's idle robots are one tier, so it is never copied.
   */
  private static final class Tier {
    private final IndexedRobots robots;
    private final Map<String, Places> byType;
    private final Map<String, Set<Integer>> out = new HashMap<>();

    Tier(IndexedRobots robots, Map<String, Places> byType) {
      this.robots = robots;
      this.byType = byType;
    }

    /** A tier of the few {@code members}. */
    static Tier of(IndexedRobots robots, List<Robot> members) {
      Map<String, Places> byType = new HashMap<>();
      for (Robot r : members) {
        byType.merge(r.type(), Places.none(robots.size()).plus(robots.placeOf(r.id())),
            (places, one) -> places.plus(robots.placeOf(r.id())));
      }
      return new Tier(robots, byType);
    }

    void takeOut(Robot r) {
      Places places = byType.get(r.type());
      int at = robots.placeOf(r.id());
      if (places != null && places.contains(at)) {
        out.computeIfAbsent(r.type(), t -> new HashSet<>()).add(at);
      }
    }

    /** The types this tier still has robots of. */
    Set<String> types() {
      Set<String> types = new HashSet<>();
      byType.forEach((type, places) -> {
        if (places.size() > out.getOrDefault(type, Set.of()).size()) {
          types.add(type);
        }
      });
      return types;
    }

    /** This tier's robots of {@code types}, in pool order. */
    List<Robot> of(Set<String> types) {
      List<Places> places = new ArrayList<>();
      Set<Integer> without = new HashSet<>();
      for (String type : types) {
        places.add(byType.get(type));
        without.addAll(out.getOrDefault(type, Set.of()));
      }
      return new Candidates(robots, places, without);
    }
  }

  /**
   * The robots at {@code places} less those {@code out}, in pool order. A view: a strategy drawing one by chance
   * looks up one place, not every candidate.
   */
  private static final class Candidates extends AbstractList<Robot> {
    private final IndexedRobots robots;
    private final List<Places> places;
    private final Set<Integer> out;
    private final int size;

    Candidates(IndexedRobots robots, List<Places> places, Set<Integer> out) {
      this.robots = robots;
      this.places = places;
      this.out = out;
      this.size = places.stream().mapToInt(Places::size).sum() - out.size();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public Robot get(int index) {
      return robots.get(Places.select(places, out, Objects.checkIndex(index, size)));
    }

    @Override
    public Iterator<Robot> iterator() {
      List<Integer> at = new ArrayList<>(size);
      places.forEach(p -> p.forEach(place -> {
        if (!out.contains(place)) {
          at.add(place);
        }
      }));
      at.sort(null);
      return at.stream().map(robots::get).iterator();
    }
  }
}
