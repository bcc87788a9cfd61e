package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.RobotCommand;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  @Test
  void anEnvelopeSurvivesTheRoundTripWithCloudEventsHeaders() {
    // Given an event published by the match service
    var payload = new MatchEvent.RoundStarted("m1", 2, List.of("A", "B"), "Best sandwich?", Instant.parse("2026-01-01T00:00:00Z"));
    Envelope<MatchEvent.RoundStarted> envelope = Envelope.of("round.started", "match-service", "m1", payload, "c1", "e0");

    // When it is encoded and decoded
    KafkaProducerRecord<String, String> record = EventCodec.encode("match-events", envelope);
    Envelope<Event> decoded = EventCodec.decode(Topic.MATCH_EVENTS, record.value());

    // Then nothing is lost, and the headers say what it is
    assertThat(decoded).isEqualTo(envelope);
    assertThat(record.key()).isEqualTo("m1");
    assertThat(record.headers()).anySatisfy(h -> {
      assertThat(h.key()).isEqualTo("ce_type");
      assertThat(h.value().toString()).isEqualTo("round.started");
    });
  }

  @Test
  void aForgetMatchCommandSurvivesTheRoundTripOnRobotCommands() {
    // Given the orchestrator tells a robot that a match is over
    var payload = new RobotCommand.ForgetMatch("cmd-1", "robot-curious-student-1", "m1");
    Envelope<RobotCommand.ForgetMatch> envelope = Envelope.of(Topic.registrationOf(payload.getClass()).eventType(),
        "robot-orchestrator", payload.robotId(), payload, "c1", "e0");

    // When it is encoded and decoded
    KafkaProducerRecord<String, String> record = EventCodec.encode("robot-commands", envelope);
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
  void everyEventClassIsRegisteredOnExactlyOneTopic() {
    assertThat(Topic.registrationOf(MatchEvent.RobotsNeeded.class))
        .isEqualTo(new Topic.Registration(Topic.MATCH_EVENTS, "round.robots_needed"));
    assertThat(Topic.MATCH_STATE.compacted()).isTrue();
    assertThat(Topic.MATCH_EVENTS.name("x.")).isEqualTo("x.match-events");
  }
}
