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

  /**
   * {@code pool.selection.experiment}: when enabled, matches are split between two strategies; {@code confidence}
   * (0.9, 0.95 or 0.99) is the report's default confidence level.
   */
  public record Experiment(boolean enabled, List<String> strategies, double confidence) {}

  private final SelectionStrategy strategy;
  /** The experiment's two strategies (also while it is not enabled, for its report), or none. */
  private final List<SelectionStrategy> compared;
  private final boolean running;
  private final double confidence;

  private Selection(SelectionStrategy strategy, List<SelectionStrategy> compared, boolean running,
      double confidence) {
    this.strategy = strategy;
    this.compared = compared;
    this.running = running;
    this.confidence = confidence;
  }

  /** One strategy for every match, no experiment. */
  public static Selection only(SelectionStrategy strategy) {
    return new Selection(strategy, List.of(), false, Statistics.CONFIDENCE_LEVELS.get(0));
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
    if (experiment == null) {
      return only(chosen);
    }
    List<String> names = experiment.strategies() == null ? List.of() : experiment.strategies();
    if (names.size() != 2 || names.get(0).equals(names.get(1))) {
      throw new IllegalArgumentException("pool.selection.experiment.strategies must name two different strategies, "
          + "not " + names);
    }
    Statistics.z(experiment.confidence(), "pool.selection.experiment.confidence");
    return new Selection(chosen, names.stream().map(named).toList(), experiment.enabled(), experiment.confidence());
  }

  /** The strategy that seats {@code matchId}'s robots. */
  public SelectionStrategy forMatch(String matchId) {
    return running ? compared.get(armIndex(matchId)) : strategy;
  }

  /** The experiment arm (its strategy's name) {@code matchId} belongs to; null when no experiment runs. */
  public String arm(String matchId) {
    return running ? compared.get(armIndex(matchId)).name() : null;
  }

  /** The two strategies the experiment compares (whether or not it runs now), or none. */
  public List<String> experiment() {
    return compared.stream().map(SelectionStrategy::name).toList();
  }

  /** Whether matches are split between the experiment's strategies now. */
  public boolean running() {
    return running;
  }

  /** The report's default confidence level. */
  public double confidence() {
    return confidence;
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
