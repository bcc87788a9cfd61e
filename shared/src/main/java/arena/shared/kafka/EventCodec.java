package arena.shared.kafka;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.List;

/**
 * The one codec: an {@link Envelope} becomes a JSON value (readable with kafka-console-consumer) plus
 * CloudEvents headers, and back. Anything that does not decode is a {@link PoisonRecordException}.
 */
public final class EventCodec {
  private EventCodec() {}

  public static KafkaProducerRecord<String, String> encode(String topicName, Envelope<?> envelope) {
    KafkaProducerRecord<String, String> record =
        KafkaProducerRecord.create(topicName, envelope.key(), Json.write(envelope));
    record.addHeaders(List.of(
        KafkaHeader.header("ce_specversion", "1.0"),
        KafkaHeader.header("ce_id", envelope.eventId()),
        KafkaHeader.header("ce_type", envelope.eventType()),
        KafkaHeader.header("ce_source", envelope.source()),
        KafkaHeader.header("ce_time", envelope.occurredAt().toString()),
        KafkaHeader.header("content-type", "application/json")));
    if (envelope.correlationId() != null) {
      record.addHeader("ce_correlationid", envelope.correlationId());
    }
    return record;
  }

  /** Decodes a value read from {@code topic}; event types that belong to other topics are poison here. */
  public static Envelope<Event> decode(Topic topic, String value) {
    if (value == null || value.isBlank()) {
      throw new PoisonRecordException("empty value");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(value);
    } catch (Exception e) {
      throw new PoisonRecordException("not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (node == null || !node.isObject()) {
      throw new PoisonRecordException("not a JSON object");
    }
    String eventType = text(node, "eventType");
    Class<? extends Event> cls = topic.classOf(eventType)
        .orElseThrow(() -> new PoisonRecordException("unknown event type '" + eventType + "' on " + topic.baseName()));
    int schemaVersion = node.path("schemaVersion").asInt(-1);
    if (schemaVersion < 1 || schemaVersion > Envelope.SCHEMA_VERSION) {
      throw new PoisonRecordException("unsupported schemaVersion " + node.path("schemaVersion"));
    }
    Event payload;
    try {
      payload = Json.MAPPER.treeToValue(node.get("payload"), cls);
    } catch (Exception e) {
      throw new PoisonRecordException("bad payload for " + eventType + ": " + e.getMessage(), e);
    }
    if (payload == null) {
      throw new PoisonRecordException("no payload");
    }
    Instant occurredAt;
    try {
      occurredAt = Instant.parse(text(node, "occurredAt"));
    } catch (PoisonRecordException e) {
      throw e;
    } catch (Exception e) {
      throw new PoisonRecordException("bad occurredAt", e);
    }
    return new Envelope<>(text(node, "eventId"), eventType, occurredAt, node.path("source").asText(null),
        node.path("correlationId").asText(null), node.path("causationId").asText(null),
        node.path("key").asText(null), node.path("matchId").asText(null), schemaVersion, payload);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new PoisonRecordException("missing " + field);
    }
    return v.asText();
  }
}
