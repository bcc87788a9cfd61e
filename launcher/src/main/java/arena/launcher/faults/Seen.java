package arena.launcher.faults;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.kafka.Topic;
import java.time.Instant;

/** A record the suite read from a topic, decoded, with where and when the broker has it. */
record Seen(Topic topic, int partition, long offset, Instant at, Envelope<Event> envelope) {
  Event payload() {
    return envelope.payload();
  }

  String type() {
    return envelope.eventType();
  }
}
