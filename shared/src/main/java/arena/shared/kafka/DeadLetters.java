package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks unreadable records on the dead-letter topic, keeping the original key, value and headers and adding
 * where the record came from and why (header names follow SmallRye Reactive Messaging's dead-letter queue).
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private DeadLetters() {}

  /** Always succeeds: a record that cannot even be parked is logged and skipped. */
  public static Future<Void> park(EventPublisher publisher, ArenaConfig config, String consumer,
      KafkaConsumerRecord<String, String> record, String reason, Throwable cause) {
    log.warn("{}: parking record {}-{}@{}: {}", consumer, record.topic(), record.partition(), record.offset(), reason);
    Counter.builder("arena.records.dead_lettered").tag("consumer", consumer).tag("topic", record.topic())
        .register(Metrics.globalRegistry).increment();
    KafkaProducerRecord<String, String> dead =
        KafkaProducerRecord.create(config.topic(Topic.DEAD_LETTERS), record.key(), record.value());
    record.headers().forEach(h -> dead.addHeader(h.key(), h.value()));
    dead.addHeader("dead-letter-topic", record.topic());
    dead.addHeader("dead-letter-partition", String.valueOf(record.partition()));
    dead.addHeader("dead-letter-offset", String.valueOf(record.offset()));
    dead.addHeader("dead-letter-consumer", consumer);
    dead.addHeader("dead-letter-reason", reason == null ? "unknown" : reason);
    dead.addHeader("dead-letter-cause", cause == null ? "none" : cause.getClass().getName());
    dead.addHeader("dead-letter-time", Instant.now().toString());
    return publisher.sendRaw(dead).<Void>mapEmpty()
        .onFailure(t -> log.error("{}: could not park record {}-{}@{}: {}", consumer, record.topic(),
            record.partition(), record.offset(), t.toString()))
        .otherwiseEmpty();
  }
}
