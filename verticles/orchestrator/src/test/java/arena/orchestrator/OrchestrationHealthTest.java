package arena.orchestrator;

import static arena.orchestrator.OrchestrationTest.fromMatch;
import static arena.orchestrator.OrchestrationTest.need;
import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Orchestration.Outgoing;
import arena.orchestrator.OrchestrationTest.MutableClock;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.OrchestrationEvent.PoolScaled;
import arena.shared.events.OrchestrationEvent.RobotReleased;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the orchestrator treats unhealthy robots: not seated while healthy ones exist, replaced, their work re-sent. */
class OrchestrationHealthTest {
  private static final Map<String, Integer> CONFIG =
      RobotPoolTest.types("curious-student", 2, "skeptical-scientist", 2, "creative-artist", 2);
  private static final int PARTITIONS = 6;
  /** Reports every 2 s, silent after 3 of them; 4 calls, 50% errors, 5 s. */
  private static final HealthPolicy POLICY = new HealthPolicy(new HealthPolicy.Settings(2, 3, 60, 4, 0.5, 5000));

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Orchestration orchestration;

  @BeforeEach
  void openPool() {
    orchestration = new Orchestration(new RobotPool(3, 0), clock, registry, Duration.ofDays(1000)).health(POLICY);
    orchestration.open(Optional.empty(), CONFIG);
  }

