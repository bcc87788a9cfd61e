package arena.shared.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The one envelope around every record on every topic. Field names follow the handbook; the same
 * values also travel as CloudEvents headers (ce_id, ce_type, ce_source, ce_time).
 *
 * @param causes the inputs a record folds, in order, when it folds more than one: a match state written once for
 *               several inputs of its match that came together; {@code causationId} is then the last of them.
 *               Null otherwise, and left out of the JSON.
 * @param key the record key: a matchId or a robotId, depending on the topic
 */
public record Envelope<E extends Event>(
    String eventId,
    String eventType,
    Instant occurredAt,
    String source,
    String correlationId,
    String causationId,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> causes,
    String key,
    String matchId,
    int schemaVersion,
    E payload) {

  public static final int SCHEMA_VERSION = 1;

  public Envelope {
    causes = causes == null ? null : List.copyOf(causes);
  }

  /** An envelope of one cause (or none): every record but a state that folds several inputs. */
  public Envelope(String eventId, String eventType, Instant occurredAt, String source, String correlationId,
      String causationId, String key, String matchId, int schemaVersion, E payload) {
    this(eventId, eventType, occurredAt, source, correlationId, causationId, null, key, matchId, schemaVersion,
        payload);
  }

  /** This envelope, caused by {@code causes} in order: the last is its causation, and one alone is just that. */
  public Envelope<E> folding(List<String> causes) {
    return new Envelope<>(eventId, eventType, occurredAt, source, correlationId, causes.get(causes.size() - 1),
        causes.size() > 1 ? causes : null, key, matchId, schemaVersion, payload);
  }

  /** A new event caused by {@code cause} (or a fresh chain when cause is null). */
  public static <E extends Event> Envelope<E> of(
      String eventType, String source, String key, E payload, String correlationId, String causationId) {
    String id = UUID.randomUUID().toString();
    return new Envelope<>(id, eventType, Instant.now(), source,
        correlationId != null ? correlationId : id, causationId, key, payload.matchId(), SCHEMA_VERSION, payload);
  }
}
