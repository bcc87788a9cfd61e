package arena.match;

import java.util.Map;
import java.util.Set;

/** How one round is scored. Implementations are pure, so a match can be played under other rules. */
public interface Ruleset {

  /**
   * @param letters participant id to this round's letter (every seated participant)
   * @param answered participant ids of those who answered this round
   * @param votes   voter's participant id to the letter voted for; anyone may be missing
   * @param humans  participant ids of the humans
   * @return participant id to points gained this round, with an entry (possibly 0) for every seated participant
   */
  Map<String, Integer> score(Map<String, String> letters, Set<String> answered, Map<String, String> votes,
      Set<String> humans);
}
