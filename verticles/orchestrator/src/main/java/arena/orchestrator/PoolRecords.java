package arena.orchestrator;

import arena.shared.events.Event;
import arena.shared.kafka.StateReader;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.FinishedRound;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.PooledRobot;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Scaled;
import arena.shared.state.PoolState.Summary;
import arena.shared.state.PoolState.Waiting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * How the pool lies on the compacted robot-pool-state topic: one record per robot (key: its id), per waiting request
 * ({@code queue/<correlationId>}) and per finished round ({@code finished/<round>}), each with its place in its list,
 * and a {@link Summary} (key {@code summary}: version and robot numbering). No record grows with the pool, and a
 * change writes only the records it changed, tombstones what left the pool, and the summary last. Immutable: it
 * knows what is stored and where each entry's place is, so the caller takes up {@link Step#after} only once a step's
 * records are written.
 */
public final class PoolRecords {
  public static final String SUMMARY_KEY = "summary";

  /** One record to write; a null value is a tombstone. */
  public record Record(String key, Event value) {}

  /** The records of one change, in order, and what is stored once they are written. */
  public record Step(List<Record> records, PoolRecords after) {}

  /**
   * A pool read back (empty when nothing was stored), what the topic holds, and each persona type's latest scaling as
   * of that pool.
   */
  public record Restored(Optional<PoolState> pool, PoolRecords stored, Map<String, Scaled> scaled) {}

  /** What the records hold; version -1 while no summary is stored. */
  private final PoolState stored;
  /** The place of every stored list entry, by record key; persistent, so a step copies none of it. */
  private final PMap<String, Long> places;
  private final long nextPlace;
  /** Whether the pool is still stored the old way too, whole under {@link Orchestration#POOL_KEY}. */
  private final boolean oldRecord;
  /** The stored summary's latest scaling per persona type. */
  private final Map<String, Scaled> scaled;

  private PoolRecords(PoolState stored, Map<String, Long> places, long nextPlace, boolean oldRecord,
      Map<String, Scaled> scaled) {
    this.stored = stored;
    this.places = places instanceof PMap<String, Long> p ? p : HashTreePMap.from(places);
    this.nextPlace = nextPlace;
    this.oldRecord = oldRecord;
    this.scaled = scaled;
  }

  /** Nothing stored. */
  public static PoolRecords none() {
    return new PoolRecords(new PoolState(-1, List.of(), List.of(), List.of(), Map.of()), Map.of(), 0, false,
        Map.of());
  }

  /** {@code pool}, stored record by record already. */
  public static PoolRecords holding(PoolState pool) {
    return none().write(pool).after();
  }

  static String queueKey(Pending pending) {
    return "queue/" + pending.request().correlationId();
  }

  static String finishedKey(String round) {
    return "finished/" + round;
  }

  /**
   * The pool from the latest record of every key of robot-pool-state. A pool stored the old way (one record under
   * {@code pool}) is read as it is while no summary was written; the first write then stores it record by record.
   */
  public static Restored restore(Map<String, ? extends Event> byKey) {
    List<PooledRobot> robots = new ArrayList<>();
    List<Waiting> queue = new ArrayList<>();
    List<FinishedRound> finished = new ArrayList<>();
    Map<String, Long> places = new HashMap<>();
    Summary summary = null;
    PoolState old = null;
    for (Map.Entry<String, ? extends Event> e : byKey.entrySet()) {
      Event value = e.getValue();
      if (value instanceof PooledRobot r) {
        robots.add(r);
        places.put(e.getKey(), r.place());
      } else if (value instanceof Waiting w) {
        queue.add(w);
        places.put(e.getKey(), w.place());
      } else if (value instanceof FinishedRound f) {
        finished.add(f);
        places.put(e.getKey(), f.place());
      } else if (value instanceof Summary s) {
        summary = s;
      } else if (value instanceof PoolState p && Orchestration.POOL_KEY.equals(e.getKey())) {
        old = p;
      }
    }
    robots.sort(Comparator.comparingLong(PooledRobot::place));
    queue.sort(Comparator.comparingLong(Waiting::place));
    finished.sort(Comparator.comparingLong(FinishedRound::place));
    PoolState stored = new PoolState(summary == null ? -1 : summary.version(),
        robots.stream().map(PooledRobot::robot).toList(), queue.stream().map(Waiting::pending).toList(),
        finished.stream().map(FinishedRound::round).toList(), summary == null ? Map.of() : summary.robotNumbers());
    long next = places.values().stream().mapToLong(p -> p + 1).max().orElse(0);
    Optional<PoolState> pool = summary != null ? Optional.of(stored) : Optional.ofNullable(old);
    Map<String, Scaled> scaled = summary == null || summary.scaled() == null ? Map.of() : summary.scaled();
    return new Restored(pool, new PoolRecords(stored, places, next, old != null, scaled), scaled);
  }

