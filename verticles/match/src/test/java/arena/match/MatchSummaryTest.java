package arena.match;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchSummaryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  private static MatchState match(String id, Status status, Instant createdAt, Phase phase, int round) {
    List<MatchState.Round> rounds = new ArrayList<>();
    for (int n = 1; n <= round; n++) {
      rounds.add(new MatchState.Round(n, n == round ? phase : Phase.SCORED, "prompt", T0.plusSeconds(600), Map.of(),
          "req-" + n, Map.of(), Map.of(), Map.of()));
    }
    List<MatchState.Player> players = List.of(new MatchState.Player("p1", "Ann", "hash-of-ann", createdAt));
    return new MatchState(id, new MatchSettings(4, 2, 3, 60, 30, 5), status, 1, createdAt, null, players,
        List.of(), rounds, Map.of(), List.of(), Usage.NONE);
  }

  @Test
  void countsTheActiveMatchesPerPhaseAndLeavesTheOverOnesOut() {
    // Given matches waiting, in each round phase, and over
    List<MatchState> states = List.of(
        match("w", Status.WAITING, T0, null, 0),
        match("r1", Status.RUNNING, T0.plusSeconds(1), Phase.RESPONDING, 1),
        match("r2", Status.RUNNING, T0.plusSeconds(2), Phase.RESPONDING, 2),
        match("v", Status.RUNNING, T0.plusSeconds(3), Phase.VOTING, 1),
        match("s", Status.RUNNING, T0.plusSeconds(4), Phase.STARTING, 3),
        match("done", Status.COMPLETED, T0.plusSeconds(5), Phase.SCORED, 3),
        match("gone", Status.EXPIRED, T0.plusSeconds(6), null, 0));

    // When summarised
    JsonObject summary = MatchSummary.of(states);

    // Then each phase is counted, over matches nowhere
    assertThat(summary.getInteger("active")).isEqualTo(5);
    assertThat(summary.getJsonObject("byPhase")).isEqualTo(new JsonObject()
        .put("responding", 2).put("starting", 1).put("voting", 1).put("waiting", 1));
    assertThat(summary.getJsonArray("matches").stream().map(m -> ((JsonObject) m).getString("matchId")))
        .containsExactly("s", "v", "r2", "r1", "w");
  }

  @Test
  void aListedMatchShowsItsPhaseRoundAndSeatsButNoNamesOrTokens() {
    // Given a running match in its second round's vote
    MatchState voting = match("m", Status.RUNNING, T0, Phase.VOTING, 2);

    // When summarised
    JsonObject listed = MatchSummary.of(List.of(voting)).getJsonArray("matches").getJsonObject(0);

    // Then an operator sees where it is and how its seats are filled
    assertThat(listed.getString("phase")).isEqualTo("voting");
    assertThat(listed.getInteger("round")).isEqualTo(2);
    assertThat(listed.getInteger("rounds")).isEqualTo(3);
    assertThat(listed.getInteger("seats")).isEqualTo(4);
    assertThat(listed.getInteger("humans")).isEqualTo(1);
    assertThat(listed.getInteger("humansWanted")).isEqualTo(2);
    assertThat(listed.getString("createdAt")).isEqualTo(T0.toString());
    assertThat(listed.getString("deadline")).isEqualTo(T0.plusSeconds(600).toString());
    // And nothing about who the players are
    assertThat(listed.encode()).doesNotContain("Ann", "hash-of-ann", "p1");
  }

  @Test
  void listsOnlyTheMostRecentlyCreatedButCountsThemAll() {
    // Given more waiting matches than the dashboard lists
    List<MatchState> states = new ArrayList<>();
    for (int i = 0; i < MatchSummary.LISTED + 30; i++) {
      states.add(match("m" + i, Status.WAITING, T0.plusSeconds(i), null, 0));
    }

    // When summarised
    JsonObject summary = MatchSummary.of(states);

    // Then all are counted, the newest listed first, and the list stops at its bound
    assertThat(summary.getInteger("active")).isEqualTo(MatchSummary.LISTED + 30);
    JsonArray matches = summary.getJsonArray("matches");
    assertThat(matches).hasSize(MatchSummary.LISTED);
    assertThat(matches.getJsonObject(0).getString("matchId")).isEqualTo("m" + (MatchSummary.LISTED + 29));
    assertThat(matches.getJsonObject(MatchSummary.LISTED - 1).getString("matchId")).isEqualTo("m30");
  }
}
