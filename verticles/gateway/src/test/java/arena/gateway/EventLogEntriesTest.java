package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogEntriesTest {
  private static final Instant T = Instant.parse("2030-01-01T12:00:00Z");

  @Test
  void onlyTheMatchsEventsInTheOrderTheyHappened() {
    // Given records of two matches and the pool, read out of order
    List<Received> records = List.of(
        record(Topic.ROBOT_RESPONSES, 2, 7, T.plusSeconds(5),
            new RobotResponse.ResponseSubmitted("m-1", 1, "robot-1", "B", "Hi", "c-1")),
        record(Topic.MATCH_EVENTS, 1, 4, T.plusSeconds(1), new MatchEvent.Created("m-1", Matches.SETTINGS, T)),
        record(Topic.MATCH_COMMANDS, 3, 9, T.plusSeconds(1), new MatchCommand.Create("m-1", Matches.SETTINGS)),
        record(Topic.MATCH_EVENTS, 0, 1, T, new MatchEvent.Created("m-2", Matches.SETTINGS, T)),
        record(Topic.ROBOT_ORCHESTRATION_EVENTS, 0, 2, T, new OrchestrationEvent.RobotInstantiated("robot-1", "x")),
        record(Topic.MATCH_EVENTS, 1, 3, T.plusSeconds(1), new MatchEvent.Started("m-1", 3)));

    // When the log of m-1 is built
    JsonArray log = EventLogEntries.of("m-1", records);

    // Then it holds m-1's events by time, then topic, partition and offset
    assertThat(log.stream().map(o -> ((JsonObject) o).getString("eventType"))).containsExactly(
        "match.create", "match.started", "match.created", "response.submitted");
    JsonObject first = log.getJsonObject(0);
    assertThat(first.getString("topic")).isEqualTo("match-commands");
    assertThat(first.getInteger("partition")).isEqualTo(3);
    assertThat(first.getLong("offset")).isEqualTo(9);
    assertThat(first.getString("occurredAt")).isEqualTo(T.plusSeconds(1).toString());
    assertThat(first.getString("key")).isEqualTo("m-1");
    assertThat(first.getString("source")).isEqualTo("test");
    assertThat(first.getString("correlationId")).isEqualTo("corr");
    assertThat(first.getString("causationId")).isEqualTo("cause");
    assertThat(first.getString("eventId")).startsWith("id-");
    assertThat(first.getJsonObject("payload").getJsonObject("settings").getInteger("seats")).isEqualTo(4);
  }

  @Test
  void anAnswerKeepsTheEarliestEventsUpToItsCap_andSaysWhenItCutTheRest() {
    // Given room for 3 events, and 5 events of a match coming latest first
    EventLogEntries.Earliest kept = new EventLogEntries.Earliest(3);
    for (int i = 4; i >= 0; i--) {
      kept.add(record(Topic.MATCH_EVENTS, 0, i, T.plusSeconds(i), new MatchEvent.Started("m-1", 3)));
    }

    // Then the 3 earliest are kept, in order, and the answer says it is cut
    assertThat(kept.records().stream().map(Received::offset)).containsExactly(0L, 1L, 2L);
    assertThat(kept.truncated()).isTrue();

    // And a match that fits is whole
    EventLogEntries.Earliest fits = new EventLogEntries.Earliest(3);
    fits.add(record(Topic.MATCH_EVENTS, 0, 1, T, new MatchEvent.Started("m-1", 3)));
    assertThat(fits.records()).hasSize(1);
    assertThat(fits.truncated()).isFalse();
  }

  @Test
  void tokenHashesAreRedacted() {
    // Given the commands of a player
    List<Received> records = List.of(
        record(Topic.MATCH_COMMANDS, 0, 1, T, new MatchCommand.Join("m-1", "p-1", "Ann", "secret-hash")),
        record(Topic.MATCH_COMMANDS, 0, 2, T.plusSeconds(1),
            new MatchCommand.SubmitVote("m-1", "secret-hash", 1, "C")));

    // When the log is built
    JsonArray log = EventLogEntries.of("m-1", records);

    // Then no token hash is left
    assertThat(log.encode()).doesNotContain("secret-hash");
    assertThat(log.getJsonObject(0).getJsonObject("payload").getString("tokenHash")).isEqualTo("redacted");
    assertThat(log.getJsonObject(1).getJsonObject("payload").getString("identity")).isEqualTo("C");
  }

  @Test
  void nestedTokenHashesAreRedactedToo() {
    JsonObject json = new JsonObject().put("a", new JsonArray().add(new JsonObject().put("tokenHash", "x")));

    assertThat(EventLogEntries.redact(json).encode()).isEqualTo("{\"a\":[{\"tokenHash\":\"redacted\"}]}");
  }

  private static Received record(Topic topic, int partition, long offset, Instant at, Event payload) {
    String type = Topic.registrationOf(payload.getClass()).eventType();
    Envelope<Event> envelope = new Envelope<>("id-" + offset, type, at, "test", "corr", "cause",
        payload.matchId() == null ? "robot-1" : payload.matchId(), payload.matchId(), 1, payload);
    return new Received(topic, partition, offset, envelope.key(), envelope);
  }
}
