package arena.orchestrator;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import org.pcollections.HashTreePSet;
import org.pcollections.PSet;

/**
 * The pool's finished rounds ({@link arena.shared.state.PoolState#finishedRounds}), oldest first, with a persistent
 * set beside them: every robots request asks whether its round is among the 2,048 latest, which must not look at them
 * all. A release copies the rounds once (a few microseconds of memory copy), and a plain array keeps the look-ups by
 * position the pool's records make as cheap as they were.
 */
final class FinishedRounds extends AbstractList<String> {
  private static final FinishedRounds NONE = new FinishedRounds(new String[0], HashTreePSet.empty());

  private final String[] rounds;
  private final PSet<String> known;

  private FinishedRounds(String[] rounds, PSet<String> known) {
    this.rounds = rounds;
    this.known = known;
  }

  /** {@code rounds} with their set: itself when it has one already, else made once (a pool read back). */
  static FinishedRounds of(List<String> rounds) {
    return rounds instanceof FinishedRounds f ? f
        : rounds.isEmpty() ? NONE : new FinishedRounds(rounds.toArray(String[]::new), HashTreePSet.from(rounds));
  }

  /** {@code round} after the others (moved there if it is among them), keeping only the {@code keep} newest. */
  FinishedRounds latest(String round, int keep) {
    if (known.contains(round)) { // a release handled again: rare, so the plain way
      String[] others = Arrays.stream(rounds).filter(r -> !r.equals(round)).toArray(String[]::new);
      return new FinishedRounds(others, known.minus(round)).latest(round, keep);
    }
    int kept = Math.min(rounds.length, keep - 1);
    String[] next = Arrays.copyOfRange(rounds, rounds.length - kept, rounds.length + 1);
    next[kept] = round;
    PSet<String> nextKnown = known.plus(round);
    for (int i = 0; i < rounds.length - kept; i++) {
      nextKnown = nextKnown.minus(rounds[i]);
    }
    return new FinishedRounds(next, nextKnown);
  }

  @Override
  public boolean contains(Object round) {
    return known.contains(round);
  }

  @Override
  public String get(int index) {
    return rounds[index];
  }

  @Override
  public int size() {
    return rounds.length;
  }
}
