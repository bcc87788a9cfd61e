package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import arena.orchestrator.ScalingPolicy.Decision;
import arena.orchestrator.ScalingPolicy.Settings;
import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.events.OrchestrationEvent.PoolScaled.Reason;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Scaled;
import arena.shared.state.PoolState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {
  private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
  private static final List<String> TYPES = List.of("a", "b");
  /** minIdle 1, maxTotal 8, ratio 0.8, idle 60 s, cool-down 30 s. */
  private static final Settings SMALL = new Settings(1, 8, 0.8, 60, 30, 1);
  private final ScalingPolicy policy = new ScalingPolicy(SMALL, TYPES);

  private static Robot idle(String id, String type, Instant since) {
    return new Robot(id, type, Status.IDLE, null, 0, null, since, 0, List.of());
  }

  private static Robot busy(String id, String type) {
    return new Robot(id, type, Status.BUSY, "m-" + id, 1, "A", NOW, 0, List.of());
  }

  private static PoolState pool(List<Robot> robots, List<Pending> queue) {
    return new PoolState(1, robots, queue, List.of(), Map.of());
  }

  private static Pending waiting(int count) {
    List<String> letters = List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L").subList(0, count);
    return new Pending(new RobotsNeeded("mq", 1, count, List.of(), letters, "mq-r1-req"), "e1", NOW);
  }

  @Test
  void aPoolOverMaxTotalGivesBackItsIdleRobotsAtOnce() {
    // Given maxTotal 8 was lowered under a pool of 11: a has 6 (5 idle, one just back), b has 5 (2 busy, 3 idle)
    List<Robot> robots = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      robots.add(idle("a" + i, "a", NOW.minusSeconds(i)));
    }
    robots.add(idle("a6", "a", NOW));
    robots.add(busy("b1", "b"));
    robots.add(busy("b2", "b"));
    for (int i = 3; i <= 5; i++) {
      robots.add(idle("b" + i, "b", NOW.minusSeconds(i)));
    }

    // When it is decided, even within a cool-down and before any robot was idle scaleDownIdleSeconds
    Map<String, Scaled> last = Map.of("a", new Scaled(NOW, null), "b", new Scaled(NOW, null));
    List<Decision> decisions = policy.decide(pool(robots, List.of()), last, NOW);

    // Then three idle robots leave, each from the type with the most robots (then the most idle ones), longest idle
    // first, and nothing grows
    assertThat(decisions).extracting(Decision::type, Decision::from, Decision::to, Decision::reason)
        .containsExactly(tuple("a", 6, 4, Reason.CONFIG), tuple("b", 5, 4, Reason.CONFIG));
    assertThat(decisions.get(0).retire()).containsExactly("a5", "a4");
    assertThat(decisions.get(1).retire()).containsExactly("b5");
  }

  @Test
  void aPoolOverMaxTotalWithOnlyBusyRobotsWaitsForThemToComeBack() {
    // Given maxTotal 8 and 9 robots, all busy
    List<Robot> robots = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      robots.add(busy("a" + i, i % 2 == 0 ? "a" : "b"));
    }

    // When / Then: nothing grows (no idle minimum over maxTotal) and nothing busy is retired
    assertThat(policy.decide(pool(robots, List.of()), Map.of(), NOW)).isEmpty();
  }

  @Test
  void aTypeWithoutIdleRobotsGrowsBackToTheIdleMinimum() {
    // Given type a has one busy robot and two idle ones (share 1/3), type b one busy only
    PoolState state = pool(List.of(busy("a1", "a"), idle("a2", "a", NOW), idle("a3", "a", NOW), busy("b1", "b")),
        List.of());

    // When
    List<Decision> decisions = policy.decide(state, Map.of(), NOW);

    // Then b grows by one (idle minimum; its share 1/2 is then below 0.8)
    assertThat(decisions).containsExactly(new Decision("b", 1, 2, Reason.SCALE_UP, List.of()));
  }

  @Test
  void aBusyShareAtTheRatioGrowsAheadOfDemand() {
    // Given type a: 4 busy, 1 idle (share 0.8); b: 1 idle
    List<Robot> robots = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      robots.add(busy("a" + i, "a"));
    }
    robots.add(idle("a5", "a", NOW));
    robots.add(idle("b1", "b", NOW));

    // When
    List<Decision> decisions = policy.decide(pool(robots, List.of()), Map.of(), NOW);

    // Then a grows until 4 busy are less than 0.8 of it (6 robots), within maxTotal 8
    assertThat(decisions).containsExactly(new Decision("a", 5, 6, Reason.SCALE_UP, List.of()));
  }

  @Test
  void waitingRequestsGrowThePoolUpToMaxTotalAndNoFurther() {
    // Given 4 busy robots, no idle, and a request for 6 waiting
    PoolState state = pool(List.of(busy("a1", "a"), busy("a2", "a"), busy("b1", "b"), busy("b2", "b")),
        List.of(waiting(6)));

    // When
    List<Decision> decisions = policy.decide(state, Map.of(), NOW);

    // Then only 4 more fit under maxTotal 8
    assertThat(decisions.stream().mapToInt(d -> d.to() - d.from()).sum()).isEqualTo(4);
    assertThat(decisions).allMatch(d -> d.reason() == Reason.SCALE_UP);
  }

  @Test
  void robotsIdleLongEnoughRetireLongestIdleFirstDownToTheIdleMinimum() {
    // Given type a has three idle robots: two idle for 61 s and 90 s, one just freed
    PoolState state = pool(List.of(idle("a1", "a", NOW.minusSeconds(61)), idle("a2", "a", NOW.minusSeconds(90)),
        idle("a3", "a", NOW), idle("b1", "b", NOW.minusSeconds(600))), List.of());

    // When
    List<Decision> decisions = policy.decide(state, Map.of(), NOW);

    // Then a keeps one idle; b, at the minimum, keeps its robot
    assertThat(decisions).containsExactly(new Decision("a", 3, 1, Reason.SCALE_DOWN, List.of("a2", "a1")));
  }

  @Test
  void nothingRetiresWithinTheCoolDownOfGrowing() {
    // Given type a grew 10 s ago and has robots idle for long
    PoolState state = pool(List.of(idle("a1", "a", NOW.minusSeconds(600)), idle("a2", "a", NOW.minusSeconds(600)),
        idle("b1", "b", NOW)), List.of());
    Map<String, Scaled> last = Map.of("a", new Scaled(NOW.minusSeconds(10), null));

    // When / Then: nothing now, the retirement once the cool-down is over
    assertThat(policy.decide(state, last, NOW)).isEmpty();
    assertThat(policy.decide(state, last, NOW.plusSeconds(20))).containsExactly(
        new Decision("a", 2, 1, Reason.SCALE_DOWN, List.of("a1")));
  }

  @Test
  void nothingRetiresWhileRequestsWait() {
    // Given a long idle robot above the minimum, and a request waiting for more than is idle
    PoolState state = pool(List.of(idle("a1", "a", NOW.minusSeconds(600)), idle("a2", "a", NOW.minusSeconds(600)),
        busy("b1", "b"), idle("b2", "b", NOW)), List.of(waiting(4)));

    // When
    List<Decision> decisions = policy.decide(state, Map.of(), NOW);

    // Then the pool only grows
    assertThat(decisions).isNotEmpty().allMatch(Decision::grows);
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    // Given / When a negative idle minimum, a ratio above 1, or no evaluation interval / Then refused at start
    assertThatThrownBy(() -> new Settings(-1, 8, 0.8, 60, 30, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settings(1, 8, 1.5, 60, 30, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settings(1, 8, 0.8, 60, 30, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Properties over many seeded random runs: a pool of random size and settings sees matches come and go while the
   * clock moves, the decisions applied as the orchestrator applies them.
   */
  @Test
  void neverOverMaxTotalNeverUnderTheIdleMinimumAndNoFlapping() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      List<String> types = List.of("a", "b", "c").subList(0, 1 + random.nextInt(3));
      Settings settings = new Settings(random.nextInt(3), random.nextInt(25), 0.5 + random.nextInt(6) / 10.0,
          random.nextInt(120), random.nextInt(60), 1);
      ScalingPolicy p = new ScalingPolicy(settings, types);
      run(p, types, random, "seed " + seed + " " + settings);
    }
  }

  private void run(ScalingPolicy p, List<String> types, SplittableRandom random, String what) {
    Settings s = p.settings();
    Map<String, Robot> robots = new LinkedHashMap<>();
    Map<String, Scaled> last = new HashMap<>();
    Map<String, Instant> lastDown = new HashMap<>();
    Map<String, Instant> lastUp = new HashMap<>();
    List<Pending> queue = new ArrayList<>();
    Instant now = NOW;
    int ids = 0;
    for (int step = 0; step < 200; step++) {
      now = now.plusSeconds(random.nextInt(20));
      // Demand changes: robots go busy or come back, requests arrive or leave.
      for (Robot r : List.copyOf(robots.values())) {
        if (random.nextInt(4) == 0) {
          robots.put(r.id(), r.status() == Status.IDLE ? busy(r.id(), r.type()) : idle(r.id(), r.type(), now));
        }
      }
      if (random.nextInt(5) == 0) {
        queue.add(waiting(1 + random.nextInt(4)));
      } else if (!queue.isEmpty() && random.nextBoolean()) {
        queue.remove(0);
      }
      PoolState state = pool(List.copyOf(robots.values()), List.copyOf(queue));
      List<Decision> decisions = p.decide(state, last, now);

      Set<String> decided = new HashSet<>();
      for (Decision d : decisions) {
        assertThat(decided.add(d.type())).as(what).isTrue();
        long idle = robots.values().stream().filter(r -> r.type().equals(d.type()) && r.status() == Status.IDLE)
            .count();
        if (d.grows()) {
          assertThat(d.retire()).as(what).isEmpty();
          Instant down = lastDown.get(d.type());
          if (down != null && now.isBefore(down.plusSeconds(s.cooldownSeconds()))) {
            // Growing within the cool-down of shrinking is only for the idle minimum or waiting requests.
            assertThat(idle < s.minIdlePerType() || !queue.isEmpty()).as(what + " flapped up").isTrue();
          }
          lastUp.put(d.type(), now);
          for (int i = d.from(); i < d.to(); i++) {
            String id = d.type() + "-" + (++ids);
            robots.put(id, idle(id, d.type(), now));
          }
        } else {
          Instant up = lastUp.get(d.type());
          assertThat(up == null || !now.isBefore(up.plus(Duration.ofSeconds(s.cooldownSeconds()))))
              .as(what + " flapped down").isTrue();
          assertThat(idle - d.retire().size()).as(what + " under the idle minimum").isGreaterThanOrEqualTo(
              s.minIdlePerType());
          assertThat(queue).as(what).isEmpty();
          d.retire().forEach(id -> assertThat(robots.remove(id).status()).isEqualTo(Status.IDLE));
          lastDown.put(d.type(), now);
        }
        last.put(d.type(), ScalingPolicy.after(last.get(d.type()), d, now));
      }
      assertThat(robots.size()).as(what + " over maxTotal").isLessThanOrEqualTo(s.maxTotal());
      if (robots.size() < s.maxTotal()) {
        // Room left: every type has its idle minimum.
        for (String type : types) {
          assertThat(robots.values().stream().filter(r -> r.type().equals(type) && r.status() == Status.IDLE)
              .count()).as(what + " idle minimum of " + type).isGreaterThanOrEqualTo(s.minIdlePerType());
        }
      }
    }
  }
}
