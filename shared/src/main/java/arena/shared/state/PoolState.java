package arena.shared.state;

import arena.shared.AddedLater;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import java.time.Instant;
import java.util.List;

/**
 * The robot pool as the orchestrator keeps it, written whole to the compacted {@code robot-pool-state}
 * topic under the key {@code pool} after every change, so a restart picks up assignments and the queue.
 *
 * @param finishedRounds the latest rounds whose robots went back to the pool ({@code matchId/round}, or
 *                       {@code matchId/*} for a match over), newest last and bounded: a robots request for one of
 *                       them is a replay (a rewound or re-delivered input) and seats nobody. Absent (empty) in states
 *                       written before it was kept.
 */
public record PoolState(long version, List<Robot> robots, List<Pending> queue,
    @AddedLater List<String> finishedRounds) implements Event {

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
   */
  public record Robot(String id, String type, Status status, String matchId, int round, String identity,
      Instant since, long completedWork, @AddedLater List<String> recentWork) {}

  /** A robots request waiting for enough idle robots, in arrival order. */
  public record Pending(MatchEvent.RobotsNeeded request, String causationId, Instant queuedAt) {}

  @Override
  public String matchId() {
    return null;
  }
}
