package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code least-recently-used}: the robot idle the longest (its {@code since}, when it last went back to the pool or
 * joined it), so work spreads evenly over the pool; chance among robots idle since the same instant.
 */
public final class LeastRecentlyUsed implements SelectionStrategy {
  public static final String NAME = "least-recently-used";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Robot pick(List<Robot> candidates, Context context, RandomGenerator chance) {
    return SelectionStrategy.lowest(candidates, r -> r.since().toEpochMilli(), chance);
  }
}
