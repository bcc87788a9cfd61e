package arena.gateway;

import static arena.gateway.Matches.ANN;
import static arena.gateway.Matches.BOB;
import static arena.gateway.Matches.NOW;
import static arena.gateway.Matches.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PlayerViewTest {

  static Stream<MatchState> everyMomentBeforeTheEnd() {
    List<MatchState> states = new ArrayList<>();
    states.add(Matches.waiting());
    states.add(Matches.waiting(ANN));
    states.add(Matches.quickPlayWaiting(ANN, BOB));
    for (Phase phase : Phase.values()) {
      states.add(Matches.running(phase));
    }
    return states.stream();
  }

  @ParameterizedTest
  @MethodSource("everyMomentBeforeTheEnd")
  void beforeTheEndNoViewTellsWhoIsWho(MatchState state) {
    // Given a match that is not over, seen by Ann, by Bob and by an onlooker
    for (Optional<String> viewer : List.of(Optional.of(ANN.playerId()), Optional.of(BOB.playerId()),
        Optional.<String>empty())) {
      // When the view is serialized
      String json = PlayerView.of(state, viewer, NOW).encode();

      // Then no id, name, robot type, human flag or LLM usage appears, and no one's total but the viewer's
      assertThat(json).doesNotContain(SECRETS);
      assertThat(json).doesNotContain("reveal", "finalScores", "scores\"", "points\"");
      assertThat(keys(new JsonObject(json))).doesNotContain("human", "name", "playerId", "robotId", "type");
    }
  }

  @Test
  void waitingMatchShowsSettingsAndHowManyHumansJoined() {
    // Given a match waiting for its second human
    MatchState state = Matches.waiting(ANN);

    // When Ann looks at it
    JsonObject view = PlayerView.of(state, Optional.of(ANN.playerId()), NOW);

    // Then she sees the shape of the match and nothing of rounds yet
    assertThat(view.getString("status")).isEqualTo("WAITING");
    assertThat(view.getJsonObject("settings").getMap())
        .containsEntry("seats", 4).containsEntry("humans", 2).containsEntry("rounds", 2)
        .containsEntry("responseSeconds", 60).containsEntry("voteSeconds", 30);
    assertThat(view.getInteger("humansJoined")).isEqualTo(1);
    assertThat(view.getInteger("round")).isZero();
    assertThat(view.getString("phase")).isNull();
    assertThat(view.getJsonArray("participants")).isEmpty();
    assertThat(view.getJsonArray("results")).isEmpty();
    assertThat(view.getInteger("yourScore")).isZero();
  }

  @Test
  void everyViewCarriesTheVersionAndWhetherItIsQuickPlay() {
    // Given a private match and a quick-play match
    for (MatchState state : List.of(Matches.running(Phase.VOTING), Matches.quickPlayWaiting(ANN))) {
      // When anyone looks
      JsonObject view = PlayerView.of(state, Optional.empty(), NOW);

      // Then the version lets the page keep the newest view it has seen
      assertThat(view.getLong("version")).isEqualTo(state.version());
      assertThat(view.getBoolean("quickPlay")).isEqualTo(state.settings().quickPlay());
    }
  }

  @Test
  void aQuickPlayLobbyShowsWhenItStartsOnceItsFirstHumanCame() {
    // Given a quick-play match whose first human, Ann, joined five minutes ago with a 10 s lobby
    MatchState state = Matches.quickPlayWaiting(ANN, BOB);

    // When Bob looks
    JsonObject view = PlayerView.of(state, Optional.of(BOB.playerId()), NOW);

    // Then the lobby's deadline is Ann's arrival plus the lobby wait
    assertThat(view.getString("lobbyDeadline")).isEqualTo(ANN.joinedAt().plusSeconds(10).toString());
    assertThat(view.getInteger("humansJoined")).isEqualTo(2);
    assertThat(view.getJsonObject("settings").getInteger("seats")).isEqualTo(4);
  }

  @Test
  void noLobbyDeadlineBeforeAnyoneCameInPrivateMatchesOrOnceStarted() {
    assertThat(PlayerView.of(Matches.quickPlayWaiting(), Optional.empty(), NOW).containsKey("lobbyDeadline"))
        .isFalse();
    assertThat(PlayerView.of(Matches.waiting(ANN), Optional.empty(), NOW).containsKey("lobbyDeadline")).isFalse();
    assertThat(PlayerView.of(Matches.running(Phase.RESPONDING), Optional.empty(), NOW)
        .containsKey("lobbyDeadline")).isFalse();
  }

  @Test
  void whileStartingEverySeatHasALetterButThePromptWaitsForTheRobots() {
    // Given round 2 waiting for its robots
    MatchState state = Matches.running(Phase.STARTING);

    // When Ann looks
    JsonObject view = PlayerView.of(state, Optional.of(ANN.playerId()), NOW);

    // Then she knows her letter and that four letters play, but not yet the prompt
    assertThat(view.getString("phase")).isEqualTo("STARTING");
    assertThat(view.getString("you")).isEqualTo("D");
    assertThat(view.getJsonArray("participants")).containsExactly("A", "B", "C", "D");
    assertThat(view.getString("prompt")).isNull();
    assertThat(view.containsKey("responses")).isFalse();
    // And no countdown: how long the Match Service waits for robots is not hers to see
    assertThat(view.getValue("deadline")).isNull();
    assertThat(view.getValue("secondsLeft")).isNull();
  }

  /** Round 2 in {@code phase} where {@code acted} (a human or a robot) is the only one who answered, or voted. */
  private static MatchState onlyOneActed(Phase phase, String acted) {
    MatchState base = Matches.running(phase);
    MatchState.Round r = Matches.round2(phase);
    boolean responding = phase == Phase.RESPONDING;
    MatchState.Round round = new MatchState.Round(r.number(), r.phase(), r.prompt(), r.deadline(), r.letters(),
        r.robotsRequest(), responding ? Map.of(acted, "Same words.") : r.responses(),
        responding ? Map.of() : Map.of(acted, "D"), r.points());
    return Matches.state(base.status(), base.version(), base.players(), base.robots(),
        List.of(Matches.round1(), round), base.scores());
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"RESPONDING", "VOTING"})
  void duringAPhaseNobodyCanTellWhetherAHumanOrARobotActed(Phase phase) {
    // Given two moments that differ only in who acted: Bob (a human) or the curious robot
    MatchState humanActed = onlyOneActed(phase, BOB.playerId());
    MatchState robotActed = onlyOneActed(phase, Matches.CURIOUS.robotId());

    // When an onlooker, and Ann (who did not act), look at each
    for (Optional<String> viewer : List.of(Optional.<String>empty(), Optional.of(ANN.playerId()))) {
      String afterHuman = PlayerView.of(humanActed, viewer, NOW).encode();
      String afterRobot = PlayerView.of(robotActed, viewer, NOW).encode();

      // Then they see exactly the same thing
      assertThat(afterHuman).isEqualTo(afterRobot);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"RESPONDING", "VOTING"})
  void duringAPhaseTheViewCountsWhoActedButNamesNoLetter(Phase phase) {
    // Given round 2 open: Ann and the artist have answered; in voting Bob has voted too
    MatchState state = Matches.running(phase);

    for (Optional<String> viewer : List.of(Optional.<String>empty(), Optional.of(ANN.playerId()))) {
      // When an onlooker, or Ann, looks
      JsonObject view = PlayerView.of(state, viewer, NOW);

      // Then only how many answered and voted shows, with every letter's progress left out
      assertThat(view.getInteger("answeredCount")).isEqualTo(phase == Phase.RESPONDING ? 2 : 3);
      assertThat(view.getInteger("votedCount")).isEqualTo(phase == Phase.RESPONDING ? 0 : 1);
      assertThat(view.getJsonArray("participants")).hasSize(4);
      assertThat(view.fieldNames()).doesNotContain("answered", "voted");
      assertThat(keys(view)).doesNotContain("answered", "voted");
    }
  }

  @Test
  void whileRespondingOnlyHowManyAnsweredIsShownNotWhatTheyWrote() {
    // Given round 2 open for answers, Ann and one robot have answered
    MatchState state = Matches.running(Phase.RESPONDING);

    // When Ann looks
    JsonObject view = PlayerView.of(state, Optional.of(ANN.playerId()), NOW);

    // Then she sees the prompt, the deadline, how many answered, her own answer, and no one's text
    assertThat(view.getInteger("round")).isEqualTo(2);
    assertThat(view.getInteger("rounds")).isEqualTo(2);
    assertThat(view.getString("prompt")).isEqualTo("What smell takes you back to childhood?");
    assertThat(view.getString("deadline")).isEqualTo(NOW.plusSeconds(42).toString());
    assertThat(view.getLong("secondsLeft")).isEqualTo(42);
    assertThat(view.getJsonArray("participants")).containsExactly("A", "B", "C", "D");
    assertThat(view.getInteger("answeredCount")).isEqualTo(2);
    assertThat(view.getInteger("votedCount")).isZero();
    assertThat(view.getString("you")).isEqualTo("D");
    assertThat(view.getString("yourResponse")).isEqualTo("Coffee first.");
    assertThat(view.containsKey("responses")).isFalse();
    assertThat(view.encode()).doesNotContain("Sketching.");
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"VOTING", "SCORED"})
  void fromVotingOnTheAnswersAreShownByLetter(Phase phase) {
    // Given round 2 in voting or scored
    MatchState state = Matches.running(phase);

    // When Bob looks
    JsonObject view = PlayerView.of(state, Optional.of(BOB.playerId()), NOW);

    // Then every answer is shown under its letter, and Bob's vote is his own
    assertThat(view.getJsonObject("responses").getMap()).containsExactly(
        java.util.Map.entry("B", "Sleeping in."), java.util.Map.entry("C", "Sketching."),
        java.util.Map.entry("D", "Coffee first."));
    assertThat(view.getString("you")).isEqualTo("B");
    assertThat(view.getString("yourVote")).isEqualTo("D");
    assertThat(view.getInteger("votedCount")).isEqualTo(phase == Phase.VOTING ? 1 : 3);
  }

  @Test
  void scoredRoundsShowVotesReceivedAndOnlyYourOwnPoints() {
    // Given round 1 scored and round 2 voting
    MatchState state = Matches.running(Phase.VOTING);

    // When Ann looks
    JsonObject view = PlayerView.of(state, Optional.of(ANN.playerId()), NOW);

    // Then round 1's result holds the answers, votes received per letter, and her letter, vote and points
    JsonArray results = view.getJsonArray("results");
    assertThat(results).hasSize(1);
    JsonObject round1 = results.getJsonObject(0);
    assertThat(round1.getInteger("round")).isEqualTo(1);
    assertThat(round1.getString("prompt")).isEqualTo("Describe your ideal Sunday.");
    assertThat(round1.getJsonObject("responses").getString("B")).isEqualTo("Reading about stars.");
    assertThat(round1.getJsonObject("votesReceived").getMap())
        .containsEntry("A", 1).containsEntry("B", 1).containsEntry("C", 2).containsEntry("D", 0);
    assertThat(round1.getString("yourLetter")).isEqualTo("A");
    assertThat(round1.getString("yourVote")).isEqualTo("C");
    assertThat(round1.getInteger("yourPoints")).isEqualTo(1);
    assertThat(view.getInteger("yourScore")).isEqualTo(1);
  }

  @Test
  void anOnlookerSeesNoPersonalFields() {
    // Given a running match
    MatchState state = Matches.running(Phase.SCORED);

    // When someone without a token looks
    JsonObject view = PlayerView.of(state, Optional.empty(), NOW);

    // Then nothing is "yours"
    assertThat(view.fieldNames()).doesNotContain("you", "yourResponse", "yourVote", "yourScore");
    view.getJsonArray("results").forEach(r ->
        assertThat(((JsonObject) r).fieldNames()).doesNotContain("yourLetter", "yourVote", "yourPoints"));
  }

  @Test
  void afterTheEndEveryoneIsRevealed() {
    // Given a completed match
    MatchState state = Matches.completed();

    // When Ann looks
    JsonObject view = PlayerView.of(state, Optional.of(ANN.playerId()), NOW);

    // Then who was who is revealed, with letters per round and scores, and which one was Ann
    assertThat(view.getString("status")).isEqualTo("COMPLETED");
    assertThat(view.getValue("deadline")).isNull();
    JsonArray reveal = view.getJsonArray("reveal");
    assertThat(reveal).hasSize(4);
    JsonObject ann = find(reveal, "Ann");
    assertThat(ann.getBoolean("human")).isTrue();
    assertThat(ann.containsKey("persona")).isFalse();
    assertThat(ann.getJsonArray("letters")).containsExactly("A", "D");
    assertThat(ann.getInteger("score")).isEqualTo(2);
    assertThat(ann.getBoolean("you")).isTrue();
    assertThat(reveal.stream().filter(o -> ((JsonObject) o).containsKey("you"))).hasSize(1);
    JsonObject curious = find(reveal, "curious-student");
    assertThat(curious.getBoolean("human")).isFalse();
    assertThat(curious.getString("persona")).isEqualTo("curious-student");
    assertThat(curious.getJsonArray("letters")).containsExactly("B", "A");

    JsonArray finalScores = view.getJsonArray("finalScores");
    assertThat(finalScores.stream().map(o -> ((JsonObject) o).getString("name")))
        .containsExactly("Bob", "curious-student", "Ann", "creative-artist");
    assertThat(finalScores.getJsonObject(0).getMap()).containsEntry("score", 4).containsEntry("human", true);
    assertThat(view.getJsonArray("results")).hasSize(2);
    assertThat(view.getInteger("yourScore")).isEqualTo(2);
  }

  @Test
  void twoRobotsOfOneKindGetTellApartNames() {
    // Given a finished match with two robots of the same kind
    MatchState base = Matches.completed();
    MatchState state = Matches.state(MatchState.Status.COMPLETED, 20, base.players(),
        List.of(new MatchState.Robot("r1", "creative-artist"), new MatchState.Robot("r2", "creative-artist")),
        base.rounds(), base.scores());

    // When revealed
    JsonArray reveal = PlayerView.of(state, Optional.empty(), NOW).getJsonArray("reveal");

    // Then their names differ
    assertThat(reveal.stream().map(o -> ((JsonObject) o).getString("name")))
        .contains("creative-artist #1", "creative-artist #2");
  }

  private static JsonObject find(JsonArray array, String name) {
    return array.stream().map(o -> (JsonObject) o).filter(o -> name.equals(o.getString("name"))).findFirst()
        .orElseThrow();
  }

  private static List<String> keys(Object json) {
    List<String> out = new ArrayList<>();
    if (json instanceof JsonObject o) {
      for (String k : o.fieldNames()) {
        out.add(k);
        out.addAll(keys(o.getValue(k)));
      }
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> out.addAll(keys(v)));
    }
    return out;
  }
}
