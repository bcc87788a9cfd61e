package arena.gateway;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a match's events back from Kafka with a short-lived plain consumer on a worker thread: every partition
 * of the event topics, from shortly before the match was created up to the end offsets found at the start.
 */
public final class KafkaEventLog implements EventLog {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventLog.class);
  /** Everything about a match except the state snapshots and the dead letters. */
  static final List<Topic> TOPICS = List.of(Topic.MATCH_COMMANDS, Topic.MATCH_EVENTS,
      Topic.ROBOT_ORCHESTRATION_EVENTS, Topic.ROBOT_COMMANDS, Topic.ROBOT_RESPONSES);
  // Producers' clocks may run a little behind the match service's.
  private static final Duration BEFORE_CREATION = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final ArenaConfig config;
  private final Duration timeout;

  public KafkaEventLog(Vertx vertx, ArenaConfig config, Duration timeout) {
    this.vertx = vertx;
    this.config = config;
    this.timeout = timeout;
  }

  @Override
  public Future<JsonArray> of(MatchState match) {
    Instant since = match.createdAt() == null ? null : match.createdAt().minus(BEFORE_CREATION);
    return vertx.executeBlocking(() -> EventLogEntries.of(match.matchId(), read(since)), false);
  }

  private List<Received> read(Instant since) {
    Map<String, Topic> topics = new HashMap<>();
    TOPICS.forEach(t -> topics.put(config.topic(t), t));
    Map<String, Object> props = new HashMap<>(
        KafkaClients.standalone(config, "gateway-events-" + UUID.randomUUID().toString().substring(0, 8)));
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Received> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String name : topics.keySet()) {
        List<PartitionInfo> infos = consumer.partitionsFor(name, timeout);
        if (infos != null) {
          infos.forEach(i -> partitions.add(new TopicPartition(name, i.partition())));
        }
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      if (since == null) {
        consumer.seekToBeginning(partitions);
      } else {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
        for (TopicPartition tp : partitions) {
          OffsetAndTimestamp start = starts.get(tp);
          // No record at or after that time: nothing of this match can be in the partition.
          consumer.seek(tp, start == null ? end.get(tp) : start.offset());
        }
      }
      List<TopicPartition> unread = new ArrayList<>(partitions);
      unread.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      while (!unread.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw ApiError.unavailable("reading the match's events took too long, try again");
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= end.get(tp)) {
            continue;
          }
          Topic topic = topics.get(record.topic());
          try {
            Envelope<Event> envelope = EventCodec.decode(topic, record.value());
            out.add(new Received(topic, record.partition(), record.offset(), record.key(), envelope));
          } catch (PoisonRecordException e) {
            log.debug("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.getMessage());
          }
        }
        unread.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      }
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("could not read the events back from Kafka: {}", e.toString());
      throw ApiError.unavailable("could not read the match's events from Kafka, try again");
    }
    return out;
  }
}
