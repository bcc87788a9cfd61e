package arena.match;

import arena.shared.state.MatchState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The active matches for operators ({@code /ops} on the admin listener, never the players' port): how many are in each
 * phase, and the most recently created ones with their phase, round and seats. No names, tokens or answers.
 */
final class MatchSummary {
  /** The dashboard lists this many matches at most, the most recently created first; the counts cover all. */
  static final int LISTED = 50;

  private MatchSummary() {}

  static JsonObject of(Collection<MatchState> states) {
    TreeMap<String, Integer> byPhase = new TreeMap<>();
    states.stream().filter(s -> !s.status().over()).forEach(s -> byPhase.merge(phase(s), 1, Integer::sum));
    JsonArray listed = new JsonArray();
    states.stream().filter(s -> !s.status().over())
        .sorted(Comparator.comparing(MatchState::createdAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(MatchState::matchId))
        .limit(LISTED)
        .forEach(s -> listed.add(json(s)));
    return new JsonObject().put("active", byPhase.values().stream().mapToInt(Integer::intValue).sum())
        .put("byPhase", new JsonObject(new TreeMap<String, Object>(byPhase))).put("matches", listed);
  }

  /** {@code waiting} for its humans, else its current round's phase. */
  static String phase(MatchState s) {
    if (s.status() == MatchState.Status.WAITING) {
      return "waiting";
    }
    return s.currentRound().map(r -> r.phase().name().toLowerCase(Locale.ROOT)).orElse("running");
  }

  private static JsonObject json(MatchState s) {
    MatchState.Round round = s.currentRound().orElse(null);
    return new JsonObject()
        .put("matchId", s.matchId())
        .put("phase", phase(s))
        .put("round", round == null ? 0 : round.number())
        .put("rounds", s.settings().rounds())
        .put("seats", s.settings().seats())
        .put("humans", s.players().size())
        .put("humansWanted", s.settings().humans())
        .put("quickPlay", s.settings().quickPlay())
        .put("createdAt", s.createdAt() == null ? null : s.createdAt().toString())
        .put("deadline", round == null || round.deadline() == null ? null : round.deadline().toString());
  }
}
