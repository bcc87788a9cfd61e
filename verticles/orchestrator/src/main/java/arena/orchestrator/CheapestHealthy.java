package arena.orchestrator;

import arena.shared.state.PoolState.Robot;
import arena.shared.state.RobotTally;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code cheapest-healthy}: a healthy robot with the lowest LLM cost per answer or vote so far: its own when it has
 * worked, else its persona's; a robot of a persona that never worked counts as free, so it gets tried. Unhealthy
 * robots come only when no healthy one is left among the candidates (a round is better served than refused).
 */
public final class CheapestHealthy implements SelectionStrategy {
  public static final String NAME = "cheapest-healthy";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Robot pick(List<Robot> candidates, Context context, RandomGenerator chance) {
    List<Robot> healthy = candidates.stream().filter(context.healthy()).toList();
    return SelectionStrategy.lowest(healthy.isEmpty() ? candidates : healthy, r -> costPerWork(r, context.stats()),
        chance);
  }

  static double costPerWork(Robot robot, RobotStats stats) {
    RobotTally own = stats.robots().get(robot.id());
    if (own != null && own.work() > 0) {
      return own.costUsd() / own.work();
    }
    RobotTally persona = stats.personas().get(robot.type());
    return persona != null && persona.work() > 0 ? persona.costUsd() / persona.work() : 0;
  }
}
