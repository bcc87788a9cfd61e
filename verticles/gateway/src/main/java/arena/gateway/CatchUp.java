package arena.gateway;

import arena.shared.kafka.EventCodec;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a gateway's projection has caught up: read match-state up to where it ended when the gateway started.
 * Until then a match the projection does not know may well exist, so the gateway must not say it does not. The
 * targets are the last record of each partition the gateway is handed (a state or a tombstone), not the end offset:
 * transaction markers and undecodable records take offsets that no handler ever sees. Changed on one event loop;
 * read by the health checks from others.
 */
final class CatchUp {
  // How far back from the end the last record is looked for first; each miss looks eight times further.
  private static final int FIRST_WINDOW = 64;

  private final Map<Integer, Long> handled = new ConcurrentHashMap<>();
  private final Runnable onCaughtUp;
  private volatile Map<Integer, Long> targets;
  private volatile boolean done;

  CatchUp(Runnable onCaughtUp) {
    this.onCaughtUp = onCaughtUp;
  }

  /** The projection has been handed the record at {@code offset} of {@code partition}. */
  void handled(int partition, long offset) {
    handled.merge(partition, offset, Math::max);
    check();
  }

  /** The last record to wait for in each partition; a partition left out has none. */
  void targets(Map<Integer, Long> lastRecords) {
    targets = Map.copyOf(lastRecords);
    check();
  }

  boolean done() {
    return done;
  }

  /** Partitions still behind their target; -1 while the targets are not known yet. */
  int behind() {
    Map<Integer, Long> known = targets;
    if (known == null) {
      return -1;
    }
    return (int) known.entrySet().stream().filter(e -> handled.getOrDefault(e.getKey(), -1L) < e.getValue()).count();
  }

  private void check() {
    if (!done && behind() == 0) {
      done = true;
      onCaughtUp.run();
    }
  }

  /**
   * The offset of the last record of each partition of {@code topicName} numbered {@code share} modulo {@code shares}
   * that a consumer hands on (a tombstone or a value that decodes), as the partitions end now. Blocking: call on a
   * worker.
   */
  static Map<Integer, Long> lastRecords(Consumer<String, String> consumer, String topicName, Topic topic, int share,
      int shares, Duration timeout) throws TimeoutException {
    List<TopicPartition> partitions = consumer.partitionsFor(topicName, timeout).stream()
        .filter((PartitionInfo p) -> EventConsumer.inShare(p.partition(), share, shares))
        .map((PartitionInfo p) -> new TopicPartition(topicName, p.partition())).toList();
    consumer.assign(partitions);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, Long> last = new HashMap<>();
    for (TopicPartition tp : partitions) {
      long window = FIRST_WINDOW;
      long from = end.get(tp);
      while (!last.containsKey(tp.partition()) && from > begin.get(tp)) {
        long to = from;
        from = Math.max(begin.get(tp), end.get(tp) - window);
        consumer.seek(tp, from);
        consumer.pause(partitions.stream().filter(p -> !p.equals(tp)).toList());
        consumer.resume(List.of(tp));
        Long found = null;
        while (consumer.position(tp, timeout) < to) {
          if (System.nanoTime() > deadline) {
            throw new TimeoutException("could not find the end of " + tp + " within " + timeout);
          }
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
            if (record.offset() < to && handedOn(topic, record.value())) {
              found = record.offset();
            }
          }
        }
        if (found != null) {
          last.put(tp.partition(), found);
        }
        window *= 8;
      }
    }
    return last;
  }

  private static boolean handedOn(Topic topic, String value) {
    if (value == null) {
      return true;
    }
    try {
      EventCodec.decode(topic, value);
      return true;
    } catch (PoisonRecordException e) {
      return false;
    }
  }
}
