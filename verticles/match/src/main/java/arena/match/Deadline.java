package arena.match;

import arena.shared.game.MatchRules;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A timer going off for one phase of one round, for the lobby of a waiting match (round 0, no phase), or for
 * forgetting a match that is over ({@code forget}); it does nothing unless it is still the deadline the match
 * waits for.
 */
public record Deadline(String matchId, int round, Phase phase, Instant at, boolean forget) {

  /** A deadline of a waiting or running match. */
  public Deadline(String matchId, int round, Phase phase, Instant at) {
    this(matchId, round, phase, at, false);
  }

  /**
   * The deadline the match is waiting for, if any. A waiting match waits for the earlier of its quick-play lobby
   * closing ({@link MatchRules#lobbyDeadline}) and its expiry ({@link MatchRules#expiresAt}). Derived from the state
   * alone, never stored, so a recovered match re-arms the same instant. A running match always waits for one:
   * its robots (asked again every {@code match.robotWaitSeconds}), answers, votes or intermission. A match that
   * is over waits to be forgotten, {@code match.retainMinutes} after it ended.
   */
  public static Optional<Deadline> of(MatchState state, MatchRules rules) {
    if (state == null) {
      return Optional.empty();
    }
    if (state.status() == Status.WAITING) {
      return Stream.of(MatchRules.lobbyDeadline(state), rules.expiresAt(state)).flatMap(Optional::stream)
          .min(Instant::compareTo).map(at -> new Deadline(state.matchId(), 0, null, at));
    }
    if (state.status().over()) {
      return Optional.ofNullable(state.completedAt()).map(ended -> new Deadline(state.matchId(),
          state.rounds().size(), null, ended.plus(Duration.ofMinutes(rules.retainMinutes())), true));
    }
    if (state.status() != Status.RUNNING) {
      return Optional.empty();
    }
    // A round stored before waiting for robots had a deadline asks again at once (its match's creation is past).
    return state.currentRound()
        .map(r -> new Deadline(state.matchId(), r.number(), r.phase(),
            r.deadline() == null && r.phase() == Phase.STARTING ? state.createdAt() : r.deadline()))
        .filter(d -> d.at() != null);
  }

  public boolean lobby() {
    return !forget && round == 0 && phase == null;
  }

  /** For logs. */
  public String describe() {
    return forget ? "its retention" : lobby() ? "the lobby" : phase + " of round " + round;
  }
}
