package arena.robot;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** The scripted provider's two ways of leaving things to chance. */
final class Dice {
  private Dice() {}

  /** True with probability {@code p}; never for 0, without drawing. */
  static boolean chance(RandomGenerator random, double p) {
    return p > 0 && random.nextDouble() < p;
  }

  /** One phrase of {@code bank}, or none when it is empty. */
  static Optional<String> pick(RandomGenerator random, List<String> bank) {
    return bank == null || bank.isEmpty() ? Optional.empty()
        : Optional.of(bank.get(random.nextInt(bank.size())));
  }
}
