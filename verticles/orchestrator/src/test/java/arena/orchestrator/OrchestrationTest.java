package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Orchestration.Outgoing;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.LlmUsage;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrchestrationTest {
  private static final Map<String, Integer> CONFIG =
      RobotPoolTest.types("curious-student", 2, "skeptical-scientist", 2, "creative-artist", 2);
  private static final Instant DEADLINE = Instant.parse("2025-01-01T10:01:00Z");
  /** match.robotWaitMaxSeconds */
  private static final Duration WAIT_MAX = Duration.ofSeconds(60);

  /** Starts now: envelopes are stamped with the real time. */
  private final MutableClock clock = new MutableClock(Instant.now());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Orchestration orchestration;

  @BeforeEach
  void openPool() {
    orchestration = new Orchestration(new RobotPool(3, 0), clock, registry, WAIT_MAX);
    orchestration.open(Optional.empty(), CONFIG);
  }

  /** Handles {@code cause} with a publisher that writes everything: the records it published. */
  List<Outgoing> on(Envelope<? extends Event> cause) {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.handle(cause, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }

  /** The records of the pool, without the robot stats that follow them. */
  static List<Outgoing> withoutStats(List<Outgoing> out) {
    return out.stream().filter(o -> !(o.payload() instanceof arena.shared.state.RobotTally)).toList();
  }

  static <E extends Event> Envelope<E> fromMatch(E payload, String correlationId) {
    return Envelope.of(Topic.registrationOf(payload.getClass()).eventType(), "match-service", payload.matchId(),
        payload, correlationId, null);
  }

  /** The payloads' kinds, a step's robot-pool-state records as one "state". */
  static List<String> kinds(List<Outgoing> out) {
    List<String> kinds = new ArrayList<>();
    for (Outgoing o : out) {
      String kind = PoolRecordsTest.onPoolState(o) ? "state" : o.payload().getClass().getSimpleName();
      if (!(kind.equals("state") && !kinds.isEmpty() && kinds.get(kinds.size() - 1).equals("state"))) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  /** The pool as robot-pool-state holds it after {@code out} alone. */
  static PoolState restored(List<Outgoing> out) {
    PoolRecordsTest.Compacted topic = new PoolRecordsTest.Compacted();
    topic.write(out);
    return PoolRecords.restore(topic.latest).pool().orElseThrow();
  }

  static MatchEvent.RobotsNeeded need(String matchId, int round, int count) {
    return RobotPoolTest.need(matchId, round, count);
  }

  @Test
  void aNewPoolAnnouncesEveryRobotThenItsSizeThenItsState() {
    // Given
    Orchestration fresh = new Orchestration(new RobotPool(1, 0), clock, registry, WAIT_MAX);

    // When
    List<Outgoing> out = fresh.open(Optional.empty(), CONFIG);

    // Then
    assertThat(out).hasSize(16);
    assertThat(out.subList(0, 6)).allSatisfy(o -> {
      assertThat(o.payload()).isInstanceOf(OrchestrationEvent.RobotInstantiated.class);
      assertThat(o.key()).isEqualTo(((OrchestrationEvent.RobotInstantiated) o.payload()).robotId());
    });
    assertThat(out.subList(6, 9)).extracting(Outgoing::key).containsOnly("pool");
    assertThat(out.subList(6, 9)).extracting(Outgoing::payload).containsExactly(
        new OrchestrationEvent.PoolScaled("curious-student", 0, 2, OrchestrationEvent.PoolScaled.Reason.INITIAL),
        new OrchestrationEvent.PoolScaled("skeptical-scientist", 0, 2, OrchestrationEvent.PoolScaled.Reason.INITIAL),
        new OrchestrationEvent.PoolScaled("creative-artist", 0, 2, OrchestrationEvent.PoolScaled.Reason.INITIAL));
    assertThat(out.subList(9, 16)).allMatch(PoolRecordsTest::onPoolState).last().extracting(Outgoing::key)
        .isEqualTo("summary");
    assertThat(restored(out)).isEqualTo(fresh.state());
  }

  @Test
  void aRestoredPoolThatMatchesTheConfigIsTakenAsItIs() {
    // Given a stored pool with a busy robot
    on(fromMatch(need("m1", 1, 2), "c1"));
    PoolState stored = orchestration.state();
    Orchestration restarted = new Orchestration(new RobotPool(1, 0), clock, registry, WAIT_MAX);

    // When
    List<Outgoing> out = restarted.open(Optional.of(stored), CONFIG);

    // Then
    assertThat(out).isEmpty();
    assertThat(restarted.state()).isEqualTo(stored);
  }

  @Test
  void aRestoredPoolGrowsToTheConfig() {
    // Given
    PoolState stored = orchestration.state();
    Orchestration restarted = new Orchestration(new RobotPool(1, 0), clock, registry, WAIT_MAX);

    // When
    List<Outgoing> out = restarted.open(Optional.of(stored), RobotPoolTest.types("curious-student", 3));

    // Then
    assertThat(out).extracting(Outgoing::payload).startsWith(
        new OrchestrationEvent.RobotInstantiated("robot-curious-student-3", "curious-student"),
        new OrchestrationEvent.PoolScaled("curious-student", 2, 3, OrchestrationEvent.PoolScaled.Reason.CONFIG));
    assertThat(out.subList(2, out.size())).extracting(Outgoing::key)
        .containsExactly("robot-curious-student-3", "summary");
    assertThat(restarted.state().version()).isEqualTo(stored.version() + 1);
  }

  @Test
  void robotsNeededIsAnsweredWithAnAssignmentThenTheState() {
    // Given
    Envelope<MatchEvent.RobotsNeeded> request = fromMatch(need("m1", 1, 3), "m1-r1-req");
    long version = orchestration.state().version();

    // When
    List<Outgoing> out = on(request);

    // Then
    assertThat(out).hasSize(5);
    Outgoing assigned = out.get(0);
    assertThat(assigned.key()).isEqualTo("m1");
    assertThat(assigned.correlationId()).isEqualTo("m1-r1-req");
    assertThat(assigned.causationId()).isEqualTo(request.eventId());
    OrchestrationEvent.RobotsAssigned payload = (OrchestrationEvent.RobotsAssigned) assigned.payload();
    assertThat(payload.matchId()).isEqualTo("m1");
    assertThat(payload.round()).isEqualTo(1);
    assertThat(payload.correlationId()).isEqualTo("m1-r1-req");
    assertThat(payload.robots()).extracting(OrchestrationEvent.AssignedRobot::identity).containsExactly("A", "B", "C");
    assertThat(out.subList(1, 5)).allMatch(PoolRecordsTest::onPoolState).extracting(Outgoing::key)
        .containsAll(payload.robots().stream().map(OrchestrationEvent.AssignedRobot::id).toList()).endsWith("summary");
    assertThat(orchestration.state().version()).isEqualTo(version + 1);
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").count()).isEqualTo(1);

    // And a re-delivery publishes the same assignment again, and no new state (the Match Service skips it if seated)
    assertThat(on(request)).extracting(Outgoing::payload).containsExactly(payload);
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").count()).isEqualTo(1);
  }

  @Test
  void aRequestSentAgainBeforeItsRoundWasSeatedPublishesNothing() {
    // Given the Match Service asked for round 1's robots, and asked again 10 s later while this orchestrator was
    // still behind on its input (the load command at 1,500 matches: re-sends fed the backlog)
    Envelope<MatchEvent.RobotsNeeded> first = fromMatch(need("m1", 1, 2), "m1-r1-req");
    Envelope<MatchEvent.RobotsNeeded> second = fromMatch(need("m1", 1, 2), "m1-r1-req");
    Envelope<MatchEvent.RobotsNeeded> again = new Envelope<>(second.eventId(), second.eventType(),
        clock.instant().minusSeconds(5), second.source(), second.correlationId(), null, second.key(),
        second.matchId(), second.schemaVersion(), second.payload());

    // When the first is served, then the second comes
    assertThat(on(first).get(0).payload()).isInstanceOf(OrchestrationEvent.RobotsAssigned.class);
    PoolState seated = orchestration.state();
    List<Outgoing> out = on(again);

    // Then the second publishes nothing: it was written before the robots were seated, so the assignment written with
    // them (in the same transaction) is on its way to the Match Service; another would only add to the backlog
    assertThat(out).isEmpty();
    assertThat(orchestration.state()).isSameAs(seated);
  }

  @Test
  void anImpossibleRequestIsAnsweredWithUnavailableOnly() {
    // When
    List<Outgoing> out = on(fromMatch(need("m1", 1, 7), "req"));

    // Then
    assertThat(out).singleElement().satisfies(o -> {
      assertThat(o.key()).isEqualTo("m1");
      assertThat(o.payload()).isEqualTo(new OrchestrationEvent.RobotsUnavailable("m1", 1, 7, 6, "m1-r1-req"));
    });
  }

  @Test
  void roundStartedAndVotingStartedSendWorkToEverySeatedRobot() {
    // Given
    on(fromMatch(need("m1", 1, 2), "c"));
    List<PoolState.Robot> seated = RobotPool.seatedIn(orchestration.state(), "m1", 1);
    Envelope<MatchEvent.RoundStarted> started = fromMatch(new MatchEvent.RoundStarted("m1", 1,
        List.of("A", "B", "C"), "Your ideal Sunday?", DEADLINE), "c");

    // When
    List<Outgoing> responses = on(started);

    // Then
    assertThat(responses).hasSize(2).allSatisfy(o -> {
      RobotCommand.GenerateResponse cmd = (RobotCommand.GenerateResponse) o.payload();
      PoolState.Robot robot = seated.stream().filter(r -> r.id().equals(cmd.robotId())).findFirst().orElseThrow();
      assertThat(o.key()).isEqualTo(robot.id());
      assertThat(o.causationId()).isEqualTo(started.eventId());
      assertThat(cmd.type()).isEqualTo(robot.type());
      assertThat(cmd.identity()).isEqualTo(robot.identity());
      assertThat(cmd.matchId()).isEqualTo("m1");
      assertThat(cmd.round()).isEqualTo(1);
      assertThat(cmd.prompt()).isEqualTo("Your ideal Sunday?");
      assertThat(cmd.deadline()).isEqualTo(DEADLINE);
      assertThat(cmd.commandId()).isNotBlank();
    });
    assertThat(on(started)).extracting(o -> ((RobotCommand) o.payload()).commandId())
        .containsExactlyElementsOf(responses.stream().map(o -> ((RobotCommand) o.payload()).commandId()).toList());

    // When voting starts
    Map<String, String> answers = Map.of("A", "sleep", "B", "hike", "C", "books");
    List<Outgoing> votes = on(fromMatch(new MatchEvent.VotingStarted("m1", 1, "Your ideal Sunday?", answers,
        DEADLINE.plusSeconds(30)), "c"));

    // Then
    assertThat(votes).hasSize(2).allSatisfy(o -> {
      RobotCommand.GenerateVote cmd = (RobotCommand.GenerateVote) o.payload();
      assertThat(o.key()).isEqualTo(cmd.robotId());
      assertThat(cmd.responses()).isEqualTo(answers);
      assertThat(cmd.prompt()).isEqualTo("Your ideal Sunday?");
      assertThat(cmd.deadline()).isEqualTo(DEADLINE.plusSeconds(30));
    });
    assertThat(votes).extracting(o -> ((RobotCommand) o.payload()).commandId())
        .doesNotContainAnyElementsOf(responses.stream().map(o -> ((RobotCommand) o.payload()).commandId()).toList());
  }

  /** minIdle 1, maxTotal 8, ratio 0.8, idle 60 s, cool-down 30 s, for a pool of curious students and scientists. */
  private static final ScalingPolicy SCALING = new ScalingPolicy(new ScalingPolicy.Settings(1, 8, 0.8, 60, 30, 1),
      List.of("curious-student", "skeptical-scientist"));

  /** Scales with a publisher that writes everything: the records it published. */
  List<Outgoing> scale() {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.scale(SCALING, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }

  @Test
  void aQueuedRequestIsServedByTheRobotsThePoolGrowsFor() {
    // Given a pool of 2 + 2 that may grow to 8, and a request for 6 waiting
    orchestration = new Orchestration(new RobotPool(5, 8), clock, registry, WAIT_MAX);
    orchestration.open(Optional.empty(), RobotPoolTest.types("curious-student", 2, "skeptical-scientist", 2));
    assertThat(on(fromMatch(need("m1", 1, 6), "c1"))).extracting(Outgoing::key)
        .containsExactly("queue/m1-r1-req", "summary");
    long version = orchestration.state().version();

    // When
    List<Outgoing> out = scale();

    // Then the pool grows by 2 for the request plus the idle minimum it then leaves (to 8, the most it may hold)
    assertThat(kinds(out)).containsExactly(
        "RobotInstantiated", "RobotInstantiated", "RobotInstantiated", "RobotInstantiated",
        "PoolScaled", "PoolScaled", "RobotsAssigned", "state");
    assertThat(out).filteredOn(o -> o.payload() instanceof OrchestrationEvent.PoolScaled)
        .extracting(Outgoing::payload).containsExactly(
            new OrchestrationEvent.PoolScaled("curious-student", 2, 4, OrchestrationEvent.PoolScaled.Reason.SCALE_UP),
            new OrchestrationEvent.PoolScaled("skeptical-scientist", 2, 4,
                OrchestrationEvent.PoolScaled.Reason.SCALE_UP));
    assertThat(out.get(6).key()).isEqualTo("m1");
    assertThat(((OrchestrationEvent.RobotsAssigned) out.get(6).payload()).robots()).hasSize(6);
    assertThat(orchestration.state().robots()).hasSize(8);
    assertThat(orchestration.state().queue()).isEmpty();
    assertThat(orchestration.state().version()).isEqualTo(version + 1);
  }

  @Test
  void robotsIdleTooLongRetireAfterTheCoolDownDownToTheIdleMinimum() {
    // Given a pool of 3 + 1 that grew a moment ago
    orchestration = new Orchestration(new RobotPool(5, 8), clock, registry, WAIT_MAX);
    orchestration.open(Optional.empty(), RobotPoolTest.types("curious-student", 1, "skeptical-scientist", 1));
    on(fromMatch(need("m1", 1, 2), "c1"));
    scale();
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "c1"));
    assertThat(orchestration.state().robots()).hasSize(4);

    // When idle longer than 60 s
    clock.advance(Duration.ofSeconds(61));
    List<Outgoing> out = scale();

    // Then each type keeps one idle robot; the others are released as scaled down
    assertThat(out).filteredOn(o -> o.payload() instanceof OrchestrationEvent.RobotReleased)
        .hasSize(2).allSatisfy(o -> assertThat(((OrchestrationEvent.RobotReleased) o.payload()).reason())
            .isEqualTo(OrchestrationEvent.RobotReleased.Reason.SCALE_DOWN));
    assertThat(out).filteredOn(o -> o.payload() instanceof OrchestrationEvent.PoolScaled).extracting(Outgoing::payload)
        .containsExactly(
            new OrchestrationEvent.PoolScaled("curious-student", 2, 1, OrchestrationEvent.PoolScaled.Reason.SCALE_DOWN),
            new OrchestrationEvent.PoolScaled("skeptical-scientist", 2, 1,
                OrchestrationEvent.PoolScaled.Reason.SCALE_DOWN));
    assertThat(orchestration.state().robots()).hasSize(2);
    assertThat(scale()).isEmpty();
  }

  @Test
  void aScaleThatFailsToPublishLeavesThePoolAsItWas() {
    // Given a pool short of idle robots
    orchestration = new Orchestration(new RobotPool(5, 8), clock, registry, WAIT_MAX);
    orchestration.open(Optional.empty(), RobotPoolTest.types("curious-student", 1, "skeptical-scientist", 1));
    on(fromMatch(need("m1", 1, 2), "c1"));
    PoolState before = orchestration.state();

    // When the broker refuses the records
    Future<Void> failed = orchestration.scale(SCALING, records -> Future.failedFuture("broker down"));

    // Then nothing changed, and the next attempt decides the same
    assertThat(failed.failed()).isTrue();
    assertThat(orchestration.state()).isSameAs(before);
    assertThat(scale()).filteredOn(o -> o.payload() instanceof OrchestrationEvent.PoolScaled).hasSize(2);
  }

  @Test
  void aRobotReleasedBeforeReasonsWereKeptDecodesAsRoundOver() throws Exception {
    // Given a robot.released record without a reason
    OrchestrationEvent.RobotReleased released =
        new OrchestrationEvent.RobotReleased("r1", "m1", 2, OrchestrationEvent.RobotReleased.Reason.ROUND_OVER);
    com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode)
        arena.shared.Json.MAPPER.readTree(arena.shared.Json.write(Envelope.of("robot.released", "robot-orchestrator",
            "m1", released, "c1", null)));
    ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("payload")).remove("reason");

    // When / Then
    assertThat(arena.shared.kafka.EventCodec.decode(Topic.ROBOT_ORCHESTRATION_EVENTS, node.toString()).payload())
        .isEqualTo(released);
  }

  @Test
  void aRobotsResponseCommandCarriesWhatItAnsweredInTheMatchsEarlierRounds() {
    // Given a pool of two robots and round 1 of m1, where each robot's answer showed under its letter
    orchestration = new Orchestration(new RobotPool(5, 0), clock, registry, WAIT_MAX);
    orchestration.open(Optional.empty(), RobotPoolTest.types("curious-student", 2));
    on(fromMatch(need("m1", 1, 2), "c"));
    Map<String, String> letterOf = new java.util.HashMap<>();
    RobotPool.seatedIn(orchestration.state(), "m1", 1).forEach(r -> letterOf.put(r.id(), r.identity()));
    Map<String, String> answers = new java.util.HashMap<>(Map.of("A", "sleep", "B", "hike", "C", "books"));
    on(fromMatch(new MatchEvent.RoundStarted("m1", 1, List.of("A", "B", "C"), "Sunday?", DEADLINE), "c"));
    on(fromMatch(new MatchEvent.VotingStarted("m1", 1, "Sunday?", answers, DEADLINE), "c"));
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "c"));

    // When round 2 starts with the same robots, behind letters dealt afresh
    on(fromMatch(need("m1", 2, 2), "c"));
    List<Outgoing> out = on(fromMatch(new MatchEvent.RoundStarted("m1", 2, List.of("A", "B", "C"),
        "Monday?", DEADLINE), "c"));

    // Then each robot's command lists its own round-1 answer, the one shown under its round-1 letter
    assertThat(out).hasSize(2).allSatisfy(o -> {
      RobotCommand.GenerateResponse cmd = (RobotCommand.GenerateResponse) o.payload();
      String before = letterOf.get(cmd.robotId());
      assertThat(cmd.earlier()).containsExactly(new RobotCommand.EarlierRound(1, "Sunday?", answers.get(before)));
    });
    // And a first round carries none
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 2, Map.of(), Map.of(), Map.of()), "c"));
    on(fromMatch(need("m9", 1, 1), "c"));
    assertThat(on(fromMatch(new MatchEvent.RoundStarted("m9", 1, List.of("A", "B"), "Why?",
        DEADLINE), "c"))).singleElement()
        .satisfies(o -> assertThat(((RobotCommand.GenerateResponse) o.payload()).earlier()).isEmpty());
  }

  @Test
  void roundCompletedReleasesRobotsThenServesTheQueueThenPublishesTheState() {
    // Given m1 holds five robots and m2 waits for three
    on(fromMatch(need("m1", 1, 5), "c1"));
    Envelope<MatchEvent.RobotsNeeded> waiting = fromMatch(need("m2", 1, 3), "m2-r1-req");
    List<Outgoing> queued = on(waiting);
    assertThat(queued).extracting(Outgoing::key).containsExactly("queue/m2-r1-req", "summary");
    assertThat(orchestration.state().queue()).hasSize(1);
    clock.advance(Duration.ofSeconds(4));

    // When m1's round completes
    Envelope<MatchEvent.RoundCompleted> completed = fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(),
        Map.of(), Map.of()), "c1");
    List<Outgoing> out = withoutStats(on(completed));

    // Then five releases, then m2's assignment with its own correlation and cause, then the state
    assertThat(kinds(out)).hasSize(7).endsWith("state");
    assertThat(out.subList(0, 5)).allSatisfy(o -> {
      OrchestrationEvent.RobotReleased released = (OrchestrationEvent.RobotReleased) o.payload();
      assertThat(o.key()).isEqualTo(released.robotId());
      assertThat(released.matchId()).isEqualTo("m1");
      assertThat(released.round()).isEqualTo(1);
      assertThat(o.causationId()).isEqualTo(completed.eventId());
    });
    Outgoing assigned = out.get(5);
    assertThat(assigned.key()).isEqualTo("m2");
    assertThat(assigned.correlationId()).isEqualTo("m2-r1-req");
    assertThat(assigned.causationId()).isEqualTo(waiting.eventId());
    assertThat(((OrchestrationEvent.RobotsAssigned) assigned.payload()).robots()).hasSize(3);
    assertThat(out.get(out.size() - 1).key()).isEqualTo("summary");
    assertThat(orchestration.state().queue()).isEmpty();
    // And both requests were timed to their assignment: m1's at once, m2's after its 4 s in the queue
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").count()).isEqualTo(1);
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").totalTime(TimeUnit.SECONDS)).isZero();
    assertThat(registry.timer("arena.assignment.latency", "served", "from_queue").count()).isEqualTo(1);
    assertThat(registry.timer("arena.assignment.latency", "served", "from_queue").totalTime(TimeUnit.SECONDS))
        .isEqualTo(4.0);
    assertThat(registry.counter("arena.pool.requests.queued").count()).isEqualTo(1);
  }

  @Test
  void matchCompletedReleasesEverythingTheMatchHolds() {
    // Given
    on(fromMatch(need("m1", 2, 2), "c1"));

    // When
    List<Outgoing> out =
        on(fromMatch(new MatchEvent.Completed("m1", Map.of(), List.of(), LlmUsage.NONE), "c1"));

    // Then the releases, the robots' forget commands, then the state
    assertThat(kinds(out)).containsExactly("RobotReleased", "RobotReleased", "ForgetMatch", "ForgetMatch", "state");
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isZero();
  }

  @Test
  void matchCompletedTellsEveryRobotThatServedItInAnyRoundToForgetIt() {
    // Given m1 had two robots in round 1 and two others in round 2, and m2 started meanwhile
    List<String> round1 = assignedIds(on(fromMatch(need("m1", 1, 2), "c1")));
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "c1"));
    List<String> round2 = assignedIds(on(fromMatch(RobotPoolTest.need("m1", 2, 2, round1), "c1")));
    List<String> m2 = assignedIds(on(fromMatch(need("m2", 1, 2), "c2")));
    assertThat(round2).doesNotContainAnyElementsOf(round1);
    Envelope<MatchEvent.Completed> completed =
        fromMatch(new MatchEvent.Completed("m1", Map.of(), List.of(), LlmUsage.NONE), "c1");

    // When m1 completes
    List<Outgoing> out = on(completed);

    // Then exactly the four robots that served m1 are told to forget it, each under its own key, before the state
    List<Outgoing> forgets = out.stream().filter(o -> o.payload() instanceof RobotCommand.ForgetMatch).toList();
    assertThat(forgets).extracting(o -> ((RobotCommand.ForgetMatch) o.payload()).robotId())
        .containsExactlyInAnyOrderElementsOf(Stream.concat(round1.stream(), round2.stream()).toList());
    assertThat(forgets).allSatisfy(o -> {
      RobotCommand.ForgetMatch forget = (RobotCommand.ForgetMatch) o.payload();
      assertThat(o.key()).isEqualTo(forget.robotId());
      assertThat(forget.matchId()).isEqualTo("m1");
      assertThat(forget.commandId()).isNotBlank();
      assertThat(o.correlationId()).isEqualTo("c1");
      assertThat(o.causationId()).isEqualTo(completed.eventId());
    });
    assertThat(out.get(out.size() - 1).key()).isEqualTo("summary");

    // And a re-delivered completion tells nobody again, while m2's robots are told when m2 completes
    assertThat(on(completed)).noneMatch(o -> o.payload() instanceof RobotCommand.ForgetMatch);
    assertThat(on(fromMatch(new MatchEvent.Completed("m2", Map.of(), List.of(), LlmUsage.NONE), "c2")))
        .filteredOn(o -> o.payload() instanceof RobotCommand.ForgetMatch)
        .extracting(Outgoing::key).containsExactlyInAnyOrderElementsOf(m2);
  }

  @Test
  void matchCancelledReleasesEverythingTheMatchHoldsAndItsRobotsForgetIt() {
    // Given m1 holds two robots, and m2 waits in the queue behind a request of m3 that takes the rest
    List<String> m1 = assignedIds(on(fromMatch(need("m1", 1, 2), "c1")));
    on(fromMatch(need("m3", 1, 4), "c3"));
    on(fromMatch(need("m1", 2, 1), "c1"));
    assertThat(orchestration.state().queue()).hasSize(1);

    // When m1 is cancelled
    List<Outgoing> out = on(fromMatch(new MatchEvent.Cancelled("m1", "no robots came within 60 s"),
        "c1"));

    // Then its robots are released and told to forget it, its waiting request is dropped, then the state
    assertThat(kinds(out)).containsExactly("RobotReleased", "RobotReleased", "ForgetMatch", "ForgetMatch", "state");
    assertThat(out).filteredOn(o -> o.payload() instanceof RobotCommand.ForgetMatch).extracting(Outgoing::key)
        .containsExactlyInAnyOrderElementsOf(m1);
    assertThat(orchestration.state().robots()).noneMatch(r -> "m1".equals(r.matchId()));
    assertThat(orchestration.state().queue()).isEmpty();
  }

  @Test
  void aRequestSentAgainForAnAssignedRoundGetsTheSameAssignmentAgain() {
    // Given round 1 of m1 was given two robots
    Envelope<MatchEvent.RobotsNeeded> request = fromMatch(need("m1", 1, 2), "m1-r1-req");
    OrchestrationEvent.RobotsAssigned first = (OrchestrationEvent.RobotsAssigned) on(request).get(0)
        .payload();
    PoolState before = orchestration.state();

    // When the Match Service, which missed that assignment, sends the same request again
    Envelope<MatchEvent.RobotsNeeded> again = fromMatch(need("m1", 1, 2), "m1-r1-req");
    List<Outgoing> out = on(again);

    // Then the same robots behind the same letters are assigned again, under the request's id, and the pool is
    // unchanged
    assertThat(out).hasSize(1);
    assertThat(out.get(0).key()).isEqualTo("m1");
    assertThat(out.get(0).correlationId()).isEqualTo("m1-r1-req");
    assertThat(out.get(0).causationId()).isEqualTo(again.eventId());
    assertThat(out.get(0).payload()).isInstanceOfSatisfying(OrchestrationEvent.RobotsAssigned.class, a -> {
      assertThat(a.matchId()).isEqualTo("m1");
      assertThat(a.round()).isEqualTo(1);
      assertThat(a.correlationId()).isEqualTo(first.correlationId());
      assertThat(a.robots()).containsExactlyInAnyOrderElementsOf(first.robots());
    });
    assertThat(orchestration.state()).isSameAs(before);
  }

  private static List<String> assignedIds(List<Outgoing> out) {
    return out.stream().filter(o -> o.payload() instanceof OrchestrationEvent.RobotsAssigned)
        .flatMap(o -> ((OrchestrationEvent.RobotsAssigned) o.payload()).robots().stream())
        .map(OrchestrationEvent.AssignedRobot::id).toList();
  }

  @Test
  void finishedWorkIsCountedAndOtherEventsAreIgnored() {
    // When
    List<Outgoing> done = withoutStats(on(Envelope.of("robot.response_complete", "robot", "m1",
        new RobotResponse.ResponseComplete("robot-curious-student-1", "m1", 1, "cmd", "response", "scripted", 5,
            false, null, 0, 0, 0), null, null)));
    List<Outgoing> ignored = on(fromMatch(new MatchEvent.PlayerJoined("m1", "p1", 1, 2), "c"));
    List<Outgoing> submitted = on(Envelope.of("response.submitted", "robot", "m1",
        new RobotResponse.ResponseSubmitted("m1", 1, "robot-curious-student-1", "A", "hi", "cmd"), null, null));

    // Then
    assertThat(done).extracting(Outgoing::key).containsExactly("robot-curious-student-1", "summary");
    assertThat(orchestration.state().robots().get(0).completedWork()).isEqualTo(1);
    assertThat(ignored).isEmpty();
    assertThat(submitted).isEmpty();
  }

  @Test
  void aFailedPublishLeavesMemoryAsItWasAndTheRetryDecidesTheSame() {
    // Given a request for two robots, and a broker that fails the attempt (maybe after writing some of it)
    Envelope<MatchEvent.RobotsNeeded> request = fromMatch(need("m1", 1, 2), "m1-r1-req");
    PoolState before = orchestration.state();
    List<Outgoing> tried = new ArrayList<>();

    // When it is handled
    Future<Void> failed = orchestration.handle(request, records -> {
      tried.addAll(records);
      return Future.failedFuture(new IllegalStateException("broker down"));
    });

    // Then the handling fails, so the consumer retries the record, and memory and metrics are as they were
    assertThat(failed.failed()).isTrue();
    assertThat(orchestration.state()).isSameAs(before);
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").count()).isZero();

    // When it is retried and written, then it decides exactly what the failed attempt tried, robots included
    assertThat(on(request)).isEqualTo(tried);
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isEqualTo(2);
    assertThat(registry.timer("arena.assignment.latency", "served", "at_once").count()).isEqualTo(1);
  }

  @Test
  void aCompletionWhosePublishFailedStillReleasesAndForgetsOnItsRetry() {
    // Given m1 holds two robots
    List<String> robots = assignedIds(on(fromMatch(need("m1", 1, 2), "c1")));
    Envelope<MatchEvent.Completed> completed =
        fromMatch(new MatchEvent.Completed("m1", Map.of(), List.of(), LlmUsage.NONE), "c1");

    // When publishing its completion fails
    assertThat(orchestration.handle(completed, records -> Future.failedFuture(new IllegalStateException("down")))
        .failed()).isTrue();

    // Then its robots are still busy, and the retry releases them and tells them to forget the match
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isEqualTo(2);
    assertThat(on(completed)).filteredOn(o -> o.payload() instanceof RobotCommand.ForgetMatch)
        .extracting(Outgoing::key).containsExactlyInAnyOrderElementsOf(robots);
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isZero();
  }

  @Test
  void statsFollowTheRoundsSeatsAndTheWorkOnlyOnceWritten() {
    // Given m1's round 1 with two robots behind their letters
    List<OrchestrationEvent.AssignedRobot> seated = on(fromMatch(need("m1", 1, 2), "c1")).stream()
        .filter(o -> o.payload() instanceof OrchestrationEvent.RobotsAssigned)
        .flatMap(o -> ((OrchestrationEvent.RobotsAssigned) o.payload()).robots().stream()).toList();
    OrchestrationEvent.AssignedRobot first = seated.get(0);
    OrchestrationEvent.AssignedRobot second = seated.get(1);
    Envelope<RobotResponse.ResponseComplete> answered = Envelope.of("robot.response_complete", "robot", "m1",
        new RobotResponse.ResponseComplete(first.id(), "m1", 1, "cmd-1", "response", "scripted", 40, true, null, 0,
            0, 0.5), null, null);
    // Two humans (H, I) vote for the first robot's letter and for the second's; the robots' own votes do not count
    Envelope<MatchEvent.RoundCompleted> completed = fromMatch(new MatchEvent.RoundCompleted("m1", 1,
        Map.of("H", first.identity(), "I", second.identity(), first.identity(), "H"), Map.of(), Map.of()), "c1");

    // When the work's and the round's records fail to publish
    assertThat(orchestration.handle(answered, records -> Future.failedFuture(new IllegalStateException("down")))
        .failed()).isTrue();
    assertThat(orchestration.handle(completed, records -> Future.failedFuture(new IllegalStateException("down")))
        .failed()).isTrue();

    // Then nothing is counted
    assertThat(orchestration.stats().robots()).isEmpty();

    // When they are retried and written
    on(answered);
    on(completed);

    // Then each robot played the round and passed one of the two human votes, and the answer is counted
    arena.shared.state.RobotTally robot = orchestration.stats().robots().get(first.id());
    assertThat(robot.type()).isEqualTo(first.type());
    assertThat(robot.rounds()).isEqualTo(1);
    assertThat(robot.answers()).isEqualTo(1);
    assertThat(robot.fallbacks()).isEqualTo(1);
    assertThat(robot.costUsd()).isEqualTo(0.5);
    assertThat(robot.humanVotes()).isEqualTo(2);
    assertThat(robot.passedAsHuman()).isEqualTo(1);
    assertThat(orchestration.stats().robots().get(second.id()).passRate()).isEqualTo(0.5);
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isZero();
  }

  /** Handles {@code cause}, then the same again as a redelivery: the second changes nothing and publishes no state. */
  List<Outgoing> twice(Envelope<? extends Event> cause) {
    List<Outgoing> first = on(cause);
    PoolState after = orchestration.state();
    List<Outgoing> again = on(cause);
    assertThat(orchestration.state()).as("%s handled again changes the pool", cause.eventType()).isSameAs(after);
    assertThat(again).as("%s handled again publishes only what it did the first time", cause.eventType())
        .noneMatch(PoolRecordsTest::onPoolState)
        .allMatch(first::contains);
    return first;
  }

  @Test
  void everyInputHandledTwiceChangesNothingTheSecondTime() {
    // Given m1's round 1 from its request to its end, and m1's completion, every input delivered twice
    List<String> robots = assignedIds(twice(fromMatch(need("m1", 1, 2), "c1")));
    twice(fromMatch(new MatchEvent.RoundStarted("m1", 1, List.of("A", "B", "C"), "Your ideal Sunday?", DEADLINE),
        "c1"));
    twice(Envelope.of("robot.response_complete", "robot", "m1", new RobotResponse.ResponseComplete(robots.get(0),
        "m1", 1, "cmd-1", "response", "scripted", 5, false, null, 0, 0, 0), null, null));
    twice(fromMatch(new MatchEvent.VotingStarted("m1", 1, "Your ideal Sunday?", Map.of("A", "a", "B", "b", "C", "c"),
        DEADLINE.plusSeconds(30)), "c1"));
    twice(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "c1"));
    twice(fromMatch(new MatchEvent.Completed("m1", Map.of(), List.of(), LlmUsage.NONE), "c1"));
    twice(fromMatch(new MatchEvent.Cancelled("m1", "no robots came within 60 s"), "c1"));

    // Then the robot's finished work was counted once, and every robot is idle
    assertThat(orchestration.state().robots()).filteredOn(r -> r.id().equals(robots.get(0)))
        .singleElement().extracting(PoolState.Robot::completedWork).isEqualTo(1L);
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isZero();
  }

  @Test
  void aRobotsRequestDeliveredAgainAfterItsRoundIsOverSeatsNobody() {
    // Given round 1 of m1 got its robots, played and was released
    Envelope<MatchEvent.RobotsNeeded> request = fromMatch(need("m1", 1, 2), "m1-r1-req");
    on(request);
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "m1-r1-req"));
    PoolState after = orchestration.state();

    // When the request is delivered again later than the Match Service ever waits for robots (a replay)
    clock.advance(Duration.ofSeconds(61));
    List<Outgoing> out = on(request);

    // Then nobody is seated and nothing is published: a round still waiting would have asked again since
    assertThat(out).isEmpty();
    assertThat(orchestration.state()).isSameAs(after);
    assertThat(RobotPool.count(orchestration.state(), PoolState.Status.BUSY)).isZero();
  }

  @Test
  void aRobotsRequestReplayedSoonAfterItsRoundGaveItsRobotsBackSeatsNobody() {
    // Given rounds 1 of m1 and m2 got their robots and were over, one round and one whole match
    Envelope<MatchEvent.RobotsNeeded> round = fromMatch(need("m1", 1, 2), "m1-r1-req");
    Envelope<MatchEvent.RobotsNeeded> match = fromMatch(need("m2", 1, 1), "m2-r1-req");
    on(round);
    on(match);
    on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "m1-r1-req"));
    on(fromMatch(new MatchEvent.Completed("m2", Map.of(), List.of(), null), "m2-done"));
    PoolState after = orchestration.state();

    // When both requests come again within the Match Service's wait (a consumer group rewound, say)
    clock.advance(Duration.ofSeconds(5));
    List<Outgoing> out = new ArrayList<>(on(round));
    out.addAll(on(match));

    // Then nobody is seated and nothing is published, and the pool remembers those rounds as over
    assertThat(out).isEmpty();
    assertThat(orchestration.state()).isSameAs(after);
    assertThat(after.finishedRounds()).containsExactly("m1/1", "m2/*");
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
