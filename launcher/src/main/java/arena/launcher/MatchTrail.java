package arena.launcher;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a match's whole trail back from Kafka, for {@code replay}: on each topic only the partition its key goes to
 * (the match's id; on the robot topics also its robots' ids), from shortly before the match was created (its first
 * state says when; from the beginning when no state is left) to the end it had when the read began, so the read is
 * bounded however busy the cluster stays. Unlike the gateway's event log it keeps the
 * match-state history and the token hashes: re-running the match needs both, and nothing here leaves the operator's
 * terminal.
 */
final class MatchTrail {
  /** The order things happened in: the writer's clock, then the topic's own order. */
  static final Comparator<Received> ORDER = Comparator
      .comparing((Received r) -> r.envelope() == null ? Instant.MAX : r.envelope().occurredAt())
      .thenComparing(r -> r.topic().baseName())
      .thenComparingInt(Received::partition)
      .thenComparingLong(Received::offset);
  private static final List<Topic> BY_MATCH = List.of(Topic.MATCH_COMMANDS, Topic.MATCH_EVENTS,
      Topic.ROBOT_ORCHESTRATION_EVENTS, Topic.ROBOT_RESPONSES);
  // As the gateway's event log: the other writers' clocks may run a little behind the Match Service's.
  private static final Duration BEFORE_CREATION = Duration.ofSeconds(10);

  private final ArenaConfig config;
  private final Duration timeout;

  MatchTrail(ArenaConfig config, Duration timeout) {
    this.config = config;
    this.timeout = timeout;
  }

  /** Every record about {@code matchId} in the order it happened; match-state tombstones last. */
  List<Received> of(String matchId) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      // The states first: the match's creation tells where on the other topics it begins.
      List<Received> out = new ArrayList<>(read(consumer, Topic.MATCH_STATE, Set.of(matchId), null,
          r -> r.envelope() == null || matchId.equals(r.envelope().matchId())));
      Instant from = out.stream().filter(r -> r.envelope() != null)
          .map(r -> ((MatchState) r.payload()).createdAt()).filter(Objects::nonNull).min(Comparator.naturalOrder())
          .map(at -> at.minus(BEFORE_CREATION)).orElse(null);
      for (Topic topic : BY_MATCH) {
        out.addAll(read(consumer, topic, Set.of(matchId), from,
            r -> r.envelope() != null && matchId.equals(r.envelope().matchId())));
      }
      Set<String> robots = new LinkedHashSet<>();
      out.forEach(r -> {
        if (r.payload() instanceof OrchestrationEvent.RobotsAssigned a && a.robots() != null) {
          a.robots().forEach(robot -> robots.add(robot.id()));
        }
      });
      if (!robots.isEmpty()) {
        Predicate<Received> ofMatch = r -> r.envelope() != null && matchId.equals(r.envelope().matchId());
        out.addAll(read(consumer, Topic.ROBOT_COMMANDS, robots, from, ofMatch));
        // Released robots are keyed by their own id; those keyed by the match's were read above.
        out.addAll(read(consumer, Topic.ROBOT_ORCHESTRATION_EVENTS, robots, from,
            ofMatch.and(r -> !matchId.equals(r.key()))));
      }
      out.sort(ORDER);
      return out;
    }
  }

  /** The matches {@code robotId} was told to work in, in the order it was first told. */
  List<String> matchesOf(String robotId) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      Set<String> matches = new LinkedHashSet<>();
      read(consumer, Topic.ROBOT_COMMANDS, Set.of(robotId), null, r -> r.envelope() != null).stream().sorted(ORDER)
          .filter(r -> r.payload() instanceof RobotCommand c && Objects.equals(robotId, robotOf(c)))
          .forEach(r -> matches.add(r.envelope().matchId()));
      return List.copyOf(matches);
    }
  }

  static String robotOf(RobotCommand c) {
    if (c instanceof RobotCommand.GenerateResponse g) {
      return g.robotId();
    } else if (c instanceof RobotCommand.GenerateVote g) {
      return g.robotId();
    } else if (c instanceof RobotCommand.ForgetMatch f) {
      return f.robotId();
    }
    return null;
  }

  private KafkaConsumer<String, String> consumer() {
    Map<String, Object> props = new HashMap<>(
        KafkaClients.standalone(config, "arena-replay-" + UUID.randomUUID().toString().substring(0, 8)));
    return new KafkaConsumer<>(props);
  }

  /**
   * The records under {@code keys} on {@code topic} that {@code keep} accepts, written from {@code from} (null: from
   * the beginning) up to the end the topic has now.
   */
  private List<Received> read(KafkaConsumer<String, String> consumer, Topic topic, Set<String> keys, Instant from,
      Predicate<Received> keep) {
    String name = config.topic(topic);
    List<PartitionInfo> infos = consumer.partitionsFor(name, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + name + " does not exist at " + config.bootstrapServers());
    }
    Set<TopicPartition> partitions = new LinkedHashSet<>();
    keys.forEach(k -> partitions.add(new TopicPartition(name,
        BuiltInPartitioner.partitionForKey(k.getBytes(StandardCharsets.UTF_8), infos.size()))));
    List<TopicPartition> assigned = List.copyOf(partitions);
    consumer.assign(assigned);
    Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
    if (from == null) {
      consumer.seekToBeginning(assigned);
    } else {
      Map<TopicPartition, Long> query = new HashMap<>();
      assigned.forEach(tp -> query.put(tp, Math.max(0, from.toEpochMilli())));
      // Nothing written since then: nothing of the match can be there.
      consumer.offsetsForTimes(query, timeout).forEach((tp, at) -> consumer.seek(tp, at == null ? end.get(tp)
          : at.offset()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Received> out = new ArrayList<>();
    while (assigned.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("reading " + name + " took longer than " + timeout.toSeconds() + " s");
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= end.get(tp) || !keys.contains(record.key())) {
          continue;
        }
        Envelope<Event> envelope = null;
        if (record.value() != null) {
          try {
            envelope = EventCodec.decode(topic, record.value());
          } catch (PoisonRecordException e) {
            continue; // parked by the services' consumers; nothing a replay can use
          }
        }
        Received received = new Received(topic, record.partition(), record.offset(), record.key(), envelope);
        if (keep.test(received)) {
          out.add(received);
        }
      }
    }
    consumer.unsubscribe();
    return out;
  }
}
