package arena.shared.events;

/**
 * What a match's robots spent on their LLMs, summed from their {@code robot.response_complete} events.
 *
 * @param calls     answers and votes the robots finished, whether or not a model was called for them
 * @param fallbacks how many of those the scripted provider answered instead of the robot's own
 * @param costUsd   estimated, at the prices in conf/prices.json
 */
public record LlmUsage(int calls, int fallbacks, long inputTokens, long outputTokens, double costUsd) {

  public static final LlmUsage NONE = new LlmUsage(0, 0, 0, 0, 0);

  public LlmUsage plus(RobotResponse.ResponseComplete done) {
    return new LlmUsage(calls + 1, fallbacks + (done.fallback() ? 1 : 0), inputTokens + done.inputTokens(),
        outputTokens + done.outputTokens(), costUsd + done.costUsd());
  }
}
