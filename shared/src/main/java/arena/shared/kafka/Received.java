package arena.shared.kafka;

import arena.shared.events.Envelope;
import arena.shared.events.Event;

/**
 * A decoded record, with where it was read from. {@code envelope} is null for a tombstone: a record without a value,
 * a deleted key on a compacted topic.
 */
public record Received(Topic topic, int partition, long offset, String key, Envelope<Event> envelope) {

  /** The event, or null for a tombstone. */
  public Event payload() {
    return envelope == null ? null : envelope.payload();
  }

  public boolean tombstone() {
    return envelope == null;
  }
}
