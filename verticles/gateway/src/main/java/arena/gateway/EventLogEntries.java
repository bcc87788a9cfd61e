package arena.gateway;

import arena.shared.Json;
import arena.shared.kafka.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Turns records read back from Kafka into the JSON of GET /api/matches/{id}/events. Pure. */
public final class EventLogEntries {
  static final String REDACTED = "redacted";
  private static final Comparator<Received> ORDER = Comparator
      .comparing((Received r) -> r.envelope().occurredAt())
      .thenComparing(r -> r.topic().baseName())
      .thenComparingInt(Received::partition)
      .thenComparingLong(Received::offset);

  private EventLogEntries() {}

  /** The records about {@code matchId}, in the order they happened. */
  public static JsonArray of(String matchId, List<Received> records) {
    JsonArray out = new JsonArray();
    records.stream()
        .filter(r -> Objects.equals(matchId, r.envelope().matchId()))
        .sorted(ORDER)
        .forEach(r -> out.add(entry(r)));
    return out;
  }

  static JsonObject entry(Received r) {
    var e = r.envelope();
    return new JsonObject()
        .put("topic", r.topic().baseName())
        .put("partition", r.partition())
        .put("offset", r.offset())
        .put("eventId", e.eventId())
        .put("eventType", e.eventType())
        .put("occurredAt", e.occurredAt().toString())
        .put("correlationId", e.correlationId())
        .put("causationId", e.causationId())
        .put("key", r.key())
        .put("source", e.source())
        .put("payload", redact(new JsonObject(Json.write(e.payload()))));
  }

  /** Token hashes stay inside Kafka: anyone may read a finished match's log. */
  static JsonObject redact(JsonObject json) {
    for (String field : List.copyOf(json.fieldNames())) {
      if (field.equals("tokenHash")) {
        json.put(field, REDACTED);
      } else {
        redactValue(json.getValue(field));
      }
    }
    return json;
  }

  private static void redactValue(Object value) {
    if (value instanceof JsonObject o) {
      redact(o);
    } else if (value instanceof JsonArray a) {
      a.forEach(EventLogEntries::redactValue);
    }
  }
}
