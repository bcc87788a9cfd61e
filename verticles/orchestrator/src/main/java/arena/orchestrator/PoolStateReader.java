package arena.orchestrator;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the last stored pool from the compacted pool-state topic. Blocking: run it off the event loop. */
final class PoolStateReader {
  private static final Logger log = LoggerFactory.getLogger(PoolStateReader.class);
  static final String KEY = "pool";

  private PoolStateReader() {}

  static Optional<PoolState> read(ArenaConfig config, Duration timeout) throws TimeoutException {
    String topic = config.topic(Topic.ROBOT_POOL_STATE);
    Map<String, String> props = KafkaClients.standalone(config, "robot-orchestrator-restore-" + UUID.randomUUID());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<String, String>(new HashMap<String, Object>(props))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        log.info("no partitions for {}: nothing stored", topic);
        return Optional.empty();
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      PoolState latest = null;
      while (!reachedEnd(consumer, ends)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("reading " + topic + " took longer than " + timeout);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (KEY.equals(record.key())) {
            latest = decodeOr(latest, record.value(), record.partition(), record.offset());
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }

  private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /** The newer value wins when it decodes; an undecodable value is logged and skipped. */
  static PoolState decodeOr(PoolState current, String value, int partition, long offset) {
    if (value == null) {
      return null; // a tombstone: the pool was deliberately forgotten
    }
    try {
      Event payload = EventCodec.decode(Topic.ROBOT_POOL_STATE, value).payload();
      return (PoolState) payload;
    } catch (PoisonRecordException e) {
      log.warn("skipping undecodable pool state at {}@{}: {}", partition, offset, e.getMessage());
      return current;
    }
  }
}
