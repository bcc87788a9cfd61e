package arena.launcher.load;

import arena.shared.game.MatchRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one load run plays: how many matches at once, each one's shape, the robots' pool and the fake model's latency,
 * how fast matches start and for how long new ones do.
 *
 * @param matches            matches running at once
 * @param humans             simulated humans per match
 * @param seats              seats per match (the rest are robots)
 * @param rounds             rounds per match
 * @param responseSeconds    answering phase
 * @param voteSeconds        voting phase
 * @param pool               robots in the pool (0: exactly the robot seats of {@code matches} matches)
 * @param llmMedianMs        the fake model's median latency
 * @param llmP99Ms           its 99th percentile (equal to the median: a fixed latency)
 * @param rampUp             over how long the first {@code matches} matches start
 * @param duration           how long new matches start (one for each that ends); running ones then finish
 * @param deadlineToleranceMs a phase that ends more than this after its deadline missed it
 */
public record LoadPlan(int matches, int humans, int seats, int rounds, int responseSeconds, int voteSeconds, int pool,
    long llmMedianMs, long llmP99Ms, Duration rampUp, Duration duration, long deadlineToleranceMs) {

  /** Robot seats of one match. */
  public int robotSeats() {
    return seats - humans;
  }

  /** The pool the run uses: the one asked for, or as many robots as the matches seat at once. */
  public int poolSize() {
    return pool == 0 ? matches * robotSeats() : pool;
  }

  /** Whether the fake answers after a fixed time, so a robot's latency minus it is exactly what our path added. */
  public boolean fixedLatency() {
    return llmMedianMs == llmP99Ms;
  }

  /** Why this plan cannot run under {@code rules} (the game's own limits), or an empty list when it can. */
  public List<String> problems(MatchRules rules) {
    List<String> problems = new ArrayList<>();
    if (matches < 1) {
      problems.add("--matches must be at least 1, got " + matches);
    }
    if (pool < 0) {
      problems.add("--pool must not be negative, got " + pool);
    }
    if (llmMedianMs < 0 || llmP99Ms < llmMedianMs) {
      problems.add("--llm-median-ms must be at least 0 and --llm-p99-ms at least the median, got " + llmMedianMs
          + " and " + llmP99Ms);
    }
    if (rampUp.isNegative()) {
      problems.add("--ramp-up must not be negative, got " + rampUp);
    }
    if (duration.isNegative() || duration.isZero()) {
      problems.add("--duration must be positive, got " + duration);
    }
    if (deadlineToleranceMs < 0) {
      problems.add("--deadline-tolerance-ms must not be negative, got " + deadlineToleranceMs);
    }
    String match = rules.problemWith(new arena.shared.events.MatchSettings(seats, humans, rounds, responseSeconds,
        voteSeconds, rules.intermissionSeconds()));
    if (match != null) {
      problems.add("the match does not fit the game's limits (conf match.limits): " + match);
    }
    if (pool > 0 && pool < robotSeats()) {
      problems.add("--pool " + pool + " cannot seat one match's " + robotSeats() + " robots");
    }
    return problems;
  }
}
