package arena.orchestrator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * Which {@link SelectionStrategy} seats a match's robots: {@code pool.selection.strategy}, or, while an experiment
 * runs ({@code pool.selection.experiment}), one of its two strategies by a hash of the matchId, so every round of a
 * match, and a match handled again after a restart, stays in the same arm.
 */
public final class Selection {

  /** {@code pool.selection}. */
  public record Settings(String strategy, BestDisguise.Settings bestDisguise, Experiment experiment) {}

  /** {@code pool.selection.experiment}: when enabled, matches are split between two strategies. */
  public record Experiment(boolean enabled, List<String> strategies) {}

  private final SelectionStrategy strategy;
  private final List<SelectionStrategy> arms;

  private Selection(SelectionStrategy strategy, List<SelectionStrategy> arms) {
    this.strategy = strategy;
    this.arms = arms;
  }

  /** One strategy for every match, no experiment. */
  public static Selection only(SelectionStrategy strategy) {
    return new Selection(strategy, List.of());
  }

  /** The configured selection; a name it does not know, or an experiment that is not two strategies, is refused. */
  public static Selection of(Settings settings) {
    if (settings.bestDisguise() == null) {
      throw new IllegalArgumentException("pool.selection.bestDisguise must be an object {\"exploration\": …}");
    }
    Map<String, SelectionStrategy> known = new LinkedHashMap<>();
    for (SelectionStrategy s : List.of(new RandomSelection(), new LeastRecentlyUsed(),
        new BestDisguise(settings.bestDisguise()), new CheapestHealthy())) {
      known.put(s.name(), s);
    }
    Function<String, SelectionStrategy> named = name -> {
      SelectionStrategy s = known.get(name);
      if (s == null) {
        throw new IllegalArgumentException("pool.selection: unknown strategy '" + name + "', use one of "
            + String.join(", ", known.keySet()));
      }
      return s;
    };
    SelectionStrategy chosen = named.apply(settings.strategy());
    Experiment experiment = settings.experiment();
    if (experiment == null || !experiment.enabled()) {
      return new Selection(chosen, List.of());
    }
    List<String> names = experiment.strategies() == null ? List.of() : experiment.strategies();
    if (names.size() != 2 || names.get(0).equals(names.get(1))) {
      throw new IllegalArgumentException("pool.selection.experiment.strategies must name two different strategies, "
          + "not " + names);
    }
    return new Selection(chosen, names.stream().map(named).toList());
  }

  /** The strategy that seats {@code matchId}'s robots. */
  public SelectionStrategy forMatch(String matchId) {
    return arms.isEmpty() ? strategy : arms.get(armIndex(matchId));
  }

  /** The experiment arm (its strategy's name) {@code matchId} belongs to; null when no experiment runs. */
  public String arm(String matchId) {
    return arms.isEmpty() ? null : arms.get(armIndex(matchId)).name();
  }

  /** The two strategies compared, or none. */
  public List<String> experiment() {
    return arms.stream().map(SelectionStrategy::name).toList();
  }

  public String strategy() {
    return strategy.name();
  }

  /** CRC-32 of the id: the same on every JVM and version, and spread evenly over ids that differ in one character. */
  private static int armIndex(String matchId) {
    CRC32 crc = new CRC32();
    crc.update(matchId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() & 1);
  }
}
