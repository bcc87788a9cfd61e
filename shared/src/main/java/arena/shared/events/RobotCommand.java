package arena.shared.events;

import arena.shared.AddedLater;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A command for one robot on {@code robot-commands} (key robotId), written by the orchestrator. */
public sealed interface RobotCommand extends Event {
  String commandId();

  String robotId();

  /** Work in one round: the robot sits behind {@code identity} and must reply before {@code deadline}. */
  sealed interface Work extends RobotCommand {
    int round();

    String identity();

    Instant deadline();
  }

  /**
   * {@code earlier} is what this robot answered in the match's earlier rounds, oldest first, so a worker that never
   * served it before (its robot moved to another JVM) still plays the same persona.
   */
  record GenerateResponse(String commandId, String robotId, String type, String matchId, int round,
      String identity, String prompt, Instant deadline, @AddedLater List<EarlierRound> earlier) implements Work {}

  /** One round the robot answered: the prompt and what it said. */
  record EarlierRound(int round, String prompt, String answer) {}

  /** {@code responses} maps each letter to its answer; the robot votes for one letter other than its own. */
  record GenerateVote(String commandId, String robotId, String type, String matchId, int round, String identity,
      String prompt, Map<String, String> responses, Instant deadline) implements Work {}

  /** The match is over: the robot drops what it remembers of it. */
  record ForgetMatch(String commandId, String robotId, String matchId) implements RobotCommand {}
}
