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
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one finished match's events back from Kafka with a short-lived plain consumer on a worker thread. Only what
 * can hold the match is read: on each topic the partitions its keys go to (the match's id, and on the robot topics
 * the ids of its robots), from shortly before the match was created to shortly after it ended, and only records
 * under those keys are decoded. So a match that ended hours and millions of records ago is read as fast as a fresh
 * one. At most {@link Settings#maxReads} reads run at once per JVM; each keeps at most
 * {@link Settings#maxEntries} events and gives up after {@link Settings#timeoutMs}.
 */
public final class KafkaEventLog implements EventLog {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventLog.class);
  /** Everything about a match except the state snapshots and the dead letters. */
  static final List<Topic> TOPICS = List.of(Topic.MATCH_COMMANDS, Topic.MATCH_EVENTS,
      Topic.ROBOT_ORCHESTRATION_EVENTS, Topic.ROBOT_COMMANDS, Topic.ROBOT_RESPONSES);
  // Producers' clocks may run a little behind the match service's.
  static final Duration BEFORE_CREATION = Duration.ofSeconds(10);
  // After the end come the robots' release and a late robot's usage report; clocks may also run ahead.
  static final Duration AFTER_END = Duration.ofSeconds(30);
  private static final String EXECUTOR = "arena-gateway-events";
  // Memory per read: a fetch brings at most this much, whatever the partitions hold.
  private static final int FETCH_BYTES = 4 * 1024 * 1024;
  private static final Map<Vertx, Semaphore> READS = new WeakHashMap<>();

  /**
   * The {@code gateway.events} section of the configuration.
   *
   * @param maxReads          reads at once per JVM; one more is refused with 503 and Retry-After
   * @param maxEntries        events in one answer; a match with more gets its earliest and Events-Truncated: true
   * @param timeoutMs         one read's time limit
   * @param retryAfterSeconds what Retry-After says when every read is taken
   */
  public record Settings(int maxReads, int maxEntries, long timeoutMs, int retryAfterSeconds) {
    public static Settings of(ArenaConfig cfg) {
      return cfg.bind("gateway.events", Settings.class);
    }
  }

  /** What to read: on each topic, the partitions that may hold the match, and the keys its records go under. */
  record Plan(Map<TopicPartition, Topic> partitions, Map<Topic, Set<String>> keys) {}

  private final Vertx vertx;
  private final ArenaConfig config;
  private final Settings settings;
  private final Semaphore reads;
  private final WorkerExecutor workers;

  public KafkaEventLog(Vertx vertx, ArenaConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.settings = Settings.of(config);
    this.reads = reads(vertx, settings);
    // Shared by name: the gateway instances of a JVM read on the same few threads, never on an event loop.
    this.workers = vertx.createSharedWorkerExecutor(EXECUTOR, settings.maxReads());
  }

  private static synchronized Semaphore reads(Vertx vertx, Settings settings) {
    return READS.computeIfAbsent(vertx, v -> new Semaphore(settings.maxReads()));
  }

  @Override
  public Future<Trail> of(MatchState match) {
    if (!reads.tryAcquire()) {
      return Future.failedFuture(ApiError.unavailable("too many match histories are being read right now, try again "
          + "in " + settings.retryAfterSeconds() + " s", settings.retryAfterSeconds()));
    }
    return workers.executeBlocking(() -> read(match), false).onComplete(ar -> reads.release());
  }

  public Future<Void> close() {
    return workers.close();
  }

  /** The partition Kafka's producer sends {@code key} to, on a topic of {@code partitions} partitions. */
  static int partitionOf(String key, int partitions) {
    return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
  }

  /** Where {@code match}'s records are, on topics with the given partition counts. Pure. */
  static Plan plan(MatchState match, Map<Topic, String> names, Map<Topic, Integer> partitionCounts) {
    Set<String> robots = new HashSet<>();
    if (match.robots() != null) {
      match.robots().forEach(r -> robots.add(r.robotId()));
    }
    Map<TopicPartition, Topic> partitions = new HashMap<>();
    Map<Topic, Set<String>> keys = new HashMap<>();
    for (Topic topic : TOPICS) {
      Integer count = partitionCounts.get(topic);
      if (count == null || count == 0) {
        continue;
      }
      Set<String> ofTopic = new HashSet<>();
      // Robot commands go under the robot's id; orchestration events under the match's or, released, the robot's.
      if (topic != Topic.ROBOT_COMMANDS) {
        ofTopic.add(match.matchId());
      }
      if (topic == Topic.ROBOT_COMMANDS || topic == Topic.ROBOT_ORCHESTRATION_EVENTS) {
        ofTopic.addAll(robots);
      }
      keys.put(topic, ofTopic);
      ofTopic.forEach(k -> partitions.put(new TopicPartition(names.get(topic), partitionOf(k, count)), topic));
    }
    return new Plan(partitions, keys);
  }

  private Trail read(MatchState match) {
    Duration timeout = Duration.ofMillis(settings.timeoutMs());
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> props = new HashMap<>(
        KafkaClients.standalone(config, "gateway-events-" + UUID.randomUUID().toString().substring(0, 8)));
    // Values stay bytes until their key says they belong to the match: other matches' records are never parsed.
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
    EventLogEntries.Earliest kept = new EventLogEntries.Earliest(settings.maxEntries());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      Map<Topic, String> names = new HashMap<>();
      Map<Topic, Integer> counts = new HashMap<>();
      for (Topic topic : TOPICS) {
        names.put(topic, config.topic(topic));
        List<PartitionInfo> infos = consumer.partitionsFor(config.topic(topic), timeout);
        counts.put(topic, infos == null ? 0 : infos.size());
      }
      Plan plan = plan(match, names, counts);
      List<TopicPartition> partitions = List.copyOf(plan.partitions().keySet());
      consumer.assign(partitions);
      Map<TopicPartition, Long> stop = stops(consumer, partitions, match, timeout);
      seekToStarts(consumer, partitions, stop, match, timeout);
      List<TopicPartition> unread = new ArrayList<>(partitions);
      unread.removeIf(tp -> consumer.position(tp, timeout) >= stop.get(tp));
      while (!unread.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw ApiError.unavailable("reading the match's events took too long, try again in "
              + settings.retryAfterSeconds() + " s", settings.retryAfterSeconds());
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          Topic topic = plan.partitions().get(tp);
          if (record.offset() < stop.get(tp) && plan.keys().get(topic).contains(record.key())
              && record.value() != null) {
            keep(match.matchId(), topic, record, kept);
          }
        }
        unread.removeIf(tp -> {
          boolean done = consumer.position(tp, timeout) >= stop.get(tp);
          if (done) {
            // Past the match's end: leave the partition, so the next polls fetch only what is left.
            consumer.pause(List.of(tp));
          }
          return done;
        });
      }
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("could not read the events back from Kafka: {}", e.toString());
      throw ApiError.unavailable("could not read the match's events from Kafka, try again");
    }
    return new Trail(EventLogEntries.of(match.matchId(), kept.records()), kept.truncated());
  }

  /** Where each partition's reading ends: shortly after the match ended, or the end now, whichever comes first. */
  private static Map<TopicPartition, Long> stops(KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions, MatchState match, Duration timeout) {
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
    if (match.completedAt() != null) {
      Map<TopicPartition, OffsetAndTimestamp> after = offsetsAt(consumer, partitions,
          match.completedAt().plus(AFTER_END), timeout);
      after.forEach((tp, at) -> {
        if (at != null) {
          end.put(tp, Math.min(end.get(tp), at.offset()));
        }
      });
    }
    return end;
  }

  /** From shortly before the match was created (or the beginning, for a match that does not say when). */
  private static void seekToStarts(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
      Map<TopicPartition, Long> stop, MatchState match, Duration timeout) {
    if (match.createdAt() == null) {
      consumer.seekToBeginning(partitions);
      return;
    }
    Map<TopicPartition, OffsetAndTimestamp> starts = offsetsAt(consumer, partitions,
        match.createdAt().minus(BEFORE_CREATION), timeout);
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp start = starts.get(tp);
      // No record at or after that time: nothing of this match can be in the partition.
      consumer.seek(tp, start == null ? stop.get(tp) : Math.min(start.offset(), stop.get(tp)));
    }
  }

  private static Map<TopicPartition, OffsetAndTimestamp> offsetsAt(KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions, Instant at, Duration timeout) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, Math.max(0, at.toEpochMilli())));
    return consumer.offsetsForTimes(query, timeout);
  }

  private static void keep(String matchId, Topic topic, ConsumerRecord<String, byte[]> record,
      EventLogEntries.Earliest kept) {
    try {
      Envelope<Event> envelope = EventCodec.decode(topic, new String(record.value(), StandardCharsets.UTF_8));
      // A robot's records name the match they are about.
      if (Objects.equals(matchId, envelope.matchId())) {
        kept.add(new Received(topic, record.partition(), record.offset(), record.key(), envelope));
      }
    } catch (PoisonRecordException e) {
      log.debug("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
    }
  }
}
