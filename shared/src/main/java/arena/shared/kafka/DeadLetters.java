package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks unreadable records on the dead-letter topic, keeping the original key, value and headers and adding
 * where the record came from and why (header names follow SmallRye Reactive Messaging's dead-letter queue).
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private DeadLetters() {}

  /** A record that could not be used, and why. */
  public record Letter(String topic, int partition, long offset, String key, String value, List<KafkaHeader> headers,
      String reason, Throwable cause) {

    static Letter of(KafkaConsumerRecord<String, RecordDecoder.Decoded> record, String reason, Throwable cause) {
      return new Letter(record.topic(), record.partition(), record.offset(), record.key(),
          record.value() == null ? null : record.value().value(), record.headers(), reason, cause);
    }
  }

  /**
   * A record parked on the dead-letter topic, as its provenance headers tell (a header missing is null): the
   * consumer that parked it, where it was read from and why it was parked; {@code timestamp} is the dead letter's
   * own Kafka timestamp (ms). No value: it may be large, and is not the operator's overview.
   */
  public record Parked(String consumer, String topic, String partition, String offset, String reason, String cause,
      String time, String key, long timestamp) {

    static Parked of(ConsumerRecord<String, String> record) {
      return new Parked(header(record, "dead-letter-consumer"), header(record, "dead-letter-topic"),
          header(record, "dead-letter-partition"), header(record, "dead-letter-offset"),
          header(record, "dead-letter-reason"), header(record, "dead-letter-cause"), header(record, "dead-letter-time"),
          record.key(), record.timestamp());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
      Header h = record.headers().lastHeader(name);
      return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The {@code count} latest dead letters of the whole cluster, newest first: the last {@code count} of each
   * partition of the dead-letter topic, up to the end it had when the read began, so the read is bounded however
   * many there are and however fast more come. BLOCKING: call it from {@code executeBlocking} only; fails after
   * {@code timeout}.
   */
  public static List<Parked> recent(ArenaConfig config, int count, Duration timeout) throws TimeoutException {
    Map<String, Object> props = new HashMap<>(KafkaClients.standalone(config,
        "arena-ops-dead-letters-" + UUID.randomUUID().toString().substring(0, 8)));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      return recent(consumer, config.topic(Topic.DEAD_LETTERS), count, timeout, System::nanoTime);
    }
  }

  static List<Parked> recent(Consumer<String, String> consumer, String name, int count, Duration timeout,
      java.util.function.LongSupplier nanoTime) throws TimeoutException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    List<PartitionInfo> infos = consumer.partitionsFor(name, timeout);
    if (infos == null || infos.isEmpty()) {
      return List.of();
    }
    List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
    for (TopicPartition tp : parts) {
      consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - count));
    }
    List<Parked> found = new ArrayList<>();
    while (parts.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
      if (nanoTime.getAsLong() > deadline) {
        throw new TimeoutException("reading the last " + count + " records of " + name + " took over " + timeout);
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
          found.add(Parked.of(record));
        }
      }
    }
    return found.stream().sorted(Comparator.comparingLong(Parked::timestamp).reversed()).limit(count).toList();
  }

  /** Fails when the record could not be parked: then it must not be committed, and is tried again. */
  public static Future<Void> park(EventPublisher publisher, ArenaConfig config, String consumer, Letter letter) {
    log.warn("{}: parking record {}-{}@{}: {}", consumer, letter.topic(), letter.partition(), letter.offset(),
        letter.reason());
    KafkaProducerRecord<String, String> dead =
        KafkaProducerRecord.create(config.topic(Topic.DEAD_LETTERS), letter.key(), letter.value());
    letter.headers().forEach(dead::addHeader);
    dead.addHeader("dead-letter-topic", letter.topic());
    dead.addHeader("dead-letter-partition", String.valueOf(letter.partition()));
    dead.addHeader("dead-letter-offset", String.valueOf(letter.offset()));
    dead.addHeader("dead-letter-consumer", consumer);
    dead.addHeader("dead-letter-reason", letter.reason() == null ? "unknown" : letter.reason());
    dead.addHeader("dead-letter-cause", letter.cause() == null ? "none" : letter.cause().getClass().getName());
    dead.addHeader("dead-letter-time", Instant.now().toString());
    Future<Void> sent;
    try {
      sent = publisher.sendRaw(dead).mapEmpty();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent
        .onSuccess(v -> counter(consumer, letter.topic()).increment())
        .onFailure(t -> log.error("{}: could not park record {}-{}@{}: {}", consumer, letter.topic(),
            letter.partition(), letter.offset(), t.toString()));
  }

  /** Parks every letter, one after another; fails at the first that could not be parked. */
  public static Future<Void> parkAll(EventPublisher publisher, ArenaConfig config, String consumer,
      List<Letter> letters) {
    Future<Void> chain = Future.succeededFuture();
    for (Letter letter : letters) {
      chain = chain.compose(v -> park(publisher, config, consumer, letter));
    }
    return chain;
  }

  /** Records {@code consumer} parked from {@code topic}: {@code arena_records_dead_lettered_total}. */
  static Counter counter(String consumer, String topic) {
    return Counter.builder("arena.records.dead_lettered")
        .description("unreadable records parked on the dead-letter topic").tag("consumer", consumer)
        .tag("topic", topic).register(Metrics.globalRegistry);
  }
}
