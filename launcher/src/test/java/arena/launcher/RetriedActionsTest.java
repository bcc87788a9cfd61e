package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A player whose reply was lost sends the same answer or vote again: it is accepted again, and counted once. */
class RetriedActionsTest {

  @Test
  void theSameAnswerOrVoteSentAgainIsAcceptedAndADifferentOneIs409() {
    try (TestArena arena = TestArena.start()) {
      // Given a match of two humans, so that Ann's answer and vote leave the phase open for Bob
      GameApi api = arena.api;
      String matchId = api.createMatch(new JsonObject().put("seats", 4).put("humans", 2).put("rounds", 1));
      Play ann = new Play(api, matchId, "Ann");
      Play bob = new Play(api, matchId, "Bob");
      ann.await(v -> "RESPONDING".equals(v.getString("phase")));
      String me = api.view(matchId, ann.token).json().getString("you");

      // When Ann's answer is accepted, then sent again without a key, the same text after normalising
      assertThat(api.respond(matchId, ann.token, 1, "Tea, always tea.").status()).isEqualTo(202);
      GameApi.Response again = api.respond(matchId, ann.token, 1, " Tea,  always tea.");

      // Then the retry is accepted too, and another text is still refused
      assertThat(again.status()).as(again.body()).isEqualTo(202);
      GameApi.Response other = api.respond(matchId, ann.token, 1, "Coffee.");
      assertThat(other.status()).isEqualTo(409);
      assertThat(other.json().getString("error")).isEqualTo("already answered");

      // And with an Idempotency-Key, the retry is the first call's outcome, replayed by the gateway
      String answer = new JsonObject().put("round", 1).put("text", "Sleep.").encode();
      Map<String, String> keyed = Map.of("Content-Type", "application/json", "Idempotency-Key", "bob-answer-1");
      String path = "/api/matches/" + matchId + "/response";
      assertThat(api.send("POST", path, bob.token, answer, keyed).status()).isEqualTo(202);
      GameApi.Response replayed = api.send("POST", path, bob.token, answer, keyed);
      assertThat(replayed.status()).isEqualTo(202);
      assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");

      // When voting opens, Ann's vote sent twice is accepted twice, another letter is refused
      ann.await(v -> "VOTING".equals(v.getString("phase")));
      String choice = Stream.of("A", "B", "C", "D").filter(l -> !l.equals(me)).findFirst().orElseThrow();
      String otherChoice = Stream.of("A", "B", "C", "D").filter(l -> !l.equals(me) && !l.equals(choice))
          .findFirst().orElseThrow();
      assertThat(api.vote(matchId, ann.token, 1, choice).status()).isEqualTo(202);
      assertThat(api.vote(matchId, ann.token, 1, choice).status()).isEqualTo(202);
      GameApi.Response otherVote = api.vote(matchId, ann.token, 1, otherChoice);
      assertThat(otherVote.status()).isEqualTo(409);
      assertThat(otherVote.json().getString("error")).isEqualTo("already voted");

      String bobs = api.view(matchId, bob.token).json().getString("you");
      String bobsChoice = Stream.of("A", "B", "C", "D").filter(l -> !l.equals(bobs)).findFirst().orElseThrow();
      assertThat(api.vote(matchId, bob.token, 1, bobsChoice).status()).isEqualTo(202);

      // Then the match ends with her one answer and her one vote
      JsonObject end = ann.awaitCompleted();
      JsonObject round1 = end.getJsonArray("results").getJsonObject(0);
      assertThat(round1.getJsonObject("responses").getString(me)).isEqualTo("Tea, always tea.");
      assertThat(round1.getString("yourVote")).isEqualTo(choice);
    }
  }
}
