package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.robot.Personas;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A human player in a test: plays rounds through the HTTP API and keeps every view it was shown. */
final class Play {
  static final Duration PHASE = Duration.ofSeconds(30);

  final GameApi api;
  final String matchId;
  final String name;
  final String token;
  final List<JsonObject> seen = new ArrayList<>();
  final List<String> letters = new ArrayList<>();

  Play(GameApi api, String matchId, String name) {
    this.api = api;
    this.matchId = matchId;
    this.name = name;
    this.token = api.join(matchId, name).getString("token");
  }

  JsonObject await(java.util.function.Predicate<JsonObject> until) {
    return api.awaitView(matchId, token, until, PHASE, seen::add);
  }

  /** Answers round {@code round}, waits for voting, votes for the first other letter; returns the vote. */
  String playRound(int round, String answer) {
    JsonObject view = await(v -> v.getInteger("round", 0) == round && "RESPONDING".equals(v.getString("phase")));
    String me = view.getString("you");
    letters.add(me);
    assertThat(api.respond(matchId, token, round, answer).status()).isEqualTo(202);
    view = await(v -> v.getInteger("round", 0) == round && "VOTING".equals(v.getString("phase")));
    String vote = view.getJsonArray("participants").stream().map(String::valueOf)
        .filter(l -> !l.equals(me)).findFirst().orElseThrow();
    assertThat(api.vote(matchId, token, round, vote).status()).isEqualTo(202);
    await(v -> "COMPLETED".equals(v.getString("status")) || v.getInteger("round", 0) > round
        || "SCORED".equals(v.getString("phase")));
    return vote;
  }

  JsonObject awaitCompleted() {
    return await(v -> "COMPLETED".equals(v.getString("status")));
  }

  /** What no view may show before the reveal: robot ids, persona types, who is human. */
  static String[] giveaways() {
    List<String> words = new ArrayList<>(List.of("robot-", "\"human\"", "persona", "playerId"));
    Personas.load().all().forEach(p -> words.add(p.type()));
    return words.toArray(String[]::new);
  }

  /** Every view shown before the reveal, as text, to search for anything that would give a robot away. */
  List<String> viewsBeforeReveal() {
    return seen.stream().filter(v -> !"COMPLETED".equals(v.getString("status"))).map(JsonObject::encode).toList();
  }
}
