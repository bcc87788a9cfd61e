package arena.gateway;

import arena.shared.game.MatchRules;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Round;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A match as one player (or an onlooker without a token) may see it. The state holds every secret of the
 * match; until it is COMPLETED this view shows letters only: no participant ids, names, robot types, human
 * flags, or anyone's points but your own. During a phase it counts who answered or voted without naming a
 * letter, so nothing but the words tells a human from a robot.
 */
public final class PlayerView {
  private PlayerView() {}

  public static JsonObject of(MatchState state, Optional<String> playerId, Instant now) {
    String you = playerId.orElse(null);
    boolean completed = state.status() == MatchState.Status.COMPLETED;
    JsonObject view = new JsonObject()
        .put("matchId", state.matchId())
        .put("version", state.version())
        .put("status", state.status().name())
        .put("quickPlay", state.settings().quickPlay())
        .put("settings", new JsonObject()
            .put("seats", state.settings().seats())
            .put("humans", state.settings().humans())
            .put("rounds", state.settings().rounds())
            .put("responseSeconds", state.settings().responseSeconds())
            .put("voteSeconds", state.settings().voteSeconds()))
        .put("humansJoined", state.players().size());
    lobbyDeadline(state).ifPresent(deadline -> view.put("lobbyDeadline", deadline.toString()));

    Optional<Round> current = state.currentRound();
    Round round = current.orElse(null);
    Phase phase = round == null ? null : round.phase();
    // The prompt is only out once the robots are seated, so nobody gets a head start.
    boolean open = phase != null && phase != Phase.STARTING;
    // Waiting for robots has a deadline of its own (asking again, then giving up): the Match Service's, not a player's.
    Instant deadline = !open || completed ? null : round.deadline();
    view.put("round", round == null ? 0 : round.number())
        .put("rounds", state.settings().rounds())
        .put("phase", phase == null ? null : phase.name())
        .put("prompt", open ? round.prompt() : null)
        .put("deadline", deadline == null ? null : deadline.toString())
        .put("secondsLeft", deadline == null ? null : Math.max(0, Duration.between(now, deadline).toSeconds()));

    Map<String, String> letters = round == null ? Map.of() : nz(round.letters());
    view.put("participants", new JsonArray(participants(state, round)));
    // How many, never which letters: the moment a letter acts would tell a human's pace from a robot's.
    view.put("answeredCount", seated(nz(round == null ? null : round.responses()).keySet(), letters));
    view.put("votedCount", seated(nz(round == null ? null : round.votes()).keySet(), letters));
    if (phase == Phase.VOTING || phase == Phase.SCORED) {
      view.put("responses", responsesByLetter(round));
    }
    if (you != null) {
      view.put("you", letters.get(you))
          .put("yourResponse", round == null ? null : nz(round.responses()).get(you))
          .put("yourVote", round == null ? null : nz(round.votes()).get(you));
    }

    JsonArray results = new JsonArray();
    for (Round r : state.rounds()) {
      if (r.phase() == Phase.SCORED) {
        results.add(result(r, you));
      }
    }
    view.put("results", results);
    if (you != null) {
      view.put("yourScore", nz(state.scores()).getOrDefault(you, 0));
    }
    if (completed) {
      reveal(state, you, view);
    }
    return view;
  }

  /** When a waiting quick-play match starts with whoever has come: the Match Service's rule, {@link MatchRules}. */
  public static Optional<Instant> lobbyDeadline(MatchState state) {
    return MatchRules.lobbyDeadline(state);
  }

  private static List<String> participants(MatchState state, Round round) {
    if (round == null) {
      return List.of();
    }
    // Before the robots are seated the letters map may hold only the humans: show every seat's letter instead.
    if (round.phase() == Phase.STARTING) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < state.settings().seats(); i++) {
        all.add(String.valueOf((char) ('A' + i)));
      }
      return all;
    }
    return new ArrayList<>(new TreeSet<>(nz(round.letters()).values()));
  }

  /** How many of these participants hold a letter in this round. */
  private static int seated(Iterable<String> participantIds, Map<String, String> letters) {
    int n = 0;
    for (String id : participantIds) {
      if (letters.containsKey(id)) {
        n++;
      }
    }
    return n;
  }

  private static JsonObject responsesByLetter(Round round) {
    Map<String, String> letters = nz(round.letters());
    TreeMap<String, Object> out = new TreeMap<>();
    nz(round.responses()).forEach((id, text) -> {
      String letter = letters.get(id);
      if (letter != null) {
        out.put(letter, text);
      }
    });
    return new JsonObject(new LinkedHashMap<>(out));
  }

  private static JsonObject result(Round r, String you) {
    TreeMap<String, Object> received = new TreeMap<>();
    nz(r.letters()).values().forEach(letter -> received.put(letter, 0));
    nz(r.votes()).values().forEach(letter -> received.merge(letter, 1, (a, b) -> (Integer) a + (Integer) b));
    JsonObject result = new JsonObject()
        .put("round", r.number())
        .put("prompt", r.prompt())
        .put("responses", responsesByLetter(r))
        .put("votesReceived", new JsonObject(new LinkedHashMap<>(received)));
    if (you != null) {
      result.put("yourLetter", nz(r.letters()).get(you))
          .put("yourVote", nz(r.votes()).get(you))
          .put("yourPoints", nz(r.points()).getOrDefault(you, 0));
    }
    return result;
  }

  private record Participant(String id, String name, boolean human, String persona) {}

  private static void reveal(MatchState state, String you, JsonObject view) {
    List<Participant> everyone = new ArrayList<>();
    state.players().forEach(p -> everyone.add(new Participant(p.playerId(), p.name(), true, null)));
    // Robots are known by their persona; two of the same kind get a number to tell them apart.
    Map<String, Integer> ofType = new HashMap<>();
    state.robots().forEach(r -> ofType.merge(r.type(), 1, Integer::sum));
    Map<String, Integer> seen = new HashMap<>();
    for (MatchState.Robot r : state.robots()) {
      int n = seen.merge(r.type(), 1, Integer::sum);
      String name = ofType.get(r.type()) > 1 ? r.type() + " #" + n : r.type();
      everyone.add(new Participant(r.robotId(), name, false, r.type()));
    }
    Map<String, Integer> scores = nz(state.scores());

    JsonArray reveal = new JsonArray();
    for (Participant p : everyone) {
      JsonArray letters = new JsonArray();
      state.rounds().forEach(r -> letters.add(nz(r.letters()).get(p.id())));
      JsonObject entry = new JsonObject().put("name", p.name()).put("human", p.human());
      if (!p.human()) {
        entry.put("persona", p.persona());
      }
      // The page marks you by this, not by your name: the server may have tidied the name you typed.
      if (p.id().equals(you)) {
        entry.put("you", true);
      }
      reveal.add(entry.put("letters", letters).put("score", scores.getOrDefault(p.id(), 0)));
    }
    view.put("reveal", reveal);

    JsonArray finalScores = new JsonArray();
    everyone.stream()
        .sorted(Comparator.comparingInt((Participant p) -> -scores.getOrDefault(p.id(), 0))
            .thenComparing(Participant::name))
        .forEach(p -> finalScores.add(new JsonObject().put("name", p.name())
            .put("score", scores.getOrDefault(p.id(), 0)).put("human", p.human())));
    view.put("finalScores", finalScores);
  }

  private static <K, V> Map<K, V> nz(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
