package arena.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the fault suite counts as a duplicate, a repeat, and a pass. */
class AuditTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void aScoreThatIsNotTheSumOfTheRoundsIsADuplicate() {
    // Given a match whose round gave A 1 point but whose score says 2 (the round counted twice)
    MatchState state = state(Map.of("A", 2), round(1, Map.of("A", 1)));
    Figures f = new Figures("t");

    // When its scores are checked
    Audit.scores(f, state);

    // Then it is one duplicate
    assertThat(f.duplicates).hasSize(1).first().asString().contains("score 2");
  }

  @Test
  void scoresThatAddUpAreFine() {
    // Given two scored rounds whose points add up to the score
    MatchState state = state(Map.of("A", 3), round(1, Map.of("A", 1)), round(2, Map.of("A", 2)));
    Figures f = new Figures("t");

    // When its scores are checked
    Audit.scores(f, state);

    // Then nothing is counted
    assertThat(f.duplicates).isEmpty();
  }

  @Test
  void aStepPublishedAgainWithTheSameOutcomeIsARepeatNotADuplicate() {
    // Given round 1 started twice with the same prompt and letters, at two different deadlines
    List<Seen> events = List.of(
        seen(new MatchEvent.RoundStarted("m", 1, List.of("A", "B"), "p", T0)),
        seen(new MatchEvent.RoundStarted("m", 1, List.of("A", "B"), "p", T0.plusSeconds(3))));
    Figures f = new Figures("t");

    // When the steps are checked
    Audit.steps(f, "m", events);

    // Then it is one repeat and no duplicate
    assertThat(f.republished).isEqualTo(1);
    assertThat(f.duplicates).isEmpty();
  }

  @Test
  void aStepPublishedAgainWithAnotherOutcomeIsADuplicate() {
    // Given round 1 completed twice with different points
    List<Seen> events = List.of(
        seen(new MatchEvent.RoundCompleted("m", 1, Map.of(), Map.of("A", 1), Map.of("A", 1))),
        seen(new MatchEvent.RoundCompleted("m", 1, Map.of(), Map.of("A", 2), Map.of("A", 3))));
    Figures f = new Figures("t");

    // When the steps are checked
    Audit.steps(f, "m", events);

    // Then the match diverged: one duplicate
    assertThat(f.duplicates).hasSize(1).first().asString().contains("round.completed 1");
  }

  @Test
  void aScenarioPassesOnlyWhenItsFaultWasInjectedAndEveryMatchEndedWithAReason() {
    // Given a scenario whose matches all completed
    Figures f = new Figures("t");
    f.started = 2;
    f.completed = 2;
    // Then it passes only once its fault was injected
    assertThat(f.ok()).isFalse();
    f.faultInjected = true;
    assertThat(f.ok()).isTrue();

    // And a match cancelled without a reason fails it
    f.completed = 1;
    f.cancelled = 1;
    f.cancelReasons.put("", 1);
    assertThat(f.ok()).isFalse();
    assertThat(f.report()).contains("FAIL", "(no reason)");
  }

  private static MatchState state(Map<String, Integer> scores, MatchState.Round... rounds) {
    return new MatchState("m", new MatchSettings(4, 1, rounds.length, 20, 20, 0), MatchState.Status.COMPLETED, 9, T0,
        T0, List.of(), List.of(), List.of(rounds), scores, List.of(), MatchState.Usage.NONE);
  }

  @Test
  void aRobotAssignedToASecondRoundBeforeItsReleaseIsADoubleAssignment() {
    // Given robot r1 seated in m1 round 1, then in m2 round 1 before m1 let it go
    List<Seen> events = List.of(
        at(0, assigned("m1", 1, "r1")),
        at(1, assigned("m2", 1, "r1", "r2")),
        at(2, new OrchestrationEvent.RobotReleased("r1", "m1", 1, OrchestrationEvent.RobotReleased.Reason.ROUND_OVER)));

    // When the assignments are checked
    List<String> doubles = Audit.doubleAssignments(events);

    // Then r1 is reported, in both rounds
    assertThat(doubles).singleElement().asString().contains("r1", "m1 round 1", "m2 round 1");
  }

  @Test
  void aRobotReleasedThenSeatedAgainOrTheSameRoundAssignedAgainIsFine() {
    // Given r1 in m1 round 1, the same assignment again (a lost one asked for again), its release in the same
    // millisecond as its next seat (one step: release, then assign), and m1 round 2
    List<Seen> events = List.of(
        at(0, assigned("m1", 1, "r1")),
        at(1, assigned("m1", 1, "r1")),
        at(2, assigned("m2", 1, "r1")),
        at(2, new OrchestrationEvent.RobotReleased("r1", "m1", 1, OrchestrationEvent.RobotReleased.Reason.ROUND_OVER)),
        at(3, new OrchestrationEvent.RobotReleased("r1", "m2", 1, OrchestrationEvent.RobotReleased.Reason.MATCH_OVER)),
        at(4, assigned("m1", 2, "r1")));

    // When the assignments are checked
    List<String> doubles = Audit.doubleAssignments(events);

    // Then nothing is reported
    assertThat(doubles).isEmpty();
  }

  private static OrchestrationEvent.RobotsAssigned assigned(String matchId, int round, String... robots) {
    return new OrchestrationEvent.RobotsAssigned(matchId, round, java.util.Arrays.stream(robots)
        .map(id -> new OrchestrationEvent.AssignedRobot(id, "B", "poet")).toList(), "c");
  }

  private static Seen at(long ms, Event payload) {
    return new Seen(Topic.ROBOT_ORCHESTRATION_EVENTS, 0, 0, T0.plusMillis(ms), Envelope.of(
        Topic.registrationOf(payload.getClass()).eventType(), "test", "k", payload, null, null));
  }

  private static MatchState.Round round(int n, Map<String, Integer> points) {
    return new MatchState.Round(n, MatchState.Phase.SCORED, "p", T0, Map.of("A", "A"), "m/round-" + n, Map.of(),
        Map.of(), points);
  }

  private static Seen seen(Event payload) {
    return new Seen(Topic.MATCH_EVENTS, 0, 0, T0, Envelope.of(Topic.registrationOf(payload.getClass()).eventType(), "test", "m",
        payload, null, null));
  }
}
