package arena.shared.state;

import arena.shared.AddedLater;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The robot pool as the orchestrator keeps it in memory. The compacted {@code robot-pool-state} topic holds it in
 * pieces, so no record grows with the pool and a change rewrites only what it changed: one {@link PooledRobot} per
 * robot (key: its id), one {@link Waiting} per waiting request, one {@link FinishedRound} per remembered round, and
 * one {@link Summary}. Pools written before that are one record of this type under the key {@code pool}, still read.
 *
 * @param finishedRounds the latest rounds whose robots went back to the pool ({@code matchId/round}, or
 *                       {@code matchId/*} for a match over), newest last and bounded: a robots request for one of
 *                       them is a replay (a rewound or re-delivered input) and seats nobody. Absent (empty) in states
 *                       written before it was kept.
 * @param robotNumbers   per persona type, the highest number a robot id of it was ever given (robot-TYPE-N), so a
 *                       retired robot's id, and with it its stats, never goes to a new robot. Absent (empty) in states
 *                       written before it was kept: the robots' own numbers stand in.
 */
public record PoolState(long version, List<Robot> robots, List<Pending> queue,
    @AddedLater List<String> finishedRounds, @AddedLater Map<String, Integer> robotNumbers) implements Event {

  public static final PoolState EMPTY = new PoolState(0, List.of(), List.of(), List.of(), Map.of());

  /** The key of {@code round} of {@code matchId} in {@link #finishedRounds}; round 0 stands for the whole match. */
  public static String roundKey(String matchId, int round) {
    return matchId + "/" + (round == 0 ? "*" : String.valueOf(round));
  }

  /** Whether {@code round} of {@code matchId} (or the whole match) already gave its robots back. */
  public boolean finished(String matchId, int round) {
    return finishedRounds.contains(roundKey(matchId, round)) || finishedRounds.contains(roundKey(matchId, 0));
  }


  public enum Status { IDLE, BUSY }

  /**
   * While BUSY, the robot sits behind {@code identity} in {@code matchId}'s round {@code round}.
   *
   * @param recentWork the {@code commandId/kind} of the robot's latest finished work counted in {@code completedWork},
   *                   newest last and only a few, so a report delivered again is counted once. Absent (empty) in
   *                   states written before it was kept.
   * @param seat       while it stands in for an unhealthy robot it replaced in a round, that robot's id: the Match
   *                   Service knows the letter by it, so the replacement's work goes out under it. Null otherwise.
   */
  public record Robot(String id, String type, Status status, String matchId, int round, String identity,
      Instant since, long completedWork, @AddedLater List<String> recentWork, @AddedLater String seat) {

    /** A robot in its own seat. */
    public Robot(String id, String type, Status status, String matchId, int round, String identity, Instant since,
        long completedWork, List<String> recentWork) {
      this(id, type, status, matchId, round, identity, since, completedWork, recentWork, null);
    }
  }

  /** A robots request waiting for enough idle robots, in arrival order. */
  public record Pending(MatchEvent.RobotsNeeded request, String causationId, Instant queuedAt) {}

  /*
   * The stored pieces. Each list entry carries its place: entries are only ever added at the end of their list (or
   * moved there), so a newer place means later in the list, and a restore puts every list back in order.
   */

  /** One robot, stored under its id. */
  public record PooledRobot(long place, Robot robot) implements Event {
    @Override
    public String matchId() {
      return null;
    }
  }

  /** One waiting request, stored under {@code queue/<its correlationId>}; served or dropped, it is tombstoned. */
  public record Waiting(long place, Pending pending) implements Event {
    @Override
    public String matchId() {
      return null;
    }
  }

  /** One round of {@link #finishedRounds}, stored under {@code finished/<round>}; forgotten, it is tombstoned. */
  public record FinishedRound(long place, String round) implements Event {
    @Override
    public String matchId() {
      return null;
    }
  }

  /** When a persona type last grew and last shrank (null: not yet), so a cool-down outlives a restart or failover. */
  public record Scaled(Instant grew, Instant shrank) {}

  /**
   * The pool's version, robot numbering and each type's latest scaling ({@code scaled}, absent in summaries written
   * before it was kept), stored under {@code summary}, written last in every change.
   */
  public record Summary(long version, Map<String, Integer> robotNumbers, @AddedLater Map<String, Scaled> scaled)
      implements Event {
    @Override
    public String matchId() {
      return null;
    }
  }

  @Override
  public String matchId() {
    return null;
  }
}