  /**
   * Reads the pool back from every record of robot-pool-state in offset order (the topic has one partition). A
   * change's records end with its summary, so records after the last summary are a change cut short (the orchestrator
   * stopped between its records, or a publish failed halfway): the pool is taken as it was before that change, whose
   * input is then handled again, and the first write puts back what those records changed.
   */
  public static final class Replay implements Consumer<StateReader.Entry<Event>> {
    /** The latest value of every key as of the last complete change. */
    private final Map<String, Event> complete = new HashMap<>();
    /** Records after it, by key; a null value is a tombstone. */
    private final Map<String, Event> cutShort = new HashMap<>();
    /** The latest value of every key: what the topic holds. */
    private final Map<String, Event> latest = new HashMap<>();
    private long records;

    @Override
    public void accept(StateReader.Entry<Event> e) {
      records++;
      if (e.value() == null) {
        latest.remove(e.key());
      } else {
        latest.put(e.key(), e.value());
      }
      cutShort.put(e.key(), e.value());
      // A pool stored whole, the old way, is complete in its one record.
      if (e.value() instanceof Summary || e.value() instanceof PoolState) {
        cutShort.forEach((key, value) -> {
          if (value == null) {
            complete.remove(key);
          } else {
            complete.put(key, value);
          }
        });
        cutShort.clear();
      }
    }

    public long records() {
      return records;
    }

    /** How many records came after the last complete change, and are taken back. */
    public int cutShort() {
      return cutShort.size();
    }

    public Restored restored() {
      Restored held = restore(latest);
      Restored before = restore(complete);
      PoolRecords stored = held.stored();
      return new Restored(before.pool(), new PoolRecords(stored.stored, stored.places,
          Math.max(stored.nextPlace, before.stored().nextPlace), stored.oldRecord, stored.scaled), before.scaled());
    }
  }

  /**
   * The records that turn what is stored into {@code pool}: robots, waiting requests and finished rounds that are new,
   * changed or moved to the end of their list, tombstones for those gone, a tombstone for the old whole-pool record if
   * one is left, and the summary last, with the scaling as stored.
   */
  public Step write(PoolState pool) {
    return write(pool, scaled);
  }

  /** As {@link #write(PoolState)}, with {@code scaled} the latest scaling per persona type from now on. */
  public Step write(PoolState pool, Map<String, Scaled> scaled) {
    Writer w = new Writer(places, nextPlace);
    w.robots(pool.robots(), stored.robots());
    w.entries(pool.queue(), stored.queue(), PoolRecords::queueKey, Waiting::new);
    w.entries(pool.finishedRounds(), stored.finishedRounds(), PoolRecords::finishedKey, FinishedRound::new);
    if (oldRecord) {
      w.out.add(new Record(Orchestration.POOL_KEY, null));
    }
    // Last, and with anything written: a restore takes a change as complete once its summary is there.
    if (!w.out.isEmpty() || pool.version() != stored.version() || !pool.robotNumbers().equals(stored.robotNumbers())
        || !scaled.equals(this.scaled)) {
      w.out.add(new Record(SUMMARY_KEY, new Summary(pool.version(), pool.robotNumbers(), Map.copyOf(scaled))));
    }
    return new Step(List.copyOf(w.out), new PoolRecords(pool, w.placed, w.next, false, Map.copyOf(scaled)));
  }

  private interface Entry<T> {
    Event at(long place, T item);
  }

  /** The records of one change, and the places once they are written. */
  private static final class Writer {
    /** How far into a list a change's first item is looked for, as items dropped from its front. */
    private static final int DROPPED_LOOKED_AT = 16;

    final List<Record> out = new ArrayList<>();
    PMap<String, Long> placed;
    long next;

    Writer(PMap<String, Long> placed, long next) {
      this.placed = placed;
      this.next = next;
    }

    /**
     * The robots, as {@link #entries}; when {@code now} was made from {@code before} by changing robots where they
     * stand, as both lists know, only the places changed are looked at.
     */
    void robots(List<Robot> now, List<Robot> before) {
      if (now instanceof IndexedRobots indexed && before instanceof IndexedRobots was) {
        List<Integer> changed = indexed.changedSince(was);
        if (changed != null && changedInPlace(now, before, changed, Robot::id, PooledRobot::new)) {
          return;
        }
      }
      entries(now, before, Robot::id, PooledRobot::new);
    }

