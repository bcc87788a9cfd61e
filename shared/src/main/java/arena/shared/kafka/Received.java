package arena.shared.kafka;

import arena.shared.events.Envelope;
import arena.shared.events.Event;

/** A decoded record, with where it was read from. */
public record Received(Topic topic, int partition, long offset, String key, Envelope<Event> envelope) {

  public Event payload() {
    return envelope.payload();
  }
}
