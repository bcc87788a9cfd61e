package arena.robot;

import io.vertx.core.Future;

/** Where a robot's words come from. Implementations never block the event loop. */
public interface RobotProvider {
  /** Names the provider in metrics and in robot.response_complete events. */
  String name();

  /** An answer of 1 to {@link Reply#MAX_CHARS} characters. */
  Future<Reply> answer(AnswerRequest request);

  /** A letter from {@link VoteRequest#allowedLetters()}. */
  Future<Reply> vote(VoteRequest request);

  /** Frees whatever the provider holds (connections). */
  default void close() {}
}
