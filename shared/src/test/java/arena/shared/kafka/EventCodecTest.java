package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.LlmUsage;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.state.Latencies;
import arena.shared.state.MatchState;
import arena.shared.state.RobotTally;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  @Test
  void anEnvelopeSurvivesTheRoundTripWithCloudEventsHeaders() {
    // Given an event published by the match service
    var payload = new MatchEvent.RoundStarted("m1", 2, List.of("A", "B"), "Best sandwich?", Instant.parse("2026-01-01T00:00:00Z"));
    Envelope<MatchEvent.RoundStarted> envelope = Envelope.of("round.started", "match-service", "m1", payload, "c1", "e0");

    // When it is encoded and decoded
    ProducerRecord<String, String> record = EventCodec.encode("match-events", envelope);
    Envelope<Event> decoded = EventCodec.decode(Topic.MATCH_EVENTS, record.value());

    // Then nothing is lost, and the headers say what it is
    assertThat(decoded).isEqualTo(envelope);
    assertThat(record.key()).isEqualTo("m1");
    assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
        .isEqualTo("round.started");
    assertThat(new String(record.headers().lastHeader("ce_correlationid").value(), StandardCharsets.UTF_8))
        .isEqualTo("c1");
  }

  @Test
  void aForgetMatchCommandSurvivesTheRoundTripOnRobotCommands() {
    // Given the orchestrator tells a robot that a match is over
    var payload = new RobotCommand.ForgetMatch("cmd-1", "robot-curious-student-1", "m1");
    Envelope<RobotCommand.ForgetMatch> envelope = Envelope.of(Topic.registrationOf(payload.getClass()).eventType(),
        "robot-orchestrator", payload.robotId(), payload, "c1", "e0");

    // When it is encoded and decoded
    ProducerRecord<String, String> record = EventCodec.encode("robot-commands", envelope);
    Envelope<Event> decoded = EventCodec.decode(Topic.ROBOT_COMMANDS, record.value());

    // Then it is the same command, typed forget.match and keyed by the robot
    assertThat(Topic.registrationOf(RobotCommand.ForgetMatch.class))
        .isEqualTo(new Topic.Registration(Topic.ROBOT_COMMANDS, "forget.match"));
    assertThat(decoded).isEqualTo(envelope);
    assertThat(decoded.payload()).isInstanceOf(RobotCommand.ForgetMatch.class);
    assertThat(decoded.matchId()).isEqualTo("m1");
    assertThat(record.key()).isEqualTo("robot-curious-student-1");
  }

  @Test
  void everyKindOfBadValueIsPoisonWithAReason() {
    String ok = "\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1";
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, null)).hasMessageContaining("empty");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, "{nope")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, "[1]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, "{" + ok + ",\"eventType\":\"x.y\",\"payload\":{}}"))
        .hasMessageContaining("unknown event type");
    // a type that belongs to another topic is unknown here
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, "{" + ok + ",\"eventType\":\"generate.vote\",\"payload\":{}}"))
        .hasMessageContaining("unknown event type");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS,
        "{\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":9,\"eventType\":\"match.started\",\"payload\":{}}"))
        .hasMessageContaining("schemaVersion");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, "{" + ok + ",\"eventType\":\"match.started\",\"payload\":{\"matchId\":\"m\"}}"))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("bad payload");
  }

  @Test
  void aStateFoldingSeveralInputsKeepsThemInOrderAndOthersCarryNone() {
    // Given an envelope folding three inputs, and one of a single cause
    MatchEvent.RoundStarted started = new MatchEvent.RoundStarted("m1", 2, List.of("A", "B"), "a prompt",
        Instant.parse("2026-01-01T00:01:00Z"));
    Envelope<MatchEvent.RoundStarted> single = Envelope.of("round.started", "match-service", "m1", started, "c1",
        "e0");
    Envelope<MatchEvent.RoundStarted> folding = single.folding(List.of("e1", "e2", "e3"));

    // When both are written and read back
    // Then the folded inputs come back in order, the last being the causation; the other has none, nor the field
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, Json.write(folding))).isEqualTo(folding);
    assertThat(folding.causationId()).isEqualTo("e3");
    assertThat(Json.write(single)).doesNotContain("causes");
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, Json.write(single)).causes()).isNull();
    // And a list holding anything but text is as good as missing, not poison
    String odd = Json.write(single).replace("\"causationId\"", "\"causes\":[\"e1\",{\"x\":1}],\"causationId\"");
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, odd).causes()).isNull();
  }

  @Test
  void anEnvelopeWhoseFieldsComeInAnotherOrderDecodesTheSame() {
    // Given a round.started event, and the same envelope written by another producer: payload first, type last
    MatchEvent.RoundStarted started = new MatchEvent.RoundStarted("m1", 2, List.of("A", "B"), "a prompt",
        Instant.parse("2026-01-01T00:01:00Z"));
    Envelope<MatchEvent.RoundStarted> envelope = Envelope.of("round.started", "match-service", "m1", started, "c1",
        "e0");
    String reordered = "{\"payload\":" + Json.write(started) + ",\"matchId\":\"m1\",\"key\":\"m1\","
        + "\"causationId\":\"e0\",\"correlationId\":\"c1\",\"source\":\"match-service\",\"schemaVersion\":1,"
        + "\"occurredAt\":\"" + envelope.occurredAt() + "\",\"eventType\":\"round.started\",\"eventId\":\""
        + envelope.eventId() + "\",\"unknown\":{\"nested\":[1,2]}}";

    // When both are decoded / Then they equal the envelope written
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, Json.write(envelope))).isEqualTo(envelope);
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, reordered)).isEqualTo(envelope);
  }

  @Test
  void aPayloadThatIsNotJsonInsideAnEnvelopeIsPoison() {
    String head = "{\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1,"
        + "\"eventType\":\"match.started\",\"payload\":";
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, head + "{\"matchId\":\"m\",\"rounds\":3"))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, head + "null}"))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("no payload");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, head + "\"three\"}"))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("bad payload");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS,
        "{\"payload\":{\"matchId\":\"m\",\"rounds\":3},\"eventType\":\"match.started\",\"occurredAt\":\"x\","
            + "\"eventId\":\"e\",\"schemaVersion\":1}"))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("bad occurredAt");
  }

  @Test
  void everyEventClassIsRegisteredOnExactlyOneTopic() {
    assertThat(Topic.registrationOf(MatchEvent.RobotsNeeded.class))
        .isEqualTo(new Topic.Registration(Topic.MATCH_EVENTS, "round.robots_needed"));
    assertThat(Topic.MATCH_STATE.compacted()).isTrue();
    assertThat(Topic.MATCH_EVENTS.name("x.")).isEqualTo("x.match-events");
  }

  @Test
  void aStateWrittenBeforeLlmUsageWasCountedDecodesWithNone() throws Exception {
    // Given a match state as the Match Service wrote it before it counted LLM usage
    var state = new MatchState("m1", new MatchSettings(4, 1, 3, 60, 30, 5), MatchState.Status.RUNNING, 7,
        Instant.parse("2026-01-01T00:00:00Z"), null, List.of(), List.of(), List.of(), Map.of(), List.of(2),
        new MatchState.Usage(new LlmUsage(3, 1, 900, 120, 0.0042), List.of("cmd-1/response")));
    String old = withoutPayloadField(Envelope.of("match.state", "match-service", "m1", state, "c1", null), "usage");

    // When it is decoded
    Envelope<Event> decoded = EventCodec.decode(Topic.MATCH_STATE, old);

    // Then it is the same state with no usage, and a state that carries usage keeps it
    assertThat(decoded.payload()).isEqualTo(new MatchState("m1", state.settings(), state.status(), 7,
        state.createdAt(), null, List.of(), List.of(), List.of(), Map.of(), List.of(2), MatchState.Usage.NONE));
    assertThat(EventCodec.decode(Topic.MATCH_STATE, Json.write(Envelope.of("match.state", "match-service", "m1",
        state, "c1", null))).payload()).isEqualTo(state);
  }

  @Test
  void aCompletedEventWrittenBeforeLlmUsageWasCountedDecodesWithNone() throws Exception {
    // Given a match.completed from before usage was counted
    var completed = new MatchEvent.Completed("m1", Map.of("p1", 2), List.of(), new LlmUsage(1, 0, 10, 5, 0.001));
    String old = withoutPayloadField(Envelope.of("match.completed", "match-service", "m1", completed, "c1", null),
        "llmUsage");

    // When it is decoded
    Envelope<Event> decoded = EventCodec.decode(Topic.MATCH_EVENTS, old);

    // Then its usage is none, and every other missing field is still poison
    assertThat(decoded.payload()).isEqualTo(new MatchEvent.Completed("m1", Map.of("p1", 2), List.of(), LlmUsage.NONE));
    String noScores = withoutPayloadField(Envelope.of("match.completed", "match-service", "m1", completed, "c1", null),
        "finalScores");
    assertThatThrownBy(() -> EventCodec.decode(Topic.MATCH_EVENTS, noScores))
        .isInstanceOf(PoisonRecordException.class).hasMessageContaining("finalScores");
  }

  @Test
  void aResponseCommandWrittenBeforeEarlierRoundsWereSentDecodesWithNone() throws Exception {
    // Given a generate.response from before it carried the robot's earlier rounds, and one that carries them
    var command = new RobotCommand.GenerateResponse("c1", "r1", "curious-student", "m1", 2, "B", "Why?",
        Instant.parse("2026-01-01T00:00:00Z"), List.of(new RobotCommand.EarlierRound(1, "How?", "Slowly.")));
    String old = withoutPayloadField(Envelope.of("generate.response", "robot-orchestrator", "r1", command, "c1",
        null), "earlier");

    // When they are decoded
    Envelope<Event> decoded = EventCodec.decode(Topic.ROBOT_COMMANDS, old);

    // Then the old one has no earlier rounds, and the new one keeps them
    assertThat(decoded.payload()).isEqualTo(new RobotCommand.GenerateResponse("c1", "r1", "curious-student", "m1", 2,
        "B", "Why?", command.deadline(), List.of()));
    assertThat(EventCodec.decode(Topic.ROBOT_COMMANDS, Json.write(Envelope.of("generate.response",
        "robot-orchestrator", "r1", command, "c1", null))).payload()).isEqualTo(command);
  }

  @Test
  void aStateWrittenBeforeTheSeedAndRoundWaitWereKeptDecodesWithDefaults() throws Exception {
    // Given a running match with a round waiting for robots, as written before the seed and the wait start were kept
    var round = new MatchState.Round(1, MatchState.Phase.STARTING, "P?", null, Map.of("p1", "A"), "req-1", Map.of(),
        Map.of(), Map.of(), Instant.parse("2026-01-01T00:01:00Z"));
    var state = new MatchState("m1", new MatchSettings(4, 1, 3, 60, 30, 5), MatchState.Status.RUNNING, 7,
        Instant.parse("2026-01-01T00:00:00Z"), null, List.of(), List.of(), List.of(round), Map.of(), List.of(2),
        MatchState.Usage.NONE, 42L);
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Json.write(Envelope.of("match.state", "match-service", "m1",
        state, "c1", null)));
    ObjectNode payload = (ObjectNode) node.get("payload");
    payload.remove("seed");
    ((ObjectNode) payload.get("rounds").get(0)).remove("since");

    // When it is decoded
    Envelope<Event> decoded = EventCodec.decode(Topic.MATCH_STATE, node.toString());

    // Then its seed is 0 and its round's wait began at an unknown time (the epoch); a new state keeps both
    var oldRound = new MatchState.Round(1, MatchState.Phase.STARTING, "P?", null, Map.of("p1", "A"), "req-1",
        Map.of(), Map.of(), Map.of(), Instant.EPOCH);
    assertThat(decoded.payload()).isEqualTo(new MatchState("m1", state.settings(), state.status(), 7,
        state.createdAt(), null, List.of(), List.of(), List.of(oldRound), Map.of(), List.of(2), MatchState.Usage.NONE,
        0L));
    assertThat(EventCodec.decode(Topic.MATCH_STATE, Json.write(Envelope.of("match.state", "match-service", "m1",
        state, "c1", null))).payload()).isEqualTo(state);
  }

  @Test
  void aMatchCancelledEventRoundTrips() {
    // Given a match.cancelled event
    var cancelled = new MatchEvent.Cancelled("m1", "no robots came within 60 s");

    // When it is encoded and decoded, then it is the same event
    assertThat(EventCodec.decode(Topic.MATCH_EVENTS, Json.write(Envelope.of("match.cancelled", "match-service",
        "m1", cancelled, "c1", null))).payload()).isEqualTo(cancelled);
  }

  @Test
  void anAssignmentWrittenBeforeItsStrategyWasKeptDecodesWithNone() throws Exception {
    // Given a round.robots_assigned with its strategy, and the same one as written before the strategy was kept
    var assigned = new OrchestrationEvent.RobotsAssigned("m1", 1, List.of(new OrchestrationEvent.AssignedRobot("r1",
        "A", "poet")), "c1", "best-disguise");
    Envelope<OrchestrationEvent.RobotsAssigned> envelope = Envelope.of("round.robots_assigned", "robot-orchestrator",
        "m1", assigned, "c1", null);

    // When they are decoded
    Event withStrategy = EventCodec.decode(Topic.ROBOT_ORCHESTRATION_EVENTS, Json.write(envelope)).payload();
    Event old = EventCodec.decode(Topic.ROBOT_ORCHESTRATION_EVENTS, withoutPayloadField(envelope, "strategy"))
        .payload();

    // Then the new one keeps its strategy and the old one has none
    assertThat(withStrategy).isEqualTo(assigned);
    assertThat(old).isEqualTo(new OrchestrationEvent.RobotsAssigned("m1", 1, assigned.robots(), "c1"));
    assertThat(((OrchestrationEvent.RobotsAssigned) old).strategy()).isNull();
  }

  @Test
  void aRobotTallyRoundTripsOnTheCompactedStatsTopic() {
    // Given a robot's tally
    var tally = new RobotTally("poet", 2, 2, 2, 300, 50000, Latencies.of(100, 200), 1, 0.02, 0.0002, 4, 1,
        List.of("m1/1:avr"), 7);

    // When it is encoded and decoded
    Envelope<Event> decoded = EventCodec.decode(Topic.ROBOT_STATS, Json.write(Envelope.of("robot.tally",
        "robot-orchestrator", "robot:r1", tally, "c1", null)));

    // Then it is the same tally, on a compacted topic
    assertThat(decoded.payload()).isEqualTo(tally);
    assertThat(Topic.registrationOf(RobotTally.class)).isEqualTo(new Topic.Registration(Topic.ROBOT_STATS,
        "robot.tally"));
    assertThat(Topic.ROBOT_STATS.compacted()).isTrue();
  }

  private static String withoutPayloadField(Envelope<?> envelope, String field) throws Exception {
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Json.write(envelope));
    ((ObjectNode) node.get("payload")).remove(field);
    return node.toString();
  }
}
