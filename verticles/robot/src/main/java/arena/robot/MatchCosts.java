package arena.robot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The estimated LLM cost of each recent match, as far as this worker's robots spent it. Matches are not a
 * metric tag (there is no end to them); the most recently charged {@code maxMatches} are kept here, and
 * every robot.response_complete event carries its own cost for a complete per-match sum downstream.
 * Used from one event loop only.
 */
final class MatchCosts {
  private final Map<String, Double> usd;

  MatchCosts(int maxMatches) {
    this.usd = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
        return size() > maxMatches;
      }
    };
  }

  void add(String matchId, double costUsd) {
    usd.merge(matchId, costUsd, Double::sum);
  }

  /** 0 for a match this worker never charged, or forgot. */
  double of(String matchId) {
    return usd.getOrDefault(matchId, 0.0);
  }
}
