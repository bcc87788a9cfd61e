package arena.match;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted match-state topic back on (re)assignment. BLOCKING: call it from executeBlocking only.
 */
final class MatchStateReader {
  private static final Logger log = LoggerFactory.getLogger(MatchStateReader.class);

  /** A stored state and the partition it came from (the same number as its input partitions). */
  record Stored(MatchState state, int partition) {}

  private MatchStateReader() {}

  /** The latest state of every match stored in the given partitions of match-state, by matchId. */
  static Map<String, Stored> read(ArenaConfig config, Collection<Integer> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    String topic = config.topic(Topic.MATCH_STATE);
    List<TopicPartition> parts = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    Map<String, Object> props = new HashMap<>(KafkaClients.standalone(config, "match-recovery-" + UUID.randomUUID()));
    Map<String, Stored> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            latest.remove(record.key()); // a tombstone: the match was deleted
            continue;
          }
          try {
            MatchState state = (MatchState) EventCodec.decode(Topic.MATCH_STATE, record.value()).payload();
            latest.put(state.matchId(), new Stored(state, record.partition()));
          } catch (PoisonRecordException | ClassCastException e) {
            log.warn("skipping undecodable match state {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.getMessage());
            Counter.builder("arena.match.state.undecodable").register(Metrics.globalRegistry).increment();
          }
        }
      }
    }
    return latest;
  }
}
