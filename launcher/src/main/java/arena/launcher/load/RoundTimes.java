package arena.launcher.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One round as its records and the simulated humans tell it (epoch milliseconds, 0 when not seen): the game's records
 * carry the game JVM's clock, the humans' sightings and requests the load tool's; on one host they are the same clock.
 *
 * @param starting       round.starting: the round asks for robots
 * @param needed         round.robots_needed (the first)
 * @param assigned       robots.assigned (the first)
 * @param started        round.started: robots seated, answering opens
 * @param answerDeadline its deadline
 * @param voting         voting.started
 * @param voteDeadline   its deadline
 * @param completed      round.completed
 * @param answers        the answering phase's participants
 * @param votes          the voting phase's participants
 * @param scoresPushed   when each simulated human first got a push holding the round's scores
 */
public record RoundTimes(long starting, long needed, long assigned, long started, long answerDeadline, long voting,
    long voteDeadline, long completed, Acts answers, Acts votes, List<Long> scoresPushed) {

  /**
   * One phase as its participants lived it.
   *
   * @param slowestMs    the slowest participant's think time (a human, from seeing the phase to sending) or model
   *                     latency (a robot: in a load run robots answer as soon as the model does)
   * @param slowestSawAt when that participant saw the phase: a human's view (pushed or fetched), a robot's model call
   *                     starting; 0 when not known
   * @param lastActedAt  when the last participant acted: a human's request sent, a robot's answer or vote written
   * @param pushedAt     when each simulated human first got a push showing the phase
   */
  public record Acts(long slowestMs, long slowestSawAt, long lastActedAt, List<Long> pushedAt) {
    public static final Acts NONE = new Acts(0, 0, 0, List.of());
  }

  /**
   * A round's overhead ({@link #overheadMs}) in the parts the load tool sees from outside, each in ms; together they
   * are the overhead but for {@link #unexplained}.
   *
   * @param seating         round.starting → round.started less the assignment: the match asking and seating
   * @param assignment      round.robots_needed → robots.assigned
   * @param answeringShown  round.started → the slowest answerer saw the phase
   * @param answeringClosed the last answer → voting.started
   * @param votingShown     voting.started → the slowest voter saw the phase
   * @param votingClosed    the last vote → round.completed
   */
  public record Split(long overhead, long seating, long assignment, long answeringShown, long answeringClosed,
      long votingShown, long votingClosed) {
    /**
     * The overhead less its parts: where the slowest participant was not the last to act (the last one then acted
     * after the slowest had finished thinking), a simulated human's timer firing late, and parts not seen.
     */
    public long unexplained() {
      return overhead - seating - assignment - answeringShown - answeringClosed - votingShown - votingClosed;
    }
  }

  /** A phase that ended past its deadline by more than the tolerance. */
  public record Late(String phase, long lateMs) {}

  /** Whether every record of the round was seen. */
  public boolean whole() {
    return starting > 0 && started > 0 && voting > 0 && completed > 0;
  }

  private boolean answeringClosedEarly() {
    return voting > 0 && voting < answerDeadline;
  }

  private boolean votingClosedEarly() {
    return completed > 0 && completed < voteDeadline;
  }

  /**
   * What the engine added to the round: its time (round.starting → round.completed) minus the slowest answer and the
   * slowest vote. Only for a round whose phases both closed early, because everyone acted (a phase someone let run
   * out lasts until its deadline whatever the engine does); -1 otherwise. Includes seating the robots, every hop
   * through Kafka and pushing the views to the humans (they start thinking when they see the phase).
   */
  public long overheadMs() {
    if (!whole() || !answeringClosedEarly() || !votingClosedEarly()) {
      return -1;
    }
    return Math.max(0, completed - starting - answers.slowestMs() - votes.slowestMs());
  }

  /**
   * The overhead's parts, or null for a round without overhead. The round's time telescopes along its slowest
   * participants: seated, shown the phase, thinking (not overhead), the last action closing the phase; so the parts
   * add up to the overhead where the slowest participant of each phase also acted last.
   */
  public Split split() {
    long overhead = overheadMs();
    if (overhead < 0) {
      return null;
    }
    long assignment = needed > 0 && assigned >= needed ? assigned - needed : 0;
    return new Split(overhead, started - starting - assignment, assignment,
        since(started, answers.slowestSawAt()), since(answers.lastActedAt(), voting),
        since(voting, votes.slowestSawAt()), since(votes.lastActedAt(), completed));
  }

  /** {@code to - from}, or 0 when either was not seen (the part then counts as unexplained). */
  private static long since(long from, long to) {
    return from > 0 && to > 0 ? to - from : 0;
  }

  /**
   * Robots assigned (or, for a round without robots, round.starting) → the first push to each simulated human
   * showing the round's answering phase; one value per human.
   */
  public List<Long> toAnswering() {
    return started > 0 ? after(assigned > 0 ? assigned : starting, answers.pushedAt()) : List.of();
  }

  /** The last answer, or the deadline when the phase ran out → the first push to each human showing voting. */
  public List<Long> toVoting() {
    return voting > 0 ? after(answeringClosedEarly() ? answers.lastActedAt() : answerDeadline, votes.pushedAt())
        : List.of();
  }

  /** The last vote, or the deadline when the phase ran out → the first push to each human holding the scores. */
  public List<Long> toScores() {
    return completed > 0 ? after(votingClosedEarly() ? votes.lastActedAt() : voteDeadline, scoresPushed)
        : List.of();
  }

  private static List<Long> after(long trigger, List<Long> pushes) {
    if (trigger <= 0) {
      return List.of();
    }
    return pushes.stream().map(p -> p - trigger).toList();
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
