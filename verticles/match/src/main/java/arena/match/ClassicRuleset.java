package arena.match;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The default rules: spotting a human earns 1, a robot earns 1 per vote it fools, and a human who answered and
 * stays out of the most-voted group earns 2 for blending in. A human with no answer earns no hiding points:
 * nobody can vote for a missing answer, so silence would otherwise pay.
 */
public final class ClassicRuleset implements Ruleset {
  static final int SPOTTED_A_HUMAN = 1;
  static final int PER_VOTE_FOOLED = 1;
  static final int BLENDED_IN = 2;

  @Override
  public Map<String, Integer> score(Map<String, String> letters, Set<String> answered, Map<String, String> votes,
      Set<String> humans) {
    Map<String, String> byLetter = new HashMap<>();
    letters.forEach((participant, letter) -> byLetter.put(letter, participant));
    Map<String, Integer> points = new LinkedHashMap<>();
    Map<String, Integer> received = new HashMap<>();
    letters.keySet().forEach(p -> {
      points.put(p, 0);
      received.put(p, 0);
    });
    votes.forEach((voter, letter) -> {
      String target = letter == null ? null : byLetter.get(letter);
      // Votes from outside the table, for unknown letters or for oneself count for nothing.
      if (!letters.containsKey(voter) || target == null || target.equals(voter)) {
        return;
      }
      received.merge(target, 1, Integer::sum);
      if (humans.contains(target)) {
        points.merge(voter, SPOTTED_A_HUMAN, Integer::sum);
      }
    });
    int mostVotes = received.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (String participant : letters.keySet()) {
      int votesFor = received.get(participant);
      if (!humans.contains(participant)) {
        points.merge(participant, votesFor * PER_VOTE_FOOLED, Integer::sum);
      } else if (answered.contains(participant) && (mostVotes == 0 || votesFor < mostVotes)) {
        points.merge(participant, BLENDED_IN, Integer::sum);
      }
    }
    return points;
  }
}
