package arena.robot;

import arena.shared.config.ArenaConfig;
import java.util.random.RandomGenerator;

/**
 * How long a human would take: read the prompt (and, to vote, the answers), type the reply, plus some
 * jitter; kept within [minMs, maxMs] and landing before the deadline less a margin, but never instant.
 */
public final class DelayModel {
  /** Even a rushed human needs a moment; a robot replying faster than this would give itself away. */
  public static final long FLOOR_MS = 400;

  private final long minMs;
  private final long maxMs;
  private final double readMsPerChar;
  private final double typeMsPerChar;
  private final long jitterMs;
  private final long deadlineMarginMs;

  public DelayModel(long minMs, long maxMs, double readMsPerChar, double typeMsPerChar, long jitterMs,
      long deadlineMarginMs) {
    this.minMs = Math.max(0, minMs);
    this.maxMs = Math.max(this.minMs, maxMs);
    this.readMsPerChar = readMsPerChar;
    this.typeMsPerChar = typeMsPerChar;
    this.jitterMs = Math.max(0, jitterMs);
    this.deadlineMarginMs = Math.max(0, deadlineMarginMs);
  }

  public static DelayModel from(ArenaConfig cfg) {
    return new DelayModel(cfg.longValue("robot.delay.minMs"), cfg.longValue("robot.delay.maxMs"),
        cfg.integer("robot.delay.readMsPerChar"), cfg.integer("robot.delay.typeMsPerChar"),
        cfg.longValue("robot.delay.jitterMs"), cfg.longValue("robot.delay.deadlineMarginMs"));
  }

  public long deadlineMarginMs() {
    return deadlineMarginMs;
  }

  /**
   * How long after the command arrived ({@code startMs}) the reply should be submitted.
   *
   * @param readChars  characters the robot reads first
   * @param typedChars characters the robot types
   * @param persona    its typing speed, when it has one, replaces the configured typeMsPerChar
   * @param deadlineMs when the phase ends (epoch ms)
   */
  public long delayMs(int readChars, int typedChars, Persona persona, long startMs, long deadlineMs,
      RandomGenerator random) {
    double cps = persona == null ? 0 : persona.style().typingCharsPerSecond();
    double perChar = cps > 0 ? 1000.0 / cps : typeMsPerChar;
    long jitter = jitterMs == 0 ? 0 : random.nextLong(jitterMs + 1);
    long wanted = Math.round(readChars * readMsPerChar + typedChars * perChar) + jitter;
    long delay = Math.min(maxMs, Math.max(minMs, wanted));
    long latest = deadlineMs - deadlineMarginMs - startMs;
    return Math.max(FLOOR_MS, Math.min(delay, latest));
  }

  /** When to submit, as a wait from {@code nowMs}: the provider's time counts toward the human delay. */
  public static long remainingWait(long startMs, long delayMs, long nowMs) {
    return Math.max(0, startMs + delayMs - nowMs);
  }
}
