package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent.AssignedRobot;
import arena.shared.events.RobotResponse.ResponseComplete;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each selection strategy alone, then through the pool's seating rules. */
class SelectionStrategyTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final SelectionStrategy.Context NO_STATS = context(RobotStats.empty());

  private static SelectionStrategy.Context context(RobotStats stats) {
    return new SelectionStrategy.Context(RobotPoolTest.need("m1", 1, 1), stats, r -> true);
  }

  private static Robot idle(String id, String type, Instant since) {
    return new Robot(id, type, Status.IDLE, null, 0, null, since, 0, List.of());
  }

  /** Stats where {@code type} had {@code votes} human votes, {@code passed} of them naming it. */
  private static RobotStats passed(RobotStats stats, String type, int votes, int passed) {
    for (int i = 0; i < votes; i++) {
      String letter = i < passed ? "A" : "H";
      stats = stats.round(new MatchEvent.RoundCompleted(type + "-m" + i, 1, Map.of("H", letter), Map.of(), Map.of()),
          List.of(new RobotStats.Seat(type + "-robot", type, "A")));
    }
    return stats;
  }

  private static RobotStats cost(RobotStats stats, String robotId, String type, double costUsd) {
    return stats.work(new ResponseComplete(robotId, "m", 1, robotId + "-c", "response", "fake", 100, false, null, 0,
        0, costUsd), type);
  }

  @Test
  void leastRecentlyUsedPicksTheRobotIdleTheLongest() {
    // Given three idle robots that went back to the pool at different times
    List<Robot> candidates = List.of(idle("r1", "poet", T0.plusSeconds(20)), idle("r2", "poet", T0),
        idle("r3", "poet", T0.plusSeconds(10)));

    // When least-recently-used picks, whatever the chance
    // Then it is always the one idle since T0
    IntStream.range(0, 20).forEach(seed -> assertThat(new LeastRecentlyUsed().pick(candidates, NO_STATS,
        new SplittableRandom(seed)).id()).isEqualTo("r2"));
  }

  @Test
  void bestDisguisePrefersTheHigherPassRateOnceEveryPersonaIsKnown() {
    // Given a poet that passed 80 of 100 human votes and a clown 10 of 100
    RobotStats stats = passed(passed(RobotStats.empty(), "poet", 100, 80), "clown", 100, 10);
    List<Robot> candidates = List.of(idle("c1", "clown", T0), idle("p1", "poet", T0), idle("c2", "clown", T0));

    // When best-disguise picks, whatever the chance
    // Then it is the poet
    IntStream.range(0, 20).forEach(seed -> assertThat(new BestDisguise(new BestDisguise.Settings(0.5))
        .pick(candidates, context(stats), new SplittableRandom(seed)).type()).isEqualTo("poet"));
  }

  @Test
  void bestDisguiseTriesAPersonaNoHumanHasVotedOnFirst() {
    // Given a poet that passes almost always, and a mime never tried
    RobotStats stats = passed(RobotStats.empty(), "poet", 100, 95);
    List<Robot> candidates = List.of(idle("p1", "poet", T0), idle("m1", "mime", T0));

    // When best-disguise picks, then the untried mime goes first
    assertThat(new BestDisguise(new BestDisguise.Settings(0.5)).pick(candidates, context(stats),
        new SplittableRandom(1)).type()).isEqualTo("mime");
  }

  @Test
  void bestDisguiseGivesAPersonaJudgedOnLittleEvidenceAnotherChance() {
    // Given a poet at 50% over 1000 votes and a clown at 25% over only 4
    RobotStats stats = passed(passed(RobotStats.empty(), "poet", 1000, 500), "clown", 4, 1);
    List<Robot> candidates = List.of(idle("p1", "poet", T0), idle("c1", "clown", T0));

    // When best-disguise picks with exploration, then the clown's wide bound wins; without, the poet's rate does
    assertThat(new BestDisguise(new BestDisguise.Settings(0.5)).pick(candidates, context(stats),
        new SplittableRandom(1)).type()).isEqualTo("clown");
    assertThat(new BestDisguise(new BestDisguise.Settings(0)).pick(candidates, context(stats),
        new SplittableRandom(1)).type()).isEqualTo("poet");
  }

  @Test
  void cheapestHealthyPicksTheLowestCostPerAnswerAmongHealthyRobots() {
    // Given r1 costs 3 cents an answer, r2 1 cent but is unhealthy, r3 2 cents
    RobotStats stats = cost(cost(cost(RobotStats.empty(), "r1", "poet", 0.03), "r2", "poet", 0.01), "r3", "poet",
        0.02);
    List<Robot> candidates = List.of(idle("r1", "poet", T0), idle("r2", "poet", T0), idle("r3", "poet", T0));
    var sick = new SelectionStrategy.Context(RobotPoolTest.need("m1", 1, 1), stats, r -> !r.id().equals("r2"));

    // When cheapest-healthy picks
    // Then it skips the cheaper unhealthy r2 for r3; with everyone healthy it takes r2
    assertThat(new CheapestHealthy().pick(candidates, sick, new SplittableRandom(1)).id()).isEqualTo("r3");
    assertThat(new CheapestHealthy().pick(candidates, context(stats), new SplittableRandom(1)).id()).isEqualTo("r2");
  }

  @Test
  void cheapestHealthyFallsBackToAnUnhealthyRobotRatherThanSeatingNobody() {
    // Given only unhealthy candidates
    List<Robot> candidates = List.of(idle("r1", "poet", T0));
    var allSick = new SelectionStrategy.Context(RobotPoolTest.need("m1", 1, 1), RobotStats.empty(), r -> false);

    // When cheapest-healthy picks, then the round still gets a robot
    assertThat(new CheapestHealthy().pick(candidates, allSick, new SplittableRandom(1)).id()).isEqualTo("r1");
  }

  @Test
  void aRobotThatNeverWorkedIsPricedAtItsPersonasCost() {
    // Given a poet robot that worked at 4 cents and a new poet robot
    RobotStats stats = cost(RobotStats.empty(), "p1", "poet", 0.04);

    // Then the new robot costs what its persona does, and a robot of an unknown persona nothing yet
    assertThat(CheapestHealthy.costPerWork(idle("p2", "poet", T0), stats)).isEqualTo(0.04);
    assertThat(CheapestHealthy.costPerWork(idle("m1", "mime", T0), stats)).isZero();
  }

  @Test
  void everyStrategySeatsTheSameRobotsForTheSameRequestAndPoolVersion() {
    // Given a pool of five persona types, some of them known, and every strategy
    PoolState pool = RobotPool.create(RobotPoolTest.types("a", 3, "b", 3, "c", 3, "d", 3, "e", 3), T0);
    RobotStats stats = cost(passed(passed(RobotStats.empty(), "a", 10, 8), "b", 10, 1), "robot-c-1", "c", 0.01);
    for (String name : List.of("random", "least-recently-used", "best-disguise", "cheapest-healthy")) {
      RobotPool rules = new RobotPool(7, 0, selection(name, null)).withStats(stats);

      // When the same request is seated twice (a retry)
      List<AssignedRobot> first = rules.request(pool, RobotPoolTest.need("m1", 1, 3), "e1", T0).assignments()
          .get(0).robots();
      List<AssignedRobot> again = rules.request(pool, RobotPoolTest.need("m1", 1, 3), "e1", T0).assignments()
          .get(0).robots();

      // Then the same robots sit behind the same letters, of three distinct personas
      assertThat(again).as(name).isEqualTo(first);
      assertThat(first.stream().map(AssignedRobot::type).distinct()).as(name).hasSize(3);
    }
  }

  @Test
  void everyStrategyHonoursExcludedRobotsWhileThePoolAllows() {
    // Given a pool of six and a match that just had robot-a-1 and robot-b-1, the best disguises
    PoolState pool = RobotPool.create(RobotPoolTest.types("a", 2, "b", 2, "c", 2), T0);
    RobotStats stats = passed(passed(RobotStats.empty(), "a", 10, 9), "b", 10, 9);
    for (String name : List.of("random", "least-recently-used", "best-disguise", "cheapest-healthy")) {
      RobotPool rules = new RobotPool(7, 0, selection(name, null)).withStats(stats);

      // When it asks for three robots again
      List<AssignedRobot> robots = rules.request(pool, RobotPoolTest.need("m1", 2, 3,
          List.of("robot-a-1", "robot-b-1")), "e1", T0).assignments().get(0).robots();

      // Then neither excluded robot sits, and the personas are distinct
      assertThat(robots).as(name).extracting(AssignedRobot::id).doesNotContain("robot-a-1", "robot-b-1");
      assertThat(robots.stream().map(AssignedRobot::type).distinct()).as(name).hasSize(3);
    }
  }

  @Test
  void bestDisguiseSeatsTheBestPersonasOfThePool() {
    // Given five persona types where d and e pass far more often, all tried
    PoolState pool = RobotPool.create(RobotPoolTest.types("a", 2, "b", 2, "c", 2, "d", 2, "e", 2), T0);
    RobotStats stats = RobotStats.empty();
    for (String type : List.of("a", "b", "c")) {
      stats = passed(stats, type, 200, 20);
    }
    stats = passed(passed(stats, "d", 200, 150), "e", 200, 140);

    // When best-disguise seats two robots
    List<AssignedRobot> robots = new RobotPool(7, 0, selection("best-disguise", null)).withStats(stats)
        .request(pool, RobotPoolTest.need("m1", 1, 2), "e1", T0).assignments().get(0).robots();

    // Then they are a d and an e
    assertThat(robots).extracting(AssignedRobot::type).containsExactlyInAnyOrder("d", "e");
  }

  @Test
  void anExperimentSplitsMatchesBetweenItsTwoStrategiesByMatchId() {
    // Given an experiment between random and best-disguise
    Selection selection = selection("random", List.of("random", "best-disguise"));

    // When a hundred matches are assigned
    List<String> arms = new ArrayList<>();
    IntStream.range(0, 100).forEach(i -> arms.add(selection.arm("match-" + i)));

    // Then both arms get a fair share, and a match stays in its arm
    assertThat(arms.stream().filter("random"::equals).count()).isBetween(30L, 70L);
    assertThat(arms.stream().filter("best-disguise"::equals).count()).isBetween(30L, 70L);
    assertThat(selection.arm("match-7")).isEqualTo(arms.get(7));
    assertThat(selection.forMatch("match-7").name()).isEqualTo(arms.get(7));
    assertThat(selection("random", null).arm("match-7")).isNull();
  }

  @Test
  void theAssignmentSaysWhichStrategyChoseItsRobots() {
    // Given the least-recently-used strategy
    RobotPool rules = new RobotPool(7, 0, selection("least-recently-used", null));

    // When a request is seated, then its assignment names the strategy
    assertThat(rules.request(RobotPool.create(RobotPoolTest.types("a", 2), T0), RobotPoolTest.need("m1", 1, 1), "e1",
        T0).assignments().get(0).strategy()).isEqualTo("least-recently-used");
  }

  @Test
  void badSelectionSettingsAreRefusedWithAClearMessage() {
    // When the configuration names an unknown strategy, a one-armed or same-armed experiment, or a negative bonus
    // Then each is refused and says what is allowed
    assertThatThrownBy(() -> selection("smartest", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool.selection: unknown strategy 'smartest', use one of random, least-recently-used, "
            + "best-disguise, cheapest-healthy");
    assertThatThrownBy(() -> selection("random", List.of("random"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must name two different strategies");
    assertThatThrownBy(() -> selection("random", List.of("random", "random")))
        .hasMessageContaining("must name two different strategies");
    assertThatThrownBy(() -> selection("random", List.of("random", "cheapest")))
        .hasMessageContaining("unknown strategy 'cheapest'");
    assertThatThrownBy(() -> Selection.of(new Selection.Settings("random", new BestDisguise.Settings(0.5),
        new Selection.Experiment(false, List.of("random", "best-disguise"), 0.8))))
        .hasMessage("pool.selection.experiment.confidence must be one of 0.9, 0.95, 0.99, not 0.8");
    assertThatThrownBy(() -> new BestDisguise.Settings(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exploration must be a number >= 0");
  }

  @Test
  void theDefaultConfigurationBindsToRandomWithoutAnExperiment() {
    // Given conf/arena.json
    var cfg = arena.shared.config.ArenaConfig.of(arena.shared.config.ArenaConfig.defaults());

    // When pool.selection is bound
    Selection selection = Selection.of(cfg.bind("pool.selection", Selection.Settings.class));

    // Then random seats every match, and the experiment is named but not running
    assertThat(selection.strategy()).isEqualTo("random");
    assertThat(selection.experiment()).containsExactly("random", "best-disguise");
    assertThat(selection.running()).isFalse();
    assertThat(selection.arm("m1")).isNull();
  }

  @Test
  void aSelectionSectionMissingAFieldIsRefusedAtStart() {
    // Given a pool.selection without its bestDisguise settings
    io.vertx.core.json.JsonObject json = arena.shared.config.ArenaConfig.defaults();
    json.getJsonObject("pool").getJsonObject("selection").remove("bestDisguise");

    // When it is bound, then the error names the section and the missing field
    assertThatThrownBy(() -> arena.shared.config.ArenaConfig.of(json).bind("pool.selection", Selection.Settings.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config pool.selection does not fit")
        .hasMessageContaining("bestDisguise");
  }

  static Selection selection(String strategy, List<String> experiment) {
    return Selection.of(new Selection.Settings(strategy, new BestDisguise.Settings(0.5),
        experiment == null ? null : new Selection.Experiment(true, experiment, 0.95)));
  }
}
