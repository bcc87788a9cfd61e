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
 * @param latencies        the latest answer latencies (ms), for the p90; the mean is over all answers
 * @param costSquaresUsd   the sum of each answer's or vote's cost squared, for the spread of the mean cost
 * @param counted          a robot's latest counted work (commandId/kind) and rounds (matchId/round), so a report
 *                         delivered again counts once, even across a restart; empty for personas and arms
 * @param seq              when it last changed, in the orchestrator's count of changes
 */
public record RobotTally(String type, long rounds, long answers, long votes, long latencySumMs,
    double latencySquaresMs, List<Long> latencies, long fallbacks, double costUsd, double costSquaresUsd,
    long humanVotes, long passedAsHuman, List<String> counted, long seq) implements Event {

  public RobotTally {
    latencies = List.copyOf(latencies);
    counted = List.copyOf(counted);
  }

  public static RobotTally of(String type) {
    return new RobotTally(type, 0, 0, 0, 0, 0, List.of(), 0, 0, 0, 0, 0, List.of(), 0);
  }

  /** Mean answer latency in ms; 0 before the first answer. */
  public double meanLatencyMs() {
    return answers == 0 ? 0 : (double) latencySumMs / answers;
  }

  /** The 90th percentile (nearest rank) of the latest answer latencies; 0 before the first answer. */
  public long p90LatencyMs() {
    if (latencies.isEmpty()) {
      return 0;
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
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
