package arena.match;

import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Robot;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copy-on-write "with" helpers for the shared, immutable match state records. */
final class MatchStates {
  private MatchStates() {}

  /**
   * Whether {@code stored} may replace {@code known}: it is newer, or of the same version with at least as much
   * usage counted (a usage report keeps the version, so the version alone cannot order two such states).
   */
  static boolean supersedes(MatchState stored, MatchState known) {
    return stored.version() > known.version() || stored.version() == known.version()
        && stored.usage().counted().size() >= known.usage().counted().size();
  }

  static MatchState withVersion(MatchState s, long version) {
    return new MatchState(s.matchId(), s.settings(), s.status(), version, s.createdAt(), s.completedAt(),
        s.players(), s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage(), s.seed());
  }

  static MatchState withSettings(MatchState s, MatchSettings settings) {
    return new MatchState(s.matchId(), settings, s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage(), s.seed());
  }

  static MatchState withStatus(MatchState s, Status status, Instant completedAt) {
    return new MatchState(s.matchId(), s.settings(), status, s.version(), s.createdAt(), completedAt,
        s.players(), s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage(), s.seed());
  }

  static MatchState withPlayer(MatchState s, Player player) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        plus(s.players(), player), s.robots(), s.rounds(), plus(s.scores(), player.playerId(), 0),
        s.promptsUsed(), s.usage(), s.seed());
  }

  /** Remembers a robot for the reveal (once) and opens its score. */
  static MatchState withRobot(MatchState s, Robot robot) {
    boolean known = s.robots().stream().anyMatch(r -> r.robotId().equals(robot.robotId()));
    Map<String, Integer> scores = s.scores().containsKey(robot.robotId()) ? s.scores()
        : plus(s.scores(), robot.robotId(), 0);
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), known ? s.robots() : plus(s.robots(), robot), s.rounds(), scores, s.promptsUsed(), s.usage(), s.seed());
  }

  static MatchState withScores(MatchState s, Map<String, Integer> scores) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), s.rounds(), Collections.unmodifiableMap(new LinkedHashMap<>(scores)),
        s.promptsUsed(), s.usage(), s.seed());
  }

  static MatchState withUsage(MatchState s, Usage usage) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), s.rounds(), s.scores(), s.promptsUsed(), usage, s.seed());
  }

  static MatchState withNewRound(MatchState s, Round round, int promptIndex) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), plus(s.rounds(), round), s.scores(), plus(s.promptsUsed(), promptIndex),
        s.usage(), s.seed());
  }

  /** Replaces the current (last) round. */
  static MatchState withCurrentRound(MatchState s, Round round) {
    List<Round> rounds = new ArrayList<>(s.rounds());
    rounds.set(rounds.size() - 1, round);
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), Collections.unmodifiableList(rounds), s.scores(), s.promptsUsed(), s.usage(), s.seed());
  }

  static Round withPhase(Round r, Phase phase, Instant deadline) {
    return new Round(r.number(), phase, r.prompt(), deadline, r.letters(), r.robotsRequest(), r.responses(),
        r.votes(), r.points(), r.since());
  }

  static Round withWaitSince(Round r, Instant since) {
    return new Round(r.number(), r.phase(), r.prompt(), r.deadline(), r.letters(), r.robotsRequest(), r.responses(),
        r.votes(), r.points(), since);
  }

  static Round withLetters(Round r, Map<String, String> letters) {
    return new Round(r.number(), r.phase(), r.prompt(), r.deadline(),
        Collections.unmodifiableMap(new LinkedHashMap<>(letters)), r.robotsRequest(), r.responses(), r.votes(),
        r.points(), r.since());
  }

  static Round withResponse(Round r, String participantId, String text) {
    return new Round(r.number(), r.phase(), r.prompt(), r.deadline(), r.letters(), r.robotsRequest(),
        plus(r.responses(), participantId, text), r.votes(), r.points(), r.since());
  }

  static Round withVote(Round r, String participantId, String letter) {
    return new Round(r.number(), r.phase(), r.prompt(), r.deadline(), r.letters(), r.robotsRequest(),
        r.responses(), plus(r.votes(), participantId, letter), r.points(), r.since());
  }

  static Round withPoints(Round r, Map<String, Integer> points) {
    return new Round(r.number(), r.phase(), r.prompt(), r.deadline(), r.letters(), r.robotsRequest(),
        r.responses(), r.votes(), Collections.unmodifiableMap(new LinkedHashMap<>(points)), r.since());
  }

  private static <T> List<T> plus(List<T> list, T item) {
    List<T> copy = new ArrayList<>(list);
    copy.add(item);
    return Collections.unmodifiableList(copy);
  }

  private static <V> Map<String, V> plus(Map<String, V> map, String key, V value) {
    Map<String, V> copy = new LinkedHashMap<>(map);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }
}
