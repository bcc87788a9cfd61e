package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** Every event about one match, read back from Kafka, for players curious how the game unfolded. */
public interface EventLog {
  Future<JsonArray> of(MatchState match);
}
