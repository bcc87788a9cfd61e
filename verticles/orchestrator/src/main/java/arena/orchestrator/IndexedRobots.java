package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.IntTreePMap;

/**
 * The pool's robots in their order, with what a step looks them up by: each robot's place by id, the robots seated in
 * each round and in each match, the idle robots of each persona type, and how many robots each type has. Persistent (pcollections): a robot changed
 * where it stands costs a few tree nodes, never a copy or a scan of the pool, so a step costs what it changes however
 * many robots the pool has. It is the very list a {@link arena.shared.state.PoolState} holds, so the index travels
 * with the state; a list read back from Kafka is indexed once ({@link #of}).
 */
final class IndexedRobots extends AbstractList<Robot> {
  /** Robot changes journaled for {@link #changedSince}: far more than one step makes. */
  private static final int JOURNALED = 1024;

  private record Seat(String matchId, int round) {}

  /** Place {@code at} changed from the list whose token is {@code from}; after the {@code earlier} changes. */
  private record Journal(Object from, int at, Journal earlier, int length) {}

  /** By place; keyed by int, so a look-up compares ints, not Integers through a comparator. */
  private final IntTreePMap<Robot> robots;
  private final PMap<String, Integer> places;
  private final PMap<Seat, Places> seated;
  private final PMap<String, Places> inMatch;
  private final PMap<String, Places> idle;
  private final PMap<String, Integer> ofType;
  private final int idleCount;
  /** This list's identity in the journals of the lists changed from it. */
  private final Object token = new Object();
  /** The latest changes, newest first; null when none. */
  private final Journal journal;

  private IndexedRobots(IntTreePMap<Robot> robots, PMap<String, Integer> places,
      PMap<Seat, Places> seated, PMap<String, Places> inMatch, PMap<String, Places> idle,
      PMap<String, Integer> ofType, int idleCount, Journal journal) {
    this.robots = robots;
    this.places = places;
    this.seated = seated;
    this.inMatch = inMatch;
    this.idle = idle;
    this.ofType = ofType;
    this.idleCount = idleCount;
    this.journal = journal;
  }

  /** {@code robots} indexed: itself when it is indexed already, else indexed now (a look at every robot, once). */
  static IndexedRobots of(List<Robot> robots) {
    if (robots instanceof IndexedRobots indexed) {
      return indexed;
    }
    Map<Integer, Robot> byPlace = new HashMap<>();
    for (int at = 0; at < robots.size(); at++) {
      byPlace.put(at, robots.get(at));
    }
    IndexedRobots indexed = new IndexedRobots(IntTreePMap.from(byPlace), HashTreePMap.empty(), HashTreePMap.empty(),
        HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty(), 0, null);
    for (int at = robots.size() - 1; at >= 0; at--) { // backwards: an id given twice is found at its first place
      indexed = indexed.indexed(at, robots.get(at));
    }
    return new IndexedRobots(indexed.robots, indexed.places, indexed.seated, indexed.inMatch, indexed.idle,
        indexed.ofType, indexed.idleCount, null);
  }

  @Override
  public Robot get(int index) {
    return robots.get(Objects.checkIndex(index, robots.size()));
  }

  @Override
  public int size() {
    return robots.size();
  }

  @Override
  public Iterator<Robot> iterator() {
    return robots.values().iterator();
  }

  /** The robots with {@code robot} at place {@code at} instead of the one there; only what moved is re-indexed. */
  IndexedRobots with(int at, Robot robot) {
    Robot old = robots.get(at);
    Journal journaled = new Journal(token, at, journal, journal == null ? 1 : journal.length() + 1);
    return new IndexedRobots(robots.plus(at, robot),
        old.id().equals(robot.id()) ? places : places.minus(old.id()).plus(robot.id(), at),
        moved(seated, seat(old), seat(robot), at), moved(inMatch, match(old), match(robot), at),
        moved(idle, idleType(old), idleType(robot), at),
        old.type().equals(robot.type()) ? ofType : counted(counted(ofType, old.type(), -1), robot.type(), 1),
        idleCount + idle(robot) - idle(old), journaled.length() > 2 * JOURNALED ? newest(journaled, JOURNALED) : journaled);
  }

