package arena.match;

import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Status;
import java.time.Instant;
import java.util.Optional;

/**
 * A timer going off for one phase of one round, or for the lobby of a waiting match (round 0, no phase); it
 * does nothing unless it is still the deadline the match waits for.
 */
public record Deadline(String matchId, int round, Phase phase, Instant at) {

  /** The deadline the match is waiting for, if any. */
  public static Optional<Deadline> of(MatchState state) {
    if (state == null) {
      return Optional.empty();
    }
    if (state.status() == Status.WAITING) {
      return lobbyCloses(state);
    }
    if (state.status() != Status.RUNNING) {
      return Optional.empty();
    }
    return state.currentRound().filter(r -> r.deadline() != null)
        .map(r -> new Deadline(state.matchId(), r.number(), r.phase(), r.deadline()));
  }

  /**
   * When a waiting quick-play match stops waiting for more humans: lobbySeconds after its first human joined.
   * Derived from the state rather than stored, so a recovered match re-arms the same instant.
   */
  public static Optional<Instant> lobbyDeadline(MatchState state) {
    if (state == null || state.status() != Status.WAITING || state.settings().lobbySeconds() <= 0
        || state.players().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(state.players().get(0).joinedAt().plusSeconds(state.settings().lobbySeconds()));
  }

  private static Optional<Deadline> lobbyCloses(MatchState state) {
    return lobbyDeadline(state).map(at -> new Deadline(state.matchId(), 0, null, at));
  }

  public boolean lobby() {
    return round == 0 && phase == null;
  }

  /** For logs. */
  public String describe() {
    return lobby() ? "the lobby" : phase + " of round " + round;
  }
}
