package arena.orchestrator;

import arena.shared.events.OrchestrationEvent.PoolScaled;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Scaled;
import arena.shared.state.PoolState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When the pool grows or shrinks, as a pure function: (pool, its queue of waiting requests, the latest decision per
 * persona type, now) to {@link Decision}s. No Kafka, no timers: the orchestrator applies it after every pool change
 * and every {@code evaluateSeconds}.
 *
 * <p>Growth, in this order while {@code maxTotal} leaves room: each type back to {@code minIdlePerType} idle robots;
 * the robots queued requests wait for and the idle minimum they would take (to the types with the fewest robots
 * first, so personas stay varied); then, ahead of demand, each type whose busy share reached
 * {@code scaleUpBusyRatio}, just enough to fall below it (a pool whose busy share reached it has such a type).
 * Shrinking: while nobody waits, a type that did not grow retires its robots idle for {@code scaleDownIdleSeconds},
 * longest idle first, never below the idle minimum nor back to the busy share that would grow it again; the room
 * they leave goes first to types short of idle robots. Against flapping, a type that grew retires nothing for
 * {@code cooldownSeconds}, and a type that shrank grows ahead of demand only after as long; the idle minimum and
 * waiting requests are always served.
 */
public final class ScalingPolicy {

  /** {@code pool.scaling} in conf/arena.json. */
  public record Settings(int minIdlePerType, int maxTotal, double scaleUpBusyRatio, long scaleDownIdleSeconds,
      long cooldownSeconds, long evaluateSeconds) {
    public Settings {
      if (minIdlePerType < 0 || maxTotal < 0 || !(scaleUpBusyRatio > 0 && scaleUpBusyRatio <= 1)
          || scaleDownIdleSeconds < 0 || cooldownSeconds < 0 || evaluateSeconds <= 0) {
        throw new IllegalArgumentException("pool.scaling: counts and seconds must not be negative, evaluateSeconds"
            + " must be positive and scaleUpBusyRatio within (0, 1]");
      }
    }
  }

  /** {@code last} (a type's latest decisions, null when none), with {@code decision} taken at {@code now}. */
  public static Scaled after(Scaled last, Decision decision, Instant now) {
    Scaled was = last == null ? new Scaled(null, null) : last;
    return decision.grows() ? new Scaled(now, was.shrank()) : new Scaled(was.grew(), now);
  }

  /**
   * One type goes from {@code from} to {@code to} robots: {@code retire} names the idle robots that leave when it
   * shrinks (empty when it grows).
   */
  public record Decision(String type, int from, int to, PoolScaled.Reason reason, List<String> retire) {
    public boolean grows() {
      return to > from;
    }
  }

  private final Settings settings;
  private final List<String> types;

  /** @param types the persona types the pool serves (pool.robots), kept even when none of their robots is left */
  public ScalingPolicy(Settings settings, Collection<String> types) {
    this.settings = settings;
    this.types = List.copyOf(types);
  }

  public Settings settings() {
    return settings;
  }

  /** @param last when each type last grew and shrank, to keep opposite decisions a cool-down apart */
  public List<Decision> decide(PoolState state, Map<String, Scaled> last, Instant now) {
    if (state.robots().size() > settings.maxTotal()) {
      return overMaxTotal(state);
    }
    // Counted by the pool's index, never by a look at every robot (the pool holds thousands).
    IndexedRobots robots = IndexedRobots.of(state.robots());
    Map<String, Count> counts = new LinkedHashMap<>();
    types.forEach(t -> counts.put(t, new Count()));
    // Types no longer served whose robots are still in the pool, by name.
    new TreeSet<>(robots.types()).forEach(t -> counts.putIfAbsent(t, new Count()));
    counts.forEach((type, c) -> {
      c.total = robots.count(type);
      c.idle = robots.idleCount(type);
    });
    int room = Math.max(0, settings.maxTotal() - state.robots().size());

    room = toIdleMinimum(counts, room);
    // The robots the queue waits for, beyond the idle ones and the ones just added, plus the idle minimum they
    // would take away once seated.
    long idle = counts.values().stream().mapToLong(c -> c.idle + c.grow).sum();
    long waiting = state.queue().stream().mapToLong((Pending p) -> p.request().count()).sum();
    long missing = waiting == 0 ? 0 : waiting + (long) settings.minIdlePerType() * counts.size() - idle;
    for (; missing > 0 && room > 0; missing--, room--) {
      counts.values().stream().min(Comparator.comparingInt(c -> c.total + c.grow)).orElseThrow().grow++;
    }
    // Ahead of demand: a busy share at the ratio grows its type until the share is below it.
    for (Map.Entry<String, Count> e : counts.entrySet()) {
      Count c = e.getValue();
      int busy = c.total - c.idle;
      if (room > 0 && busy > 0 && busy >= settings.scaleUpBusyRatio() * (c.total + c.grow)
          && !within(last.get(e.getKey()), false, now)) {
        int enough = (int) Math.floor(busy / settings.scaleUpBusyRatio()) + 1;
        int more = Math.min(room, Math.max(1, enough - c.total - c.grow));
        c.grow += more;
        room -= more;
      }
    }

    Map<String, List<String>> retiring = new LinkedHashMap<>();
    for (Map.Entry<String, Count> e : counts.entrySet()) {
      if (e.getValue().grow == 0 && state.queue().isEmpty() && !within(last.get(e.getKey()), true, now)) {
        List<String> retire = retire(e.getValue(), e.getKey(), robots, now);
        if (!retire.isEmpty()) {
          retiring.put(e.getKey(), retire);
          room += retire.size();
        }
      }
    }
    // Room the retired robots leave goes first to types short of idle robots (never to a retiring one: it has spare).
    toIdleMinimum(counts, room);

    List<Decision> decisions = new ArrayList<>();
    for (Map.Entry<String, Count> e : counts.entrySet()) {
      String type = e.getKey();
      Count c = e.getValue();
      List<String> retire = retiring.get(type);
      if (c.grow > 0) {
        decisions.add(new Decision(type, c.total, c.total + c.grow, PoolScaled.Reason.SCALE_UP, List.of()));
      } else if (retire != null) {
        decisions.add(new Decision(type, c.total, c.total - retire.size(), PoolScaled.Reason.SCALE_DOWN, retire));
      }
    }
    return decisions;
  }