    /**
     * Writes each item of {@code now} that is new, changed, or no longer after the one before it (moved to the end),
     * with a fresh place then; tombstones the items of {@code before} that are gone. A change touches a few items in
     * place, drops a few from the front (the oldest finished rounds, requests served) or adds some at the end; every
     * other item is the very same object, so only the items between the unchanged ends are looked at (the pool has
     * thousands of robots and 2,048 finished rounds, and a step must not cost as much as all of them).
     */
    <T> void entries(List<T> now, List<T> before, Function<T, String> key, Entry<T> entry) {
      if (now == before) {
        return; // the very same list: most steps leave the finished rounds and the queue as they were
      }
      int dropped = 0;
      int mostDropped = now.isEmpty() ? 0 : Math.min(before.size(), DROPPED_LOOKED_AT);
      while (dropped < mostDropped && before.get(dropped) != now.get(0)) {
        dropped++;
      }
      if (dropped == mostDropped) {
        dropped = 0;
      }
      List<T> rest = before.subList(dropped, before.size());
      int common = Math.min(now.size(), rest.size());
      int head = 0;
      while (head < common && now.get(head) == rest.get(head)) {
        head++;
      }
      int tail = 0;
      while (tail < common - head && now.get(now.size() - 1 - tail) == rest.get(rest.size() - 1 - tail)) {
        tail++;
      }
      if (dropped == 0 && changedInPlace(now.subList(head, now.size() - tail), rest.subList(head, rest.size() - tail),
          key, entry)) {
        return;
      }
      Map<String, T> was = new HashMap<>();
      before.subList(0, dropped).forEach(item -> was.put(key.apply(item), item));
      rest.subList(head, rest.size() - tail).forEach(item -> was.put(key.apply(item), item));
      Set<String> kept = new HashSet<>();
      long last = head == 0 ? -1 : placed.get(key.apply(now.get(head - 1)));
      for (T item : now.subList(head, now.size() - tail)) {
        String k = key.apply(item);
        kept.add(k);
        Long place = placed.get(k);
        if (place == null || place <= last) {
          place = next++;
          placed = placed.plus(k, place);
          out.add(new Record(k, entry.at(place, item)));
        } else if (!item.equals(was.get(k))) {
          out.add(new Record(k, entry.at(place, item)));
        }
        last = place;
      }
      // The unchanged end keeps its places unless an item before it moved behind them: then it moves too.
      for (T item : now.subList(now.size() - tail, now.size())) {
        String k = key.apply(item);
        long place = placed.get(k);
        if (place > last) {
          break;
        }
        place = next++;
        placed = placed.plus(k, place);
        out.add(new Record(k, entry.at(place, item)));
        last = place;
      }
      for (String k : was.keySet()) {
        if (!kept.contains(k)) {
          placed = placed.minus(k);
          out.add(new Record(k, null));
        }
      }
    }

    /**
     * Writes the items of {@code now} that differ from the one at the same position of {@code before}, if every
     * such pair is the same entry changed (robots seated or released where they are); false, writing nothing, if
     * entries came, went or moved.
     */
    private <T> boolean changedInPlace(List<T> now, List<T> before, Function<T, String> key, Entry<T> entry) {
      if (now.size() != before.size()) {
        return false;
      }
      List<Integer> changed = new ArrayList<>();
      for (int i = 0; i < now.size(); i++) {
        if (now.get(i) != before.get(i)) {
          changed.add(i);
        }
      }
      return changedInPlace(now, before, changed, key, entry);
    }

    /** As above, looking only at {@code places} (ascending), of two lists of the same size. */
    private <T> boolean changedInPlace(List<T> now, List<T> before, List<Integer> places, Function<T, String> key,
        Entry<T> entry) {
      List<T> changed = new ArrayList<>(places.size());
      for (int i : places) {
        T item = now.get(i);
        T was = before.get(i);
        if (item != was) {
          if (!key.apply(item).equals(key.apply(was))) {
            return false;
          }
          if (!item.equals(was)) {
            changed.add(item);
          }
        }
      }
      for (T item : changed) {
        String k = key.apply(item);
        out.add(new Record(k, entry.at(placed.get(k), item)));
      }
      return true;
    }
  }
}
