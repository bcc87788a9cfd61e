package arena.robot;

import arena.shared.config.ArenaConfig;
import arena.shared.game.HumanTiming;
import arena.shared.game.Text;
import java.util.random.RandomGenerator;

/**
 * When a robot answers or votes, and whether it does at all, drawn from the human model ({@code robot.timing}):
 * think time plus typing (answers) or reading (votes) time over the whole phase, and misses at human rates. A
 * persona types at its own speed relative to the catalog's average typist, so the pool as a whole types like the
 * model's median human.
 */
final class RobotTiming {
  private final HumanTiming human;
  private final double averageMsPerChar;

  RobotTiming(HumanTiming human, Personas personas) {
    this.human = human;
    this.averageMsPerChar = personas.all().stream().mapToDouble(RobotTiming::msPerChar).filter(ms -> ms > 0)
        .average().orElse(0);
  }

  static RobotTiming from(ArenaConfig cfg, Personas personas) {
    return new RobotTiming(new HumanTiming(cfg.bind("robot.timing", HumanTiming.Settings.class)), personas);
  }

  /** Milliseconds after the command arrived to submit {@code text}; {@code windowMs} runs to the deadline. */
  long answerDelayMs(Persona persona, String text, long windowMs, RandomGenerator random) {
    return Math.min(latestMs(windowMs), human.answerDelayMs(Text.length(text), speed(persona), windowMs, random));
  }

  /** Milliseconds after the command arrived to submit a vote, having read {@code readChars}. */
  long voteDelayMs(int readChars, long windowMs, RandomGenerator random) {
    return Math.min(latestMs(windowMs), human.voteDelayMs(readChars, windowMs, random));
  }

  /**
   * The latest a submission may land, after the command arrived: the deadline less the margin, or halfway to a
   * deadline closer than the margin.
   */
  long latestMs(long windowMs) {
    return Math.max(windowMs - human.settings().deadlineMarginMs(), windowMs / 2);
  }

  boolean missesAnswer(RandomGenerator random) {
    return human.missesAnswer(random);
  }

  boolean missesVote(RandomGenerator random) {
    return human.missesVote(random);
  }

  /** The persona's time per character relative to the average persona's: 1 when it has no speed of its own. */
  double speed(Persona persona) {
    double ms = msPerChar(persona);
    return ms > 0 && averageMsPerChar > 0 ? ms / averageMsPerChar : 1;
  }

  private static double msPerChar(Persona persona) {
    double cps = persona == null ? 0 : persona.style().typingCharsPerSecond();
    return cps > 0 ? 1000 / cps : 0;
  }

  /** When to submit, as a wait from {@code nowMs}: the provider's time counts toward the human delay. */
  static long remainingWait(long startMs, long delayMs, long nowMs) {
    return Math.max(0, startMs + delayMs - nowMs);
  }
}
