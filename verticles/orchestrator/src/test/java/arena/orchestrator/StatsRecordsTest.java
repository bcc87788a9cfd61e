package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.RobotTally;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stats follow Kafka: written after the pool's records, only what changed, taken up once written, restored. */
class StatsRecordsTest {
  private static final Map<String, Integer> CONFIG = RobotPoolTest.types("poet", 2, "clown", 2);
  private final Selection selection = SelectionStrategyTest.selection("random", List.of("random", "best-disguise"));
  /** What robot-stats holds after compaction: the latest tally per key. */
  private final Map<String, RobotTally> topic = new LinkedHashMap<>();
  private Orchestration orchestration;

  @BeforeEach
  void open() {
    orchestration = fresh();
    orchestration.open(Optional.empty(), CONFIG);
  }

  private Orchestration fresh() {
    return new Orchestration(new RobotPool(0, 0, selection), Clock.system(ZoneOffset.UTC), new SimpleMeterRegistry(),
        Duration.ofSeconds(60));
  }

  private List<Outgoing> on(Orchestration o, Event event) {
    List<Outgoing> written = new ArrayList<>();
    assertThat(o.handle(Envelope.of(Topic.registrationOf(event.getClass()).eventType(), "test", event.matchId(),
        event, "c", null), records -> {
          written.addAll(records);
          records.stream().filter(r -> r.payload() instanceof RobotTally)
              .forEach(r -> topic.put(r.key(), (RobotTally) r.payload()));
          return Future.succeededFuture();
        }).succeeded()).isTrue();
    return written;
  }

  private OrchestrationEvent.RobotsAssigned seat(String matchId) {
    return on(orchestration, RobotPoolTest.need(matchId, 1, 2)).stream().map(Outgoing::payload)
        .filter(OrchestrationEvent.RobotsAssigned.class::isInstance).map(OrchestrationEvent.RobotsAssigned.class::cast)
        .findFirst().orElseThrow();
  }

  private static RobotResponse.ResponseComplete answered(String robotId, String matchId) {
    return new RobotResponse.ResponseComplete(robotId, matchId, 1, "cmd-" + robotId, "response", "fake", 300, false,
        null, 0, 0, 0.001);
  }

  @Test
  void aRobotsWorkWritesItsRobotItsPersonaAndItsArmAfterThePool() {
    // Given a match seated by its arm
    OrchestrationEvent.RobotsAssigned assigned = seat("m1");
    String robot = assigned.robots().get(0).id();
    String type = assigned.robots().get(0).type();

    // When one robot reports an answer
    List<Outgoing> out = on(orchestration, answered(robot, "m1"));

    // Then the pool's records come first (its robot, then the summary), then exactly the three tallies that changed
    assertThat(out.subList(0, 2)).extracting(o -> (Object) o.payload().getClass())
        .containsExactly(PoolState.PooledRobot.class, PoolState.Summary.class);
    assertThat(out.subList(2, out.size())).extracting(Outgoing::key).containsExactly("robot:" + robot,
        "persona:" + type, "arm:" + selection.arm("m1"));
    assertThat(((RobotTally) out.get(2).payload()).answers()).isEqualTo(1);
  }

  @Test
  void aCompletedRoundWritesTheTalliesOfItsRobotsLast() {
    // Given a seated round
    OrchestrationEvent.RobotsAssigned assigned = seat("m1");

    // When it completes with a human vote for the first robot
    List<Outgoing> out = on(orchestration, new MatchEvent.RoundCompleted("m1", 1,
        Map.of("C", assigned.robots().get(0).identity()), Map.of(), Map.of()));

    // Then the robots' tallies follow the pool's state, and count the round
    int state = out.indexOf(out.stream().filter(o -> o.payload() instanceof PoolState.Summary).findFirst()
        .orElseThrow());
    assertThat(out.subList(state + 1, out.size())).allSatisfy(o -> assertThat(o.payload())
        .isInstanceOf(RobotTally.class));
    assertThat(out.subList(state + 1, out.size())).extracting(Outgoing::key)
        .contains("robot:" + assigned.robots().get(0).id(), "robot:" + assigned.robots().get(1).id(),
            "arm:" + selection.arm("m1"));
    assertThat(topic.get("robot:" + assigned.robots().get(0).id()).passedAsHuman()).isEqualTo(1);
  }

  @Test
  void aFailedPublishLeavesTheStatsAsTheyWere() {
    // Given a seated robot
    String robot = seat("m1").robots().get(0).id();
    RobotStats before = orchestration.stats();

    // When its report cannot be written
    Future<Void> failed = orchestration.handle(Envelope.of("robot.response_complete", "test", "m1",
        answered(robot, "m1"), "c", null), records -> Future.failedFuture("broker down"));

    // Then the stats are unchanged
    assertThat(failed.failed()).isTrue();
    assertThat(orchestration.stats()).isSameAs(before);
  }

  @Test
  void restoredStatsCountAReDeliveredReportOrRoundOnce() {
    // Given a robot's answer and its round counted and written
    OrchestrationEvent.RobotsAssigned assigned = seat("m1");
    String robot = assigned.robots().get(0).id();
    on(orchestration, answered(robot, "m1"));
    MatchEvent.RoundCompleted completed = new MatchEvent.RoundCompleted("m1", 1,
        Map.of("C", assigned.robots().get(0).identity()), Map.of(), Map.of());
    on(orchestration, completed);
    RobotStats written = orchestration.stats();

    // When a new orchestrator restores them from the topic and both are delivered again
    Orchestration restarted = fresh();
    restarted.restoreStats(Map.copyOf(topic));
    restarted.open(Optional.of(orchestration.state()), CONFIG);
    List<Outgoing> again = new ArrayList<>(on(restarted, answered(robot, "m1")));
    again.addAll(on(restarted, completed));

    // Then the stats are those written, and nothing is written again
    assertThat(restarted.stats().robots()).isEqualTo(written.robots());
    assertThat(restarted.stats().personas()).isEqualTo(written.personas());
    assertThat(restarted.stats().arms()).isEqualTo(written.arms());
    assertThat(again).noneMatch(o -> o.payload() instanceof RobotTally);
  }

  @Test
  void restoringKeepsTheCountOfChangesSoNewTalliesAreWritten() {
    // Given stats restored from the topic
    seat("m1");
    on(orchestration, answered("robot-poet-1", "m1"));
    RobotStats restored = RobotStats.restore(Map.copyOf(topic));

    // Then they go on from the latest change, and a key they do not know is left alone
    assertThat(restored.seq()).isEqualTo(orchestration.stats().seq());
    assertThat(RobotStats.restore(Map.of("future:x", RobotTally.of("x")))).isEqualTo(RobotStats.empty());
  }
}
