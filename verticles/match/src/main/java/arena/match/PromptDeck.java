package arena.match;

import arena.shared.config.ArenaConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The prompts rounds are played on; a match remembers the indexes it used so it never repeats one. */
public final class PromptDeck {
  public static final String RESOURCE = "conf/prompts.txt";

  private final List<String> prompts;

  private PromptDeck(List<String> prompts) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("the prompt deck is empty");
    }
    this.prompts = List.copyOf(prompts);
  }

  /** One prompt per line; blank lines, # comments and repeated lines are dropped. */
  public static PromptDeck parse(String text) {
    Set<String> unique = new LinkedHashSet<>();
    text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(unique::add);
    return new PromptDeck(new ArrayList<>(unique));
  }

  public static PromptDeck of(List<String> prompts) {
    return parse(String.join("\n", prompts));
  }

  public static PromptDeck fromClasspath() {
    return parse(ArenaConfig.resource(RESOURCE));
  }

  public int size() {
    return prompts.size();
  }

  public String get(int index) {
    return prompts.get(index);
  }

  public List<String> prompts() {
    return prompts;
  }

  /** A random index not in {@code used}; once the deck is exhausted any index will do. */
  public int pick(Collection<Integer> used, RandomGenerator random) {
    Set<Integer> taken = new HashSet<>(used);
    List<Integer> fresh = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      if (!taken.contains(i)) {
        fresh.add(i);
      }
    }
    return fresh.isEmpty() ? random.nextInt(prompts.size()) : fresh.get(random.nextInt(fresh.size()));
  }
}
