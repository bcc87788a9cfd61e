package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.gateway.PlayerActions;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A match the Match Service forgets (a tombstone on match-state) leaves the gateway too. */
class ForgottenMatchTest {

  @Test
  void aTombstoneOnMatchStateMakesTheMatchUnknown_withAClearMessage() throws Exception {
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("match").put("lobbyTimeoutSeconds", 1))) {
      // Given a match that expired in its lobby, still shown with its events
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 2).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.await(v -> "EXPIRED".equals(v.getString("status")));
      assertThat(arena.api.events(matchId).status()).isEqualTo(200);

      // When the Match Service forgets it: a record with no value under its id on match-state
      TopicReader.produce(arena.arenaConfig(), Topic.MATCH_STATE, matchId, null);

      // Then the gateway forgets it too: its view, its events and its players' actions are 404, saying why
      Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      GameApi.Response view = arena.api.view(matchId, ann.token);
      while (view.status() == 200 && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
        view = arena.api.view(matchId, ann.token);
      }
      assertThat(view.status()).isEqualTo(404);
      assertThat(view.json().getString("error")).isEqualTo(PlayerActions.NO_SUCH_MATCH);
      assertThat(arena.api.events(matchId).status()).isEqualTo(404);
      assertThat(arena.api.respond(matchId, ann.token, 1, "hello").status()).isEqualTo(404);

      // And nothing was parked as poison: a tombstone is a deletion, not a bad record
      assertThat(TopicReader.readAll(arena.arenaConfig(), Topic.DEAD_LETTERS)).isEmpty();
    }
  }
}
