package arena.robot;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asks a provider which letter a robot votes for.
 *
 * @param identity  the robot's own letter, never a valid vote
 * @param responses letter to answer, as written by the players (untrusted text)
 * @param replyBy   when the reply is due (epoch ms): a provider neither waits nor retries past it
 */
public record VoteRequest(Persona persona, String matchId, int round, String identity, String prompt,
    Map<String, String> responses, List<RobotMemory.Entry> memory, long replyBy) {

  /** A request with no due time, for providers that answer at once. */
  public VoteRequest(Persona persona, String matchId, int round, String identity, String prompt,
      Map<String, String> responses, List<RobotMemory.Entry> memory) {
    this(persona, matchId, round, identity, prompt, responses, memory, Long.MAX_VALUE);
  }

  /** The letters the robot may vote for, sorted: every answered letter but its own. */
  public List<String> allowedLetters() {
    return new TreeMap<>(responses).keySet().stream().filter(l -> !l.equals(identity)).toList();
  }
}
