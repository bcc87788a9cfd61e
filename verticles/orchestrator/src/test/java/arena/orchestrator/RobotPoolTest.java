package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.orchestrator.RobotPool.Change;
import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.events.OrchestrationEvent.AssignedRobot;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RobotPoolTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(30);
  private static final List<String> LETTERS = List.of("A", "B", "C", "D", "E", "F", "G", "H");

  private final RobotPool pool = new RobotPool(7, 0);

  static Map<String, Integer> types(Object... pairs) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return m;
  }

  static RobotsNeeded need(String matchId, int round, int count, List<String> exclude) {
    return new RobotsNeeded(matchId, round, count, exclude, LETTERS.subList(0, count),
        matchId + "-r" + round + "-req");
  }

  static RobotsNeeded need(String matchId, int round, int count) {
    return need(matchId, round, count, List.of());
  }

  static Set<String> ids(List<AssignedRobot> robots) {
    return robots.stream().map(AssignedRobot::id).collect(Collectors.toSet());
  }

  static PoolState standardPool() {
    return RobotPool.create(types("curious-student", 2, "skeptical-scientist", 2, "creative-artist", 2), T0);
  }

  @Test
  void createsIdleRobotsWithStableIdsFromConfig() {
    // When
    PoolState state = standardPool();

    // Then
    assertThat(state.version()).isEqualTo(1);
    assertThat(state.queue()).isEmpty();
    assertThat(state.robots()).extracting(Robot::id).containsExactly(
        "robot-curious-student-1", "robot-curious-student-2", "robot-skeptical-scientist-1",
        "robot-skeptical-scientist-2", "robot-creative-artist-1", "robot-creative-artist-2");
    assertThat(state.robots()).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(Status.IDLE);
      assertThat(r.matchId()).isNull();
      assertThat(r.completedWork()).isZero();
    });
    assertThat(RobotPool.byType(state)).containsExactly(
        Map.entry("curious-student", 2), Map.entry("skeptical-scientist", 2), Map.entry("creative-artist", 2));
  }

  @Test
  void aRetiredRobotsIdIsNeverGivenAgain() {
    // Given three students of which the newest and then the oldest were retired
    PoolState state = RobotPool.create(types("curious-student", 3), T0);
    state = pool.resize(state, Map.of(), Set.of("robot-curious-student-3"), T1).state();
    state = pool.resize(state, Map.of(), Set.of("robot-curious-student-1"), T1).state();

    // When the type grows back to three, and the pool is reconciled with the configuration
    state = pool.resize(state, types("curious-student", 3), Set.of(), T1).state();
    PoolState reconciled = RobotPool.reconcile(state, types("curious-student", 4), T1).state();

    // Then the new robots get numbers never used before, so none inherits a retired robot's stats
    assertThat(state.robots()).extracting(Robot::id).containsExactly(
        "robot-curious-student-2", "robot-curious-student-4", "robot-curious-student-5");
    assertThat(reconciled.robots()).extracting(Robot::id).endsWith("robot-curious-student-6");
    assertThat(reconciled.robotNumbers()).containsExactly(Map.entry("curious-student", 6));
  }

  @Test
  void aPoolStoredBeforeRobotNumbersWereKeptNumbersAfterItsRobots() throws Exception {
    // Given a stored pool without robotNumbers, whose students are numbered 1 and 5
    PoolState stored = RobotPool.create(types("curious-student", 5), T0);
    stored = pool.resize(stored, Map.of(), Set.of("robot-curious-student-2", "robot-curious-student-3",
        "robot-curious-student-4"), T1).state();
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Json.write(Envelope.of("pool.state", "orchestrator", "pool",
        stored, "c1", null)));
    ((ObjectNode) node.get("payload")).remove("robotNumbers");
    PoolState decoded = (PoolState) EventCodec.decode(Topic.ROBOT_POOL_STATE, node.toString()).payload();

    // When it grows by one student
    Change grown = RobotPool.reconcile(decoded, types("curious-student", 3), T1);

    // Then the new one comes after the highest number there is
    assertThat(decoded.robotNumbers()).isEmpty();
    assertThat(grown.instantiated()).extracting(Robot::id).containsExactly("robot-curious-student-6");
  }

  @Test
  void assignsIdleRobotsBehindTheRequestedIdentities() {
    // Given
    PoolState state = standardPool();
    RobotsNeeded request = need("m1", 1, 3);

    // When
    Change change = pool.request(state, request, "evt-1", T1);

    // Then
    assertThat(change.changed()).isTrue();
    assertThat(change.state().version()).isEqualTo(state.version() + 1);
    assertThat(change.assignments()).singleElement().satisfies(a -> {
      assertThat(a.request()).isEqualTo(request);
      assertThat(a.causationId()).isEqualTo("evt-1");
      assertThat(a.queuedAt()).isNull();
      assertThat(a.robots()).extracting(AssignedRobot::identity).containsExactly("A", "B", "C");
    });
    List<AssignedRobot> assigned = change.assignments().get(0).robots();
    for (AssignedRobot a : assigned) {
      Robot r = change.state().robots().stream().filter(x -> x.id().equals(a.id())).findFirst().orElseThrow();
      assertThat(r.status()).isEqualTo(Status.BUSY);
      assertThat(r.matchId()).isEqualTo("m1");
      assertThat(r.round()).isEqualTo(1);
      assertThat(r.identity()).isEqualTo(a.identity());
      assertThat(r.since()).isEqualTo(T1);
      assertThat(a.type()).isEqualTo(r.type());
    }
    assertThat(RobotPool.count(change.state(), Status.IDLE)).isEqualTo(3);
    assertThat(RobotPool.seatedIn(change.state(), "m1", 1)).hasSize(3);
  }

  @Test
  void spreadsPersonaTypesAcrossAnAssignment() {
    for (int seed = 0; seed < 50; seed++) {
      // Given
      RobotPool seeded = new RobotPool(seed, 0);

      // When
      List<AssignedRobot> three = seeded.request(standardPool(), need("m1", 1, 3), "e", T1).assignments().get(0)
          .robots();
      List<AssignedRobot> five = seeded.request(standardPool(), need("m2", 1, 5), "e", T1).assignments().get(0)
          .robots();

      // Then
      assertThat(three).extracting(AssignedRobot::type).doesNotHaveDuplicates();
      Map<String, Long> perType = five.stream().collect(Collectors.groupingBy(AssignedRobot::type,
          Collectors.counting()));
      assertThat(perType).hasSize(3);
      assertThat(perType.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 2L));
    }
  }

  @Test
  void choosesAtRandomAmongEqualRobots() {
    // Given
    Set<Set<String>> seen = new HashSet<>();

    // When
    for (int seed = 0; seed < 30; seed++) {
      seen.add(ids(new RobotPool(seed, 0).request(standardPool(), need("m1", 1, 2), "e", T1)
          .assignments().get(0).robots()));
    }

    // Then
    assertThat(seen).hasSizeGreaterThan(1);
  }

  @Test
  void prefersRobotsTheMatchDidNotJustHave() {
    for (int seed = 0; seed < 50; seed++) {
      // Given a match that had three robots last round
      RobotPool seeded = new RobotPool(seed, 0);
      Change round1 = seeded.request(standardPool(), need("m1", 1, 3), "e1", T0);
      Set<String> previous = ids(round1.assignments().get(0).robots());
      PoolState released = seeded.release(round1.state(), "m1", 1, T1).state();

      // When it asks for three again, excluding those
      Change round2 = seeded.request(released, need("m1", 2, 3, List.copyOf(previous)), "e2", T1);

      // Then it gets three others
      assertThat(ids(round2.assignments().get(0).robots())).doesNotContainAnyElementsOf(previous).hasSize(3);
    }
  }

  @Test
  void fallsBackToExcludedRobotsWhenThePoolAllowsNothingElse() {
    // Given a pool of three where two are excluded
    PoolState state = RobotPool.create(types("curious-student", 3), T0);
    List<String> exclude = List.of("robot-curious-student-1", "robot-curious-student-2");

    // When three robots are needed
    Change all = pool.request(state, need("m1", 2, 3, exclude), "e", T1);
    // and when only one is needed
    Change one = pool.request(state, need("m2", 2, 1, exclude), "e", T1);

    // Then the excluded ones are used only for the first
    assertThat(ids(all.assignments().get(0).robots())).hasSize(3);
    assertThat(ids(one.assignments().get(0).robots())).containsExactly("robot-curious-student-3");
  }

  @Test
  void fallsBackToExcludedRobotsWhenTheOthersAreBusy() {
    // Given robot 3 is busy elsewhere
    PoolState state = RobotPool.create(types("curious-student", 3), T0);
    state = pool.request(state, need("other", 1, 1, List.of("robot-curious-student-1", "robot-curious-student-2")),
        "e", T0).state();
    List<String> exclude = List.of("robot-curious-student-1");

    // When
    Change change = pool.request(state, need("m1", 2, 2, exclude), "e", T1);

    // Then
    assertThat(ids(change.assignments().get(0).robots()))
        .containsExactlyInAnyOrder("robot-curious-student-1", "robot-curious-student-2");
  }

  @Test
  void queuesWhenTooFewRobotsAreIdleAndServesInOrderOnRelease() {
    // Given four robots, three of them in m1
    PoolState state = RobotPool.create(types("curious-student", 2, "creative-artist", 2), T0);
    state = pool.request(state, need("m1", 1, 3), "e1", T0).state();

    // When m2 wants two and m3 wants one
    Change m2 = pool.request(state, need("m2", 1, 2), "e2", T0.plusSeconds(1));
    Change m3 = pool.request(m2.state(), need("m3", 1, 1), "e3", T0.plusSeconds(2));

    // Then both wait, m3 behind m2 although one robot is idle (the head blocks)
    assertThat(m2.assignments()).isEmpty();
    assertThat(m2.changed()).isTrue();
    assertThat(m3.assignments()).isEmpty();
    assertThat(m3.state().queue()).extracting(p -> p.request().matchId()).containsExactly("m2", "m3");
    assertThat(m3.state().queue()).extracting(PoolState.Pending::causationId).containsExactly("e2", "e3");
    assertThat(RobotPool.count(m3.state(), Status.IDLE)).isEqualTo(1);

    // When m1's round ends
    Change release = pool.release(m3.state(), "m1", 1, T1);

    // Then m2 then m3 are served, with their own causation and wait start
    assertThat(release.released()).hasSize(3);
    assertThat(release.assignments()).extracting(a -> a.request().matchId()).containsExactly("m2", "m3");
    assertThat(release.assignments()).extracting(RobotPool.Assignment::causationId).containsExactly("e2", "e3");
    assertThat(release.assignments()).extracting(RobotPool.Assignment::queuedAt)
        .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2));
    assertThat(release.state().queue()).isEmpty();
    assertThat(RobotPool.seatedIn(release.state(), "m2", 1)).hasSize(2);
    assertThat(RobotPool.seatedIn(release.state(), "m3", 1)).hasSize(1);
    assertThat(RobotPool.count(release.state(), Status.IDLE)).isEqualTo(1);
  }

  @Test
  void aWaitingHeadBlocksLaterRequestsEvenAfterARelease() {
    // Given m1 and m4 hold two robots each, m2 waits for three and m3 for one
    PoolState state = RobotPool.create(types("curious-student", 4), T0);
    state = pool.request(state, need("m1", 1, 2), "e1", T0).state();
    state = pool.request(state, need("m4", 1, 2), "e4", T0).state();
    state = pool.request(state, need("m2", 1, 3), "e2", T0).state();
    state = pool.request(state, need("m3", 1, 1), "e3", T0).state();

    // When m1 releases two robots
    Change first = pool.release(state, "m1", 1, T1);

    // Then nobody is served: the head needs three
    assertThat(first.assignments()).isEmpty();
    assertThat(first.state().queue()).extracting(p -> p.request().matchId()).containsExactly("m2", "m3");

    // When m4 releases too
    Change second = pool.release(first.state(), "m4", 1, T1);

    // Then the head and then m3 are served
    assertThat(second.assignments()).extracting(a -> a.request().matchId()).containsExactly("m2", "m3");
    assertThat(second.state().queue()).isEmpty();
  }

  @Test
  void aRequestArrivingWhileOthersWaitJoinsTheQueue() {
    // Given m2 waits for four robots while m1 holds two
    PoolState state = RobotPool.create(types("curious-student", 4), T0);
    state = pool.request(state, need("m1", 1, 2), "e1", T0).state();
    state = pool.request(state, need("m2", 1, 4), "e2", T0).state();

    // When m3 asks for one robot, which is idle
    Change change = pool.request(state, need("m3", 1, 1), "e3", T1);

    // Then it still waits behind m2
    assertThat(change.assignments()).isEmpty();
    assertThat(change.state().queue()).hasSize(2);
  }

  @Test
  void aRepeatedRequestChangesNothing() {
    // Given an assigned request and a queued one
    PoolState state = RobotPool.create(types("curious-student", 2), T0);
    RobotsNeeded assigned = need("m1", 1, 2);
    RobotsNeeded waiting = need("m2", 1, 1);
    state = pool.request(state, assigned, "e1", T0).state();
    state = pool.request(state, waiting, "e2", T0).state();

    // When both arrive again (and m1's round is asked for under a new correlation id)
    Change again = pool.request(state, assigned, "e1", T1);
    Change againQueued = pool.request(state, waiting, "e2", T1);
    Change sameRound = pool.request(state, new RobotsNeeded("m1", 1, 2, List.of(), List.of("A", "B"), "other"),
        "e9", T1);

    // Then nothing happens
    for (Change c : List.of(again, againQueued, sameRound)) {
      assertThat(c.changed()).isFalse();
      assertThat(c.state()).isSameAs(state);
      assertThat(c.assignments()).isEmpty();
      assertThat(c.unavailable()).isNull();
    }
  }

  @Test
  void aRequestLargerThanThePoolIsUnavailable() {
    // Given
    PoolState state = standardPool();

    // When
    Change change = pool.request(state, need("m1", 1, 7), "e1", T1);

    // Then
    assertThat(change.unavailable()).isEqualTo(need("m1", 1, 7));
    assertThat(change.changed()).isFalse();
    assertThat(change.state()).isSameAs(state);
    assertThat(change.assignments()).isEmpty();
  }

  @Test
  void aRequestLargerThanThePoolButWithinItsCapacityWaitsForItToGrow() {
    // Given a pool of 6 that may grow to 7
    RobotPool growing = new RobotPool(7, 7);

    // When
    Change change = growing.request(standardPool(), need("m1", 1, 7), "e1", T1);

    // Then
    assertThat(change.unavailable()).isNull();
    assertThat(change.state().queue()).extracting(p -> p.request()).containsExactly(need("m1", 1, 7));
    assertThat(growing.request(standardPool(), need("m1", 1, 8), "e1", T1).unavailable()).isNotNull();
  }

  @Test
  void resizingRetiresIdleRobotsAddsNewOnesAndServesTheQueue() {
    // Given a queued request for 7 in a pool of 6
    RobotPool growing = new RobotPool(7, 8);
    PoolState state = growing.request(standardPool(), need("m1", 1, 7), "e1", T1).state();

    // When one curious student retires and the skeptical scientists grow to 4
    Change change = growing.resize(state, types("skeptical-scientist", 4), Set.of("robot-curious-student-1"),
        T1.plusSeconds(5));

    // Then
    assertThat(change.released()).extracting(Robot::id).containsExactly("robot-curious-student-1");
    assertThat(change.instantiated()).extracting(Robot::id)
        .containsExactly("robot-skeptical-scientist-3", "robot-skeptical-scientist-4");
    assertThat(change.assignments()).singleElement().satisfies(a -> {
      assertThat(a.robots()).hasSize(7);
      assertThat(a.queuedAt()).isEqualTo(T1);
    });
    assertThat(change.state().queue()).isEmpty();
    assertThat(change.state().robots()).hasSize(7).allMatch(r -> r.status() == Status.BUSY);
    assertThat(change.state().version()).isEqualTo(state.version() + 1);
    assertThat(change.state().finishedRounds()).isEqualTo(state.finishedRounds());
  }

  @Test
  void aRequestNamingTooFewIdentitiesIsRejected() {
    RobotsNeeded bad = new RobotsNeeded("m1", 1, 3, List.of(), List.of("A"), "c");
    assertThatThrownBy(() -> pool.request(standardPool(), bad, "e", T1))
        .isInstanceOf(PoisonRecordException.class);
  }

  @Test
  void releasingARoundFreesOnlyThatRound() {
    // Given m1 and m2 hold robots
    PoolState state = standardPool();
    state = pool.request(state, need("m1", 1, 2), "e1", T0).state();
    state = pool.request(state, need("m2", 3, 2), "e2", T0).state();

    // When m1's round 1 ends
    Change change = pool.release(state, "m1", 1, T1);

    // Then m1's robots are idle again and m2's stay
    assertThat(change.released()).hasSize(2).allSatisfy(r -> {
      assertThat(r.matchId()).isEqualTo("m1");
      assertThat(r.round()).isEqualTo(1);
    });
    assertThat(RobotPool.seatedIn(change.state(), "m1", 1)).isEmpty();
    assertThat(RobotPool.seatedIn(change.state(), "m2", 3)).hasSize(2);
    assertThat(change.state().robots()).filteredOn(r -> r.status() == Status.IDLE).hasSize(4)
        .allSatisfy(r -> assertThat(r.identity()).isNull());
    assertThat(change.state().version()).isEqualTo(state.version() + 1);

    // And releasing the same round again is harmless
    Change again = pool.release(change.state(), "m1", 1, T1);
    assertThat(again.changed()).isFalse();
    assertThat(again.released()).isEmpty();
  }

  @Test
  void releasingAMatchFreesItsRobotsDropsItsRequestsAndServesOthers() {
    // Given m1 holds all three robots and already waits for its next round, and m2 waits behind it
    PoolState state = RobotPool.create(types("curious-student", 3), T0);
    state = pool.request(state, need("m1", 1, 3), "e1", T0).state();
    state = pool.request(state, need("m1", 2, 3), "e1b", T0).state();
    state = pool.request(state, need("m2", 1, 2), "e2", T0).state();

    // When m1 is completed
    Change change = pool.releaseMatch(state, "m1", T1);

    // Then its robots come back, its own request is forgotten and m2 is served
    assertThat(change.released()).hasSize(3);
    assertThat(change.assignments()).extracting(a -> a.request().matchId()).containsExactly("m2");
    assertThat(change.state().queue()).isEmpty();
    assertThat(change.state().robots()).noneMatch(r -> "m1".equals(r.matchId()));
  }

  @Test
  void releasingAMatchThatOnlyWaitsDropsItsRequest() {
    // Given m2 waits
    PoolState state = RobotPool.create(types("curious-student", 1), T0);
    state = pool.request(state, need("m1", 1, 1), "e1", T0).state();
    state = pool.request(state, need("m2", 1, 1), "e2", T0).state();

    // When m2 is completed
    Change change = pool.releaseMatch(state, "m2", T1);

    // Then
    assertThat(change.changed()).isTrue();
    assertThat(change.released()).isEmpty();
    assertThat(change.state().queue()).isEmpty();
  }

  @Test
  void countsCompletedWork() {
    // Given
    PoolState state = standardPool();

    // When
    Change change = RobotPool.workCompleted(state, "robot-creative-artist-2", "c1/response");
    Change unknown = RobotPool.workCompleted(change.state(), "robot-nobody", "c2/response");
    Change again = RobotPool.workCompleted(change.state(), "robot-creative-artist-2", "c1/response");

    // Then the work counts once, a report delivered again not at all
    assertThat(change.state().robots()).filteredOn(r -> r.id().equals("robot-creative-artist-2"))
        .singleElement().extracting(Robot::completedWork).isEqualTo(1L);
    assertThat(change.state().version()).isEqualTo(state.version() + 1);
    assertThat(unknown.changed()).isFalse();
    assertThat(again.changed()).isFalse();
  }

  @Test
  void aPoolStoredBeforeRecentWorkWasKeptDecodesWithNone() throws Exception {
    // Given a stored pool whose robots have no recentWork field
    PoolState state = standardPool();
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Json.write(Envelope.of("pool.state", "orchestrator", "pool",
        state, "c1", null)));
    node.get("payload").get("robots").forEach(r -> ((ObjectNode) r).remove("recentWork"));

    // When it is read back, then it is the same pool, with no work remembered
    PoolState decoded = (PoolState) EventCodec.decode(Topic.ROBOT_POOL_STATE, node.toString()).payload();
    assertThat(decoded).isEqualTo(state);
    assertThat(decoded.robots()).allSatisfy(r -> assertThat(r.recentWork()).isEmpty());
  }

  @Test
  void remembersOnlyTheLatestWorkOfARobot() {
    // Given a robot that finished ten pieces of work
    PoolState state = standardPool();
    for (int i = 1; i <= 10; i++) {
      state = RobotPool.workCompleted(state, "robot-creative-artist-2", "c" + i + "/vote").state();
    }

    // Then it remembers the latest eight, and counted all ten
    Robot robot = state.robots().stream().filter(r -> r.id().equals("robot-creative-artist-2")).findFirst()
        .orElseThrow();
    assertThat(robot.recentWork()).hasSize(8).startsWith("c3/vote").endsWith("c10/vote");
    assertThat(robot.completedWork()).isEqualTo(10);
  }

  @Test
  void reconcileAddsWhatTheConfigNowHasMoreOfAndKeepsTheRest() {
    // Given a stored pool with a busy robot and a type the config no longer names
    PoolState stored = RobotPool.create(types("curious-student", 2, "retired-poet", 1), T0);
    stored = pool.request(stored, need("m1", 1, 1, List.of("robot-curious-student-2", "robot-retired-poet-1")), "e",
        T0).state();

    // When the config asks for more students, a new type, and no poets
    Change change = RobotPool.reconcile(stored, types("curious-student", 3, "creative-artist", 1), T1);

    // Then only the missing robots are added, the rest is untouched
    assertThat(change.instantiated()).extracting(Robot::id)
        .containsExactly("robot-curious-student-3", "robot-creative-artist-1");
    assertThat(change.state().robots()).startsWith(stored.robots().toArray(Robot[]::new)).hasSize(5);
    assertThat(change.state().version()).isEqualTo(stored.version() + 1);
    assertThat(RobotPool.seatedIn(change.state(), "m1", 1)).extracting(Robot::id)
        .containsExactly("robot-curious-student-1");

    // And a config with fewer robots changes nothing
    Change fewer = RobotPool.reconcile(change.state(), types("curious-student", 1), T1);
    assertThat(fewer.changed()).isFalse();
    assertThat(fewer.state()).isSameAs(change.state());
  }

  @Test
  void poolStateSurvivesTheWireFormat() {
    // Given a pool with busy robots and a waiting request
    PoolState state = RobotPool.create(types("curious-student", 2), T0);
    state = pool.request(state, need("m1", 1, 2), "e1", T0).state();
    state = pool.request(state, need("m2", 1, 1), "e2", T0).state();
    Envelope<PoolState> envelope = Envelope.of("pool.state", "test", "pool", state, null, null);

    // When
    String value = EventCodec.encode("robot-pool-state", envelope).value();
    PoolState decoded = (PoolState) EventCodec.decode(Topic.ROBOT_POOL_STATE, value).payload();

    // Then
    assertThat(decoded).isEqualTo(state);
    assertThat(Topic.registrationOf(PoolState.class).topic()).isEqualTo(Topic.ROBOT_POOL_STATE);
  }
}
