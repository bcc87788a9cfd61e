package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** Every event about one match, read back from Kafka, for players curious how the game unfolded. */
public interface EventLog {
  /**
   * The match's events in the order they happened.
   *
   * @param truncated the match has more events than one answer may hold: these are its earliest
   */
  record Trail(JsonArray events, boolean truncated) {}

  Future<Trail> of(MatchState match);
}
