package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import arena.shared.state.RobotTally;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * {@code best-disguise}: a robot of the persona type most likely to pass as human, by the upper confidence bound
 * (UCB1) of its pass rate: {@code passRate + exploration * sqrt(ln N / n)}, n the human votes in the persona's
 * rounds and N those of all personas. A persona no human has voted on yet scores infinity, so every persona gets
 * tried; the bonus shrinks as its votes grow, so a persona that looked bad on little evidence is tried again now
 * and then, and one with plenty of evidence is judged on its pass rate. Unlike an epsilon rule it needs no chance
 * (the same stats choose the same persona) and stops spending rounds on personas known to be worse. Chance decides
 * among robots of the chosen persona (and between personas that score the same).
 */
public final class BestDisguise implements SelectionStrategy {
  public static final String NAME = "best-disguise";

  /** {@code pool.selection.bestDisguise}: the weight of the exploration bonus (0: always the best so far). */
  public record Settings(double exploration) {
    public Settings {
      if (!(exploration >= 0) || Double.isInfinite(exploration)) {
        throw new IllegalArgumentException("pool.selection.bestDisguise.exploration must be a number >= 0, not "
            + exploration);
      }
    }
  }

  private final double exploration;

  public BestDisguise(Settings settings) {
    this.exploration = settings.exploration();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Robot pick(List<Robot> candidates, Context context, RandomGenerator chance) {
    Map<String, RobotTally> personas = context.stats().personas();
    long all = personas.values().stream().mapToLong(RobotTally::humanVotes).sum();
    // Lowest key wins: the negated bound.
    return SelectionStrategy.lowest(candidates, r -> -upperBound(personas.get(r.type()), all), chance);
  }

  /** The persona's pass rate plus its exploration bonus; infinity while no human has voted on it. */
  double upperBound(RobotTally persona, long allVotes) {
    if (persona == null || persona.humanVotes() == 0) {
      return Double.POSITIVE_INFINITY;
    }
    double n = persona.humanVotes();
    return persona.passRate() + exploration * Math.sqrt(Math.log(Math.max(allVotes, 1)) / n);
  }
}
