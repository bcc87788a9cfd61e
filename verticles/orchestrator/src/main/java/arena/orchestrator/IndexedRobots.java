package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PVector;
import org.pcollections.TreePSet;
import org.pcollections.TreePVector;

/**
 * The pool's robots in their order, with what a step looks them up by: each robot's place by id, the robots seated in
 * each round and in each match, and the idle robots of each persona type. Persistent (pcollections): a robot changed
 * where it stands costs a few tree nodes, never a copy or a scan of the pool, so a step costs what it changes however
 * many robots the pool has. It is the very list a {@link arena.shared.state.PoolState} holds, so the index travels
 * with the state; a list read back from Kafka is indexed once ({@link #of}).
 */
final class IndexedRobots extends AbstractList<Robot> {
  /** Robot changes journaled for {@link #changedSince}: far more than one step makes. */
  private static final int JOURNALED = 1024;

  private record Seat(String matchId, int round) {}

  /** {@code at} changed from the list whose token is {@code from}. */
  private record Changed(Object from, int at) {}

  private final PVector<Robot> robots;
  private final PMap<String, Integer> places;
  private final PMap<Seat, TreePSet<Integer>> seated;
  private final PMap<String, TreePSet<Integer>> inMatch;
  private final PMap<String, TreePSet<Integer>> idle;
  private final int idleCount;
  /** This list's identity in the journals of the lists changed from it. */
  private final Object token = new Object();
  private final PVector<Changed> journal;

  private IndexedRobots(PVector<Robot> robots, PMap<String, Integer> places, PMap<Seat, TreePSet<Integer>> seated,
      PMap<String, TreePSet<Integer>> inMatch, PMap<String, TreePSet<Integer>> idle, int idleCount,
      PVector<Changed> journal) {
    this.robots = robots;
    this.places = places;
    this.seated = seated;
    this.inMatch = inMatch;
    this.idle = idle;
    this.idleCount = idleCount;
    this.journal = journal;
  }

  /** {@code robots} indexed: itself when it is indexed already, else indexed now (a look at every robot, once). */
  static IndexedRobots of(List<Robot> robots) {
    if (robots instanceof IndexedRobots indexed) {
      return indexed;
    }
    IndexedRobots indexed = new IndexedRobots(TreePVector.from(robots), HashTreePMap.empty(), HashTreePMap.empty(),
        HashTreePMap.empty(), HashTreePMap.empty(), 0, TreePVector.empty());
    for (int at = robots.size() - 1; at >= 0; at--) { // backwards: an id given twice is found at its first place
      indexed = indexed.indexed(at, robots.get(at));
    }
    return new IndexedRobots(indexed.robots, indexed.places, indexed.seated, indexed.inMatch, indexed.idle,
        indexed.idleCount, TreePVector.empty());
  }

  @Override
  public Robot get(int index) {
    return robots.get(index);
  }

  @Override
  public int size() {
    return robots.size();
  }

  @Override
  public Iterator<Robot> iterator() {
    return robots.iterator();
  }

  /** The robots with {@code robot} at place {@code at} instead of the one there. */
  IndexedRobots with(int at, Robot robot) {
    Robot old = robots.get(at);
    IndexedRobots without = new IndexedRobots(robots, places.minus(old.id()),
        minus(seated, seat(old), at), minus(inMatch, match(old), at), minus(idle, idleType(old), at),
        idleCount - (old.status() == Status.IDLE ? 1 : 0), journal);
    IndexedRobots changed = without.indexed(at, robot);
    PVector<Changed> journaled = journal.plus(new Changed(token, at));
    return new IndexedRobots(robots.with(at, robot), changed.places, changed.seated, changed.inMatch, changed.idle,
        changed.idleCount, journaled.size() > JOURNALED ? journaled.minus(0) : journaled);
  }

  /** The indexes with {@code robot} at {@code at} added. */
  private IndexedRobots indexed(int at, Robot robot) {
    return new IndexedRobots(robots, places.plus(robot.id(), at), plus(seated, seat(robot), at),
        plus(inMatch, match(robot), at), plus(idle, idleType(robot), at),
        idleCount + (robot.status() == Status.IDLE ? 1 : 0), journal);
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

  /** The places of the idle robots, by persona type. */
  Map<String, TreePSet<Integer>> idleByType() {
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
    for (int i = journal.size() - 1; i >= 0; i--) {
      if (journal.get(i).from() == before.token) {
        TreeSet<Integer> changed = new TreeSet<>();
        journal.subList(i, journal.size()).forEach(c -> changed.add(c.at()));
        return List.copyOf(changed);
      }
    }
    return null;
  }

  private List<Robot> at(TreePSet<Integer> places) {
    if (places == null) {
      return List.of();
    }
    List<Robot> found = new ArrayList<>(places.size());
    places.forEach(at -> found.add(robots.get(at)));
    return found;
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

  private static <K> PMap<K, TreePSet<Integer>> plus(PMap<K, TreePSet<Integer>> index, K key, int at) {
    if (key == null) {
      return index;
    }
    TreePSet<Integer> places = index.get(key);
    return index.plus(key, places == null ? TreePSet.singleton(at) : places.plus(at));
  }

  /** Without {@code at} under {@code key}; a key left with no place goes, so finished matches leave nothing. */
  private static <K> PMap<K, TreePSet<Integer>> minus(PMap<K, TreePSet<Integer>> index, K key, int at) {
    TreePSet<Integer> places = key == null ? null : index.get(key);
    if (places == null) {
      return index;
    }
    TreePSet<Integer> left = places.minus(at);
    return left.isEmpty() ? index.minus(key) : index.plus(key, left);
  }
}
