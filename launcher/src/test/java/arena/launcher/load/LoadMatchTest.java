package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How a simulated human tells, from its final view, that an action the gateway accepted was kept or lost. */
class LoadMatchTest {
  private static final JsonObject FINAL = new JsonObject().put("status", "COMPLETED").put("results", new JsonArray()
      .add(new JsonObject().put("round", 1).put("yourLetter", "B").put("yourVote", "C")
          .put("responses", new JsonObject().put("A", "robot words").put("B", "honestly? a nap (1.1)")))
      .add(new JsonObject().put("round", 2).put("yourLetter", "A").put("yourVote", null)
          .put("responses", new JsonObject().put("A", "cold pizza (1.2)"))));

  @Test
  void anAnswerAndAVoteInTheScoredRoundsWereKept() {
    assertThat(LoadMatch.inResults(FINAL, "answer", 1, "honestly? a nap (1.1)")).isTrue();
    assertThat(LoadMatch.inResults(FINAL, "vote", 1, "C")).isTrue();
    assertThat(LoadMatch.inResults(FINAL, "answer", 2, "cold pizza (1.2)")).isTrue();
  }

  @Test
  void anAcceptedActionMissingFromTheFinalStateIsLost() {
    // A vote the final state does not hold, an answer under another letter's words, a round never scored
    assertThat(LoadMatch.inResults(FINAL, "vote", 2, "B")).isFalse();
    assertThat(LoadMatch.inResults(FINAL, "answer", 1, "robot words")).isFalse();
    assertThat(LoadMatch.inResults(FINAL, "answer", 3, "anything")).isFalse();
  }
}
