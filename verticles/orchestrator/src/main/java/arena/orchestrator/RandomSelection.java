package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import java.util.List;
import java.util.random.RandomGenerator;

/** {@code random}: any candidate, by chance. */
public final class RandomSelection implements SelectionStrategy {
  public static final String NAME = "random";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Robot pick(List<Robot> candidates, Context context, RandomGenerator chance) {
    return candidates.get(chance.nextInt(candidates.size()));
  }
}
