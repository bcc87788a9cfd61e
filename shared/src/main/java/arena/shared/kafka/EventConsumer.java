package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a verticle reads Kafka: a single consumer driven by a poll loop on the verticle's event loop.
 * Each polled batch is decoded, handed to the handler (which keeps per-key order itself, usually with
 * {@link Lanes}), and committed once every record of the batch is processed. A record that cannot be decoded
 * or processed is parked on the dead-letter topic with provenance headers and counted; the loop goes on.
 */
public final class EventConsumer {
  private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);

  /** Where a group consumer starts, or where an assigning consumer seeks each topic. */
  public enum Start { EARLIEST, LATEST }

  private final Vertx vertx;
  private final ArenaConfig config;
  private final String name;
  private final Map<String, Topic> topicsByName;
  private final Map<Topic, Start> assignedTopics;
  private final KafkaConsumer<String, String> consumer;
  private final Function<Received, Future<Void>> handler;
  private final EventPublisher deadLetters;
  private Function<Set<TopicPartition>, Future<Void>> onAssigned = p -> Future.succeededFuture();
  private Function<Set<TopicPartition>, Future<Void>> onRevoked = p -> Future.succeededFuture();
  private Future<Void> ready = Future.succeededFuture();
  private volatile boolean running;
  private Future<Void> loop = Future.succeededFuture();

  private EventConsumer(Vertx vertx, ArenaConfig config, String name, Map<String, String> clientConfig,
      Map<Topic, Start> topics, boolean group, Function<Received, Future<Void>> handler,
      EventPublisher deadLetters) {
    this.vertx = vertx;
    this.config = config;
    this.name = name;
    this.topicsByName = topics.keySet().stream().collect(Collectors.toMap(config::topic, t -> t));
    this.assignedTopics = group ? null : topics;
    this.consumer = KafkaConsumer.create(vertx, clientConfig);
    this.handler = handler;
    this.deadLetters = deadLetters;
  }

  /** A member of consumer group {@code groupId}, subscribed to {@code topics}, committing after each batch. */
  public static EventConsumer group(Vertx vertx, ArenaConfig config, String groupId, Set<Topic> topics,
      EventPublisher deadLetters, Function<Received, Future<Void>> handler) {
    Map<Topic, Start> map = topics.stream().collect(Collectors.toMap(t -> t, t -> Start.EARLIEST));
    return new EventConsumer(vertx, config, groupId,
        KafkaClients.consumer(config, groupId, groupId + "-" + shortId()), map, true, handler, deadLetters);
  }

  /** A consumer outside any group that reads every partition of {@code topics}, from where each says. */
  public static EventConsumer everyPartition(Vertx vertx, ArenaConfig config, String name, Map<Topic, Start> topics,
      EventPublisher deadLetters, Function<Received, Future<Void>> handler) {
    return new EventConsumer(vertx, config, name, KafkaClients.standalone(config, name + "-" + shortId()), topics,
        false, handler, deadLetters);
  }

  /** Called on the event loop before any record of the new partitions is handled; the batch waits for it. */
  public EventConsumer onAssigned(Function<Set<TopicPartition>, Future<Void>> hook) {
    this.onAssigned = hook;
    return this;
  }

  public EventConsumer onRevoked(Function<Set<TopicPartition>, Future<Void>> hook) {
    this.onRevoked = hook;
    return this;
  }

  public Future<Void> start() {
    running = true;
    consumer.exceptionHandler(t -> log.warn("{}: consumer error: {}", name, t.toString()));
    Future<Void> subscribed;
    if (assignedTopics == null) {
      consumer.partitionsAssignedHandler(parts -> ready = ready.compose(v -> onAssigned.apply(parts)));
      consumer.partitionsRevokedHandler(parts -> ready = ready.compose(v -> onRevoked.apply(parts)));
      subscribed = consumer.subscribe(topicsByName.keySet());
    } else {
      subscribed = assignEveryPartition();
    }
    return subscribed.onSuccess(v -> pollLoop());
  }

  private Future<Void> assignEveryPartition() {
    List<Future<List<TopicPartition>>> lookups = new ArrayList<>();
    for (String topicName : topicsByName.keySet()) {
      lookups.add(consumer.partitionsFor(topicName).map(infos -> infos.stream()
          .map(i -> new TopicPartition(topicName, i.getPartition())).toList()));
    }
    return Future.all(lookups).compose(all -> {
      Set<TopicPartition> parts = lookups.stream().flatMap(f -> f.result().stream()).collect(Collectors.toSet());
      return consumer.assign(parts).compose(v -> {
        List<Future<Void>> seeks = new ArrayList<>();
        for (Map.Entry<Topic, Start> e : assignedTopics.entrySet()) {
          Set<TopicPartition> ofTopic = parts.stream()
              .filter(tp -> tp.getTopic().equals(config.topic(e.getKey()))).collect(Collectors.toSet());
          seeks.add(e.getValue() == Start.EARLIEST ? consumer.seekToBeginning(ofTopic) : consumer.seekToEnd(ofTopic));
        }
        return Future.all(seeks).compose(x -> onAssigned.apply(parts));
      });
    });
  }

  private void pollLoop() {
    if (!running) {
      return;
    }
    loop = consumer.poll(Duration.ofMillis(100))
        .compose(records -> ready.compose(v -> handleBatch(records)))
        .onFailure(t -> {
          if (running) {
            log.warn("{}: poll failed, retrying: {}", name, t.toString());
          }
        })
        .otherwiseEmpty();
    loop.onComplete(v -> {
      if (running) {
        if (loop.succeeded()) {
          pollLoop();
        } else {
          vertx.setTimer(500, id -> pollLoop());
        }
      }
    });
  }

  private Future<Void> handleBatch(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> processing = new ArrayList<>(records.size());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      processing.add(handle(record));
      offsets.put(new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1, null));
    }
    return Future.join(processing).otherwiseEmpty().compose(v -> {
      if (assignedTopics != null || !running) {
        return Future.succeededFuture();
      }
      return consumer.commit(offsets).<Void>mapEmpty().onFailure(t -> log.warn("{}: commit failed: {}", name, t.toString()))
          .otherwiseEmpty();
    });
  }

  private Future<Void> handle(KafkaConsumerRecord<String, String> record) {
    Topic topic = topicsByName.get(record.topic());
    counter("arena.records.consumed", record.topic()).increment();
    Received received;
    try {
      received = record.value() == null ? Received.tombstone(topic, record.partition(), record.offset(), record.key())
          : new Received(topic, record.partition(), record.offset(), record.key(),
              EventCodec.decode(topic, record.value()));
    } catch (PoisonRecordException e) {
      return DeadLetters.park(deadLetters, config, name, DeadLetters.Letter.of(record, e.getMessage(), e));
    }
    Future<Void> result;
    try {
      result = handler.apply(received);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(t -> DeadLetters.park(deadLetters, config, name,
        DeadLetters.Letter.of(record, "processing failed: " + t.getMessage(), t)));
  }

  private Counter counter(String metric, String topic) {
    return Counter.builder(metric).tag("consumer", name).tag("topic", topic).register(Metrics.globalRegistry);
  }

  public Future<Void> stop() {
    running = false;
    // Bounded: with the broker gone, a consumer's close would otherwise wait out its 30 s request timeout.
    return loop.eventually(() -> consumer.close().timeout(5, TimeUnit.SECONDS)).otherwiseEmpty();
  }

  private static String shortId() {
    return Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 8);
  }
}
