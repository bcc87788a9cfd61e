package arena.shared.events;

import arena.shared.AddedLater;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What the Robot Orchestration publishes on {@code robot-orchestration-events}; it is the only writer. */
public sealed interface OrchestrationEvent extends Event {

  /**
   * Key matchId, so the Match Service instance that owns the match receives it.
   *
   * @param strategy the selection strategy that picked the robots (an A/B arm when an experiment runs); for
   *                 operators only: no player view carries it. Absent (null) in records written before it was kept.
   */
  record RobotsAssigned(String matchId, int round, List<AssignedRobot> robots, String correlationId,
      @AddedLater String strategy) implements OrchestrationEvent {

    /** An assignment that does not say which strategy picked it. */
    public RobotsAssigned(String matchId, int round, List<AssignedRobot> robots, String correlationId) {
      this(matchId, round, robots, correlationId, null);
    }
  }

  record AssignedRobot(String id, String identity, String type) {}

  /** Key matchId: the request can never be met (it asks for more robots than the pool has). */
  record RobotsUnavailable(String matchId, int round, int requested, int poolSize, String correlationId)
      implements OrchestrationEvent {}

  /** Key robotId. */
  record RobotInstantiated(String robotId, String type) implements OrchestrationEvent {
    @Override
    public String matchId() {
      return null;
    }
  }

  /**
   * Key robotId: the robot left its round ({@code matchId}, {@code round}) or, retired, the pool (both null/0).
   * Records written before the reason was kept mean {@code round_over}.
   */
  record RobotReleased(String robotId, String matchId, int round, @AddedLater Reason reason)
      implements OrchestrationEvent {

    public enum Reason {
      @JsonProperty("round_over") ROUND_OVER,
      @JsonProperty("match_over") MATCH_OVER,
      @JsonProperty("scale_down") SCALE_DOWN,
      /** Unhealthy, it left the pool for a healthy robot of its type (in its seat, if it had one). */
      @JsonProperty("replace") REPLACE
    }
  }

  /** Key "pool": persona type {@code type} went from {@code from} to {@code to} robots. */
  record PoolScaled(String type, int from, int to, Reason reason) implements OrchestrationEvent {

    public enum Reason {
      /** A new pool, at pool.robots. */
      @JsonProperty("initial") INITIAL,
      /** A restored pool grown to a larger pool.robots. */
      @JsonProperty("config") CONFIG,
      @JsonProperty("scale_up") SCALE_UP,
      @JsonProperty("scale_down") SCALE_DOWN,
      /** Unhealthy robots swapped for healthy ones of the same type: {@code from} equals {@code to}. */
      @JsonProperty("replace") REPLACE
    }

    @Override
    public String matchId() {
      return null;
    }
  }
}
