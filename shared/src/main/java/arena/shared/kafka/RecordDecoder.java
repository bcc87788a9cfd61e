package arena.shared.kafka;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes records where Kafka reads them: on the consumer's own polling thread, not on the verticle's event loop,
 * which is left the game's work (decoding was a fifth of the gateway's loop at 1,500 matches). Never throws: a
 * value that does not decode comes out with its reason, for the consumer to park; one of a type its reader never
 * uses is passed over by its {@code ce_type} header, undecoded.
 */
final class RecordDecoder implements Deserializer<RecordDecoder.Decoded> {

  /** A record's value as read: its text, and the envelope or why there is none. */
  record Decoded(String value, Envelope<Event> envelope, PoisonRecordException poison) {
    /** A record of a type its reader never uses. */
    static final Decoded UNUSED = new Decoded(null, null, null);
  }

  private final Map<String, Topic> topicsByName;
  /** Per topic name, the event types the reader never uses; set before the consumer starts polling. */
  private final Map<String, Set<String>> unused = new ConcurrentHashMap<>();

  RecordDecoder(Map<String, Topic> topicsByName) {
    this.topicsByName = Map.copyOf(topicsByName);
  }

  void unused(String topicName, Set<String> types) {
    unused.put(topicName, Set.copyOf(types));
  }

  @Override
  public Decoded deserialize(String topic, byte[] data) {
    return deserialize(topic, null, data);
  }

  @Override
  public Decoded deserialize(String topic, Headers headers, byte[] data) {
    if (data == null) {
      return null; // a tombstone
    }
    Set<String> skipped = unused.get(topic);
    Header type = skipped == null || headers == null ? null : headers.lastHeader("ce_type");
    if (type != null && skipped.contains(new String(type.value(), StandardCharsets.UTF_8))) {
      return Decoded.UNUSED;
    }
    String value = new String(data, StandardCharsets.UTF_8);
    try {
      return new Decoded(value, EventCodec.decode(topicsByName.get(topic), value), null);
    } catch (PoisonRecordException e) {
      return new Decoded(value, null, e);
    } catch (RuntimeException e) {
      return new Decoded(value, null, new PoisonRecordException("cannot decode: " + e, e));
    }
  }
}
