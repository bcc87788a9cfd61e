package arena.shared.game;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class HumanTimingTest {
  static final HumanTiming TIMING = new HumanTiming(new HumanTiming.Settings(
      new HumanTiming.Action(6000, 0.7, 180, 0.35, 0.03),
      new HumanTiming.Action(4000, 0.7, 25, 0.35, 0.04), 1500, 800, 1500));

  @Test
  void everyDrawLandsInsideThePhaseAndNothingPilesUpAtABound() {
    RandomGenerator random = new SplittableRandom(7);
    long window = 60_000;
    int atEdge = 0;
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 20_000; i++) {
      long t = TIMING.answerDelayMs(random.nextInt(10, 280), 1, window, random);
      assertTrue(t >= 1500 && t <= window - 1500, "inside the phase: " + t);
      min = Math.min(min, t);
      max = Math.max(max, t);
      if (t >= window - 1600) {
        atEdge++;
      }
    }
    // 100 ms at the end of a 57 s range holds about 0.2 % of uniform draws; a clamp would put far more there.
    assertTrue(atEdge < 20 * 20, "piled up at the deadline: " + atEdge);
    assertTrue(max - min > 30_000, "spread over the phase: " + min + ".." + max);
  }

  @Test
  void aLongAnswerDoesNotLandAtOneFixedOffset() {
    RandomGenerator random = new SplittableRandom(3);
    java.util.Set<Long> seconds = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      seconds.add(TIMING.answerDelayMs(280, 1, 30_000, random) / 1000);
    }
    assertTrue(seconds.size() > 10, "long answers spread over many seconds: " + seconds);
  }

  @Test
  void aPhaseShorterThanTheModelStillGetsAnActionInsideIt() {
    RandomGenerator random = new SplittableRandom(5);
    for (int i = 0; i < 1000; i++) {
      long t = TIMING.voteDelayMs(500, 3000, random);
      assertTrue(t >= 1500 && t <= 3000, "inside a short phase: " + t);
    }
  }

  @Test
  void theDefaultsInConfBindToTheRecord() {
    arena.shared.config.ArenaConfig cfg = arena.shared.config.ArenaConfig.of(arena.shared.config.ArenaConfig.defaults());
    HumanTiming.Settings settings = cfg.bind("robot.timing", HumanTiming.Settings.class);
    assertTrue(settings.answer().missRate() > 0 && settings.answer().missRate() < 0.1);
    assertTrue(settings.vote().thinkMedianMs() > 0);
  }

  @Test
  void missesAtTheConfiguredRate() {
    RandomGenerator random = new SplittableRandom(11);
    int missed = 0;
    for (int i = 0; i < 100_000; i++) {
      missed += TIMING.missesAnswer(random) ? 1 : 0;
    }
    assertTrue(missed > 2500 && missed < 3500, "about 3 %: " + missed);
  }
}
