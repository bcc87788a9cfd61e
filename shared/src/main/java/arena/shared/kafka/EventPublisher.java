package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Publishes events on the topic their type is registered with. Each role (source) of a JVM has its own Kafka
 * producer, shared by that role's verticle instances: a role whose sends block (broker slow or gone for its topics,
 * buffer full, max.block.ms) holds up no other role. A returned future completes once the broker has acknowledged
 * the record.
 */
public final class EventPublisher {
  /** Kafka's default max.request.size (1 MiB). */
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  private final KafkaProducer<String, String> producer;
  private final ArenaConfig config;
  private final String source;
  /** The producer's max.request.size: a larger record fails its send, and its transaction, on every try. */
  private final int maxRecordBytes;

  private EventPublisher(KafkaProducer<String, String> producer, ArenaConfig config, String source,
      Map<String, String> props) {
    this.producer = producer;
    this.config = config;
    this.source = source;
    String max = props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    this.maxRecordBytes = max == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(max.trim());
  }

  /** {@code source} names the writing service in ce_source (e.g. "match-service"). */
  public static EventPublisher create(Vertx vertx, ArenaConfig config, String source) {
    // Shared by name across the JVM: the prefix keeps games on one cluster apart, the source keeps roles apart.
    Map<String, String> props = KafkaClients.producer(config, "arena-" + source);
    KafkaProducer<String, String> producer = KafkaProducer.createShared(vertx,
        "arena-" + config.topic(Topic.MATCH_EVENTS) + "-" + source, props);
    return new EventPublisher(producer, config, source, props);
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
    return new EventPublisher(producer, config, source, props);
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
    return send(encode(envelope)).map(meta -> envelope);
  }

  /** The record {@link #publish} sends for {@code envelope}, on the topic its type is registered with. */
  public ProducerRecord<String, String> encode(Envelope<?> envelope) {
    Topic topic = Topic.registrationOf(envelope.payload().getClass()).topic();
    return EventCodec.encode(config.topic(topic), envelope);
  }

  /** Sends a record made by {@link #encode}; completes once the broker has acknowledged it. */
  public Future<Void> send(ProducerRecord<String, String> record) {
    return producer.asStream().send(record).mapEmpty();
  }

  /**
   * The bytes by which {@code record} is larger than this publisher's producer sends (max.request.size, sized as the
   * producer sizes it); 0 or less if it fits. Kafka refuses a larger record for good: sent in a transaction, it fails
   * the transaction on every try.
   */
  public int oversize(ProducerRecord<String, String> record) {
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key,
        value, record.headers().toArray()) - maxRecordBytes;
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
