package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How a simulated human tells, from its final view, that an action the gateway accepted was kept or lost, and when it
 * looks at its view over HTTP with its bridge open (as the page does, not whenever pushes pause).
 */
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

  @Test
  void aPlayerWhosePhaseStillRunsDoesNotLookHoweverLongThePushesPause() {
    // Given a view whose deadline is 20 s away, last fetched a minute ago
    long now = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
    JsonObject view = running("2026-12-01T12:00:20Z");
    // Then the page waits for pushes
    assertThat(LoadMatch.overdue(view, now, now - 60_000)).isFalse();
  }

  @Test
  void aPlayerLooksOnceItsViewsDeadlineIsLongPastAndNotBeforeItsNextPoll() {
    long now = Instant.parse("2026-12-01T12:00:10Z").toEpochMilli();
    // Given a view whose deadline passed 10 s ago
    JsonObject view = running("2026-12-01T12:00:00Z");
    // Then it looks, unless it asked less than a poll ago
    assertThat(LoadMatch.overdue(view, now, now - 5_000)).isTrue();
    assertThat(LoadMatch.overdue(view, now, now - 1_000)).isFalse();
    // And a deadline just passed is the pushes' to tell
    assertThat(LoadMatch.overdue(view, Instant.parse("2026-12-01T12:00:02Z").toEpochMilli(), 0)).isFalse();
  }

  @Test
  void inTheLobbyTheLobbysDeadlineCountsAndAnEndedMatchNeverLooks() {
    long now = Instant.parse("2026-12-01T12:00:10Z").toEpochMilli();
    JsonObject waiting = new JsonObject().put("status", "WAITING").put("lobbyDeadline", "2026-12-01T12:00:00Z");
    assertThat(LoadMatch.overdue(waiting, now, 0)).isTrue();
    assertThat(LoadMatch.overdue(running("2026-12-01T12:00:00Z").put("status", "COMPLETED"), now, 0)).isFalse();
    assertThat(LoadMatch.overdue(null, now, 0)).isFalse();
  }

  private static JsonObject running(String deadline) {
    return new JsonObject().put("status", "RUNNING").put("phase", "RESPONDING").put("deadline", deadline);
  }
}
