package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * An input whose reaction holds a record larger than Kafka takes (max.request.size) would fail the orchestrator's
 * whole transaction on every try, and the pool would serve no one ever again: it is parked instead, play goes on.
 */
class OversizedRecordTest {

  @Test
  void aRobotsRequestWhoseAssignmentKafkaCannotTakeIsParkedAndMatchesStillGetTheirRobots() {
    try (TestArena arena = TestArena.start()) {
      // Given a robots request for a match whose id is 400,000 characters long: the request fits in a record, but its
      // assignment (keyed by the match, the id in it twice) would be 1.2 MB, more than a producer sends (1 MiB)
      String hugeId = "m".repeat(400_000);
      Envelope<MatchEvent.RobotsNeeded> request = Envelope.of("round.robots_needed", "match-service", "huge",
          new MatchEvent.RobotsNeeded(hugeId, 1, 2, List.of(), List.of("B", "C"), "corr-huge"), "corr-huge", null);
      TopicReader.produce(arena.arenaConfig(), Topic.MATCH_EVENTS, "huge", Json.write(request));

      // When a match is played after it
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.playRound(1, "Toast, always toast.");

      // Then it gets its robots and completes
      ann.awaitCompleted();

      // And the request was parked, saying why
      List<ConsumerRecord<String, String>> parked = TopicReader.readAll(arena.arenaConfig(), Topic.DEAD_LETTERS)
          .stream().filter(r -> "huge".equals(r.key())).toList();
      assertThat(parked).hasSize(1);
      assertThat(TopicReader.header(parked.get(0), "dead-letter-reason")).contains("max.request.size");
    }
  }
}
