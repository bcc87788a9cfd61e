package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Orchestration.Outgoing;
import arena.orchestrator.OrchestrationTest.MutableClock;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Pending;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How the pool is laid out on the compacted robot-pool-state topic, and read back. */
class PoolRecordsTest {
  /** Kafka's default largest record (message.max.bytes, max.request.size). */
  private static final int RECORD_LIMIT = 1 << 20;
  private static final Duration WAIT_MAX = Duration.ofSeconds(60);
  private static final String[] TYPES = {"curious-student", "skeptical-scientist", "creative-artist", "retired-poet",
      "night-owl", "gym-enthusiast", "amateur-chef", "history-buff", "gamer", "traveler"};

  private final MutableClock clock = new MutableClock(Instant.now());

  /** 10,000 robots (half busy, each remembering its latest work), 5,000 waiting requests, 2,048 finished rounds. */
  static PoolState hugePool(Instant now) {
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (String type : TYPES) {
      byType.put(type, 1000);
    }
    PoolState created = RobotPool.create(byType, now);
    List<Robot> robots = new ArrayList<>();
    for (Robot r : created.robots()) {
      List<String> work = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        work.add(UUID.randomUUID() + "/response");
      }
      boolean busy = robots.size() % 2 == 0;
      robots.add(new Robot(r.id(), r.type(), busy ? Status.BUSY : Status.IDLE, busy ? UUID.randomUUID().toString()
          : null, busy ? 3 : 0, busy ? "C" : null, now, 1234, List.copyOf(work)));
    }
    List<Pending> queue = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String matchId = UUID.randomUUID().toString();
      queue.add(new Pending(new MatchEvent.RobotsNeeded(matchId, 2, 4,
          List.of("robot-curious-student-1", "robot-gamer-2", "robot-traveler-3", "robot-night-owl-4"),
          List.of("A", "B", "C", "D"), UUID.randomUUID().toString()), UUID.randomUUID().toString(), now));
    }
    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 2048; i++) {
      finished.add(PoolState.roundKey(UUID.randomUUID().toString(), i % 6));
    }
    return new PoolState(123_456, robots, queue, finished, created.robotNumbers());
  }

  /** The record's value as the publisher would write it. */
  static String encoded(String key, Event value) {
    Envelope<Event> envelope = Envelope.of(Topic.registrationOf(value.getClass()).eventType(), "robot-orchestrator",
        key, value, UUID.randomUUID().toString(), UUID.randomUUID().toString());
    return EventCodec.encode("robot-pool-state", envelope).value();
  }

  @Test
  void noRecordOfAPoolOfTenThousandRobotsComesNearTheRecordLimit() {
    // Given a pool of 10,000 robots with thousands of requests waiting, that as one record would pass the limit
    PoolState pool = hugePool(clock.instant());
    assertThat(encoded("pool", pool).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(RECORD_LIMIT);

    // When it is written
    List<PoolRecords.Record> records = PoolRecords.none().write(pool).records();

    // Then it takes one record per robot, per waiting request and per finished round, and a summary, each tiny
    assertThat(records).hasSize(10_000 + 5_000 + 2_048 + 1);
    int largest = records.stream().mapToInt(r -> encoded(r.key(), r.value()).getBytes(StandardCharsets.UTF_8).length)
        .max().orElseThrow();
    System.out.println("largest robot-pool-state record of a 10,000-robot pool: " + largest + " bytes");
    assertThat(largest).isLessThan(RECORD_LIMIT / 256);
  }

  @Test
  void aPoolReadBackFromItsRecordsIsThePoolThatWasWritten() {
    // Given a pool of 10,000 robots written to a compacted topic
    PoolState pool = hugePool(clock.instant());
    Compacted topic = new Compacted();
    topic.write(PoolRecords.none().write(pool).records());

    // When it is read back
    PoolRecords.Restored restored = PoolRecords.restore(topic.latest);

    // Then it is the same pool, robots, queue and finished rounds in their order, and writing it again writes nothing
    assertThat(restored.pool()).contains(pool);
    assertThat(restored.stored().write(pool).records()).isEmpty();
  }

  @Test
  void everyChangeWritesOnlyWhatChangedAndTheRecordsAlwaysReadBackAsThePool() {
    // Given a pool of 2 + 2 that may grow to 8, stored as records
    Orchestration orchestration = new Orchestration(new RobotPool(5, 8), clock, new SimpleMeterRegistry(), WAIT_MAX);
    Compacted topic = new Compacted();
    topic.write(orchestration.open(Optional.empty(), RobotPoolTest.types("curious-student", 2,
        "skeptical-scientist", 2)));
    ScalingPolicy policy = new ScalingPolicy(new ScalingPolicy.Settings(1, 8, 0.8, 1, 0, 1),
        Set.of("curious-student", "skeptical-scientist"));

    // When requests are served, queued, served after the pool grew, released, replayed, and the pool shrinks back
    List<Runnable> steps = List.of(
        () -> topic.write(handle(orchestration, fromMatch(OrchestrationTest.need("m1", 1, 3)))),
        () -> topic.write(handle(orchestration, fromMatch(OrchestrationTest.need("m2", 1, 3)))),
        () -> topic.write(scale(orchestration, policy)),
        () -> topic.write(handle(orchestration, fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(),
            Map.of())))),
        () -> topic.write(handle(orchestration, fromMatch(new MatchEvent.Completed("m2", Map.of(), List.of(), null)))),
        () -> topic.write(handle(orchestration, fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(),
            Map.of())))),
        () -> {
          clock.advance(Duration.ofSeconds(5));
          topic.write(scale(orchestration, policy));
        });
    for (Runnable step : steps) {
      step.run();

      // Then after every step the topic reads back as the pool in memory
      assertThat(PoolRecords.restore(topic.latest).pool()).contains(orchestration.state());
    }
    // And retired robots were tombstoned, and their ids never come back
    assertThat(topic.tombstoned).contains("robot-curious-student-3");
    assertThat(orchestration.state().robotNumbers()).containsEntry("curious-student", 4);
  }

  @Test
  void randomChangesAnywhereInTheListsWriteOnlyTheEntriesTheyTouchAndAlwaysReadBack() {
    // Given a pool of 300 robots and 50 finished rounds, stored as records
    Random random = new Random(7);
    Map<String, Integer> byType = new LinkedHashMap<>();
    byType.put("curious-student", 150);
    byType.put("skeptical-scientist", 150);
    PoolState created = RobotPool.create(byType, clock.instant());
    List<String> rounds = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rounds.add(PoolState.roundKey("m" + i, 1));
    }
    PoolState pool = new PoolState(1, created.robots(), List.of(), rounds, created.robotNumbers());
    Compacted topic = new Compacted();
    PoolRecords.Step first = PoolRecords.none().write(pool);
    topic.write(first.records());
    PoolRecords stored = first.after();
    int added = 0;
    for (int step = 0; step < 2000; step++) {
      // When a few robots change in place, move to the end, leave or join, and a round finishes (the oldest goes)
      List<Robot> robots = new ArrayList<>(pool.robots());
      Set<String> touched = new java.util.HashSet<>();
      for (int change = random.nextInt(4); change >= 0; change--) {
        int i = random.nextInt(robots.size());
        Robot r = robots.get(i);
        Robot changed = new Robot(r.id(), r.type(), r.status() == Status.IDLE ? Status.BUSY : Status.IDLE,
            "m" + step, 1, "B", clock.instant(), r.completedWork() + 1, List.of());
        touched.add(r.id());
        switch (random.nextInt(4)) {
          case 0 -> robots.set(i, changed);
          case 1 -> {
            robots.remove(i);
            robots.add(changed);
          }
          case 2 -> robots.remove(i);
          default -> {
            Robot joined = new Robot("robot-new-" + added++, r.type(), Status.IDLE, null, 0, null, clock.instant(),
                0, List.of());
            robots.add(random.nextInt(robots.size() + 1), joined);
            touched.add(joined.id());
          }
        }
      }
      List<String> finished = new ArrayList<>(pool.finishedRounds().subList(1, pool.finishedRounds().size()));
      finished.add(PoolState.roundKey("done" + step, 1));
      PoolState next = new PoolState(pool.version() + 1, robots, List.of(), finished, pool.robotNumbers());
      PoolRecords.Step written = stored.write(next);
      topic.write(written.records());

      // Then the topic reads back as the pool, and the records touch only the changed robots (those behind a robot
      // that joined in the middle move with it), the round finished and the one forgotten, and the summary
      assertThat(PoolRecords.restore(topic.latest).pool()).as("step %d", step).contains(next);
      List<String> keys = written.records().stream().map(PoolRecords.Record::key).toList();
      assertThat(keys).contains(PoolRecords.SUMMARY_KEY);
      if (keys.stream().filter(k -> k.startsWith("robot-")).count() > touched.size()) {
        assertThat(keys).as("step %d: only a robot joining in the middle moves others", step)
            .anyMatch(k -> k.startsWith("robot-new-"));
      }
      assertThat(keys.stream().filter(k -> k.startsWith("finished/"))).hasSize(2);
      pool = next;
      stored = written.after();
    }
  }

  @Test
  void aRobotReportRewritesThatRobotsRecordAndTheSummaryOnly() {
    // Given a pool of 10,000 robots, one of them busy
    Orchestration orchestration = new Orchestration(new RobotPool(5, 0), clock, new SimpleMeterRegistry(), WAIT_MAX);
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (String type : TYPES) {
      byType.put(type, 1000);
    }
    orchestration.open(Optional.empty(), byType);
    handle(orchestration, fromMatch(OrchestrationTest.need("m1", 1, 1)));
    String robot = RobotPool.seatedIn(orchestration.state(), "m1", 1).get(0).id();

    // When it reports finished work, twice
    Envelope<RobotResponse.ResponseComplete> report = Envelope.of("robot.response_complete", "robot", "m1",
        new RobotResponse.ResponseComplete(robot, "m1", 1, "cmd-1", "response", "scripted", 5, false, null, 0, 0, 0),
        null, null);
    List<Outgoing> out = handle(orchestration, report);
    List<Outgoing> again = handle(orchestration, report);

    // Then the first report writes that robot's record and the summary, the second nothing
    assertThat(out).extracting(Outgoing::key).containsExactly(robot, "summary");
    assertThat(((PoolState.PooledRobot) out.get(0).payload()).robot().completedWork()).isEqualTo(1);
    assertThat(again).isEmpty();
  }

  @Test
  void aPoolStoredAsOneRecordIsReadAndItsRecordTombstonedOnceWrittenAnew() {
    // Given a pool stored the old way, whole under the key "pool"
    Orchestration before = new Orchestration(new RobotPool(5, 0), clock, new SimpleMeterRegistry(), WAIT_MAX);
    before.open(Optional.empty(), RobotPoolTest.types("curious-student", 2, "creative-artist", 1));
    handle(before, fromMatch(OrchestrationTest.need("m1", 1, 2)));
    handle(before, fromMatch(OrchestrationTest.need("m2", 1, 2)));
    PoolState old = before.state();
    Compacted topic = new Compacted();
    topic.latest.put("pool", old);

    // When an orchestrator starts on it
    Orchestration after = new Orchestration(new RobotPool(5, 0), clock, new SimpleMeterRegistry(), WAIT_MAX);
    PoolRecords.Restored restored = PoolRecords.restore(topic.latest);
    List<Outgoing> written = after.open(restored, RobotPoolTest.types("curious-student", 2, "creative-artist", 1));
    topic.write(written);

    // Then it has the pool as it was, and the topic now holds it in records, the old one tombstoned before the summary
    assertThat(restored.pool()).contains(old);
    assertThat(after.state()).isEqualTo(old);
    assertThat(topic.latest).doesNotContainKey("pool").containsKeys("robot-curious-student-1", "summary",
        "queue/m2-r1-req");
    assertThat(topic.tombstoned).containsExactly("pool");
    assertThat(written.subList(written.size() - 2, written.size())).extracting(Outgoing::key)
        .containsExactly("pool", "summary");
    assertThat(PoolRecords.restore(topic.latest).pool()).contains(old);
  }

  @Test
  void aChangeCutShortIsTakenBackSoItsInputSeatsTheSameRobotsAgain() {
    // Given a pool of six whose records are all written, and m1 seated
    Orchestration first = new Orchestration(new RobotPool(5, 0), clock, new SimpleMeterRegistry(), WAIT_MAX);
    List<StateReader.Entry<Event>> log = new ArrayList<>();
    append(log, first.open(Optional.empty(), RobotPoolTest.types("curious-student", 3, "creative-artist", 3)));
    append(log, handle(first, fromMatch(OrchestrationTest.need("m1", 1, 2))));
    PoolState before = first.state();

    // And m2's request seats three robots, but only the first of its records reaches the topic before a crash
    Envelope<Event> request = fromMatch(OrchestrationTest.need("m2", 1, 3));
    List<Outgoing> step = handle(first, request);
    assertThat(step).hasSize(4);
    append(log, step.subList(0, 1));

    // When a new orchestrator reads the topic back, then takes the request again
    PoolRecords.Replay replay = new PoolRecords.Replay();
    log.forEach(replay);
    Orchestration second = new Orchestration(new RobotPool(5, 0), clock, new SimpleMeterRegistry(), WAIT_MAX);
    List<Outgoing> repaired = second.open(replay.restored(),
        RobotPoolTest.types("curious-student", 3, "creative-artist", 3));
    append(log, repaired);
    List<Outgoing> again = handle(second, request);
    append(log, again);

    // Then it starts from the pool as it was before that change, putting back the robot record written too early
    assertThat(replay.cutShort()).isEqualTo(1);
    assertThat(replay.restored().pool()).contains(before);
    assertThat(repaired).extracting(Outgoing::key).containsExactly(step.get(0).key(), "summary");
    // And it seats the same robots the cut-short change did, and the topic reads back as its pool
    assertThat(again).isEqualTo(step);
    PoolRecords.Replay after = new PoolRecords.Replay();
    log.forEach(after);
    assertThat(after.cutShort()).isZero();
    assertThat(after.restored().pool()).contains(second.state());
  }

  /** {@code out}'s robot-pool-state records, appended to a log as the topic would hold them. */
  static void append(List<StateReader.Entry<Event>> log, List<Outgoing> out) {
    for (Outgoing o : out) {
      if (onPoolState(o)) {
        Event value = o.payload() == null ? null
            : EventCodec.decode(Topic.ROBOT_POOL_STATE, encoded(o.key(), o.payload())).payload();
        log.add(new StateReader.Entry<>(o.key(), value, 0, log.size()));
      }
    }
  }

  static Envelope<Event> fromMatch(Event payload) {
    return Envelope.of(Topic.registrationOf(payload.getClass()).eventType(), "match-service", payload.matchId(),
        payload, payload.matchId() + "-corr", null);
  }

  static List<Outgoing> handle(Orchestration orchestration, Envelope<? extends Event> cause) {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.handle(cause, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written.stream().filter(PoolRecordsTest::onPoolState).toList();
  }

  @Test
  void theScalingCoolDownsOutliveARestart() {
    // Given a pool of 1 + 1 that grew when a round took both robots, with a 60 s cool-down and a 1 s idle time
    Map<String, Integer> byType = RobotPoolTest.types("curious-student", 1, "skeptical-scientist", 1);
    ScalingPolicy policy = new ScalingPolicy(new ScalingPolicy.Settings(1, 8, 0.8, 1, 60, 1), byType.keySet());
    Orchestration before = new Orchestration(new RobotPool(5, 8), clock, new SimpleMeterRegistry(), WAIT_MAX);
    Compacted topic = new Compacted();
    topic.write(before.open(Optional.empty(), byType));
    topic.write(handle(before, fromMatch(OrchestrationTest.need("m1", 1, 2))));
    List<Outgoing> grew = scale(before, policy);
    assertThat(grew).extracting(Outgoing::payload).hasAtLeastOneElementOfType(OrchestrationEvent.RobotInstantiated.class);
    topic.write(grew.stream().filter(PoolRecordsTest::onPoolState).toList());
    topic.write(handle(before, fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()))));

    // When the orchestrator starts again from the topic 5 s later, every robot idle longer than the idle time
    clock.advance(Duration.ofSeconds(5));
    Orchestration after = new Orchestration(new RobotPool(5, 8), clock, new SimpleMeterRegistry(), WAIT_MAX);
    after.open(PoolRecords.restore(topic.latest), byType);

    // Then it retires nothing within the cool-down of the growth, as the one before would not
    assertThat(scale(before, policy)).isEmpty();
    assertThat(scale(after, policy)).isEmpty();
  }

  static List<Outgoing> scale(Orchestration orchestration, ScalingPolicy policy) {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.scale(policy, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }

  static boolean onPoolState(Outgoing o) {
    return o.payload() == null || Topic.registrationOf(o.payload().getClass()).topic() == Topic.ROBOT_POOL_STATE;
  }

  /** The latest value of every key of robot-pool-state, each written through the wire format. */
  static final class Compacted {
    final Map<String, Event> latest = new LinkedHashMap<>();
    final List<String> tombstoned = new ArrayList<>();

    void write(List<?> records) {
      for (Object o : records) {
        String key;
        Event value;
        if (o instanceof Outgoing out) {
          if (!onPoolState(out)) {
            continue;
          }
          key = out.key();
          value = out.payload();
        } else {
          PoolRecords.Record r = (PoolRecords.Record) o;
          key = r.key();
          value = r.value();
        }
        if (value == null) {
          latest.remove(key);
          tombstoned.add(key);
        } else {
          latest.put(key, EventCodec.decode(Topic.ROBOT_POOL_STATE, encoded(key, value)).payload());
        }
      }
    }
  }
}