  /**
   * A pool over {@code maxTotal} (lowered in the configuration) gives back idle robots at once, whatever the
   * cool-downs and idle times, each from the type with the most robots (then the most idle ones) so personas stay
   * varied, longest idle first; busy robots leave as they come back.
   */
  private List<Decision> overMaxTotal(PoolState state) {
    Map<String, Count> counts = new LinkedHashMap<>();
    types.forEach(t -> counts.put(t, new Count()));
    Map<String, List<Robot>> idle = new LinkedHashMap<>();
    for (Robot r : state.robots()) {
      Count c = counts.computeIfAbsent(r.type(), t -> new Count());
      c.total++;
      if (r.status() == Status.IDLE) {
        c.idle++;
        idle.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
      }
    }
    idle.values().forEach(robots -> robots.sort(Comparator.comparing(Robot::since).thenComparing(Robot::id)));
    Map<String, List<String>> retiring = new LinkedHashMap<>();
    for (int over = state.robots().size() - settings.maxTotal(); over > 0; over--) {
      Map.Entry<String, Count> most = counts.entrySet().stream().filter(e -> e.getValue().idle > 0)
          .max(Comparator.<Map.Entry<String, Count>>comparingInt(e -> e.getValue().total)
              .thenComparingInt(e -> e.getValue().idle)).orElse(null);
      if (most == null) {
        break;
      }
      Count c = most.getValue();
      Robot leaving = idle.get(most.getKey()).remove(0);
      retiring.computeIfAbsent(most.getKey(), t -> new ArrayList<>()).add(leaving.id());
      c.total--;
      c.idle--;
    }
    return retiring.entrySet().stream().map(e -> new Decision(e.getKey(), counts.get(e.getKey()).total
        + e.getValue().size(), counts.get(e.getKey()).total, PoolScaled.Reason.CONFIG, e.getValue())).toList();
  }

  /** Grows types short of idle robots, one robot per type in turn so a short room is shared fairly: room left. */
  private int toIdleMinimum(Map<String, Count> counts, int room) {
    for (boolean added = true; added && room > 0; ) {
      added = false;
      for (Count c : counts.values()) {
        if (room > 0 && c.idle + c.grow < settings.minIdlePerType()) {
          c.grow++;
          room--;
          added = true;
        }
      }
    }
    return room;
  }

  /**
   * The type's robots idle for {@code scaleDownIdleSeconds} or longer, longest idle first, as many as the type can
   * spare; its idle robots are looked at only when it can spare some.
   */
  private List<String> retire(Count c, String type, IndexedRobots robots, Instant now) {
    int busy = c.total - c.idle;
    int spare = c.idle - settings.minIdlePerType();
    while (spare > 0 && busy > 0 && busy >= settings.scaleUpBusyRatio() * (c.total - spare)) {
      spare--;
    }
    if (spare <= 0) {
      return List.of();
    }
    Instant idleSince = now.minus(Duration.ofSeconds(settings.scaleDownIdleSeconds()));
    return robots.idleOf(type).stream().filter(r -> !r.since().isAfter(idleSince))
        .sorted(Comparator.comparing(Robot::since).thenComparing(Robot::id)).limit(spare).map(Robot::id).toList();
  }

  /** Whether the type grew (or, for {@code grew} false, shrank) less than the cool-down before {@code now}. */
  private boolean within(Scaled last, boolean grew, Instant now) {
    Instant at = last == null ? null : grew ? last.grew() : last.shrank();
    return at != null && now.isBefore(at.plus(Duration.ofSeconds(settings.cooldownSeconds())));
  }

  private static final class Count {
    int total;
    int idle;
    int grow;
  }
}