  private List<Outgoing> on(Envelope<? extends Event> cause) {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.handle(cause, records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }

  private List<Outgoing> heal() {
    List<Outgoing> written = new ArrayList<>();
    assertThat(orchestration.heal(records -> {
      written.addAll(records);
      return Future.succeededFuture();
    }).succeeded()).isTrue();
    return written;
  }

  /** A worker's report, written now by the test's clock. */
  private void report(String worker, List<Integer> partitions, String curiousBreaker) {
    HealthCheck check = new HealthCheck(worker, PARTITIONS, partitions, List.of(),
        Map.of("curious-student", "openai", "skeptical-scientist", "scripted", "creative-artist", "scripted"),
        Map.of("openai", new ProviderHealth(curiousBreaker, 10, 0, 900),
            "scripted", new ProviderHealth("closed", 10, 0, 5)));
    String id = UUID.randomUUID().toString();
    assertThat(on(new Envelope<>(id, "robot.health_check", clock.instant(), "robot-worker", id, null, worker, null,
        Envelope.SCHEMA_VERSION, check))).isEmpty();
  }

  private static List<Integer> partitionsExcept(int partition) {
    return IntStream.range(0, PARTITIONS).filter(p -> p != partition).boxed().toList();
  }

  private static int partitionOf(String robotId) {
    return HealthPolicy.partitionOf(robotId, PARTITIONS);
  }

  private static <T> List<T> payloads(List<Outgoing> out, Class<T> type) {
    return out.stream().map(Outgoing::payload).filter(type::isInstance).map(type::cast).toList();
  }

  private Robot robot(String id) {
    return orchestration.state().robots().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  private double counted(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void anUnhealthyRobotIsNotSeatedWhileHealthyOnesExist() {
    // Given every curious student's provider has its breaker open at the only worker (nowhere to move them)
    report("w1", IntStream.range(0, PARTITIONS).boxed().toList(), "open");
    assertThat(heal()).as("nothing could host a healthy curious student").isEmpty();

    // When a round asks for 4 of the 6 robots
    List<Outgoing> out = on(fromMatch(need("m1", 1, 4), "c1"));

    // Then the 4 healthy ones sit, no curious student
    OrchestrationEvent.RobotsAssigned assigned = payloads(out, OrchestrationEvent.RobotsAssigned.class).get(0);
    assertThat(assigned.robots()).hasSize(4).noneMatch(r -> r.type().equals("curious-student"));
    assertThat(counted("arena.pool.robots.unhealthy")).isEqualTo(2);

    // And once nothing healthy is idle, an unhealthy robot still serves rather than leave a round waiting
    List<Outgoing> more = on(fromMatch(need("m2", 1, 1), "c2"));
    assertThat(payloads(more, OrchestrationEvent.RobotsAssigned.class).get(0).robots())
        .singleElement().satisfies(r -> assertThat(r.type()).isEqualTo("curious-student"));
  }

  @Test
  void theRobotsOfASilentWorkerAreReplacedByRobotsOnAWorkerThatReports() {
    // Given w1 hosts curious student 1's partition, w2 every other one
    int silentPartition = partitionOf("robot-curious-student-1");
    report("w1", List.of(silentPartition), "closed");
    report("w2", partitionsExcept(silentPartition), "closed");
    List<String> hostedByW1 = orchestration.state().robots().stream().map(Robot::id)
        .filter(id -> partitionOf(id) == silentPartition).toList();
    long version = orchestration.state().version();

    // When w1 stops reporting for longer than 3 intervals while w2 goes on
    clock.advance(Duration.ofSeconds(4));
    report("w2", partitionsExcept(silentPartition), "closed");
    assertThat(heal()).isEmpty();
    clock.advance(Duration.ofSeconds(3));
    report("w2", partitionsExcept(silentPartition), "closed");
    List<Outgoing> out = heal();

    // Then each of its robots is released (replace) and a robot of the same type that w2 hosts takes its place
    List<RobotReleased> released = payloads(out, RobotReleased.class);
    assertThat(released).extracting(RobotReleased::robotId).containsExactlyInAnyOrderElementsOf(hostedByW1);
    assertThat(released).allSatisfy(r -> assertThat(r.reason()).isEqualTo(RobotReleased.Reason.REPLACE));
    List<OrchestrationEvent.RobotInstantiated> added = payloads(out, OrchestrationEvent.RobotInstantiated.class);
    assertThat(added).hasSameSizeAs(hostedByW1).allSatisfy(r -> {
      assertThat(partitionOf(r.robotId())).isNotEqualTo(silentPartition);
      assertThat(robot(r.robotId()).status()).isEqualTo(Status.IDLE);
    });
    assertThat(added).extracting(OrchestrationEvent.RobotInstantiated::type)
        .containsExactlyInAnyOrderElementsOf(hostedByW1.stream().map(id -> id.replaceAll("^robot-|-\\d+$", ""))
            .toList());
    assertThat(payloads(out, PoolScaled.class)).allSatisfy(p -> {
      assertThat(p.reason()).isEqualTo(PoolScaled.Reason.REPLACE);
      assertThat(p.to()).isEqualTo(p.from());
    }).isNotEmpty();
    assertThat(out.get(out.size() - 1).payload()).isEqualTo(new PoolState.Summary(version + 1,
        orchestration.state().robotNumbers(), Map.of()));
    assertThat(orchestration.state().version()).isEqualTo(version + 1);
    assertThat(orchestration.state().robots()).hasSize(6).noneMatch(r -> hostedByW1.contains(r.id()));
    assertThat(counted("arena.pool.robots.replaced")).isEqualTo(hostedByW1.size());

    // And the next look changes nothing
    assertThat(heal()).isEmpty();
  }

  @Test
  void aReplacementTakesTheSeatAndIsGivenTheWorkInHandUnderTheSameCommand() {
    // Given three robots sit in m1 round 1 and were given their answers
    on(fromMatch(need("m1", 1, 3), "c1"));
    Instant deadline = clock.instant().plusSeconds(60);
    List<Outgoing> given = on(fromMatch(new MatchEvent.RoundStarted("m1", 1, List.of("A", "B", "C", "D"),
        "Your ideal Sunday?", deadline), "c1"));
    Robot seated = RobotPool.seatedIn(orchestration.state(), "m1", 1).get(0);
    Outgoing original = given.stream().filter(o -> o.key().equals(seated.id())).findFirst().orElseThrow();
    int silentPartition = partitionOf(seated.id());

    // When the worker hosting it goes silent while another hosts every other partition
    report("w1", List.of(silentPartition), "closed");
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(4));
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(3));
    report("w2", partitionsExcept(silentPartition), "closed");
    List<Outgoing> out = heal();

    // Then a new robot of its type sits behind the same letter in the same round
    RobotReleased released = payloads(out, RobotReleased.class).stream()
        .filter(r -> r.robotId().equals(seated.id())).findFirst().orElseThrow();
    assertThat(released).isEqualTo(new RobotReleased(seated.id(), "m1", 1, RobotReleased.Reason.REPLACE));
    Robot replacement = RobotPool.seatedIn(orchestration.state(), "m1", 1).stream()
        .filter(r -> r.identity().equals(seated.identity())).findFirst().orElseThrow();
    assertThat(replacement.id()).isNotEqualTo(seated.id());
    assertThat(replacement.type()).isEqualTo(seated.type());
    assertThat(partitionOf(replacement.id())).isNotEqualTo(silentPartition);
    // And it is given the very command in hand (same id, in the seat's name the match knows) on its own partition
    assertThat(out).filteredOn(o -> o.payload() instanceof RobotCommand).singleElement().satisfies(o -> {
      assertThat(o.key()).isEqualTo(replacement.id());
      assertThat(o.payload()).isEqualTo(original.payload());
    });
    assertThat(counted("arena.pool.commands.reissued")).isEqualTo(1);

    // When voting starts, the seat's vote goes to the replacement, in the seat's name
    List<Outgoing> votes = on(fromMatch(new MatchEvent.VotingStarted("m1", 1, "Your ideal Sunday?",
        Map.of("A", "sleep", "B", "hike", "C", "books", "D", "tea"), deadline.plusSeconds(30)), "c1"));
    Outgoing vote = votes.stream().filter(o -> o.key().equals(replacement.id())).findFirst().orElseThrow();
    RobotCommand.GenerateVote cmd = (RobotCommand.GenerateVote) vote.payload();
    assertThat(cmd.robotId()).isEqualTo(seated.id());
    assertThat(cmd.identity()).isEqualTo(seated.identity());
    assertThat(cmd.commandId()).isEqualTo(Orchestration.commandId("vote", seated.id(), "m1", 1));

    // When the round completes the replacement goes back to the pool like the others
    List<Outgoing> done = on(fromMatch(new MatchEvent.RoundCompleted("m1", 1, Map.of(), Map.of(), Map.of()), "c1"));
    assertThat(payloads(done, RobotReleased.class)).extracting(RobotReleased::robotId).contains(replacement.id());
    assertThat(robot(replacement.id()).status()).isEqualTo(Status.IDLE);
  }

  @Test
  void aReplacementKeepsVotingInItsSeatsNameAfterAFailover() {
    // Given a seated robot whose worker went silent was replaced in its seat
    on(fromMatch(need("m1", 1, 3), "c1"));
    Instant deadline = clock.instant().plusSeconds(60);
    on(fromMatch(new MatchEvent.RoundStarted("m1", 1, List.of("A", "B", "C", "D"), "Your ideal Sunday?", deadline),
        "c1"));
    Robot seated = RobotPool.seatedIn(orchestration.state(), "m1", 1).get(0);
    int silentPartition = partitionOf(seated.id());
    report("w1", List.of(silentPartition), "closed");
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(4));
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(3));
    report("w2", partitionsExcept(silentPartition), "closed");
    assertThat(heal()).isNotEmpty();
    Robot replacement = RobotPool.seatedIn(orchestration.state(), "m1", 1).stream()
        .filter(r -> r.identity().equals(seated.identity())).findFirst().orElseThrow();

