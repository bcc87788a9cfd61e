package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

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

  /**
   * A publisher of its own (never shared) whose records go out in transactions under {@code transactionalId}. The
   * instance that last called {@link #initTransactions()} with that id owns it: the broker fences every earlier
   * producer with the same id, so their sends and commits fail with {@link ProducerFencedException} from then on.
   * Readers with isolation.level=read_committed never see what a fenced producer wrote.
   */
  public static EventPublisher transactional(Vertx vertx, ArenaConfig config, String source,
      String transactionalId) {
    Map<String, String> props = KafkaClients.producer(config, "arena-" + source + "-tx");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, props);
    producer.exceptionHandler(t -> { }); // each failure reaches the future of its own call
    return new EventPublisher(producer, config, source);
  }

  /** Takes the transactional id over (fencing its earlier owner) and ends what that owner left open. */
  public Future<Void> initTransactions() {
    return producer.initTransactions();
  }

  /** Opens a transaction: what this publisher sends from now on becomes visible on commit, or never. */
  public Future<Void> beginTransaction() {
    return producer.beginTransaction();
  }

  /** Makes every record sent since {@link #beginTransaction()} visible to read_committed readers at once. */
  public Future<Void> commitTransaction() {
    return producer.commitTransaction();
  }

  /** Drops every record sent since {@link #beginTransaction()}: read_committed readers never see them. */
  public Future<Void> abortTransaction() {
    return producer.abortTransaction();
  }

  /** Whether {@code t} says another producer took this one's transactional id over: nothing it sends counts. */
  public static boolean fenced(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
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
    return producer.asStream().send(EventCodec.encode(config.topic(topic), envelope)).map(meta -> envelope);
  }

  /** Deletes {@code key} from the compacted {@code topic}: a record without a value. */
  public Future<RecordMetadata> tombstone(Topic topic, String key) {
    return producer.send(KafkaProducerRecord.create(config.topic(topic), key, null));
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
