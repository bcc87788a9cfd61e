package arena.gateway;

import arena.shared.Json;
import arena.shared.kafka.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

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

  /**
   * The earliest {@code max} records of one match, in the order they happened, however many are added: memory stays
   * bounded by {@code max} whatever a match holds.
   */
  static final class Earliest {
    private final int max;
    // The latest kept record on top, so the one to drop when a earlier one comes is at hand.
    private final PriorityQueue<Received> kept;
    private boolean truncated;

    Earliest(int max) {
      this.max = max;
      this.kept = new PriorityQueue<>(ORDER.reversed());
    }

    void add(Received r) {
      if (kept.size() < max) {
        kept.add(r);
        return;
      }
      truncated = true;
      if (max > 0 && ORDER.compare(r, kept.peek()) < 0) {
        kept.poll();
        kept.add(r);
      }
    }

    boolean truncated() {
      return truncated;
    }

    List<Received> records() {
      List<Received> out = new ArrayList<>(kept);
      out.sort(ORDER);
      return out;
    }
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
