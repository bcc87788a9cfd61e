package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;

/**
 * Publishes events on the topic their type is registered with. Each role (source) of a JVM has its own Kafka
 * producer, shared by that role's verticle instances: a role whose sends block (broker slow or gone for its topics,
 * buffer full, max.block.ms) holds up no other role. A returned future completes once the broker has acknowledged
 * the record.
 */
public final class EventPublisher {
  private final KafkaProducer<String, String> producer;
  private final ArenaConfig config;
  private final String source;

  private EventPublisher(KafkaProducer<String, String> producer, ArenaConfig config, String source) {
    this.producer = producer;
    this.config = config;
    this.source = source;
  }

  /** {@code source} names the writing service in ce_source (e.g. "match-service"). */
  public static EventPublisher create(Vertx vertx, ArenaConfig config, String source) {
    // Shared by name across the JVM: the prefix keeps games on one cluster apart, the source keeps roles apart.
    KafkaProducer<String, String> producer = KafkaProducer.createShared(vertx,
        "arena-" + config.topic(Topic.MATCH_EVENTS) + "-" + source, KafkaClients.producer(config, "arena-" + source));
    return new EventPublisher(producer, config, source);
  }

  public <E extends Event> Envelope<E> envelope(String key, E payload, String correlationId, String causationId) {
    return Envelope.of(Topic.registrationOf(payload.getClass()).eventType(), source, key, payload,
        correlationId, causationId);
  }

  public <E extends Event> Future<Envelope<E>> publish(String key, E payload, String correlationId,
      String causationId) {
    return publish(envelope(key, payload, correlationId, causationId));
  }

  /** Publishes a reaction to {@code cause}: same correlation, caused by it. */
  public <E extends Event> Future<Envelope<E>> publishCausedBy(String key, E payload, Envelope<?> cause) {
    return publish(key, payload, cause.correlationId(), cause.eventId());
  }

  public <E extends Event> Future<Envelope<E>> publish(Envelope<E> envelope) {
    Topic topic = Topic.registrationOf(envelope.payload().getClass()).topic();
    return producer.send(EventCodec.encode(config.topic(topic), envelope)).map(meta -> envelope);
  }

  /** Sends a raw record as it is: for the dead-letter topic, which keeps the original bytes. */
  public Future<RecordMetadata> sendRaw(KafkaProducerRecord<String, String> record) {
    return producer.send(record);
  }

  /** The Kafka producer behind this publisher (tests check which roles share one). */
  org.apache.kafka.clients.producer.Producer<String, String> kafkaProducer() {
    return producer.unwrap();
  }

  public Future<Void> close() {
    // Bounded, so a stop with the broker gone ends; records not yet acknowledged were never confirmed to anyone.
    return producer.close(5000);
  }
}
