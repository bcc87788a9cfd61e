package arena.match;

import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import java.time.Instant;
import java.util.Optional;

/** A timer going off for one phase of one round; it does nothing unless that phase is still current. */
public record Deadline(String matchId, int round, Phase phase, Instant at) {

  /** The deadline the match is waiting for, if any. */
  public static Optional<Deadline> of(MatchState state) {
    if (state == null || state.status() != MatchState.Status.RUNNING) {
      return Optional.empty();
    }
    return state.currentRound().filter(r -> r.deadline() != null)
        .map(r -> new Deadline(state.matchId(), r.number(), r.phase(), r.deadline()));
  }
}
