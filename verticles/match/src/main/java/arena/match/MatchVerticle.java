package arena.match;

import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.game.MatchRules;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Lanes;
import arena.shared.kafka.Received;
import arena.shared.kafka.DeadLetters;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.ops.ArenaMetrics;
import arena.shared.ops.Tracing;
import arena.shared.state.MatchState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.kafka.client.common.TopicPartition;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Match Service: the single writer of match events and match state. It owns the matches of its assigned
 * partitions; every input of a match (records and deadline timers) runs through that match's lane, so a
 * match changes one step at a time. A step takes every input that waits for the match (see {@link #fold}) and
 * publishes their domain events, then the new state, then the replies, each awaited before the next.
 */
public class MatchVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MatchVerticle.class);
  public static final String SERVICE = "match-service";
  private static final long RETRY_MS = 1000;
  /**
   * Local event-bus address answering this JVM's active matches for operators ({@link MatchSummary}: counts per
   * phase, the most recent {@value MatchSummary#LISTED} with phase, round and seats), for {@code /ops}.
   */
  public static final String SUMMARY_ADDRESS = "arena.matches.summary";
  /** The instances of this JVM: {@code arena_matches_active} counts the matches of them all. */
  private static final Set<MatchVerticle> RUNNING = ConcurrentHashMap.newKeySet();

  /** An input waiting in its match's lane, its partition's revocations when it came, and its handling's end. */
  private record Waiting(Received received, int tenure, Promise<Void> handled) {}

  /** Where a match's current phase began; null when it began before this instance held the match. */
  private record PhaseStart(int round, MatchState.Phase phase, Instant since) {}

  private final Map<String, MatchState> matches = new ConcurrentHashMap<>();
  private final Map<String, Integer> partitionOf = new HashMap<>();
  private final Map<String, Long> timers = new HashMap<>();
  private final Map<String, PhaseStart> phases = new HashMap<>();
  private final Set<Integer> owned = new HashSet<>();
  /** How often each partition was revoked here: a record read before its partition's revocation is not ours. */
  private final Map<Integer, Integer> revocations = new HashMap<>();
  private final Lanes lanes = new Lanes();
  /** Per match, the inputs its next step folds, while that step waits in the lane; a timer's step closes it. */
  private final Map<String, List<Waiting>> gathering = new HashMap<>();
  private boolean stopping;

  private ArenaConfig config;
  private MatchMachine machine;
  private EventPublisher publisher;
  private EventConsumer consumer;
  private MessageConsumer<Object> summaryConsumer;
  private Counter created;
  private Counter completed;
  private Counter expired;
  private Counter cancelled;
  private Counter roundsCompleted;
  private Counter forgotten;
  private DistributionSummary matchCost;
  private DistributionSummary matchInputTokens;
  private DistributionSummary matchOutputTokens;

  @Override
  public Future<?> start() {
    config = ArenaConfig.of(config());
    PromptDeck deck = PromptDeck.fromClasspath();
    machine = new MatchMachine(new ClassicRuleset(), deck, new SecureRandom(), MatchRules.of(config));
    log.info("match service starting with {} prompts", deck.size());
    Gauge.builder("arena.matches.active", RUNNING, all -> all.stream().mapToLong(MatchVerticle::active).sum())
        .description("matches waiting for players or running, held by this JVM's Match Service")
        .register(Metrics.globalRegistry);
    RUNNING.add(this);
    // Every instance answers for all of this JVM's: their states are immutable, their maps concurrent.
    summaryConsumer = vertx.eventBus().localConsumer(SUMMARY_ADDRESS, msg -> msg.reply(MatchSummary.of(
        RUNNING.stream().flatMap(m -> m.matches.values().stream()).toList())));
    created = Counter.builder("arena.matches.created").register(Metrics.globalRegistry);
    // completed: played to the end; expired: humans did not come within match.lobbyTimeoutSeconds; cancelled:
    // robots did not come within match.robotWaitMaxSeconds.
    completed = ended("completed");
    expired = ended("expired");
    cancelled = ended("cancelled");
    roundsCompleted = Counter.builder("arena.rounds.completed").register(Metrics.globalRegistry);
    forgotten = Counter.builder("arena.matches.forgotten")
        .description("matches over for match.retainMinutes, dropped from memory and tombstoned in match-state")
        .register(Metrics.globalRegistry);
    // One sample per completed match, never tagged by match: match ids are unbounded.
    matchCost = DistributionSummary.builder("arena.match.llm.cost.usd")
        .description("estimated LLM cost of a match's robots, as the match completed")
        .register(Metrics.globalRegistry);
    matchInputTokens = matchTokens("input");
    matchOutputTokens = matchTokens("output");
    publisher = EventPublisher.create(vertx, config, SERVICE);
    consumer = EventConsumer.group(vertx, config, SERVICE,
            Set.of(Topic.MATCH_COMMANDS, Topic.ROBOT_ORCHESTRATION_EVENTS, Topic.ROBOT_RESPONSES), publisher,
            this::handle)
        .only(MatchMachine.USES)
        .onAssigned(this::recover)
        .onRevoked(this::forget);
    return consumer.start();
  }

  private static Counter ended(String outcome) {
    return Counter.builder("arena.matches.completed").tag("outcome", outcome)
        .description("matches over, by outcome: completed, expired or cancelled").register(Metrics.globalRegistry);
  }

  private long active() {
    return matches.values().stream().filter(s -> !s.status().over()).count();
  }

  /** Times the phase the match just left ({@code arena_round_duration_seconds{phase}}) and notes the one it entered. */
  private void timePhase(MatchState state) {
    MatchState.Round round = state.status().over() ? null : state.currentRound().orElse(null);
    PhaseStart was = phases.get(state.matchId());
    if (was != null && round != null && was.round() == round.number() && was.phase() == round.phase()) {
      return;
    }
    Instant now = Instant.now();
    if (was != null && was.since() != null && was.phase() != null) {
      ArenaMetrics.duration("arena.round.duration", "how long rounds stay in each phase")
          .tag("phase", was.phase().name().toLowerCase(Locale.ROOT)).register(Metrics.globalRegistry)
          .record(Duration.between(was.since(), now));
    }
    if (state.status().over()) {
      phases.remove(state.matchId());
    } else {
      // A match first seen here (new, or restored after a rebalance) is in a phase that began at an unknown time.
      phases.put(state.matchId(), new PhaseStart(round == null ? 0 : round.number(),
          round == null ? null : round.phase(), was == null ? null : now));
    }
  }

  private static DistributionSummary matchTokens(String direction) {
    return DistributionSummary.builder("arena.match.llm.tokens").baseUnit("tokens").tag("direction", direction)
        .description("LLM tokens of a match's robots, as the match completed")
        .register(Metrics.globalRegistry);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
    RUNNING.remove(this);
    Future<Void> stopped = Future.all(summaryConsumer == null ? Future.succeededFuture() : summaryConsumer.unregister(),
        consumer == null ? Future.succeededFuture() : consumer.stop()).mapEmpty();
    return stopped.eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close());
  }

  private Future<Void> handle(Received received) {
    Event input = received.payload();
    String matchId = input == null ? null : input.matchId();
    if (matchId == null || !MatchMachine.uses(input)) {
      return Future.succeededFuture(); // pool bookkeeping and the like: not ours
    }
    int partition = received.partition();
    Waiting waiting = new Waiting(received, revocations.getOrDefault(partition, 0), Promise.promise());
    List<Waiting> gathered = gathering.get(matchId);
    if (gathered != null) {
      gathered.add(waiting);
    } else {
      List<Waiting> batch = new ArrayList<>(List.of(waiting));
      gathering.put(matchId, batch);
      lanes.run(matchId, () -> {
        gathering.remove(matchId, batch);
        return fold(matchId, batch);
      }).onComplete(ar -> batch.forEach(w -> {
        // Those not already answered alone (left out, or not ours) end with the step.
        if (ar.succeeded()) {
          w.handled().tryComplete();
        } else {
          w.handled().tryFail(ar.cause());
        }
      }));
    }
    return waiting.handled().future();
  }

  /**
   * One step for every input that came for the match while its lane was busy: each is applied in turn, and their
   * events, one state and their replies go out as one step's do. The robots of a match answer within moments of
   * each other; folded, they cost one state and one wait for the broker instead of one each. Whoever sent them,
   * inputs fold by when they came, never by who. Each input's handling ends with the step: if the step fails,
   * every input in it is read again.
   */
  private Future<Void> fold(String matchId, List<Waiting> batch) {
    List<Waiting> held = new ArrayList<>(batch.size());
    for (Waiting w : batch) {
      if (revocations.getOrDefault(w.received().partition(), 0) != w.tenure()) {
        // Its partition was revoked while it waited in the lane: the match was dropped (or is being read back), so
        // it would be answered 404. Its offset was not committed: whoever holds the partition now reads it again.
        w.handled().tryComplete();
      } else {
        held.add(w);
      }
    }
    Fold fold = machine.fold(matches.get(matchId), held.stream().map(w -> w.received().envelope()).toList(),
        Instant.now());
    int partition = -1; // the last taken input's: none taken, nothing to publish
    for (int i = 0; i < held.size(); i++) {
      RuntimeException failure = fold.failed().get(i);
      if (failure != null) {
        held.get(i).handled().tryFail(failure);
      } else {
        partition = held.get(i).received().partition();
      }
    }
    return partition < 0 ? Future.succeededFuture() : publish(matchId, fold.state(), fold.events(), fold.replies(),
        fold.correlationId(), fold.causes(), partition);
  }

  /** Milliseconds from {@code now} to {@code at}, rounded up: a timer set for a deadline never fires before it. */
  static long millisUntil(Instant now, Instant at) {
    Duration left = Duration.between(now, at);
    if (left.isNegative() || left.isZero()) {
      return 0;
    }
    long ms = left.toMillis();
    return left.equals(Duration.ofMillis(ms)) ? ms : ms + 1;
  }

  private void onDeadline(Deadline deadline) {
    String matchId = deadline.matchId();
    if (Instant.now().isBefore(deadline.at())) {
      // The wall clock is behind the timer's: a phase never closes before its deadline, so wait for the rest.
      MatchState state = matches.get(matchId);
      if (state != null && !stopping) {
        arm(state, 0);
      }
      return;
    }
    gathering.remove(matchId); // inputs that come from now on are applied after the deadline's step, as read
    lanes.run(matchId, () -> {
      Step step = machine.onDeadline(matches.get(matchId), deadline, Instant.now());
      Integer partition = partitionOf.get(matchId);
      if (partition == null) {
        return Future.<Void>succeededFuture();
      }
      if (step.forget()) {
        return tombstone(matchId);
      }
      List<Fold.Out> events = step.events().stream().map(o -> new Fold.Out(o.event(), o.correlationId(), null))
          .toList();
      // A timer's step begins a chain of its own.
      return publish(matchId, step.state(), events, List.of(), UUID.randomUUID().toString(), List.of(), partition);
    }).onFailure(t -> {
      log.warn("{}: could not end {}, retrying: {}", matchId, deadline.describe(), t.toString());
      MatchState state = matches.get(matchId);
      if (state != null && !stopping) {
        arm(state, RETRY_MS);
      }
    });
  }

  /**
   * Domain events, then the state (null: unchanged), then (once the state is durable) the replies. Each record goes
   * out in its round's trace (see {@link Tracing#round}), so a round started by a timer is one trace with the
   * commands and robot work it leads to.
   *
   * @param correlationId the state's, and that of events without one of their own (a timer's)
   * @param causes        the inputs the state folds, in order, the last its causation; none for a timer
   */
  private Future<Void> publish(String matchId, MatchState changed, List<Fold.Out> events, List<Fold.Out> replies,
      String correlationId, List<String> causes, int partition) {
    MatchState state = changed != null ? changed : matches.get(matchId);
    Integer round = state == null ? null : state.currentRound().map(MatchState.Round::number).orElse(null);
    // The events go out together: all on the match's partition of match-events, where the producer keeps their order
    // (idempotent), so a round's end, the next round and its robots request take one wait for the broker, not three.
    List<Future<?>> sent = new ArrayList<>();
    for (Fold.Out out : events) {
      String corr = out.correlationId() != null ? out.correlationId() : correlationId;
      sent.add(Tracing.within(trace(matchId, roundOf(out.event(), round)),
          () -> publisher.publish(matchId, out.event(), corr, out.causationId())));
    }
    Future<Void> chain = Future.all(sent).mapEmpty();
    Context trace = trace(matchId, round);
    if (changed != null) {
      Envelope<MatchState> envelope = publisher.envelope(matchId, changed, correlationId, null);
      Envelope<MatchState> written = causes.isEmpty() ? envelope : envelope.folding(causes);
      chain = chain
          .compose(v -> Tracing.within(trace, () -> publisher.publish(written)).mapEmpty())
          .map(v -> {
            timePhase(changed);
            remember(changed, partition);
            count(events);
            return null;
          });
    }
    if (!replies.isEmpty()) {
      // Together, like the events: the producer keeps their order on the match's partition.
      chain = chain.compose(v -> Future.all(replies.stream().map(reply -> Tracing.within(trace,
          () -> publisher.publish(matchId, reply.event(), reply.correlationId(), reply.causationId()))).toList())
          .mapEmpty());
    }
    return chain;
  }

  private static Context trace(String matchId, Integer round) {
    return round == null ? Context.current() : Tracing.inRound(matchId, round);
  }

  /** The round an event is about, when it names one; else {@code otherwise}. */
  private static Integer roundOf(MatchEvent event, Integer otherwise) {
    if (event instanceof MatchEvent.RoundStarting e) {
      return e.round();
    } else if (event instanceof MatchEvent.RobotsNeeded e) {
      return e.round();
    } else if (event instanceof MatchEvent.RoundStarted e) {
      return e.round();
    } else if (event instanceof MatchEvent.VotingStarted e) {
      return e.round();
    } else if (event instanceof MatchEvent.RoundCompleted e) {
      return e.round();
    }
    return otherwise;
  }

  /**
   * Deletes the match from match-state (a null value under its key; compaction removes the key), and only once the
   * broker has it, from memory: a failed write leaves the match held, and its deadline is retried.
   */
  private Future<Void> tombstone(String matchId) {
    return publisher.tombstone(Topic.MATCH_STATE, matchId)
        .map(written -> {
          matches.remove(matchId);
          partitionOf.remove(matchId);
          phases.remove(matchId);
          Long timer = timers.remove(matchId);
          if (timer != null) {
            vertx.cancelTimer(timer);
          }
          forgotten.increment();
          return null;
        });
  }

  private void remember(MatchState state, int partition) {
    if (!owned.contains(partition)) {
      return; // the partition was revoked while this step was in flight: the new owner reads the state topic
    }
    matches.put(state.matchId(), state);
    partitionOf.put(state.matchId(), partition);
    arm(state, 0);
  }

  /** Sets the timer for the match's current deadline (replacing any other); a past deadline fires at once. */
  private void arm(MatchState state, long minDelayMs) {
    String matchId = state.matchId();
    Long previous = timers.remove(matchId);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
    machine.deadline(state).ifPresent(deadline -> {
      long delay = Math.max(Math.max(1, minDelayMs), millisUntil(Instant.now(), deadline.at()));
      long[] id = new long[1];
      id[0] = vertx.setTimer(delay, t -> {
        timers.remove(matchId, id[0]);
        onDeadline(deadline);
      });
      timers.put(matchId, id[0]);
    });
  }

  private void count(List<Fold.Out> events) {
    for (Fold.Out out : events) {
      if (out.event() instanceof MatchEvent.Created) {
        created.increment();
      } else if (out.event() instanceof MatchEvent.Expired) {
        expired.increment();
      } else if (out.event() instanceof MatchEvent.Cancelled) {
        cancelled.increment();
      } else if (out.event() instanceof MatchEvent.RoundCompleted) {
        roundsCompleted.increment();
      } else if (out.event() instanceof MatchEvent.Completed c) {
        completed.increment();
        matchCost.record(c.llmUsage().costUsd());
        matchInputTokens.record(c.llmUsage().inputTokens());
        matchOutputTokens.record(c.llmUsage().outputTokens());
      }
    }
  }

  /** Loads the matches of newly assigned partitions before any of their records is handled. */
  private Future<Void> recover(Set<TopicPartition> partitions) {
    Set<Integer> numbers = partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
    owned.addAll(numbers);
    return readStates(numbers).map(stored -> {
      int restored = 0;
      for (StateReader.Stored<MatchState> s : stored.values()) {
        MatchState known = matches.get(s.state().matchId());
        if (owned.contains(s.partition()) && (known == null || MatchStates.supersedes(s.state(), known))) {
          remember(s.state(), s.partition());
          restored++;
        }
      }
      log.info("assigned partitions {}: restored {} matches", numbers, restored);
      return null;
    });
  }

  /** Keeps trying: handling records of a match without its state would answer 404 for a live match. */
  private Future<Map<String, StateReader.Stored<MatchState>>> readStates(Set<Integer> numbers) {
    return vertx.executeBlocking(() -> StateReader.read(config, Topic.MATCH_STATE, MatchState.class, numbers))
        .compose(latest -> DeadLetters.parkAll(publisher, config, "match-service", latest.unreadable())
            .map(v -> latest.byKey()))
        .recover(t -> {
          if (stopping) {
            return Future.failedFuture(t);
          }
          log.error("could not restore matches of partitions {}, retrying: {}", numbers, t.toString());
          return vertx.timer(RETRY_MS).compose(v -> readStates(numbers));
        });
  }

  /** Drops the matches of revoked partitions; their new owner restores them from the state topic. */
  private Future<Void> forget(Set<TopicPartition> partitions) {
    Set<Integer> numbers = partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
    owned.removeAll(numbers);
    numbers.forEach(n -> revocations.merge(n, 1, Integer::sum));
    Set<String> gone = partitionOf.entrySet().stream().filter(e -> numbers.contains(e.getValue()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    for (String matchId : gone) {
      Long timer = timers.remove(matchId);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      matches.remove(matchId);
      partitionOf.remove(matchId);
      phases.remove(matchId);
    }
    log.info("revoked partitions {}: dropped {} matches", numbers, gone.size());
    return Future.succeededFuture();
  }
}
