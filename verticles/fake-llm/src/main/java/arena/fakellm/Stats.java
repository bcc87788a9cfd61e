package arena.fakellm;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Counts of LLM requests since the last reset: {@code inFlight} are received and not yet answered (nor given up
 * by their client); {@code byBehaviour} is keyed by {@link Behaviour} name, and "REJECTED" for 401/400.
 */
public record Stats(long total, long inFlight, long maxInFlight, Map<String, Long> byBehaviour) {
  public static final String REJECTED = "REJECTED";

  public long count(Behaviour behaviour) {
    return byBehaviour.getOrDefault(behaviour.name(), 0L);
  }

  public JsonObject toJson() {
    JsonObject by = new JsonObject();
    byBehaviour.forEach(by::put);
    return new JsonObject().put("total", total).put("inFlight", inFlight).put("maxInFlight", maxInFlight)
        .put("byBehaviour", by);
  }
}
