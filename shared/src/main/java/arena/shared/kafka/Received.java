package arena.shared.kafka;

import arena.shared.events.Envelope;
import arena.shared.events.Event;

/**
 * A decoded record, with where it was read from. A tombstone (a record with a null value: the key's entry is
 * deleted from a compacted topic) has no envelope and a null payload.
 */
public record Received(Topic topic, int partition, long offset, String key, Envelope<Event> envelope) {

  /** A tombstone read at {@code offset}. */
  public static Received tombstone(Topic topic, int partition, long offset, String key) {
    return new Received(topic, partition, offset, key, null);
  }

  public boolean tombstone() {
    return envelope == null;
  }

  public Event payload() {
    return envelope == null ? null : envelope.payload();
  }
}
