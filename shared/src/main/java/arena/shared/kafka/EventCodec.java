package arena.shared.kafka;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one codec: an {@link Envelope} becomes a JSON value (readable with kafka-console-consumer) plus
 * CloudEvents headers, and back. Anything that does not decode is a {@link PoisonRecordException}.
 */
public final class EventCodec {
  private EventCodec() {}

  /**
   * The record for {@code envelope} on {@code topicName}, with its CloudEvents headers. A Kafka record rather than
   * Vert.x's: that one holds each header in a buffer of its own and copies it again on the way out, per record.
   */
  public static ProducerRecord<String, String> encode(String topicName, Envelope<?> envelope) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, "ce_specversion", "1.0");
    header(headers, "ce_id", envelope.eventId());
    header(headers, "ce_type", envelope.eventType());
    header(headers, "ce_source", envelope.source());
    header(headers, "ce_time", envelope.occurredAt().toString());
    header(headers, "content-type", "application/json");
    if (envelope.correlationId() != null) {
      header(headers, "ce_correlationid", envelope.correlationId());
    }
    return new ProducerRecord<>(topicName, null, envelope.key(), Json.write(envelope), headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a value read from {@code topic}; event types that belong to other topics are poison here. One pass over
   * the text: the payload is bound to its class as it is read (the type comes before it, as written here), or
   * buffered first when a producer wrote it before its type.
   */
  public static Envelope<Event> decode(Topic topic, String value) {
    if (value == null || value.isBlank()) {
      throw new PoisonRecordException("empty value");
    }
    Map<String, String> fields = new HashMap<>();
    int schemaVersion = -1;
    String schemaText = null; // null until read
    Object payload = null; // the event, or a payload buffered before its type came
    List<String> causes = null;
    try (JsonParser parser = Json.MAPPER.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new PoisonRecordException("not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        if (name.equals("payload")) {
          String type = fields.get("eventType");
          payload = type == null ? TokenBuffer.asCopyOfValue(parser)
              : bind(topic, type, parser, schemaVersion, schemaText);
        } else if (name.equals("schemaVersion")) {
          schemaVersion = token.isScalarValue() ? parser.getValueAsInt(-1) : -1;
          schemaText = token.isScalarValue() ? parser.getText() : "";
          parser.skipChildren();
        } else if (name.equals("causes") && token == JsonToken.START_ARRAY) {
          causes = strings(parser);
        } else if (token == JsonToken.VALUE_STRING) {
          fields.put(name, parser.getText());
        } else {
          fields.remove(name); // not text: as good as missing
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new PoisonRecordException("not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    String eventType = text(fields, "eventType");
    if (topic.classOf(eventType).isEmpty()) {
      throw new PoisonRecordException("unknown event type '" + eventType + "' on " + topic.baseName());
    }
    checkSchema(schemaVersion, schemaText == null ? "" : schemaText);
    if (payload instanceof TokenBuffer early) {
      try (JsonParser buffered = early.asParser(Json.MAPPER)) {
        buffered.nextToken();
        payload = bind(topic, eventType, buffered, schemaVersion, schemaText);
      } catch (IOException e) {
        throw new PoisonRecordException("bad payload for " + eventType + ": " + e.getMessage(), e);
      }
    }
    if (payload == null) {
      throw new PoisonRecordException("no payload");
    }
    Instant occurredAt;
    try {
      occurredAt = Instant.parse(text(fields, "occurredAt"));
    } catch (PoisonRecordException e) {
      throw e;
    } catch (Exception e) {
      throw new PoisonRecordException("bad occurredAt", e);
    }
    return new Envelope<>(text(fields, "eventId"), eventType, occurredAt, fields.get("source"),
        fields.get("correlationId"), fields.get("causationId"), causes, fields.get("key"), fields.get("matchId"),
        schemaVersion, (Event) payload);
  }

  /** The array of text the parser stands on; null (as if missing) if anything in it is not text. */
  private static List<String> strings(JsonParser parser) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        parser.skipChildren();
        out = null;
      } else if (out != null) {
        out.add(parser.getText());
      }
    }
    return out;
  }

  /**
   * The payload the parser stands on, bound to its type's class; null for a type unknown here (reported once the
   * whole value is read). Well-formed JSON that does not fit the class is poison at once, unless the envelope's
   * schema version, if already read, is poison first.
   */
  private static Event bind(Topic topic, String eventType, JsonParser parser, int schemaVersion, String schemaText)
      throws IOException {
    Class<? extends Event> cls = topic.classOf(eventType).orElse(null);
    if (cls == null) {
      parser.skipChildren();
      return null;
    }
    try {
      return Json.MAPPER.readValue(parser, cls);
    } catch (DatabindException e) {
      if (schemaText != null) {
        checkSchema(schemaVersion, schemaText);
      }
      throw new PoisonRecordException("bad payload for " + eventType + ": " + e.getMessage(), e);
    }
  }

  private static void checkSchema(int schemaVersion, String schemaText) {
    if (schemaVersion < 1 || schemaVersion > Envelope.SCHEMA_VERSION) {
      throw new PoisonRecordException("unsupported schemaVersion " + schemaText);
    }
  }

  private static String text(Map<String, String> fields, String field) {
    String v = fields.get(field);
    if (v == null || v.isBlank()) {
      throw new PoisonRecordException("missing " + field);
    }
    return v;
  }
}
