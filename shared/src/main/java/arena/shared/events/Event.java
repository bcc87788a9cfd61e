package arena.shared.events;

/**
 * The payload of a record. Every implementation is an immutable record registered with exactly one
 * {@link arena.shared.kafka.Topic}, which names its event type.
 */
public interface Event {
  /** The match this event is about, or null for pool-wide events. */
  String matchId();
}
