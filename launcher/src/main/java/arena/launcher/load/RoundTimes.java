package arena.launcher.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One round as its records tell it (epoch milliseconds, 0 when not seen), with what its slowest participants needed:
 * a human's think time (from seeing the phase to sending) or a robot's model latency (robots answer as soon as the
 * model does in a load run).
 *
 * @param starting        round.starting: the round asks for robots
 * @param started         round.started: robots seated, answering opens
 * @param answerDeadline  its deadline
 * @param voting          voting.started
 * @param voteDeadline    its deadline
 * @param completed       round.completed
 * @param slowestAnswerMs the slowest participant's think time or model latency for the answer
 * @param slowestVoteMs   the same for the vote
 */
public record RoundTimes(long starting, long started, long answerDeadline, long voting, long voteDeadline,
    long completed, long slowestAnswerMs, long slowestVoteMs) {

  /** A phase that ended past its deadline by more than the tolerance. */
  public record Late(String phase, long lateMs) {}

  /** Whether every record of the round was seen. */
  public boolean whole() {
    return starting > 0 && started > 0 && voting > 0 && completed > 0;
  }

  /**
   * What the engine added to the round: its time (round.starting → round.completed) minus the slowest answer and the
   * slowest vote. Only for a round whose phases both closed early, because everyone acted (a phase someone let run
   * out lasts until its deadline whatever the engine does); -1 otherwise. Includes seating the robots, every hop
   * through Kafka and pushing the views to the humans (they start thinking when they see the phase).
   */
  public long overheadMs() {
    if (!whole() || voting >= answerDeadline || completed >= voteDeadline) {
      return -1;
    }
    return Math.max(0, completed - starting - slowestAnswerMs - slowestVoteMs);
  }

  /** The phases that ended more than {@code toleranceMs} after their deadline. */
  public List<Late> late(long toleranceMs) {
    List<Late> late = new ArrayList<>();
    if (voting > 0 && answerDeadline > 0 && voting - answerDeadline > toleranceMs) {
      late.add(new Late("answering", voting - answerDeadline));
    }
    if (completed > 0 && voteDeadline > 0 && completed - voteDeadline > toleranceMs) {
      late.add(new Late("voting", completed - voteDeadline));
    }
    return late;
  }
}
