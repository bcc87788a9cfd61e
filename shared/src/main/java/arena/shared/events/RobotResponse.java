package arena.shared.events;

/** What robots publish on {@code robot-responses} (key matchId); the robot workers are the only writers. */
public sealed interface RobotResponse extends Event {

  record ResponseSubmitted(String matchId, int round, String robotId, String identity, String text,
      String commandId) implements RobotResponse {}

  record VoteSubmitted(String matchId, int round, String robotId, String identity, String vote, String commandId)
      implements RobotResponse {}

  /**
   * One finished piece of robot work, for the orchestrator's bookkeeping and cost accounting.
   *
   * @param model        the LLM model that was called, null when none was
   * @param inputTokens  tokens sent to the model (0 without a call)
   * @param outputTokens tokens the model wrote
   * @param costUsd      their estimated price (conf/prices.json), counted even when the reply was refused
   */
  record ResponseComplete(String robotId, String matchId, int round, String commandId, String kind,
      String provider, long latencyMs, boolean fallback, String model, int inputTokens, int outputTokens,
      double costUsd) implements RobotResponse {}
}
