package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a compacted state topic back to its end and keeps the latest value of every key: how the Match Service
 * and the orchestrator recover. BLOCKING: call it from {@code executeBlocking} only. Values that do not decode are
 * returned as dead letters for the caller to park; a null value (tombstone) forgets its key.
 */
public final class StateReader {
  private StateReader() {}

  public record Stored<E>(E state, int partition) {}

  public record Latest<E>(Map<String, Stored<E>> byKey, List<DeadLetters.Letter> unreadable) {}

  /** One record read back: {@code value} null for a tombstone. */
  public record Entry<E>(String key, E value, int partition, long offset) {}

  /**
   * Reads {@code partitions} of {@code topic} (all of them when null) from the beginning to their current end. It
   * fails only when {@code kafka.rebuildStallSeconds} pass without a record read, however long the whole read
   * takes: a big state topic takes long to read but never fails for its size.
   */
  public static <E extends Event> Latest<E> read(ArenaConfig config, Topic topic, Class<E> type,
      Collection<Integer> partitions) throws TimeoutException {
    Duration stall = Duration.ofSeconds(config.integer("kafka.rebuildStallSeconds"));
    Map<String, Object> props = new HashMap<>(KafkaClients.standalone(config, topic.baseName() + "-restore-"
        + UUID.randomUUID().toString().substring(0, 8)));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      return read(consumer, config.topic(topic), topic, type, partitions, stall, System::nanoTime);
    }
  }

  /**
   * Like {@link #read}, but hands every record to {@code each}, in offset order within a partition, for a state one
   * change of which spans several records. Returns the values that do not decode (never handed on).
   */
  public static <E extends Event> List<DeadLetters.Letter> replay(ArenaConfig config, Topic topic, Class<E> type,
      Collection<Integer> partitions, java.util.function.Consumer<Entry<E>> each) throws TimeoutException {
    Duration stall = Duration.ofSeconds(config.integer("kafka.rebuildStallSeconds"));
    Map<String, Object> props = new HashMap<>(KafkaClients.standalone(config, topic.baseName() + "-restore-"
        + UUID.randomUUID().toString().substring(0, 8)));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      return replay(consumer, config.topic(topic), topic, type, partitions, stall, System::nanoTime, each);
    }
  }

  static <E extends Event> Latest<E> read(Consumer<String, String> consumer, String name, Topic topic, Class<E> type,
      Collection<Integer> partitions, Duration stall, LongSupplier nanoTime) throws TimeoutException {
    Map<String, Stored<E>> latest = new LinkedHashMap<>();
    List<DeadLetters.Letter> unreadable = replay(consumer, name, topic, type, partitions, stall, nanoTime, e -> {
      if (e.value() == null) {
        latest.remove(e.key());
      } else {
        latest.put(e.key(), new Stored<>(e.value(), e.partition()));
      }
    });
    return new Latest<>(latest, unreadable);
  }

  static <E extends Event> List<DeadLetters.Letter> replay(Consumer<String, String> consumer, String name,
      Topic topic, Class<E> type, Collection<Integer> partitions, Duration stall, LongSupplier nanoTime,
      java.util.function.Consumer<Entry<E>> each) throws TimeoutException {
    List<DeadLetters.Letter> unreadable = new ArrayList<>();
    List<TopicPartition> parts = partitions != null
        ? partitions.stream().map(p -> new TopicPartition(name, p)).toList()
        : consumer.partitionsFor(name, stall).stream().map(p -> new TopicPartition(name, p.partition())).toList();
    if (parts.isEmpty()) {
      return unreadable;
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, stall);
    long read = -1;
    long progressedAt = nanoTime.getAsLong();
    while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      long now = nanoTime.getAsLong();
      long position = parts.stream().mapToLong(consumer::position).sum();
      if (position > read) {
        read = position;
        progressedAt = now;
      } else if (now - progressedAt > stall.toNanos()) {
        throw new TimeoutException("reading " + name + " back made no progress for " + stall + " (at offset " + read
            + " of " + end.values().stream().mapToLong(Long::longValue).sum() + ", summed over its partitions)");
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.value() == null) {
          each.accept(new Entry<>(record.key(), null, record.partition(), record.offset()));
          continue;
        }
        E payload;
        try {
          payload = type.cast(EventCodec.decode(topic, record.value()).payload());
        } catch (PoisonRecordException e) {
          unreadable.add(letter(record, e));
          continue;
        }
        each.accept(new Entry<>(record.key(), payload, record.partition(), record.offset()));
      }
    }
    return unreadable;
  }

  private static DeadLetters.Letter letter(ConsumerRecord<String, String> record, PoisonRecordException e) {
    List<KafkaHeader> headers = new ArrayList<>();
    record.headers().forEach(h -> headers.add(KafkaHeader.header(h.key(), Buffer.buffer(h.value()))));
    return new DeadLetters.Letter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
        headers, e.getMessage(), e);
  }
}
