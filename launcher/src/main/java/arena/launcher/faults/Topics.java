package arena.launcher.faults;

import arena.shared.kafka.EventCodec;
import arena.shared.kafka.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the game's topics as an operator would: no group, every partition, decoded with the game's own codec. */
final class Topics {
  private final String bootstrap;
  private final String prefix;

  Topics(String bootstrap, String prefix) {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
  }

  String name(Topic topic) {
    return topic.name(prefix);
  }

  KafkaConsumer<String, String> consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, Topic... topics) {
    List<TopicPartition> parts = new ArrayList<>();
    for (Topic t : topics) {
      consumer.partitionsFor(name(t), Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
    }
    return parts;
  }

  /** Decodes a record; null for a tombstone or a record the game could not read either. */
  Seen decode(ConsumerRecord<String, String> r) {
    Topic topic = null;
    for (Topic t : Topic.values()) {
      if (name(t).equals(r.topic())) {
        topic = t;
      }
    }
    if (topic == null || r.value() == null) {
      return null;
    }
    try {
      return new Seen(topic, r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
          EventCodec.decode(topic, r.value()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Every record of these topics from the beginning to their end now, in partition order, to {@code each}. */
  void readAll(Duration within, Consumer<Seen> each, Topic... topics) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> parts = partitions(consumer, topics);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
      end.values().removeIf(v -> v == 0);
      Instant deadline = Instant.now().plus(within);
      while (!end.isEmpty()) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + end.keySet() + " to the end within " + within);
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          Seen seen = decode(r);
          if (seen != null) {
            each.accept(seen);
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
  }

  /** Where each partition of {@code topic} ends now. */
  Map<TopicPartition, Long> ends(Topic topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      return new HashMap<>(consumer.endOffsets(partitions(consumer, topic), Duration.ofSeconds(30)));
    }
  }

  /**
   * The dead letters parked since {@code from} (partition ends taken earlier), each as where it came from, its
   * event type and why it was parked.
   */
  List<String> deadLettersSince(Map<TopicPartition, Long> from, Duration within) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> parts = partitions(consumer, Topic.DEAD_LETTERS);
      consumer.assign(parts);
      parts.forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
      Instant deadline = Instant.now().plus(within);
      end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      while (!end.isEmpty() && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(header(r, "dead-letter-consumer") + " parked " + header(r, "ce_type") + " from "
              + header(r, "dead-letter-topic") + ": " + header(r, "dead-letter-reason"));
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? "?" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
