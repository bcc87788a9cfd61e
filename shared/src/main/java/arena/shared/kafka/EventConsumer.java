package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.kafka.RecordDecoder.Decoded;
import arena.shared.events.Event;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a verticle reads Kafka: a single consumer driven by a poll loop on the verticle's event loop.
 * Polling goes on while records are in hand (a handler may take a while); the handler keeps per-key order itself,
 * usually with {@link Lanes}. Per partition, the offset committed is the watermark below which every record is
 * done, so a crash re-delivers only unfinished work. Commits go out every {@code kafka.consumer.commitIntervalMs},
 * before a partition is revoked and on stop.
 *
 * <p>Only a record that cannot be decoded or validated ({@link PoisonRecordException}, anywhere in the handler's
 * failure) is parked on the dead-letter topic. Any other failure is transient: the partition is paused, its records
 * in hand settle, it is sought back to the failed offset and resumed after a backoff, and nothing at or past that
 * offset is committed until it goes through. A record that cannot be parked is retried the same way. A null value
 * (a deleted key on a compacted topic) is handed over as a tombstone.
 */
public final class EventConsumer {
  private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);

  /** Where a group consumer starts, or where an assigning consumer seeks each topic. */
  public enum Start { EARLIEST, LATEST }

  /** {@code kafka.consumer} in the configuration. */
  public record Settings(int maxInFlight, long commitIntervalMs, long stopTimeoutMs, Retry retry) {
    /** The backoff of a failed partition: doubles from {@code firstMs} up to {@code maxMs}. */
    public record Retry(long firstMs, long maxMs) {}
  }

  /** What this consumer knows of one partition it reads. */
  private static final class Track {
    final TopicPartition partition;
    final TreeSet<Long> inHand = new TreeSet<>();
    /** The offset after the last record handed over; -1 before the first. */
    long next = -1;
    /** The lowest offset whose handling failed; from there the partition is read again. */
    Long failedAt;
    long retryTimer = -1;
    int failures;

    /** This partition's lag in {@code arena_kafka_consumer_lag}, while it is ours. */
    Gauge lag;

    Track(TopicPartition partition) {
      this.partition = partition;
    }

    /** The offset below which every record is done, or -1 when nothing was handed over yet. */
    long watermark() {
      long mark = inHand.isEmpty() ? next : inHand.first();
      return failedAt == null ? mark : Math.min(mark, failedAt);
    }
  }

  private final Vertx vertx;
  private final ArenaConfig config;
  private final Settings settings;
  private final String name;
  private final Map<String, Topic> topicsByName;
  private final Map<Topic, Start> assignedTopics;
  private final KafkaConsumer<String, Decoded> consumer;
  /** The same consumer unwrapped: its metrics (the per-partition lag) may be read from any thread. */
  private final CommittingConsumer kafkaConsumer;
  /** The readiness check's name: one per consumer, as a JVM may run several instances of a role. */
  private final String readinessCheck;
  private final Function<Received, Future<Void>> handler;
  private final EventPublisher deadLetters;
  private final Map<TopicPartition, Track> tracks = new LinkedHashMap<>();
  /** Watermarks and what was committed, shared with the poll thread, which commits them before a revocation. */
  private final Map<org.apache.kafka.common.TopicPartition, Long> committable = new ConcurrentHashMap<>();
  private final Map<org.apache.kafka.common.TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private final RecordDecoder decoder;
  private final Map<String, Counter> consumed = new HashMap<>();
  private Function<Set<TopicPartition>, Future<Void>> onAssigned = p -> Future.succeededFuture();
  private Function<Set<TopicPartition>, Future<Void>> onRevoked = p -> Future.succeededFuture();
  private Future<Void> ready = Future.succeededFuture();
  /** Of every partition, an assigning consumer reads those whose number is {@code share} modulo {@code shares}. */
  private int share = 0;
  private int shares = 1;
  /** Whether the group gave this consumer its partitions (possibly none) at least once. */
  private volatile boolean assigned;
  private volatile boolean running;
  private Future<Void> loop = Future.succeededFuture();
  private int inFlight;
  private boolean throttled;
  private boolean committing;
  private long commitTimer = -1;
  private Promise<Void> drained;

  private EventConsumer(Vertx vertx, ArenaConfig config, String name, Map<String, String> clientConfig,
      Map<Topic, Start> topics, boolean group, Function<Received, Future<Void>> handler,
      EventPublisher deadLetters) {
    this.vertx = vertx;
    this.config = config;
    this.settings = config.bind("kafka.consumer", Settings.class);
    this.name = name;
    this.topicsByName = topics.keySet().stream().collect(Collectors.toMap(config::topic, t -> t));
    this.assignedTopics = group ? null : topics;
    this.decoder = new RecordDecoder(topicsByName);
    this.kafkaConsumer = new CommittingConsumer(new HashMap<>(clientConfig), decoder);
    this.consumer = KafkaConsumer.create(vertx, kafkaConsumer);
    this.readinessCheck = "consumer:" + clientConfig.get("client.id");
    this.handler = handler;
    this.deadLetters = deadLetters;
  }

  /** A member of consumer group {@code groupId}, subscribed to {@code topics}, committing its watermarks. */
  public static EventConsumer group(Vertx vertx, ArenaConfig config, String groupId, Set<Topic> topics,
      EventPublisher deadLetters, Function<Received, Future<Void>> handler) {
    Map<Topic, Start> map = topics.stream().collect(Collectors.toMap(t -> t, t -> Start.EARLIEST));
    return new EventConsumer(vertx, config, groupId,
        KafkaClients.consumer(config, groupId, groupId + "-" + shortId()), map, true, handler, deadLetters);
  }

  /** A consumer outside any group that reads every partition of {@code topics}, from where each says; no commits. */
  public static EventConsumer everyPartition(Vertx vertx, ArenaConfig config, String name, Map<Topic, Start> topics,
      EventPublisher deadLetters, Function<Received, Future<Void>> handler) {
    return new EventConsumer(vertx, config, name, KafkaClients.standalone(config, name + "-" + shortId()), topics,
        false, handler, deadLetters);
  }

  /**
   * Only records of these event types reach the handler. The others are passed over by their {@code ce_type} header
   * before anything is decoded (most of a busy topic is often of no use to a given reader), and count as done; each
   * record is validated by the consumers that use it. A record without that header is decoded as usual.
   */
  public EventConsumer only(Set<Class<? extends Event>> used) {
    for (Map.Entry<String, Topic> e : topicsByName.entrySet()) {
      Set<String> skipped = e.getValue().eventTypes().entrySet().stream()
          .filter(type -> !used.contains(type.getValue())).map(Map.Entry::getKey).collect(Collectors.toSet());
      decoder.unused(e.getKey(), skipped);
    }
    return this;
  }

  /**
   * An assigning consumer reads only its share of every topic's partitions: those numbered {@code share} modulo
   * {@code shares}, so that {@code shares} consumers numbered 0 to {@code shares - 1} read each partition once.
   */
  public EventConsumer share(int share, int shares) {
    if (assignedTopics == null || shares < 1 || share < 0 || share >= shares) {
      throw new IllegalArgumentException("share " + share + " of " + shares + " (assigning consumers only)");
    }
    this.share = share;
    this.shares = shares;
    return this;
  }

  /** Whether partition {@code partition} is in share {@code share} of {@code shares}. */
  public static boolean inShare(int partition, int share, int shares) {
    return partition % shares == share;
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
    // Counted from zero, so an operator's rate() and alerts see the series before the first letter.
    topicsByName.keySet().forEach(topic -> DeadLetters.counter(name, topic));
    ArenaHealth.readiness(vertx).register(readinessCheck, promise -> promise.complete(readiness()));
    consumer.exceptionHandler(t -> log.warn("{}: consumer error: {}", name, t.toString()));
    Future<Void> subscribed;
    if (assignedTopics == null) {
      consumer.partitionsAssignedHandler(parts -> {
        parts.forEach(this::track);
        if (throttled) {
          consumer.pause(parts);
        }
        assigned = true;
        ready = ready.compose(v -> onAssigned.apply(parts));
      });
      consumer.partitionsRevokedHandler(parts -> {
        parts.forEach(this::untrack);
        ready = ready.compose(v -> onRevoked.apply(parts));
      });
      subscribed = consumer.subscribe(topicsByName.keySet());
      commitTimer = vertx.setPeriodic(settings.commitIntervalMs(), id -> commit());
    } else {
      subscribed = assignEveryPartition();
    }
    return subscribed.onSuccess(v -> pollLoop());
  }

  private Future<Void> assignEveryPartition() {
    List<Future<List<TopicPartition>>> lookups = new ArrayList<>();
    for (String topicName : topicsByName.keySet()) {
      lookups.add(consumer.partitionsFor(topicName).map(infos -> infos.stream()
          .map(i -> new TopicPartition(topicName, i.getPartition()))
          .filter(tp -> inShare(tp.getPartition(), share, shares)).toList()));
    }
    return Future.all(lookups).compose(all -> {
      Set<TopicPartition> parts = lookups.stream().flatMap(f -> f.result().stream()).collect(Collectors.toSet());
      parts.forEach(this::track);
      return consumer.assign(parts).compose(v -> {
        List<Future<Void>> seeks = new ArrayList<>();
        for (Map.Entry<Topic, Start> e : assignedTopics.entrySet()) {
          Set<TopicPartition> ofTopic = parts.stream()
              .filter(tp -> tp.getTopic().equals(config.topic(e.getKey()))).collect(Collectors.toSet());
          seeks.add(e.getValue() == Start.EARLIEST ? consumer.seekToBeginning(ofTopic) : consumer.seekToEnd(ofTopic));
        }
        assigned = true;
        ready = Future.all(seeks).compose(x -> onAssigned.apply(parts));
        return ready;
      });
    });
  }

  /** Ready once it has its partitions and the state they hold is rebuilt; not while a rebuild runs. */
  private Status readiness() {
    if (assigned && ready.succeeded()) {
      return Status.OK();
    }
    return Status.KO(new JsonObject().put("consumer", name)
        .put("state", assigned ? "rebuilding state from its partitions" : "waiting for partitions"));
  }

  private void track(TopicPartition partition) {
    Track track = new Track(partition);
    Topic topic = topicsByName.get(partition.getTopic());
    track.lag = Gauge.builder("arena.kafka.consumer.lag", kafkaConsumer, c -> c.lag(partition))
        .description("records of the partition not read yet by the consumer group (or reader) that owns it here")
        .tag("group", name).tag("topic", topic == null ? partition.getTopic() : topic.baseName())
        .tag("partition", String.valueOf(partition.getPartition())).register(Metrics.globalRegistry);
    removeLag(tracks.put(partition, track));
  }

  private static void removeLag(Track track) {
    if (track != null && track.lag != null) {
      Metrics.globalRegistry.remove(track.lag);
    }
  }

  /** Records of a revoked partition still in hand finish unseen: the new owner reads from the last commit. */
  private void untrack(TopicPartition partition) {
    Track track = tracks.remove(partition);
    removeLag(track);
    if (track != null && track.retryTimer != -1) {
      vertx.cancelTimer(track.retryTimer);
    }
    committable.remove(kafka(partition));
  }

  private void pollLoop() {
    if (!running || (assignedTopics != null && tracks.isEmpty())) {
      return; // stopped, or a share with no partitions: nothing to read
    }
    loop = consumer.poll(Duration.ofMillis(100))
        .compose(records -> ready.map(v -> {
          dispatch(records);
          return null;
        }))
        .onFailure(t -> {
          if (running) {
            log.warn("{}: poll failed, retrying: {}", name, t.toString());
          }
        })
        .<Void>mapEmpty().otherwiseEmpty();
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

  /**
   * Hands every record over without waiting for the handler. Past the in-flight bound, every partition is paused
   * and those with records not handed over are sought back to the first of them.
   */
  private void dispatch(KafkaConsumerRecords<String, Decoded> records) {
    Map<TopicPartition, Long> notHanded = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, Decoded> record = records.recordAt(i);
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      Track track = tracks.get(partition);
      if (track == null || track.failedAt != null) {
        continue; // revoked, or failing: it is read again from the failed offset
      }
      if (inFlight >= settings.maxInFlight() || notHanded.containsKey(partition)) {
        notHanded.putIfAbsent(partition, record.offset());
        continue;
      }
      if (record.value() == Decoded.UNUSED) {
        consumed(record.topic()).increment();
        track.next = record.offset() + 1;
        committable.put(kafka(partition), track.watermark());
        continue;
      }
      track.inHand.add(record.offset());
      track.next = record.offset() + 1;
      inFlight++;
      handle(record).onComplete(ar -> settle(track, record, ar.failed() ? ar.cause() : null));
    }
    if (inFlight >= settings.maxInFlight() && !throttled) {
      throttled = true;
      consumer.pause(new HashSet<>(tracks.keySet()));
    }
    notHanded.forEach(consumer::seek);
  }

  private void settle(Track track, KafkaConsumerRecord<String, Decoded> record, Throwable failure) {
    inFlight--;
    boolean current = tracks.get(track.partition) == track;
    track.inHand.remove(record.offset());
    if (failure != null) {
      counter("arena.records.retried", record.topic()).increment();
      if (track.failedAt == null) {
        log.warn("{}: {}-{}@{} failed, the partition waits to retry it: {}", name, record.topic(),
            record.partition(), record.offset(), failure.toString());
        if (current && running) {
          consumer.pause(Set.of(track.partition));
        }
      }
      track.failedAt = track.failedAt == null ? record.offset() : Math.min(track.failedAt, record.offset());
    } else if (track.failedAt == null) {
      track.failures = 0;
    }
    if (current) {
      long mark = track.watermark();
      if (mark >= 0) {
        committable.put(kafka(track.partition), mark);
      }
      if (track.failedAt != null && track.inHand.isEmpty() && track.retryTimer == -1 && running) {
        retryLater(track);
      }
    }
    if (throttled && inFlight < settings.maxInFlight() && running) {
      throttled = false;
      consumer.resume(tracks.values().stream().filter(t -> t.failedAt == null).map(t -> t.partition)
          .collect(Collectors.toSet()));
    }
    if (drained != null && inFlight == 0) {
      drained.tryComplete();
    }
  }

  /** Reads the partition again from its failed offset after a backoff that doubles with each failure. */
  private void retryLater(Track track) {
    long delay = Math.min(settings.retry().maxMs(), settings.retry().firstMs() << Math.min(track.failures, 20));
    track.failures++;
    consumer.seek(track.partition, track.failedAt);
    track.retryTimer = vertx.setTimer(delay, id -> {
      track.retryTimer = -1;
      if (tracks.get(track.partition) != track || !running) {
        return;
      }
      track.next = track.failedAt;
      track.failedAt = null;
      if (!throttled) {
        consumer.resume(Set.of(track.partition));
      }
    });
  }

  /**
   * Handles one record on a Vert.x context of its own, which carries the record's trace and log context through
   * every asynchronous step of its handling: log lines name its correlationId, matchId and trace id, and what the
   * handler publishes continues the trace the record's {@code traceparent} header names.
   */
  private Future<Void> handle(KafkaConsumerRecord<String, Decoded> record) {
    Topic topic = topicsByName.get(record.topic());
    consumed(record.topic()).increment();
    Decoded read = record.value();
    PoisonRecordException poison = read == null ? null : read.poison();
    Received received = poison != null ? null : new Received(topic, record.partition(), record.offset(), record.key(),
        read == null ? null : read.envelope());
    Envelope<?> envelope = received == null ? null : received.envelope();
    Context trace = Tracing.on() ? Tracing.openTelemetry().getPropagators().getTextMapPropagator()
        .extract(Context.root(), record.headers(), HEADERS) : Context.root();
    Span span = null;
    if (Tracing.on()) {
      span = Tracing.tracer().spanBuilder(topic.baseName() + " process").setParent(trace)
          .setSpanKind(SpanKind.CONSUMER)
          .setAttribute("messaging.system", "kafka")
          .setAttribute("messaging.destination.name", record.topic())
          .setAttribute("messaging.consumer.group.name", name)
          .setAttribute("messaging.kafka.offset", record.offset())
          .setAttribute("arena.event_type", envelope == null ? "" : envelope.eventType())
          .startSpan();
      trace = trace.with(span);
    }
    trace = Tracing.withLog(trace,
        envelope != null ? envelope.correlationId() : HEADERS.get(record.headers(), "ce_correlationid"),
        envelope != null ? envelope.matchId() : null);
    ContextInternal own = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    // Never closed: the duplicated context is this record's alone and ends with it.
    VertxContextStorageProvider.VertxContextStorage.INSTANCE.attach(own, trace);
    Promise<Void> done = own.promise();
    Received decoded = received;
    PoisonRecordException undecodable = poison;
    own.dispatch(v -> (undecodable != null
        ? DeadLetters.park(deadLetters, config, name, DeadLetters.Letter.of(record, undecodable.getMessage(),
            undecodable))
        : handle(record, decoded)).onComplete(done));
    if (span == null) {
      return done.future();
    }
    Span ended = span;
    return done.future().onComplete(ar -> {
      if (ar.failed()) {
        ended.setStatus(StatusCode.ERROR, ar.cause().toString());
      }
      ended.end();
    });
  }

  private Future<Void> handle(KafkaConsumerRecord<String, Decoded> record, Received received) {
    Future<Void> result;
    try {
      result = handler.apply(received);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(t -> PoisonRecordException.in(t)
        .map(poison -> DeadLetters.park(deadLetters, config, name,
            DeadLetters.Letter.of(record, "invalid: " + poison.getMessage(), poison)))
        .orElseGet(() -> Future.failedFuture(t)));
  }

  private Counter consumed(String topic) {
    return consumed.computeIfAbsent(topic, t -> counter("arena.records.consumed", t));
  }

  /** Reads a record's headers: the W3C trace headers, and the correlation id of a record that does not decode. */
  private static final TextMapGetter<List<KafkaHeader>> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(List<KafkaHeader> headers) {
      return headers.stream().map(KafkaHeader::key).toList();
    }

    @Override
    public String get(List<KafkaHeader> headers, String key) {
      if (headers == null) {
        return null;
      }
      String value = null;
      for (KafkaHeader h : headers) {
        if (h.key().equals(key)) {
          value = h.value().toString(); // the last one wins, as Kafka's lastHeader
        }
      }
      return value;
    }
  };

  /** Commits every partition whose watermark moved; one commit at a time. */
  private Future<Void> commit() {
    if (assignedTopics != null || committing) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : tracks.keySet()) {
      org.apache.kafka.common.TopicPartition tp = kafka(partition);
      Long mark = committable.get(tp);
      if (mark != null && mark > committed.getOrDefault(tp, -1L)) {
        offsets.put(partition, new OffsetAndMetadata(mark, null));
      }
    }
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    committing = true;
    return consumer.commit(offsets).<Void>mapEmpty()
        .onSuccess(v -> offsets.forEach((p, o) -> committed.merge(kafka(p), o.getOffset(), Math::max)))
        .onFailure(t -> log.warn("{}: commit failed: {}", name, t.toString()))
        .otherwiseEmpty()
        .onComplete(v -> committing = false);
  }

  private Counter counter(String metric, String topic) {
    return Counter.builder(metric).tag("consumer", name).tag("topic", topic).register(Metrics.globalRegistry);
  }

  /** How many partitions {@code topic} has, as the broker says. */
  public Future<Integer> partitionCount(Topic topic) {
    return consumer.partitionsFor(config.topic(topic)).map(List::size);
  }

  /** Stops polling, waits (up to {@code stopTimeoutMs}) for the records in hand, commits the watermarks, closes. */
  public Future<Void> stop() {
    running = false;
    ArenaHealth.readiness(vertx).unregister(readinessCheck);
    tracks.values().forEach(EventConsumer::removeLag);
    vertx.cancelTimer(commitTimer);
    tracks.values().forEach(t -> vertx.cancelTimer(t.retryTimer));
    drained = Promise.promise();
    if (inFlight == 0) {
      drained.tryComplete();
    }
    Future<Void> settled = drained.future().timeout(settings.stopTimeoutMs(), TimeUnit.MILLISECONDS)
        .onFailure(t -> log.warn("{}: stopping with {} records in hand; they are read again by the next owner", name,
            inFlight))
        .otherwiseEmpty();
    // Bounded: with the broker gone, a consumer's close would otherwise wait out its 30 s request timeout.
    return loop.eventually(() -> settled).eventually(() -> awaitCommit()).eventually(this::commit)
        .eventually(() -> consumer.close().timeout(5, TimeUnit.SECONDS)).otherwiseEmpty();
  }

  /** Lets a periodic commit under way finish, so the last one is not skipped. */
  private Future<Void> awaitCommit() {
    if (!committing) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(20, id -> {
      if (!committing) {
        vertx.cancelTimer(timer[0]);
        done.complete();
      }
    });
    return done.future();
  }

  private static org.apache.kafka.common.TopicPartition kafka(TopicPartition p) {
    return new org.apache.kafka.common.TopicPartition(p.getTopic(), p.getPartition());
  }

  private static String shortId() {
    return Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 8);
  }

  /**
   * The Kafka consumer, committing the watermarks of revoked partitions on the poll thread before they go: Vert.x
   * tells the event loop of a revocation only after it happened.
   */
  private final class CommittingConsumer extends org.apache.kafka.clients.consumer.KafkaConsumer<String, Decoded> {
    CommittingConsumer(Map<String, Object> props, RecordDecoder decoder) {
      super(props, new StringDeserializer(), decoder);
    }

    /** The partition's lag as the consumer last fetched it (its own metric; NaN before the first fetch). */
    double lag(TopicPartition partition) {
      // Kafka's metric tags spell a topic's dots as underscores.
      String topic = partition.getTopic().replace('.', '_');
      String number = String.valueOf(partition.getPartition());
      return metrics().entrySet().stream()
          .filter(e -> e.getKey().name().equals("records-lag")
              && topic.equals(e.getKey().tags().get("topic")) && number.equals(e.getKey().tags().get("partition")))
          .map(e -> e.getValue().metricValue()).filter(Number.class::isInstance)
          .mapToDouble(v -> ((Number) v).doubleValue()).findFirst().orElse(Double.NaN);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
      super.subscribe(topics, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
          commitBeforeRevoking(partitions);
          listener.onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
          listener.onPartitionsAssigned(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
          listener.onPartitionsLost(partitions); // no longer ours: a commit would be refused
        }
      });
    }

    private void commitBeforeRevoking(Collection<org.apache.kafka.common.TopicPartition> partitions) {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets =
          new HashMap<>();
      Set<org.apache.kafka.common.TopicPartition> revoked = new HashSet<>(partitions);
      for (org.apache.kafka.common.TopicPartition tp : revoked) {
        Long mark = committable.remove(tp);
        if (mark != null && mark > committed.getOrDefault(tp, -1L)) {
          offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(mark));
        }
      }
      if (offsets.isEmpty()) {
        return;
      }
      try {
        commitSync(offsets, Duration.ofSeconds(5));
        offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
      } catch (RuntimeException e) {
        log.warn("{}: commit before revoking {} failed: {}", name, revoked, e.toString());
      }
    }
  }
}
