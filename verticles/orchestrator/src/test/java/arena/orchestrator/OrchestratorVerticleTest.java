package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.events.RobotResponse;
import arena.shared.state.PoolState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorVerticleTest {

  @Test
  void readsThePoolSizeFromTheDefaultConfigInOrder() {
    // Given
    ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());

    // When
    Map<String, Integer> byType = OrchestratorVerticle.robotsByType(cfg);

    // Then
    assertThat(byType.keySet()).startsWith("curious-student", "skeptical-scientist", "creative-artist")
        .hasSizeGreaterThanOrEqualTo(8);
    assertThat(byType.values()).allSatisfy(n -> assertThat(n).isEqualTo(2));
  }

  @Test
  void refusesANegativeOrNonNumericCount() {
    // Given
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", -1));
    JsonObject text = ArenaConfig.defaults();
    text.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", "two"));

    // When / Then
    assertThatThrownBy(() -> OrchestratorVerticle.robotsByType(ArenaConfig.of(json)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrchestratorVerticle.robotsByType(ArenaConfig.of(text)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePoolForOperatorsCountsRobotsByTypeAndStatusAndListsABoundedQueue() {
    // Given one idle and two busy robots of a type, and more requests waiting than the dashboard lists
    Instant t0 = Instant.parse("2026-12-01T03:00:00Z");
    List<PoolState.Robot> robots = List.of(
        new PoolState.Robot("robot-poet-1", "poet", PoolState.Status.IDLE, null, 0, null, t0, 0, List.of()),
        new PoolState.Robot("robot-poet-2", "poet", PoolState.Status.BUSY, "m1", 2, "B", t0, 0, List.of()),
        new PoolState.Robot("robot-poet-3", "poet", PoolState.Status.BUSY, "m1", 2, "C", t0, 0, List.of()));
    List<PoolState.Pending> queue = new java.util.ArrayList<>();
    for (int i = 0; i < OrchestratorVerticle.QUEUE_LISTED + 5; i++) {
      queue.add(new PoolState.Pending(new MatchEvent.RobotsNeeded("q" + i, 1, 2, List.of(), List.of("A", "B"),
          "c" + i), "e" + i, t0.plusSeconds(i)));
    }

    // When shown to operators
    JsonObject pool = OrchestratorVerticle.json(new PoolState(7, robots, queue, List.of(), Map.of()));

    // Then robots are counted by type and status, per match they sit in, and the queue is listed up to its bound
    assertThat(pool.getJsonObject("byType").getJsonObject("poet"))
        .isEqualTo(new JsonObject().put("idle", 1).put("busy", 2));
    assertThat(pool.getJsonObject("matches").getJsonObject("m1"))
        .isEqualTo(new JsonObject().put("round", 2).put("robots", 2));
    assertThat(pool.getInteger("queued")).isEqualTo(OrchestratorVerticle.QUEUE_LISTED + 5);
    assertThat(pool.getJsonArray("queue")).hasSize(OrchestratorVerticle.QUEUE_LISTED);
    assertThat(pool.getJsonArray("queue").getJsonObject(0).getString("matchId")).isEqualTo("q0");
  }

  @Test
  void statsReadAsBoundedJsonPerRobotAndPersona() {
    // Given a robot that answered in 40 ms and passed one of two human votes
    RobotStats stats = RobotStats.empty()
        .work(new RobotResponse.ResponseComplete("r1", "m1", 1, "c1", "response", "fake", 40,
            false, null, 0, 0, 0.25), "poet")
        .round(new MatchEvent.RoundCompleted("m1", 1, Map.of("B", "A", "C", "B"), Map.of(),
            Map.of()), List.of(new RobotStats.Seat("r1", "poet", "A")));

    // When it is read as JSON
    JsonObject json = OrchestratorVerticle.json(stats);

    // Then robot and persona carry the same counts, and the pass rate is passedAsHuman / humanVotes
    JsonObject expected = new JsonObject("""
        {"type":"poet","rounds":1,"answers":1,"votes":0,"latencyMs":{"mean":40.0,"p90":40},"fallbacks":0,
         "costUsd":0.25,"humanVotes":2,"passedAsHuman":1,"passRate":0.5}""");
    assertThat(json.getJsonObject("robots").getJsonObject("r1")).isEqualTo(expected);
    assertThat(json.getJsonObject("personas").getJsonObject("poet")).isEqualTo(expected);
  }

  @Test
  void aRobotNoHumanVotedOnHasANullPassRate() {
    // Given a robot that only answered
    RobotStats stats = RobotStats.empty().work(new RobotResponse.ResponseComplete("r1", "m1", 1,
        "c1", "vote", "fake", 40, false, null, 0, 0, 0), "poet");

    // Then its pass rate is there, as null
    JsonObject robot = OrchestratorVerticle.json(stats).getJsonObject("robots").getJsonObject("r1");
    assertThat(robot.containsKey("passRate")).isTrue();
    assertThat(robot.getValue("passRate")).isNull();
  }
}
