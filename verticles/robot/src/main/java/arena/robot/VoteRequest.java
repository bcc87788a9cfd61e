package arena.robot;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asks a provider which letter a robot votes for.
 *
 * @param identity  the robot's own letter, never a valid vote
 * @param responses letter to answer, as written by the players (untrusted text)
 */
public record VoteRequest(Persona persona, String matchId, int round, String identity, String prompt,
    Map<String, String> responses, List<RobotMemory.Entry> memory) {

  /** The letters the robot may vote for, sorted: every answered letter but its own. */
  public List<String> allowedLetters() {
    return new TreeMap<>(responses).keySet().stream().filter(l -> !l.equals(identity)).toList();
  }
}
