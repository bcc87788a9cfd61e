package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.game.MatchRules;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadPlanTest {
  private static final MatchRules RULES = MatchRules.of(ArenaConfig.of(ArenaConfig.load(null, Map.of())));

  private static LoadPlan plan(int matches, int humans, int seats, int pool) {
    return new LoadPlan(matches, humans, seats, 2, 30, 20, pool, 1000, 1000, Duration.ofSeconds(10),
        Duration.ofSeconds(60), 1000);
  }

  @Test
  void aPlanWithinTheGamesLimitsHasNoProblem() {
    // Given 50 matches of 2 humans and 4 robots
    LoadPlan plan = plan(50, 2, 6, 0);

    // Then it can run, with a pool of exactly the robots it seats at once
    assertThat(plan.problems(RULES)).isEmpty();
    assertThat(plan.poolSize()).isEqualTo(200);
    assertThat(plan.fixedLatency()).isTrue();
  }

  @Test
  void aMatchOutsideTheGamesLimitsIsRefusedWithTheGamesReason() {
    // Given more seats than conf/arena.json's match.limits.maxSeats (12)
    LoadPlan plan = plan(10, 1, 13, 0);

    // Then the plan names the rule it breaks
    assertThat(plan.problems(RULES)).singleElement().asString().contains("match.limits").contains("seats");
  }

  @Test
  void aMatchWithoutARobotSeatIsRefused() {
    // Given as many humans as seats
    assertThat(plan(10, 4, 4, 0).problems(RULES)).singleElement().asString().contains("humans must be between 1 and 3");
  }

  @Test
  void badNumbersAreEachNamedWithTheirOption() {
    // Given no matches, a negative pool, a p99 below the median, a negative ramp-up and a zero duration
    LoadPlan plan = new LoadPlan(0, 1, 4, 2, 30, 20, -1, 1000, 500, Duration.ofSeconds(-1), Duration.ZERO, -5);

    // Then each is told
    assertThat(plan.problems(RULES)).hasSize(6).anyMatch(p -> p.startsWith("--matches"))
        .anyMatch(p -> p.startsWith("--pool")).anyMatch(p -> p.startsWith("--llm-median-ms"))
        .anyMatch(p -> p.startsWith("--ramp-up")).anyMatch(p -> p.startsWith("--duration"))
        .anyMatch(p -> p.startsWith("--deadline-tolerance-ms"));
  }

  @Test
  void aPoolTooSmallForOneMatchIsRefused() {
    // Given 3 robot seats per match and a pool of 2
    assertThat(plan(10, 1, 4, 2).problems(RULES)).singleElement().asString().contains("--pool 2");
  }
}
