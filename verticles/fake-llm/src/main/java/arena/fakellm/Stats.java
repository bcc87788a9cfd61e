package arena.fakellm;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Counts of LLM requests since the last reset: {@code inFlight} are received and not yet answered (nor given up
 * by their client); {@code byBehaviour} is keyed by {@link Behaviour} name, and "REJECTED" for 401/400;
 * {@code connections} were opened by clients; {@code late} is how late the replies (of the latest 10,000) went out
 * after their drawn latency, this server's own queueing.
 */
public record Stats(long total, long inFlight, long maxInFlight, Map<String, Long> byBehaviour, long connections,
    Late late) {
  public static final String REJECTED = "REJECTED";

  /** Of {@code count} replies, in milliseconds with fractions; all zero before the first. */
  public record Late(long count, double p50Ms, double p99Ms, double maxMs) {}

  public long count(Behaviour behaviour) {
    return byBehaviour.getOrDefault(behaviour.name(), 0L);
  }

  public JsonObject toJson() {
    JsonObject by = new JsonObject();
    byBehaviour.forEach(by::put);
    return new JsonObject().put("total", total).put("inFlight", inFlight).put("maxInFlight", maxInFlight)
        .put("byBehaviour", by).put("connections", connections)
        .put("late", new JsonObject().put("count", late.count()).put("p50Ms", late.p50Ms()).put("p99Ms", late.p99Ms())
            .put("maxMs", late.maxMs()));
  }
}
