package arena.gateway;

import arena.shared.events.LlmUsage;
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
import java.util.List;
import java.util.Map;

/** A match of two humans (Ann, Bob) and two robots, in any moment of its life, for tests. */
final class Matches {
  static final String MATCH = "m-1";
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  static final String ANN_TOKEN = "annTokenannTokenannTokenannTokenannTokenann";
  static final String BOB_TOKEN = "bobTokenbobTokenbobTokenbobTokenbobTokenbob";
  static final Player ANN = new Player("player-ann-0001", "Ann", Tokens.hash(ANN_TOKEN), NOW.minusSeconds(300));
  static final Player BOB = new Player("player-bob-0002", "Bob", Tokens.hash(BOB_TOKEN), NOW.minusSeconds(290));
  static final Robot CURIOUS = new Robot("robot-7f3a-curious", "curious-student");
  static final Robot ARTIST = new Robot("robot-91bc-artist", "creative-artist");
  static final MatchSettings SETTINGS = new MatchSettings(4, 2, 2, 60, 30, 5);
  static final MatchSettings QUICK_PLAY = new MatchSettings(4, 3, 2, 60, 30, 5, 10, true);

  /** Every secret a view must keep until the match is over; what the robots spent would give them away. */
  static final List<String> SECRETS = List.of(ANN.playerId(), BOB.playerId(), "Ann", "Bob", ANN.tokenHash(),
      BOB.tokenHash(), CURIOUS.robotId(), ARTIST.robotId(), CURIOUS.type(), ARTIST.type(), "\"human\"", "persona",
      "placeholder", "usage", "Usage", "costUsd", "inputTokens", "outputTokens", "cmd-1");

  /** What the robots have spent once they played: a robot's cost would give it away. */
  static final Usage USAGE = new Usage(new LlmUsage(6, 1, 4200, 380, 0.0123),
      List.of("cmd-1/response", "cmd-2/response", "cmd-3/vote", "cmd-4/vote", "cmd-5/response", "cmd-6/response"));

  private Matches() {}

  static MatchState waiting(Player... joined) {
    return state(Status.WAITING, 2, List.of(joined), List.of(), List.of(), Map.of());
  }

  /** A quick-play match waiting in its lobby for more humans. */
  static MatchState quickPlayWaiting(Player... joined) {
    MatchState s = waiting(joined);
    return new MatchState(s.matchId(), QUICK_PLAY, s.status(), s.version(), s.createdAt(), null, s.players(),
        s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage());
  }

  /** A match that only Ann joined, expired in its lobby. */
  static MatchState expired() {
    MatchState s = state(Status.EXPIRED, 3, List.of(ANN), List.of(), List.of(), Map.of(ANN.playerId(), 0));
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), NOW, s.players(),
        s.robots(), s.rounds(), s.scores(), List.of(), Usage.NONE);
  }

  /** Round 2 waited too long for its robots: the match ended as cancelled. */
  static MatchState cancelled() {
    MatchState s = running(Phase.STARTING);
    return new MatchState(s.matchId(), s.settings(), Status.CANCELLED, s.version() + 1, s.createdAt(), NOW,
        s.players(), s.robots(), s.rounds(), s.scores(), List.of(), Usage.NONE);
  }

  /** Round 1 finished (Ann scored 1: she voted for Bob's letter), round 2 in {@code phase}. */
  static MatchState running(Phase phase) {
    return state(Status.RUNNING, 10, List.of(ANN, BOB), List.of(CURIOUS, ARTIST),
        List.of(round1(), round2(phase)), Map.of(ANN.playerId(), 1, BOB.playerId(), 2, CURIOUS.robotId(), 1));
  }

  static MatchState completed() {
    return state(Status.COMPLETED, 20, List.of(ANN, BOB), List.of(CURIOUS, ARTIST),
        List.of(round1(), round2(Phase.SCORED)),
        Map.of(ANN.playerId(), 2, BOB.playerId(), 4, CURIOUS.robotId(), 3, ARTIST.robotId(), 0));
  }

  static Round round1() {
    return new Round(1, Phase.SCORED, "Describe your ideal Sunday.", NOW.minusSeconds(100),
        Map.of(ANN.playerId(), "A", CURIOUS.robotId(), "B", BOB.playerId(), "C", ARTIST.robotId(), "D"), "req-1",
        Map.of(ANN.playerId(), "Pancakes.", BOB.playerId(), "Hiking!", CURIOUS.robotId(), "Reading about stars.",
            ARTIST.robotId(), "Painting clouds."),
        Map.of(ANN.playerId(), "C", BOB.playerId(), "B", CURIOUS.robotId(), "C", ARTIST.robotId(), "A"),
        Map.of(ANN.playerId(), 1, BOB.playerId(), 0, CURIOUS.robotId(), 1, ARTIST.robotId(), 0));
  }

  /** Round 2: Ann is D, Bob is B. Before seating, the robots' letters wait under placeholder keys. */
  static Round round2(Phase phase) {
    boolean seated = phase != Phase.STARTING;
    Map<String, String> letters = seated
        ? Map.of(ANN.playerId(), "D", BOB.playerId(), "B", CURIOUS.robotId(), "A", ARTIST.robotId(), "C")
        : Map.of(ANN.playerId(), "D", BOB.playerId(), "B", "placeholder-1", "A", "placeholder-2", "C");
    Map<String, String> responses = switch (phase) {
      case STARTING -> Map.of();
      case RESPONDING -> Map.of(ANN.playerId(), "Coffee first.", ARTIST.robotId(), "Sketching.");
      default -> Map.of(ANN.playerId(), "Coffee first.", ARTIST.robotId(), "Sketching.",
          BOB.playerId(), "Sleeping in.");
    };
    Map<String, String> votes = switch (phase) {
      case VOTING -> Map.of(BOB.playerId(), "D");
      case SCORED -> Map.of(BOB.playerId(), "D", ANN.playerId(), "A", CURIOUS.robotId(), "D");
      default -> Map.of();
    };
    Map<String, Integer> points = phase == Phase.SCORED
        ? Map.of(ANN.playerId(), 1, BOB.playerId(), 2, CURIOUS.robotId(), 2, ARTIST.robotId(), 0) : Map.of();
    return new Round(2, phase, "What smell takes you back to childhood?", NOW.plusSeconds(42), letters, "req-2",
        responses, votes, points);
  }

  static MatchState state(Status status, long version, List<Player> players, List<Robot> robots,
      List<Round> rounds, Map<String, Integer> scores) {
    return new MatchState(MATCH, SETTINGS, status, version, NOW.minusSeconds(600),
        status == Status.COMPLETED ? NOW : null, new ArrayList<>(players), robots, rounds, scores, List.of(3, 7),
        status == Status.WAITING ? Usage.NONE : USAGE);
  }

  static MatchState withVersion(MatchState s, long version) {
    return new MatchState(s.matchId(), s.settings(), s.status(), version, s.createdAt(), s.completedAt(),
        s.players(), s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage());
  }
}
