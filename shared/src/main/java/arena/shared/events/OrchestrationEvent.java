package arena.shared.events;

import java.util.List;
import java.util.Map;

/** What the Robot Orchestration publishes on {@code robot-orchestration-events}; it is the only writer. */
public sealed interface OrchestrationEvent extends Event {

  /** Key matchId, so the Match Service instance that owns the match receives it. */
  record RobotsAssigned(String matchId, int round, List<AssignedRobot> robots, String correlationId)
      implements OrchestrationEvent {}

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

  /** Key robotId. */
  record RobotReleased(String robotId, String matchId, int round) implements OrchestrationEvent {}

  /** Key "pool". */
  record PoolScaled(int size, Map<String, Integer> byType, String reason) implements OrchestrationEvent {
    @Override
    public String matchId() {
      return null;
    }
  }
}
