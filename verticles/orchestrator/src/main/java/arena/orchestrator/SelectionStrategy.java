package arena.orchestrator;

import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.state.PoolState.Robot;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * How the pool chooses among robots that are equally allowed for a round. {@link RobotPool} keeps the rules (idle
 * robots only, robots the match just had last, persona types taking turns so a round gets distinct personas) and
 * asks the strategy for one robot at a time among the candidates those rules leave. A pure function: the same
 * candidates, context and chance give the same robot, so a retried request seats the same robots.
 */
public interface SelectionStrategy {

  /** Its name in {@code pool.selection.strategy} and in {@code round.robots_assigned}. */
  String name();

  /** One of {@code candidates} (never empty), using {@code chance} only to break ties. */
  Robot pick(List<Robot> candidates, Context context, RandomGenerator chance);

  /**
   * What a strategy may weigh: the request, the robots' performance, and whether a robot is healthy.
   */
  record Context(RobotsNeeded request, RobotStats stats, Predicate<Robot> healthy) {}

  /** A robot drawn by chance among those with the lowest {@code key}. */
  static Robot lowest(List<Robot> candidates, ToDoubleFunction<Robot> key,
      RandomGenerator chance) {
    double best = candidates.stream().mapToDouble(key).min().orElseThrow();
    List<Robot> equals = candidates.stream().filter(r -> key.applyAsDouble(r) == best).toList();
    return equals.get(chance.nextInt(equals.size()));
  }
}
