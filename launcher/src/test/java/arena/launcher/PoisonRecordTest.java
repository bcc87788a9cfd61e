package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Malformed and unknown records on every consumed topic are parked with their provenance; play goes on. */
class PoisonRecordTest {

  @Test
  void poisonOnEveryConsumedTopicIsParkedAndTheMatchStillCompletes() throws Exception {
    try (TestArena arena = TestArena.start()) {
      // Given a running match
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 2));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.await(v -> "RESPONDING".equals(v.getString("phase")));

      // When garbage lands on every topic some service consumes, keyed like the match's own records
      List<Topic> consumed = List.of(Topic.MATCH_COMMANDS, Topic.MATCH_EVENTS, Topic.ROBOT_ORCHESTRATION_EVENTS,
          Topic.ROBOT_COMMANDS, Topic.ROBOT_RESPONSES, Topic.MATCH_STATE);
      for (Topic topic : consumed) {
        TopicReader.produce(arena.arenaConfig(), topic, matchId, "this is not JSON");
        TopicReader.produce(arena.arenaConfig(), topic, matchId,
            "{\"eventId\":\"x\",\"eventType\":\"no.such.event\",\"occurredAt\":\"2026-01-01T00:00:00Z\","
                + "\"schemaVersion\":1,\"payload\":{}}");
      }

      // Then the match still plays to the end
      for (int round = 1; round <= 2; round++) {
        ann.playRound(round, "I'd keep the umbrella, round " + round);
      }
      ann.awaitCompleted();

      // And each poison record reached the dead-letter topic, saying where it came from and why
      List<ConsumerRecord<String, String>> parked = TopicReader.readAll(arena.arenaConfig(), Topic.DEAD_LETTERS);
      Set<String> origins = parked.stream().map(r -> TopicReader.header(r, "dead-letter-topic"))
          .collect(Collectors.toSet());
      for (Topic topic : consumed) {
        assertThat(origins).as("parked from " + topic).contains(arena.arenaConfig().topic(topic));
      }
      for (ConsumerRecord<String, String> r : parked) {
        assertThat(TopicReader.header(r, "dead-letter-reason")).isNotBlank();
        assertThat(TopicReader.header(r, "dead-letter-offset")).isNotBlank();
        assertThat(TopicReader.header(r, "dead-letter-consumer")).isNotBlank();
        assertThat(r.key()).isEqualTo(matchId);
      }
      assertThat(parked.stream().map(r -> TopicReader.header(r, "dead-letter-reason")))
          .anyMatch(reason -> reason.contains("not JSON"))
          .anyMatch(reason -> reason.contains("unknown event type"));
    }
  }
}
