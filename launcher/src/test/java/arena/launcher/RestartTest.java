package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Stopping every service mid-round and starting them again on the same broker loses nothing. */
class RestartTest {

  @Test
  void servicesStoppedMidRoundFinishTheMatchWithTheAnswersGivenBefore() {
    try (TestArena arena = TestArena.start()) {
      // Given a match where Ann has answered round 1 while her opponents are still typing
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 2).put("rounds", 2)
          .put("responseSeconds", 4).put("voteSeconds", 2));
      Play ann = new Play(arena.api, matchId, "Ann");
      Play bob = new Play(arena.api, matchId, "Bob");
      JsonObject view = ann.await(v -> "RESPONDING".equals(v.getString("phase")));
      String annLetter = view.getString("you");
      assertThat(arena.api.respond(matchId, ann.token, 1, "Before the crash: cinnamon buns.").status())
          .isEqualTo(202);

      // When every verticle stops and starts again on the same broker
      arena.stopNode();
      arena.startNode();

      // Then the match finishes (Bob never answers) and Ann's answer from before the stop is in round 1
      JsonObject end = ann.awaitCompleted();
      assertThat(end.getJsonArray("results")).hasSize(2);
      JsonObject round1 = end.getJsonArray("results").getJsonObject(0);
      assertThat(round1.getString("yourLetter")).isEqualTo(annLetter);
      assertThat(round1.getJsonObject("responses").getString(annLetter)).isEqualTo("Before the crash: cinnamon buns.");
      assertThat(arena.api.view(matchId, bob.token).json().getString("status")).isEqualTo("COMPLETED");
    }
  }
}
