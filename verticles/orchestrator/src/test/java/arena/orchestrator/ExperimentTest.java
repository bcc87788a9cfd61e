package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A/B between random and best-disguise over simulated matches, through the pure Orchestration: humans name robots
 * of two persona types as human far more often, so the arm that learns to seat them passes more often.
 */
class ExperimentTest {
  private static final List<String> GOOD = List.of("creative-artist", "night-shift-nurse");
  private static final List<String> TYPES = List.of("curious-student", "skeptical-scientist", "creative-artist",
      "chill-gamer", "retired-teacher", "night-shift-nurse", "busy-parent", "dry-engineer", "excitable-teen",
      "backpacker");

  @Test
  void aTwoHundredMatchExperimentReportsBothArmsAndTheBetterDisguise() {
    // Given a pool of ten personas, three robots each, split between random and best-disguise
    Selection selection = SelectionStrategyTest.selection("random", List.of("random", "best-disguise"));
    Orchestration orchestration = new Orchestration(new RobotPool(0, 0, selection), Clock.system(ZoneOffset.UTC),
        new SimpleMeterRegistry(), Duration.ofSeconds(60));
    Map<String, Integer> byType = new LinkedHashMap<>();
    TYPES.forEach(t -> byType.put(t, 3));
    orchestration.open(Optional.empty(), byType);
    SplittableRandom chance = new SplittableRandom(42);
    Map<String, Integer> matchesPerArm = new HashMap<>();

    // When 200 one-round matches run: three robots (A, B, C) and two humans (D, E) who each vote once
    for (int i = 0; i < 200; i++) {
      String matchId = "match-" + i;
      MatchEvent.RobotsNeeded need = new MatchEvent.RobotsNeeded(matchId, 1, 3, List.of(), List.of("A", "B", "C"),
          matchId + "-req");
      OrchestrationEvent.RobotsAssigned assigned = handle(orchestration, need).stream()
          .map(Outgoing::payload).filter(OrchestrationEvent.RobotsAssigned.class::isInstance)
          .map(OrchestrationEvent.RobotsAssigned.class::cast).findFirst().orElseThrow();
      assertThat(assigned.strategy()).isEqualTo(selection.arm(matchId));
      matchesPerArm.merge(assigned.strategy(), 1, Integer::sum);
      Map<String, Double> weight = new LinkedHashMap<>(Map.of("D", 1.0, "E", 1.0));
      for (OrchestrationEvent.AssignedRobot r : assigned.robots()) {
        boolean good = GOOD.contains(r.type());
        weight.put(r.identity(), good ? 4.0 : 0.3);
        // the better disguises think longer and cost more
        handle(orchestration, new RobotResponse.ResponseComplete(r.id(), matchId, 1, matchId + r.id(), "response",
            "fake", (good ? 900 : 500) + chance.nextInt(200), false, null, 0, 0, good ? 0.002 : 0.001));
      }
      Map<String, String> votes = new HashMap<>();
      for (String human : List.of("D", "E")) {
        votes.put(human, draw(weight, human, chance));
      }
      votes.put("A", "D"); // robots' votes never count
      handle(orchestration, new MatchEvent.RoundCompleted(matchId, 1, votes, Map.of(), Map.of()));
    }
    JsonObject report = ExperimentReport.of(selection, orchestration.stats(), 0.95);

    // Then both arms played about half the matches and appear in the report with their intervals
    assertThat(matchesPerArm.get("random")).isBetween(70, 130);
    assertThat(matchesPerArm.get("best-disguise")).isBetween(70, 130);
    JsonObject random = report.getJsonObject("arms").getJsonObject("random");
    JsonObject best = report.getJsonObject("arms").getJsonObject("best-disguise");
    assertThat(random.getLong("robotRounds")).isEqualTo(3L * matchesPerArm.get("random"));
    assertThat(best.getLong("robotRounds")).isEqualTo(3L * matchesPerArm.get("best-disguise"));
    assertThat(random.getLong("humanVotes")).isEqualTo(2 * random.getLong("robotRounds"));
    for (JsonObject arm : List.of(random, best)) {
      JsonObject pass = arm.getJsonObject("passRate");
      assertThat(pass.getDouble("low")).isLessThan(pass.getDouble("value"));
      assertThat(pass.getDouble("high")).isGreaterThan(pass.getDouble("value"));
      assertThat(arm.getJsonObject("costUsd").getDouble("mean")).isPositive();
      assertThat(arm.getJsonObject("latencyMs").getDouble("mean")).isPositive();
    }
    // And best-disguise passes significantly more often, at a significantly higher cost and latency
    assertThat(best.getJsonObject("passRate").getDouble("value"))
        .isGreaterThan(random.getJsonObject("passRate").getDouble("value"));
    JsonObject comparison = report.getJsonObject("comparison");
    assertThat(comparison.getJsonObject("passRate").getBoolean("significant")).isTrue();
    assertThat(comparison.getJsonObject("passRate").getString("test")).isEqualTo("two-proportion z-test");
    assertThat(comparison.getJsonObject("costUsd").getDouble("difference")).isPositive();
    assertThat(comparison.getJsonObject("latencyMs").getBoolean("significant")).isTrue();
    assertThat(report.getJsonArray("summary").getString(0)).startsWith("pass rate: best-disguise ")
        .contains("significant at 95%");
  }

  @Test
  void withoutAnExperimentTheReportSaysSo() {
    JsonObject report = ExperimentReport.of(Selection.only(new RandomSelection()), RobotStats.empty(), 0.95);
    assertThat(report.getJsonObject("arms")).isEmpty();
    assertThat(report.getJsonArray("summary").getString(0)).contains("no experiment is configured");
  }

  @Test
  void armsWithoutDataAreReportedAsNotComparable() {
    // Given an experiment that has seen no match yet
    Selection selection = SelectionStrategyTest.selection("random", List.of("random", "best-disguise"));

    // When reported, then both arms are there with nulls and nothing is significant
    JsonObject report = ExperimentReport.of(selection, RobotStats.empty(), 0.99);
    assertThat(report.getJsonObject("arms").getJsonObject("random").getJsonObject("passRate").getValue("value"))
        .isNull();
    assertThat(report.getJsonObject("comparison").getJsonObject("passRate").getBoolean("significant")).isFalse();
    assertThat(report.getJsonArray("summary").getString(0)).endsWith("not enough data to compare");
  }

  /** The letter a human votes for, drawn by weight among the others' letters. */
  private static String draw(Map<String, Double> weight, String voter, SplittableRandom chance) {
    double total = weight.entrySet().stream().filter(e -> !e.getKey().equals(voter))
        .mapToDouble(Map.Entry::getValue).sum();
    double at = chance.nextDouble() * total;
    for (Map.Entry<String, Double> e : weight.entrySet()) {
      if (!e.getKey().equals(voter) && (at -= e.getValue()) < 0) {
        return e.getKey();
      }
    }
    throw new IllegalStateException();
  }

  private static List<Outgoing> handle(Orchestration orchestration, arena.shared.events.Event event) {
    List<Outgoing> written = new ArrayList<>();
    Envelope<?> envelope = Envelope.of(arena.shared.kafka.Topic.registrationOf(event.getClass()).eventType(),
        "test", event.matchId(), event, "c", null);
    assertThat(orchestration.handle(envelope, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }
}
