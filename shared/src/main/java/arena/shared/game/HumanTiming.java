package arena.shared.game;

import java.util.random.RandomGenerator;

/**
 * When a human would submit, drawn over the whole phase: a think time with a long tail (log-normal) plus the time
 * to type (answers) or read (votes) at a speed of their own, kept inside the phase by drawing again rather than by
 * clamping, so no answer piles up at a bound; then a little jitter. Robots time their answers and votes with it
 * (config {@code robot.timing}), and the adversary test's simulated humans play with it too.
 */
public record HumanTiming(Settings settings) {

  /**
   * One kind of action.
   *
   * @param thinkMedianMs median time before starting to type (or, for a vote, to decide)
   * @param thinkSigma    spread of the think time (log-normal sigma): larger means a longer tail
   * @param msPerChar     median time per character typed (answers) or read (votes)
   * @param msPerCharSigma how much that speed varies from one action to the next (log-normal sigma)
   * @param missRate      the share of phases in which a human does not act at all
   */
  public record Action(double thinkMedianMs, double thinkSigma, double msPerChar, double msPerCharSigma,
      double missRate) {}

  /**
   * @param answer           how answers are timed
   * @param vote             how votes are timed
   * @param floorMs          nobody acts sooner than this after the phase starts
   * @param jitterMs         added last, uniformly, so even a drawn bound is spread out
   * @param deadlineMarginMs everything lands at least this long before the deadline
   */
  public record Settings(Action answer, Action vote, long floorMs, long jitterMs, long deadlineMarginMs) {}

  /** Draws within this many tries, then uniformly over the window. */
  static final int DRAWS = 16;

  /**
   * Milliseconds after the phase started (for this participant) to submit an answer of {@code typedChars}.
   *
   * @param speed    the typist's own factor on the time per character (1 for an average one)
   * @param windowMs from the start to the phase's deadline
   */
  public long answerDelayMs(int typedChars, double speed, long windowMs, RandomGenerator random) {
    return draw(settings.answer(), typedChars, speed, windowMs, random);
  }

  /** Milliseconds after the voting phase started to submit a vote, having read {@code readChars}. */
  public long voteDelayMs(int readChars, long windowMs, RandomGenerator random) {
    return draw(settings.vote(), readChars, 1, windowMs, random);
  }

  public boolean missesAnswer(RandomGenerator random) {
    return random.nextDouble() < settings.answer().missRate();
  }

  public boolean missesVote(RandomGenerator random) {
    return random.nextDouble() < settings.vote().missRate();
  }

  private long draw(Action action, int chars, double speed, long windowMs, RandomGenerator random) {
    long lo = settings.floorMs();
    long hi = windowMs - settings.deadlineMarginMs() - settings.jitterMs();
    if (hi <= lo) {
      // A phase too short for the model: anywhere in what is left of it.
      long last = Math.max(lo, windowMs - settings.deadlineMarginMs());
      return lo + (last > lo ? random.nextLong(last - lo + 1) : 0);
    }
    long at = -1;
    for (int i = 0; i < DRAWS && at < 0; i++) {
      double think = action.thinkMedianMs() * Math.exp(action.thinkSigma() * random.nextGaussian());
      double perChar = action.msPerChar() * speed * Math.exp(action.msPerCharSigma() * random.nextGaussian());
      long total = Math.round(think + Math.max(0, chars) * perChar);
      if (total >= lo && total <= hi) {
        at = total;
      }
    }
    if (at < 0) {
      at = lo + random.nextLong(hi - lo + 1);
    }
    long jitter = settings.jitterMs() > 0 ? random.nextLong(settings.jitterMs() + 1) : 0;
    return at + jitter;
  }
}
