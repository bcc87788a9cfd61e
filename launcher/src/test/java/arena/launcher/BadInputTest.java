package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every kind of bad HTTP input gets a clear 4xx and changes nothing. */
class BadInputTest {

  @Test
  void badRequestsAreRefusedWithClearMessages() {
    try (TestArena arena = TestArena.start()) {
      GameApi api = arena.api;
      // Creating matches
      assertError(api.send("POST", "/api/matches", null, "{not json"), 400);
      assertError(api.send("POST", "/api/matches", null, "{\"seats\":1}"), 400);
      assertError(api.send("POST", "/api/matches", null, "{\"seats\":4,\"humans\":4}"), 400);
      assertError(api.send("POST", "/api/matches", null, "{\"rounds\":\"three\"}"), 400);
      assertError(api.send("POST", "/api/matches", null, "{\"responseSeconds\":0}"), 400);

      // Joining
      assertError(api.send("POST", "/api/matches/no-such-match/players", null, "{\"name\":\"Ann\"}"), 404);
      String matchId = api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      assertError(api.send("POST", "/api/matches/" + matchId + "/players", null, "{\"name\":\"\"}"), 400);
      assertError(api.send("POST", "/api/matches/" + matchId + "/players", null, "[]"), 400);
      Play ann = new Play(api, matchId, "Ann");
      assertError(api.send("POST", "/api/matches/" + matchId + "/players", null, "{\"name\":\"Late\"}"), 409);

      // Answering
      ann.await(v -> "RESPONDING".equals(v.getString("phase")));
      String me = api.view(matchId, ann.token).json().getString("you");
      assertError(api.respond(matchId, null, 1, "hello"), 401);
      assertError(api.respond(matchId, "forged-token", 1, "hello"), 401);
      assertError(api.send("POST", "/api/matches/" + matchId + "/response", ann.token, "{oops"), 400);
      assertError(api.respond(matchId, ann.token, 1, "   "), 400);
      assertError(api.respond(matchId, ann.token, 1, "x".repeat(281)), 400);
      assertError(api.respond(matchId, ann.token, 2, "wrong round"), 409);
      assertError(api.vote(matchId, ann.token, 1, "A"), 409); // not voting yet
      assertThat(api.respond(matchId, ann.token, 1, "Tea, always tea.").status()).isEqualTo(202);
      assertError(api.respond(matchId, ann.token, 1, "again"), 409);

      // Voting
      ann.await(v -> "VOTING".equals(v.getString("phase")));
      assertError(api.vote(matchId, ann.token, 1, me), 400);
      assertError(api.vote(matchId, ann.token, 1, "Z"), 400);
      assertError(api.vote(matchId, ann.token, 1, "not a letter"), 400);
      assertError(api.send("POST", "/api/matches/" + matchId + "/vote", ann.token, "{\"identity\":\"A\"}"), 400);
      String other = me.equals("A") ? "B" : "A";
      assertThat(api.vote(matchId, ann.token, 1, other).status()).isEqualTo(202);
      String third = Stream.of("A", "B", "C").filter(l -> !l.equals(me) && !l.equals(other)).findFirst().orElseThrow();
      assertError(api.vote(matchId, ann.token, 1, third), 409);

      // Events stay closed until the end, and unknown matches are 404
      assertError(api.events("no-such-match"), 404);
      JsonObject view = api.view(matchId, ann.token).json();
      if (!"COMPLETED".equals(view.getString("status"))) {
        assertError(api.events(matchId), 409);
      }
      assertError(api.view("no-such-match", null), 404);
      assertError(api.view(matchId, "forged-token"), 401);

      // And the answer given before all this is still there
      JsonObject end = ann.awaitCompleted();
      JsonObject round1 = end.getJsonArray("results").getJsonObject(0);
      assertThat(round1.getJsonObject("responses").getString(me)).isEqualTo("Tea, always tea.");
    }
  }

  static void assertError(GameApi.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().getString("error")).as("error message").isNotBlank();
  }
}
