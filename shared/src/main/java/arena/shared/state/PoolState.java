package arena.shared.state;

import arena.shared.AddedLater;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import java.time.Instant;
import java.util.List;

/**
 * The robot pool as the orchestrator keeps it, written whole to the compacted {@code robot-pool-state}
 * topic under the key {@code pool} after every change, so a restart picks up assignments and the queue.
 */
public record PoolState(long version, List<Robot> robots, List<Pending> queue) implements Event {

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
