package arena.gateway;

import static arena.gateway.Matches.ANN;
import static arena.gateway.Matches.ANN_TOKEN;
import static arena.gateway.Matches.BOB;
import static arena.gateway.Matches.BOB_TOKEN;
import static arena.gateway.Matches.MATCH;
import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BridgeRulesTest {
  private static final String OTHER_MATCH = "m-2";
  private static final String CAT_TOKEN = "catTokencatTokencatTokencatTokencatTokencat";
  private final Projection projection = new Projection();

  BridgeRulesTest() {
    // Ann and Bob play m-1; Cat plays m-2
    projection.apply(Matches.running(Phase.RESPONDING));
    MatchState other = Matches.waiting(new MatchState.Player("player-cat-0003", "Cat", Tokens.hash(CAT_TOKEN),
        Matches.NOW));
    projection.apply(new MatchState(OTHER_MATCH, other.settings(), other.status(), other.version(),
        other.createdAt(), null, other.players(), other.robots(), other.rounds(), other.scores(),
        other.promptsUsed(), other.usage()));
  }

  private static JsonObject answer(String matchId) {
    return new JsonObject().put("matchId", matchId).put("action", "response").put("round", 2).put("text", "Rain.");
  }

  private static Integer status(Optional<ApiError> refusal) {
    return refusal.map(ApiError::status).orElse(null);
  }

  @Test
  void anyoneMayWatchAMatchsPublicUpdates_ofAMatchThatExists() {
    assertThat(BridgeRules.register(BridgeRules.updates(MATCH), null, projection)).isEmpty();
    assertThat(status(BridgeRules.register(BridgeRules.updates("no-such-match"), null, projection))).isEqualTo(404);
  }

  @Test
  void aPlayerMayListenToTheirOwnViewsWithTheirToken() {
    assertThat(BridgeRules.register(BridgeRules.player(MATCH, ANN.playerId()), ANN_TOKEN, projection)).isEmpty();
  }

  @Test
  void nobodyMayListenToAnotherPlayersViews() {
    String annsViews = BridgeRules.player(MATCH, ANN.playerId());

    // Bob's own token, a token of another match, a made-up token, or none
    assertThat(status(BridgeRules.register(annsViews, BOB_TOKEN, projection))).isEqualTo(401);
    assertThat(status(BridgeRules.register(annsViews, CAT_TOKEN, projection))).isEqualTo(401);
    assertThat(status(BridgeRules.register(annsViews, Tokens.newToken(), projection))).isEqualTo(401);
    assertThat(status(BridgeRules.register(annsViews, null, projection))).isEqualTo(401);
    assertThat(status(BridgeRules.register(annsViews, "x".repeat(10_000), projection))).isEqualTo(401);
    // Ann's token names Ann only in her own match
    assertThat(status(BridgeRules.register(BridgeRules.player(OTHER_MATCH, ANN.playerId()), ANN_TOKEN,
        projection))).isEqualTo(401);
  }

  @Test
  void noOtherAddressMayBeListenedTo() {
    for (String address : new String[] {BridgeRules.COMMANDS, "match." + MATCH, "match.a.b.updates",
        "match." + MATCH + ".updates.x", "match." + MATCH + ".player." + ANN.playerId() + ".x", "", null}) {
      assertThat(status(BridgeRules.register(address, ANN_TOKEN, projection))).as(address).isEqualTo(403);
    }
  }

  private static JsonObject vote(String matchId) {
    return new JsonObject().put("matchId", matchId).put("action", "vote").put("round", 2).put("identity", "C");
  }

  @Test
  void aPlayerMaySendAnswersAndVotesOfTheirOwnMatch() {
    // Round 2 is open for answers: Bob has not answered yet; a vote may be early only in our copy
    assertThat(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, answer(MATCH), projection)).isEmpty();
    assertThat(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH), projection)).isEmpty();
  }

  @Test
  void onlyTheOpenRoundAndPhaseAreAccepted() {
    // Given round 2 open for answers, which Ann has already given
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH), projection)))
        .isEqualTo(409);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, answer(MATCH).put("round", 1),
        projection))).isEqualTo(409);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, answer(MATCH).put("round", "2"),
        projection))).isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, answer(MATCH).putNull("round"),
        projection))).isEqualTo(400);

    // When voting opens, answers are closed, and Bob has already voted
    projection.apply(Matches.withVersion(Matches.running(Phase.VOTING), 11));
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, answer(MATCH), projection)))
        .isEqualTo(409);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, vote(MATCH), projection)))
        .isEqualTo(409);
    assertThat(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH), projection)).isEmpty();

    // But the same vote or answer sent again (its reply was lost) goes on to the Match Service, which accepts it
    assertThat(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, vote(MATCH).put("identity", "D"), projection))
        .isEmpty();
    projection.apply(Matches.withVersion(Matches.running(Phase.RESPONDING), 12));
    assertThat(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH).put("text", " Coffee first.\u200b"),
        projection)).isEmpty();
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH), projection)))
        .isEqualTo(409);

    // When the match is over, nothing is open
    projection.apply(Matches.completed());
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH), projection)))
        .isEqualTo(409);
  }

  @Test
  void sendingAnywhereElseIsRefused() {
    for (String address : new String[] {BridgeRules.updates(MATCH), BridgeRules.player(MATCH, ANN.playerId()),
        "arena.player.commands.x", "match-commands", null}) {
      assertThat(status(BridgeRules.command(address, ANN_TOKEN, answer(MATCH), projection))).as(address)
          .isEqualTo(403);
    }
  }

  @Test
  void aTokenActsOnlyInItsOwnMatch() {
    // Cat's token in Ann's match, Ann's in Cat's, a made-up one, none
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, CAT_TOKEN, answer(MATCH), projection)))
        .isEqualTo(401);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(OTHER_MATCH), projection)))
        .isEqualTo(401);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, Tokens.newToken(), answer(MATCH), projection)))
        .isEqualTo(401);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, null, answer(MATCH), projection))).isEqualTo(401);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer("nope"), projection)))
        .isEqualTo(404);
  }

  @Test
  void onlyAnswersAndVotesInASmallJsonObject() {
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH).put("action", "join"),
        projection))).isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH).put("action", 1),
        projection))).isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, answer(MATCH).putNull("matchId"),
        projection))).isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, "text", projection))).isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, new JsonArray(), projection)))
        .isEqualTo(400);
    assertThat(status(BridgeRules.command(BridgeRules.COMMANDS, ANN_TOKEN, null, projection))).isEqualTo(400);
  }

  @Test
  void theBodyMayHoldAtMost2048Bytes() {
    // Given bodies of exactly 2048 and 2049 bytes (ä is two bytes in UTF-8)
    JsonObject body = answer(MATCH).put("text", "");
    int room = BridgeRules.MAX_BODY_BYTES - body.toBuffer().length();
    JsonObject fits = answer(MATCH).put("text", "ä".repeat(room / 2) + "x".repeat(room % 2));
    JsonObject tooBig = answer(MATCH).put("text", "ä".repeat(room / 2) + "x".repeat(room % 2 + 1));
    assertThat(fits.toBuffer().length()).isEqualTo(2048);

    assertThat(BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, fits, projection)).isEmpty();
    Optional<ApiError> refused = BridgeRules.command(BridgeRules.COMMANDS, BOB_TOKEN, tooBig, projection);
    assertThat(status(refused)).isEqualTo(400);
    assertThat(refused.get().getMessage()).contains("2048 bytes");
  }

  @Test
  void theTokenComesFromTheFramesHeaders() {
    assertThat(BridgeRules.token(new JsonObject().put("headers", new JsonObject().put("token", "t")))).isEqualTo("t");
    assertThat(BridgeRules.token(new JsonObject().put("headers", new JsonObject().put("token", 5)))).isNull();
    assertThat(BridgeRules.token(new JsonObject().put("headers", "token"))).isNull();
    assertThat(BridgeRules.token(new JsonObject())).isNull();
  }
}
