package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.List;
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

    static Letter of(KafkaConsumerRecord<String, String> record, String reason, Throwable cause) {
      return new Letter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
          record.headers(), reason, cause);
    }
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
