package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.game.HumanTiming;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Robot answer and vote times with the defaults in conf/arena.json. */
class RobotTimingTest {
  private static final ArenaConfig CFG = ArenaConfig.of(ArenaConfig.defaults());
  private static final Personas PERSONAS = Personas.load();
  private static final RobotTiming TIMING = RobotTiming.from(CFG, PERSONAS);
  private static final long MARGIN_MS = CFG.longValue("robot.timing.deadlineMarginMs");

  private final RandomGenerator random = new SplittableRandom(8);

  /** Every answer and vote exactly {@code delayMs} after its command, missed at {@code missRate}. */
  static RobotTiming fixed(long delayMs, long marginMs, double missRate) {
    HumanTiming.Action action = new HumanTiming.Action(delayMs, 0, 0, 0, missRate);
    return new RobotTiming(new HumanTiming(new HumanTiming.Settings(action, action, 0, 0, marginMs)), PERSONAS);
  }

  @Test
  void binds_the_config_a_deployed_verticle_gets() {
    // Given the configuration as a verticle receives it: a copy, whose sections are JsonObjects
    ArenaConfig deployed = ArenaConfig.of(ArenaConfig.defaults().copy());

    // When / Then
    assertThat(RobotTiming.from(deployed, PERSONAS).latestMs(60_000)).isEqualTo(60_000 - MARGIN_MS);
  }

  @Test
  void long_answers_do_not_land_at_one_offset() {
    // Given a 280-character answer from the same persona, round after round, in 60 s phases
    Persona persona = PERSONAS.forType("curious-student");
    String text = "x".repeat(280);

    // When
    Map<Long, Integer> perTenthOfASecond = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      perTenthOfASecond.merge(TIMING.answerDelayMs(persona, text, 60_000, random) / 100, 1, Integer::sum);
    }

    // Then they spread over many offsets, none of which holds more than a few of them
    int most = perTenthOfASecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    System.out.println("long answers: " + perTenthOfASecond.size() + " distinct tenths of a second of 300, at most "
        + most + " in one");
    assertThat(perTenthOfASecond.size()).isGreaterThan(100);
    assertThat(most).isLessThanOrEqualTo(10);
  }

  @Test
  void votes_of_several_robots_on_the_same_answers_are_spread() {
    // Given three robots voting on the same four answers (the same characters to read) in a 30 s phase
    int readChars = 40 + 4 * 90;
    int trials = 500;
    int bunched = 0;
    double spreadSum = 0;

    // When
    for (int t = 0; t < trials; t++) {
      long a = TIMING.voteDelayMs(readChars, 30_000, random);
      long b = TIMING.voteDelayMs(readChars, 30_000, random);
      long c = TIMING.voteDelayMs(readChars, 30_000, random);
      long spread = Math.max(a, Math.max(b, c)) - Math.min(a, Math.min(b, c));
      bunched += spread <= 110 ? 1 : 0;
      spreadSum += spread;
    }

    // Then three votes within 110 ms of each other are rare, and they typically lie seconds apart
    System.out.printf("votes: %d of %d triples within 110 ms, mean spread %.0f ms%n", bunched, trials,
        spreadSum / trials);
    assertThat(bunched).isLessThanOrEqualTo(trials / 100);
    assertThat(spreadSum / trials).isGreaterThan(3000);
  }

  @Test
  void nothing_piles_up_at_a_bound() {
    // Given answers of every length and votes on every amount of reading, in 60 s phases
    List<Long> answers = new ArrayList<>();
    List<Long> votes = new ArrayList<>();
    Persona persona = PERSONAS.forType("chill-gamer");

    // When
    for (int i = 0; i < 5000; i++) {
      answers.add(TIMING.answerDelayMs(persona, "y".repeat(1 + random.nextInt(280)), 60_000, random));
      votes.add(TIMING.voteDelayMs(random.nextInt(1, 2000), 60_000, random));
    }

    // Then no tenth of a second holds more than 1 % of them (a clamp would put a large share at its bound)
    assertThat(mostInOneTenth(answers)).isLessThan(50);
    assertThat(mostInOneTenth(votes)).isLessThan(50);
  }

  private static int mostInOneTenth(List<Long> delays) {
    Map<Long, Integer> counts = new HashMap<>();
    delays.forEach(d -> counts.merge(d / 100, 1, Integer::sum));
    return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  @Test
  void everything_lands_before_the_deadline_less_the_margin() {
    Persona persona = PERSONAS.forType("retired-teacher");
    for (long window = 3000; window <= 120_000; window += 1000) {
      for (int i = 0; i < 50; i++) {
        // When
        long answer = TIMING.answerDelayMs(persona, "z".repeat(1 + random.nextInt(280)), window, random);
        long vote = TIMING.voteDelayMs(random.nextInt(1, 3000), window, random);

        // Then
        assertThat(answer).isBetween(0L, window - MARGIN_MS);
        assertThat(vote).isBetween(0L, window - MARGIN_MS);
      }
      assertThat(TIMING.latestMs(window)).isEqualTo(window - MARGIN_MS);
    }
  }

  @Test
  void a_fast_typist_answers_sooner_than_a_slow_one() {
    // Given the fastest (11 characters a second) and the slowest (4) typists of the catalog, 200 characters each
    Persona fast = PERSONAS.forType("dry-engineer");
    Persona slow = PERSONAS.forType("retired-teacher");
    String text = "w".repeat(200);

    // When
    double fastMean = meanAnswerDelay(fast, text);
    double slowMean = meanAnswerDelay(slow, text);

    // Then
    System.out.printf("200 characters: fast typist %.0f ms, slow typist %.0f ms on average%n", fastMean, slowMean);
    assertThat(slowMean).isGreaterThan(fastMean * 1.3);
  }

  private double meanAnswerDelay(Persona persona, String text) {
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
      sum += TIMING.answerDelayMs(persona, text, 120_000, random);
    }
    return sum / 2000.0;
  }

  @Test
  void robots_miss_answers_and_votes_at_the_configured_rates() {
    // Given
    HumanTiming.Settings settings = CFG.bind("robot.timing", HumanTiming.Settings.class);
    RandomGenerator seeded = new SplittableRandom(42);

    // When
    int answersMissed = 0;
    int votesMissed = 0;
    for (int i = 0; i < 20_000; i++) {
      answersMissed += TIMING.missesAnswer(seeded) ? 1 : 0;
      votesMissed += TIMING.missesVote(seeded) ? 1 : 0;
    }

    // Then
    System.out.printf("missed %d answers and %d votes of 20000%n", answersMissed, votesMissed);
    assertThat(answersMissed / 20_000.0).isCloseTo(settings.answer().missRate(),
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(votesMissed / 20_000.0).isCloseTo(settings.vote().missRate(),
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(answersMissed).isPositive();
  }
}
