package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwoHumansTest {

  @Test
  void twoHumansAndTwoRobotsWhileOneHumanMissesEveryDeadline() {
    try (TestArena arena = TestArena.start()) {
      // Given a match of two humans and two robots with short deadlines
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 2).put("rounds", 2)
          .put("responseSeconds", 2).put("voteSeconds", 2));
      Play ann = new Play(arena.api, matchId, "Ann");
      assertThat(arena.api.view(matchId, ann.token).json().getString("status")).isEqualTo("WAITING");
      Play bob = new Play(arena.api, matchId, "Bob");

      // When Ann plays every round and Bob never answers nor votes
      for (int round = 1; round <= 2; round++) {
        ann.playRound(round, "I would bring a hammock, round " + round);
      }
      JsonObject end = ann.awaitCompleted();

      // Then the match completes, Bob has no answers or votes, and both are revealed as human
      JsonObject bobsEnd = arena.api.view(matchId, bob.token).json();
      assertThat(bobsEnd.getString("status")).isEqualTo("COMPLETED");
      for (Object r : bobsEnd.getJsonArray("results")) {
        JsonObject result = (JsonObject) r;
        assertThat(result.getString("yourVote")).isNull();
        assertThat(result.getJsonObject("responses").getString(result.getString("yourLetter"))).isNull();
      }
      JsonArray reveal = end.getJsonArray("reveal");
      List<String> humans = reveal.stream().map(o -> (JsonObject) o).filter(o -> o.getBoolean("human"))
          .map(o -> o.getString("name")).sorted().toList();
      assertThat(humans).containsExactly("Ann", "Bob");
      assertThat(reveal.size()).isBetween(4, 2 + 2 * 2); // robots may change between rounds
      assertThat(end.getJsonArray("results")).hasSize(2);
    }
  }
}