    // When another orchestrator takes over from the pool as stored, and voting starts
    Orchestration successor = new Orchestration(new RobotPool(3, 0), clock, registry, Duration.ofDays(1000))
        .health(POLICY);
    successor.open(Optional.of(orchestration.state()), CONFIG);
    List<Outgoing> votes = new ArrayList<>();
    successor.handle(fromMatch(new MatchEvent.VotingStarted("m1", 1, "Your ideal Sunday?",
        Map.of("A", "sleep", "B", "hike", "C", "books", "D", "tea"), deadline.plusSeconds(30)), "c1"), records -> {
          votes.addAll(records);
          return Future.succeededFuture();
        });

    // Then the replacement still votes in the seat's name, the one the Match Service knows the letter by
    Outgoing vote = votes.stream().filter(o -> o.key().equals(replacement.id())).findFirst().orElseThrow();
    assertThat(((RobotCommand.GenerateVote) vote.payload()).robotId()).isEqualTo(seated.id());
  }

  @Test
  void workWhoseDeadlinePassedOrThatWasAnsweredIsNotSentAgain() {
    // Given two seated robots given their answers, one of which already reported its work done
    on(fromMatch(need("m1", 1, 2), "c1"));
    Instant deadline = clock.instant().plusSeconds(5);
    List<Outgoing> given = on(fromMatch(new MatchEvent.RoundStarted("m1", 1, List.of("A", "B", "C"), "Q?",
        deadline), "c1"));
    RobotCommand.GenerateResponse first = (RobotCommand.GenerateResponse) given.get(0).payload();
    on(fromMatch(new arena.shared.events.RobotResponse.ResponseComplete(first.robotId(), "m1", 1, first.commandId(),
        "response", "scripted", 100, false, null, 0, 0, 0), "c1"));

    // When every worker goes silent but one that hosts nobody seated, after the answer deadline
    Set<Integer> seatedPartitions = Set.copyOf(RobotPool.seatedIn(orchestration.state(), "m1", 1).stream()
        .map(r -> partitionOf(r.id())).toList());
    List<Integer> others = IntStream.range(0, PARTITIONS).filter(p -> !seatedPartitions.contains(p)).boxed()
        .toList();
    report("w1", List.copyOf(seatedPartitions), "closed");
    report("w2", others, "closed");
    clock.advance(Duration.ofSeconds(4));
    report("w2", others, "closed");
    clock.advance(Duration.ofSeconds(3));
    report("w2", others, "closed");
    List<Outgoing> out = heal();

    // Then both are replaced in their seats, but no work is sent again
    assertThat(payloads(out, RobotReleased.class)).extracting(RobotReleased::robotId)
        .contains(first.robotId());
    assertThat(out).noneMatch(o -> o.payload() instanceof RobotCommand);
  }

  @Test
  void aHealCheckThatFailsToPublishLeavesThePoolAsItWas() {
    // Given a silent worker and one that reports
    int silentPartition = partitionOf("robot-curious-student-1");
    report("w1", List.of(silentPartition), "closed");
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(4));
    report("w2", partitionsExcept(silentPartition), "closed");
    clock.advance(Duration.ofSeconds(3));
    report("w2", partitionsExcept(silentPartition), "closed");
    PoolState before = orchestration.state();

    // When
    Future<Void> healed = orchestration.heal(records -> Future.failedFuture("broker down"));

    // Then
    assertThat(healed.failed()).isTrue();
    assertThat(orchestration.state()).isSameAs(before);
    assertThat(heal()).isNotEmpty();
  }

  @Test
  void aRestartedOrchestratorGivesTheWorkersTheSilentIntervalsBeforeJudgingThem() {
    // Given an orchestrator that just restarted: its consumer first re-reads reports written a minute ago
    String old = UUID.randomUUID().toString();
    HealthCheck before = new HealthCheck("w1", PARTITIONS, IntStream.range(0, PARTITIONS).boxed().toList(),
        List.of(), Map.of(), Map.of());
    on(new Envelope<>(old, "robot.health_check", clock.instant().minusSeconds(60), "robot-worker", old, null, "w1",
        null, Envelope.SCHEMA_VERSION, before));

    // When the worker's next report comes within the silent intervals
    clock.advance(Duration.ofSeconds(3));
    assertThat(heal()).isEmpty();
    report("w1", IntStream.range(0, PARTITIONS).boxed().toList(), "closed");
    clock.advance(Duration.ofSeconds(4));

    // Then nobody was ever judged unhealthy
    assertThat(heal()).isEmpty();
    assertThat(counted("arena.pool.robots.unhealthy")).isZero();
  }

  @Test
  void withoutHealthChecksNobodyIsReplaced() {
    // Given no worker ever reported
    clock.advance(Duration.ofHours(1));

    // When / Then
    assertThat(heal()).isEmpty();
    assertThat(payloads(on(fromMatch(need("m1", 1, 6), "c1")), OrchestrationEvent.RobotsAssigned.class).get(0)
        .robots()).hasSize(6);
  }
}
