package arena.shared.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The one envelope around every record on every topic. Field names follow the handbook; the same
 * values also travel as CloudEvents headers (ce_id, ce_type, ce_source, ce_time).
 *
 * @param key the record key: a matchId or a robotId, depending on the topic
 */
public record Envelope<E extends Event>(
    String eventId,
    String eventType,
    Instant occurredAt,
    String source,
    String correlationId,
    String causationId,
    String key,
    String matchId,
    int schemaVersion,
    E payload) {

  public static final int SCHEMA_VERSION = 1;

  /** A new event caused by {@code cause} (or a fresh chain when cause is null). */
  public static <E extends Event> Envelope<E> of(
      String eventType, String source, String key, E payload, String correlationId, String causationId) {
    String id = UUID.randomUUID().toString();
    return new Envelope<>(id, eventType, Instant.now(), source,
        correlationId != null ? correlationId : id, causationId, key, payload.matchId(), SCHEMA_VERSION, payload);
  }
}