  /** The {@code keep} newest changes of {@code journal}; copied only every so often, so a change costs one entry. */
  private static Journal newest(Journal journal, int keep) {
    if (keep == 0 || journal == null) {
      return null;
    }
    return new Journal(journal.from(), journal.at(), newest(journal.earlier(), keep - 1), keep);
  }

  /** The indexes with {@code robot} at {@code at} added. */
  private IndexedRobots indexed(int at, Robot robot) {
    return new IndexedRobots(robots, places.plus(robot.id(), at), moved(seated, null, seat(robot), at),
        moved(inMatch, null, match(robot), at), moved(idle, null, idleType(robot), at),
        counted(ofType, robot.type(), 1), idleCount + idle(robot), journal);
  }

  /** Where the robot {@code id} stands; -1 when the pool has no such robot. */
  int placeOf(String id) {
    Integer at = places.get(id);
    return at == null ? -1 : at;
  }

  /** The robot {@code id}, or null. */
  Robot robot(String id) {
    int at = placeOf(id);
    return at < 0 ? null : robots.get(at);
  }

  /** The robots seated in {@code matchId}'s round {@code round}, in pool order. */
  List<Robot> seatedIn(String matchId, int round) {
    return at(seated.get(new Seat(matchId, round)));
  }

  /** The robots busy in {@code matchId}, any round, in pool order. */
  List<Robot> busyIn(String matchId) {
    return at(inMatch.get(matchId));
  }

  int idleCount() {
    return idleCount;
  }

  /** How many robots of persona {@code type} the pool has, busy or idle. */
  int count(String type) {
    return ofType.getOrDefault(type, 0);
  }

  /** The persona types the pool has robots of. */
  Set<String> types() {
    return ofType.keySet();
  }

  /** The idle robots of persona {@code type}, in pool order. */
  List<Robot> idleOf(String type) {
    return at(idle.get(type));
  }

  /** How many robots of persona {@code type} are idle. */
  int idleCount(String type) {
    Places of = idle.get(type);
    return of == null ? 0 : of.size();
  }

  /** The places of the idle robots, by persona type. */
  Map<String, Places> idleByType() {
    return idle;
  }

  /**
   * The places changed since {@code before}, each once, in pool order, when this list was made from {@code before}
   * by changing robots where they stand, recently enough to be journaled; null otherwise.
   */
  List<Integer> changedSince(IndexedRobots before) {
    if (before == this) {
      return List.of();
    }
    TreeSet<Integer> changed = new TreeSet<>();
    for (Journal j = journal; j != null; j = j.earlier()) {
      changed.add(j.at());
      if (j.from() == before.token) {
        return List.copyOf(changed);
      }
    }
    return null;
  }

  private List<Robot> at(Places places) {
    if (places == null) {
      return List.of();
    }
    List<Robot> found = new ArrayList<>(places.size());
    places.forEach(at -> found.add(robots.get(at)));
    return found;
  }

  private static PMap<String, Integer> counted(PMap<String, Integer> counts, String type, int by) {
    int n = counts.getOrDefault(type, 0) + by;
    return n == 0 ? counts.minus(type) : counts.plus(type, n);
  }

  private static Seat seat(Robot r) {
    return r.status() == Status.BUSY && r.matchId() != null ? new Seat(r.matchId(), r.round()) : null;
  }

  private static String match(Robot r) {
    return r.status() == Status.BUSY ? r.matchId() : null;
  }

  private static String idleType(Robot r) {
    return r.status() == Status.IDLE ? r.type() : null;
  }

  private static int idle(Robot r) {
    return r.status() == Status.IDLE ? 1 : 0;
  }

  /**
   * {@code index} with place {@code at} moved from under {@code from} to under {@code to} (null: none); a key left
   * with no place goes, so finished matches leave nothing behind.
   */
  private <K> PMap<K, Places> moved(PMap<K, Places> index, K from, K to, int at) {
    if (Objects.equals(from, to)) {
      return index;
    }
    if (from != null) {
      Places left = index.get(from).minus(at);
      index = left.size() == 0 ? index.minus(from) : index.plus(from, left);
    }
    if (to != null) {
      index = index.plus(to, index.getOrDefault(to, Places.none(robots.size())).plus(at));
    }
    return index;
  }
}
