package arena.gateway;

import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import io.vertx.core.Future;

/** Sends a player's command to the Match Service and waits for its verdict. */
public interface Commands {

  /**
   * Completes with {@link MatchEvent.CommandAccepted} once the change is visible in the projection, or with
   * {@link MatchEvent.CommandRejected}; fails with a 503 {@link ApiError} when the answer does not come in time.
   */
  Future<MatchEvent> send(String matchId, MatchCommand command);
}
