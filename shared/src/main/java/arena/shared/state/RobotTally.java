package arena.shared.state;

import arena.shared.events.Event;
import java.util.List;

/**
 * How one robot, one persona type or one selection strategy (an A/B arm) has done, as the orchestrator keeps it in
 * the compacted {@code robot-stats} topic under {@code robot:<id>}, {@code persona:<type>} or {@code arm:<strategy>},
 * rewritten whenever it changes, so a restarted orchestrator picks it up.
 *
 * @param type             the persona type; for an arm, its strategy
 * @param latencySquaresMs the sum of each answer latency squared, for the spread of the mean
 * @param latencies        the latest answer latencies, counted per bucket, for the p90 (see {@link Latencies} for
 *                         its window and precision); the mean is over all answers
 * @param costSquaresUsd   the sum of each answer's or vote's cost squared, for the spread of the mean cost
 * @param counted          what a robot's latest rounds counted ({@code matchId/round:} then a letter per answer,
 *                         vote or round completed), so a report delivered again counts once, even across a restart;
 *                         empty for personas and arms. Written before as one entry per work
 *                         ({@code work:commandId/kind}) or round ({@code round:matchId/round}), still understood
 * @param seq              when it last changed, in the orchestrator's count of changes
 */
public record RobotTally(String type, long rounds, long answers, long votes, long latencySumMs,
    double latencySquaresMs, Latencies latencies, long fallbacks, double costUsd, double costSquaresUsd,
    long humanVotes, long passedAsHuman, List<String> counted, long seq) implements Event {

  public RobotTally {
    latencies = latencies == null ? Latencies.NONE : latencies;
    counted = List.copyOf(counted);
  }

  public static RobotTally of(String type) {
    return new RobotTally(type, 0, 0, 0, 0, 0, Latencies.NONE, 0, 0, 0, 0, 0, List.of(), 0);
  }

  /** Mean answer latency in ms; 0 before the first answer. */
  public double meanLatencyMs() {
    return answers == 0 ? 0 : (double) latencySumMs / answers;
  }

  /** The 90th percentile (nearest rank) of the latest answer latencies, within 1/32; 0 before the first answer. */
  public long p90LatencyMs() {
    return latencies.percentile(0.9);
  }

  /** passedAsHuman / humanVotes; null while no human has voted in its rounds. */
  public Double passRate() {
    return humanVotes == 0 ? null : (double) passedAsHuman / humanVotes;
  }

  /** Answers and votes it reported: what its cost is spread over. */
  public long work() {
    return answers + votes;
  }

  @Override
  public String matchId() {
    return null;
  }
}
