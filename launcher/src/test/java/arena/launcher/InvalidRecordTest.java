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

/** A record that decodes but that its service finds invalid is parked once, and play goes on. */
class InvalidRecordTest {

  @Test
  void aRobotsRequestNamingTooFewLettersIsParkedAndTheGameGoesOn() throws Exception {
    try (TestArena arena = TestArena.start()) {
      // Given a robots request that asks for three robots but names no letters for them
      MatchEvent.RobotsNeeded bad = new MatchEvent.RobotsNeeded("m-bad", 1, 3, List.of(), List.of(), "m-bad/round-1");
      TopicReader.produce(arena.arenaConfig(), Topic.MATCH_EVENTS, "m-bad",
          Json.write(Envelope.of("round.robots_needed", "test", "m-bad", bad, "m-bad/round-1", null)));

      // When a match is played after it
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.playRound(1, "Umbrellas are overrated.");
      ann.awaitCompleted();

      // Then the orchestrator parked the request once, saying why, instead of retrying it for ever
      List<ConsumerRecord<String, String>> parked = TopicReader.readAll(arena.arenaConfig(), Topic.DEAD_LETTERS)
          .stream().filter(r -> "m-bad".equals(r.key())).toList();
      assertThat(parked).singleElement().satisfies(r -> {
        assertThat(TopicReader.header(r, "dead-letter-consumer")).isEqualTo("robot-orchestrator");
        assertThat(TopicReader.header(r, "dead-letter-reason")).contains("does not name that many identities");
      });
    }
  }
}
