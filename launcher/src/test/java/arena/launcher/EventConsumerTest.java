package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.RobotCommand;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.ops.ArenaHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consumer loop against the real broker: retries, dead letters, commits, slow handlers, the in-flight bound. */
class EventConsumerTest {
  private static final Topic TOPIC = Topic.ROBOT_COMMANDS;
  /** The global registry counts nothing until a registry is added to it. */
  private static final SimpleMeterRegistry counted = new SimpleMeterRegistry();

  static {
    Metrics.addRegistry(counted);
  }

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final String group = "consumer-test-" + UUID.randomUUID().toString().substring(0, 8);
  private JsonObject json;
  private ArenaConfig cfg;
  private EventConsumer consumer;

  private void setUp(Consumer<JsonObject> tweak) throws Exception {
    json = TestArena.fastConfig();
    tweak.accept(json);
    cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (consumer != null) {
      onContext(() -> consumer.stop());
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void a_handler_that_fails_a_few_times_is_retried_until_it_succeeds_and_nothing_is_dead_lettered() throws Exception {
    // Given three records on one partition, the middle one failing three times before it goes through
    setUp(c -> {});
    produce(0, 3);
    Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
    List<Long> done = new CopyOnWriteArrayList<>();

    // When the consumer runs
    start(deadLetters(cfg), r -> {
      int attempt = attempts.computeIfAbsent(r.offset(), o -> new AtomicInteger()).incrementAndGet();
      if (r.offset() == 1 && attempt <= 3) {
        return Future.failedFuture(new IllegalStateException("the broker is away"));
      }
      done.add(r.offset());
      return Future.succeededFuture();
    });

    // Then every record is processed, the failing one after its retries, and the offsets are committed past it
    await(() -> committed(0) == 3, "all three committed");
    assertThat(attempts.get(1L).get()).isEqualTo(4);
    assertThat(done).contains(0L, 1L, 2L);
    // And nothing went to the dead letters
    assertThat(TopicReader.readAll(cfg, Topic.DEAD_LETTERS)).isEmpty();
  }

  @Test
  void a_handler_failure_caused_by_invalid_input_is_dead_lettered_and_committed() throws Exception {
    // Given a record the handler finds invalid, deep in its failure's causes
    setUp(c -> {});
    produce(0, 2);
    AtomicInteger attempts = new AtomicInteger();

    // When the consumer runs
    start(deadLetters(cfg), r -> {
      if (r.offset() == 0) {
        attempts.incrementAndGet();
        return Future.failedFuture(new IllegalStateException("step failed",
            new arena.shared.kafka.PoisonRecordException("robot command without ids")));
      }
      return Future.succeededFuture();
    });

    // Then it is parked once with its reason, not retried, and the partition is committed past it
    await(() -> committed(0) == 2, "both committed");
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(TopicReader.readAll(cfg, Topic.DEAD_LETTERS)).singleElement()
        .satisfies(r -> assertThat(TopicReader.header(r, "dead-letter-reason")).contains("robot command without ids"));
  }

  @Test
  void a_record_that_could_not_be_parked_is_not_committed() throws Exception {
    // Given a good record, a poison one and a good one on one partition, and a dead-letter publisher that fails
    setUp(c -> {});
    produce(0, 1);
    send(0, "this is not JSON");
    produce(0, 1);
    JsonObject own = json.copy();
    own.getJsonObject("kafka").put("topicPrefix", "closed-" + UUID.randomUUID() + ".");
    EventPublisher closed = deadLetters(ArenaConfig.of(own));
    onContext(closed::close);
    List<Long> done = new CopyOnWriteArrayList<>();

    // When the consumer runs and parking the poison record fails
    start(closed, r -> {
      done.add(r.offset());
      return Future.succeededFuture();
    });
    await(() -> retried() >= 1, "the failed parking is retried");

    // Then nothing at or past the poison record is committed, even on stop
    assertThat(committed(0)).isLessThanOrEqualTo(1);
    onContext(() -> consumer.stop());
    consumer = null;
    assertThat(committed(0)).isEqualTo(1);
  }

  @Test
  void a_slow_handler_does_not_stop_other_records_being_polled_and_handled() throws Exception {
    // Given a record whose handling does not finish
    setUp(c -> {});
    Promise<Void> slow = Promise.promise();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    produce(0, 1);
    start(deadLetters(cfg), r -> {
      handled.add(r.partition() + "@" + r.offset());
      return r.partition() == 0 ? slow.future() : Future.succeededFuture();
    });
    await(() -> handled.contains("0@0"), "the slow record is in hand");

    // When more records arrive on another partition and on the same one
    produce(1, 2);
    produce(0, 1);

    // Then they are handled, and the other partition is committed, while the slow record is still in hand
    await(() -> handled.containsAll(List.of("1@0", "1@1", "0@1")), "the later records are handled");
    await(() -> committed(1) == 2, "the other partition committed");
    assertThat(committed(0)).isLessThanOrEqualTo(0);
    // And once the slow record is done its partition is committed past both
    context.runOnContext(v -> slow.complete());
    await(() -> committed(0) == 2, "the slow partition committed");
  }

  @Test
  void the_last_offsets_are_committed_on_stop() throws Exception {
    // Given a consumer that commits rarely, with a record still in hand
    setUp(c -> c.getJsonObject("kafka").getJsonObject("consumer").put("commitIntervalMs", 600_000));
    produce(0, 3);
    Promise<Void> last = Promise.promise();
    List<Long> started = new CopyOnWriteArrayList<>();
    start(deadLetters(cfg), r -> {
      started.add(r.offset());
      return r.offset() == 2 ? last.future() : Future.succeededFuture();
    });
    await(() -> started.contains(2L), "the last record is in hand");

    // When the consumer stops, and the record in hand finishes meanwhile
    Future<Void> stopped = onContextAsync(() -> consumer.stop());
    context.runOnContext(v -> last.complete());
    stopped.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    consumer = null;

    // Then everything it handled is committed
    assertThat(committed(0)).isEqualTo(3);
  }

  @Test
  void no_more_records_than_the_bound_are_in_hand_at_once() throws Exception {
    // Given at most two records in flight, and eight waiting on three partitions
    setUp(c -> c.getJsonObject("kafka").getJsonObject("consumer").put("maxInFlight", 2));
    produce(0, 4);
    produce(1, 2);
    produce(2, 2);
    AtomicInteger inHand = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();

    // When every record takes a while
    start(deadLetters(cfg), r -> {
      most.accumulateAndGet(inHand.incrementAndGet(), Math::max);
      Promise<Void> p = Promise.promise();
      vertx.setTimer(100, id -> {
        inHand.decrementAndGet();
        done.incrementAndGet();
        p.complete();
      });
      return p.future();
    });

    // Then all are handled and committed, never more than two at once
    await(() -> committed(0) == 4 && committed(1) == 2 && committed(2) == 2, "all committed");
    assertThat(done.get()).isEqualTo(8);
    assertThat(most.get()).isEqualTo(2);
  }

  @Test
  void a_tombstone_is_handed_over_not_dead_lettered() throws Exception {
    // Given a deleted key (a record without a value) between two records
    setUp(c -> {});
    produce(0, 1);
    send(0, null);
    produce(0, 1);
    List<Boolean> tombstones = new CopyOnWriteArrayList<>();

    // When the consumer runs
    start(deadLetters(cfg), r -> {
      tombstones.add(r.tombstone());
      return Future.succeededFuture();
    });

    // Then the handler sees it as a tombstone with no payload, it is committed, and nothing is dead-lettered
    await(() -> committed(0) == 3, "all three committed");
    assertThat(tombstones).containsExactly(false, true, false);
    assertThat(TopicReader.readAll(cfg, Topic.DEAD_LETTERS)).isEmpty();
  }

  @Test
  void a_member_commits_what_it_handled_before_its_partitions_move_to_another() throws Exception {
    // Given a member that commits rarely and has handled three records on every partition
    setUp(c -> c.getJsonObject("kafka").getJsonObject("consumer").put("commitIntervalMs", 600_000));
    produce(0, 3);
    produce(1, 3);
    produce(2, 3);
    AtomicInteger firstHandled = new AtomicInteger();
    start(deadLetters(cfg), r -> {
      firstHandled.incrementAndGet();
      return Future.succeededFuture();
    });
    await(() -> firstHandled.get() == 9, "the first member handled everything");

    // When a second member joins the group and takes some partitions over
    List<String> secondHandled = new CopyOnWriteArrayList<>();
    Set<io.vertx.kafka.client.common.TopicPartition> secondOwns = ConcurrentHashMap.newKeySet();
    EventConsumer second = onContext(() -> {
      EventConsumer c = EventConsumer.group(vertx, cfg, group, Set.of(TOPIC), deadLetters(cfg), r -> {
        secondHandled.add(r.partition() + "@" + r.offset());
        return Future.succeededFuture();
      }).onAssigned(parts -> {
        secondOwns.addAll(parts);
        return Future.succeededFuture();
      });
      return c.start().map(c);
    });
    try {
      await(() -> !secondOwns.isEmpty(), "the second member owns partitions");
      int moved = secondOwns.iterator().next().getPartition();
      send(moved, Json.write(Envelope.of("forget.match", "test", "robot-1",
          new RobotCommand.ForgetMatch("late", "robot-1", "m1"), "corr", null)));

      // Then it starts where the first left off: only the new record is handled again
      await(() -> !secondHandled.isEmpty(), "the second member handles the new record");
      assertThat(secondHandled).containsExactly(moved + "@3");
    } finally {
      onContext(second::stop);
    }
  }

  // --- helpers

  @Test
  void it_is_not_ready_until_its_partitions_are_assigned_and_rebuilt_and_shows_each_partitions_lag() throws Exception {
    // Given three records waiting, and a consumer whose rebuild on assignment is held back
    setUp(c -> {});
    produce(0, 3);
    Promise<Void> rebuilt = Promise.promise();
    AtomicInteger assignments = new AtomicInteger();
    List<Long> done = new CopyOnWriteArrayList<>();
    onContext(() -> {
      consumer = EventConsumer.group(vertx, cfg, group, Set.of(TOPIC), deadLetters(cfg), r -> {
        done.add(r.offset());
        return Future.succeededFuture();
      }).onAssigned(parts -> {
        assignments.incrementAndGet();
        return rebuilt.future();
      });
      return consumer.start();
    });

    // Then it is not ready while it waits for its partitions, nor while it rebuilds from them
    assertThat(ready()).isFalse();
    await(() -> assignments.get() > 0, "partitions assigned");
    assertThat(ready()).isFalse();
    assertThat(done).isEmpty();

    // When the rebuild is done, then it is ready and reads on
    context.runOnContext(v -> rebuilt.complete());
    await(this::ready, "ready once rebuilt");
    await(() -> done.size() == 3, "the records handled");
    // And each of its partitions shows its lag, down to nothing once read
    assertThat(counted.find("arena.kafka.consumer.lag").tag("group", group).gauges())
        .extracting(g -> g.getId().getTag("partition")).containsExactlyInAnyOrder("0", "1", "2");
    await(() -> counted.find("arena.kafka.consumer.lag").tag("group", group).tag("partition", "0").gauge()
        .value() == 0, "partition 0 read to its end");
  }

  /** The readiness checks of this Vert.x, as the admin's /ready answers them. */
  private boolean ready() {
    try {
      return ArenaHealth.readiness(vertx).checkStatus().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getUp();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void records_of_types_it_does_not_use_are_passed_over_by_their_type_header_and_committed() throws Exception {
    // Given, on one partition: a forget command, a vote command, a forget command without a type header, and a
    // forget command whose header says it is one but whose value is no JSON at all
    setUp(c -> {});
    sendTyped(0, "forget.match", command(new RobotCommand.ForgetMatch("c1", "robot-1", "m1")));
    sendTyped(0, "generate.vote", command(new RobotCommand.GenerateVote("c2", "robot-1", "curious-student", "m1", 1,
        "A", "a prompt", Map.of("A", "an answer"), java.time.Instant.now())));
    send(0, command(new RobotCommand.ForgetMatch("c3", "robot-1", "m1")));
    sendTyped(0, "forget.match", "{not json");
    List<Long> handled = new CopyOnWriteArrayList<>();

    // When a consumer that only uses vote commands runs
    onContext(() -> {
      consumer = EventConsumer.group(vertx, cfg, group, Set.of(TOPIC), deadLetters(cfg), r -> {
        handled.add(r.offset());
        return Future.succeededFuture();
      }).only(Set.of(RobotCommand.GenerateVote.class));
      return consumer.start();
    });

    // Then every record is committed, the vote and the untyped record were handed over, the typed forgets were
    // not decoded (the broken one is not this consumer's to judge), and nothing was dead-lettered
    await(() -> committed(0) == 4, "all four committed");
    assertThat(handled).containsExactlyInAnyOrder(1L, 2L);
    assertThat(TopicReader.readAll(cfg, Topic.DEAD_LETTERS)).isEmpty();
  }

  @Test
  void assigning_consumers_sharing_the_partitions_read_each_partition_once_between_them() throws Exception {
    // Given a record on every partition
    setUp(c -> {});
    int partitions = cfg.integer("kafka.partitions");
    for (int p = 0; p < partitions; p++) {
      produce(p, 1);
    }
    Map<Integer, List<Integer>> readBy = new ConcurrentHashMap<>();

    // When two assigning consumers read, the first share of two and the second
    List<EventConsumer> sharing = new CopyOnWriteArrayList<>();
    for (int share = 0; share < 2; share++) {
      int mine = share;
      onContext(() -> {
        EventConsumer c = EventConsumer.everyPartition(vertx, cfg, group + "-" + mine,
            Map.of(TOPIC, EventConsumer.Start.EARLIEST), deadLetters(cfg), r -> {
              readBy.computeIfAbsent(mine, k -> new CopyOnWriteArrayList<>()).add(r.partition());
              return Future.succeededFuture();
            }).share(mine, 2);
        sharing.add(c);
        return c.start();
      });
    }

    // Then each partition was read once, by the consumer whose share holds its number
    await(() -> readBy.values().stream().mapToInt(List::size).sum() == partitions, "every partition read");
    assertThat(readBy.get(0)).allMatch(p -> p % 2 == 0);
    assertThat(readBy.get(1)).allMatch(p -> p % 2 == 1);
    assertThat(readBy.values().stream().flatMap(List::stream).distinct().count()).isEqualTo(partitions);
    for (EventConsumer c : sharing) {
      onContext(c::stop);
    }
  }

  private static String command(RobotCommand command) {
    return Json.write(Envelope.of(Topic.registrationOf(command.getClass()).eventType(), "test", "robot-1", command,
        "corr", null));
  }

  private void sendTyped(int partition, String type, String value) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", cfg.bootstrapServers());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
        new StringSerializer())) {
      ProducerRecord<String, String> record = new ProducerRecord<>(cfg.topic(TOPIC), partition, "robot-1", value);
      record.headers().add("ce_type", type.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  private EventPublisher deadLetters(ArenaConfig config) {
    return EventPublisher.create(vertx, config, "consumer-test");
  }

  private void start(EventPublisher deadLetters, Function<Received, Future<Void>> handler) throws Exception {
    onContext(() -> {
      consumer = EventConsumer.group(vertx, cfg, group, Set.of(TOPIC), deadLetters, handler);
      return consumer.start();
    });
  }

  /** {@code count} forget commands on {@code partition}. */
  private void produce(int partition, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      RobotCommand.ForgetMatch forget = new RobotCommand.ForgetMatch(UUID.randomUUID().toString(), "robot-1", "m1");
      send(partition, Json.write(Envelope.of(Topic.registrationOf(forget.getClass()).eventType(), "test", "robot-1",
          forget, "corr", null)));
    }
  }

  /** {@code value} null is a tombstone. */
  private void send(int partition, String value) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", cfg.bootstrapServers());
    p.put("acks", "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
        new StringSerializer())) {
      producer.send(new ProducerRecord<>(cfg.topic(TOPIC), partition, "robot-1", value)).get();
    }
  }

  /** The group's committed offset on {@code partition}, -1 when none. */
  private long committed(int partition) {
    Map<String, Object> props = new HashMap<>(KafkaClients.standalone(cfg, "consumer-test-admin"));
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(cfg.topic(TOPIC), partition));
      return o == null ? -1 : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private double retried() {
    Counter c = counted.find("arena.records.retried").tag("consumer", group).counter();
    return c == null ? 0 : c.count();
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    return onContextAsync(work).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private <T> Future<T> onContextAsync(Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(result));
    return result.future();
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 40_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }
}
