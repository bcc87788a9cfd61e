package arena.shared.events;

/** What robots publish on {@code robot-responses} (key matchId); the robot workers are the only writers. */
public sealed interface RobotResponse extends Event {

  record ResponseSubmitted(String matchId, int round, String robotId, String identity, String text,
      String commandId) implements RobotResponse {}

  record VoteSubmitted(String matchId, int round, String robotId, String identity, String vote, String commandId)
      implements RobotResponse {}

  /** One finished piece of robot work, for the orchestrator's bookkeeping. */
  record ResponseComplete(String robotId, String matchId, int round, String commandId, String kind,
      String provider, long latencyMs, boolean fallback) implements RobotResponse {}
}
