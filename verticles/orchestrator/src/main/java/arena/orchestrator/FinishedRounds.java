package arena.orchestrator;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import org.pcollections.HashTreePSet;
import org.pcollections.PSet;
import org.pcollections.PVector;
import org.pcollections.TreePVector;

/**
 * The pool's finished rounds ({@link arena.shared.state.PoolState#finishedRounds}), oldest first: a persistent
 * queue with a set beside it. Every robots request asks whether its round is among the 2,048 latest and every
 * release adds one and forgets the oldest, so neither may look at or copy them all.
 */
final class FinishedRounds extends AbstractList<String> {
  private static final FinishedRounds NONE = new FinishedRounds(TreePVector.empty(), HashTreePSet.empty());

  private final PVector<String> rounds;
  private final PSet<String> known;

  private FinishedRounds(PVector<String> rounds, PSet<String> known) {
    this.rounds = rounds;
    this.known = known;
  }

  /** {@code rounds} as a queue: itself when it is one already, else copied once (a pool read back). */
  static FinishedRounds of(List<String> rounds) {
    return rounds instanceof FinishedRounds f ? f
        : rounds.isEmpty() ? NONE : new FinishedRounds(TreePVector.from(rounds), HashTreePSet.from(rounds));
  }

  /** {@code round} after the others (moved there if it is among them), keeping only the {@code keep} newest. */
  FinishedRounds latest(String round, int keep) {
    PVector<String> next = known.contains(round) ? rounds.minus(round) : rounds;
    PSet<String> nextKnown = known.plus(round);
    next = next.plus(round);
    while (next.size() > keep) {
      nextKnown = nextKnown.minus(next.get(0));
      next = next.minus(0);
    }
    return new FinishedRounds(next, nextKnown);
  }

  @Override
  public boolean contains(Object round) {
    return known.contains(round);
  }

  @Override
  public String get(int index) {
    return rounds.get(index);
  }

  @Override
  public int size() {
    return rounds.size();
  }

  @Override
  public Iterator<String> iterator() {
    return rounds.iterator();
  }
}
