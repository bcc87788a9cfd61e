package arena.robot;

import java.util.List;

/**
 * Asks a provider for a robot's answer to this round's prompt.
 *
 * @param identity the robot's own letter this round
 * @param memory   what the robot said earlier in this match, oldest first
 * @param replyBy  when the reply is due (epoch ms): a provider neither waits nor retries past it
 */
public record AnswerRequest(Persona persona, String matchId, int round, String identity, String prompt,
    List<RobotMemory.Entry> memory, long replyBy) {

  /** A request with no due time, for providers that answer at once. */
  public AnswerRequest(Persona persona, String matchId, int round, String identity, String prompt,
      List<RobotMemory.Entry> memory) {
    this(persona, matchId, round, identity, prompt, memory, Long.MAX_VALUE);
  }
}
