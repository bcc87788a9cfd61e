package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.RobotPool.Change;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchEvent.RobotsNeeded;
import arena.shared.events.RobotResponse.ResponseComplete;
import arena.shared.state.PoolState;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The indexed {@link RobotPool} against the pool as it was, scanning every robot ({@link ScanningRobotPool}): random
 * sequences of requests, releases, finished matches, completed work, resizes and health verdicts must give exactly
 * the same changes, robot for robot and choice for choice, with every selection strategy, and the same records to
 * write.
 */
class RobotPoolIndexTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final List<String> TYPES = List.of("poet", "clown", "mime", "sage");
  private static final List<String> LETTERS = List.of("A", "B", "C", "D", "E", "F", "G", "H");

  private static List<Selection> selections() {
    List<Selection> selections = new ArrayList<>();
    for (String strategy : List.of(RandomSelection.NAME, LeastRecentlyUsed.NAME, BestDisguise.NAME,
        CheapestHealthy.NAME)) {
      selections.add(Selection.of(new Selection.Settings(strategy, new BestDisguise.Settings(0.5), null)));
    }
    selections.add(Selection.of(new Selection.Settings(RandomSelection.NAME, new BestDisguise.Settings(0.5),
        new Selection.Experiment(true, List.of(LeastRecentlyUsed.NAME, CheapestHealthy.NAME), 0.95))));
    return selections;
  }

  @Test
  void randomStepsChangeThePoolExactlyAsAScanDid() {
    for (Selection selection : selections()) {
      for (long seed = 0; seed < 60; seed++) {
        playBoth(selection, seed, 250);
      }
    }
  }

  @Test
  void aPoolReadBackIsIndexedAsTheSameRobots() {
    // Given a pool that played a while, read back as a plain list (as from Kafka)
    RobotPool pool = new RobotPool(3, 40);
    PoolState state = RobotPool.create(RobotPoolTest.types("poet", 5, "clown", 5), T0);
    state = pool.request(state, need("m1", 1, 3, List.of(), "c1"), "e1", T0).state();
    state = pool.request(state, need("m2", 1, 2, List.of(), "c2"), "e2", T0).state();
    PoolState readBack = new PoolState(state.version(), List.copyOf(state.robots()), state.queue(),
        state.finishedRounds(), state.robotNumbers());

    // When it is indexed, then it finds the same robots where they are
    IndexedRobots indexed = IndexedRobots.of(readBack.robots());
    assertThat(indexed).isEqualTo(state.robots());
    assertThat(indexed.seatedIn("m1", 1)).isEqualTo(ScanningRobotPool.seatedIn(readBack, "m1", 1)).hasSize(3);
    assertThat(indexed.busyIn("m2")).extracting(Robot::matchId).containsExactly("m2", "m2");
    assertThat(indexed.idleCount()).isEqualTo(5);
    assertThat(indexed.placeOf("robot-clown-2")).isEqualTo(6);
    assertThat(indexed.placeOf("robot-nobody-1")).isEqualTo(-1);
  }

  @Test
  void aListKnowsWhichPlacesChangedSinceAnEarlierOneOnly() {
    // Given a list and two lists changed from it, each its own way
    IndexedRobots before = IndexedRobots.of(RobotPool.create(Map.of("poet", 4), T0).robots());
    IndexedRobots one = before.with(2, busy(before.get(2))).with(0, busy(before.get(0)));
    IndexedRobots other = before.with(3, busy(before.get(3)));

    // Then each knows its own changes, in pool order, and nothing of the other's
    assertThat(one.changedSince(before)).containsExactly(0, 2);
    assertThat(one.changedSince(one)).isEmpty();
    assertThat(other.changedSince(before)).containsExactly(3);
    assertThat(one.changedSince(other)).isNull();
    assertThat(before.changedSince(one)).isNull();
  }

  private static Robot busy(Robot r) {
    return new Robot(r.id(), r.type(), Status.BUSY, "m", 1, "A", T0, r.completedWork(), r.recentWork());
  }

  private static RobotsNeeded need(String matchId, int round, int count, List<String> exclude, String correlation) {
    return new RobotsNeeded(matchId, round, count, exclude, LETTERS.subList(0, count), correlation);
  }

  /** Plays the same random steps on both pools, asserting each change is the same. */
  private static void playBoth(Selection selection, long seed, int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Integer> byType = new LinkedHashMap<>();
    TYPES.forEach(t -> byType.put(t, random.nextInt(6)));
    int capacity = 30;
    RobotPool indexed = new RobotPool(seed, capacity, selection);
    ScanningRobotPool scanning = new ScanningRobotPool(seed, capacity, selection);
    PoolState plain = ScanningRobotPool.create(byType, T0);
    PoolState state = RobotPool.create(byType, T0);
    assertThat(state).isEqualTo(plain);
    PoolRecords records = PoolRecords.holding(state);
    PoolRecords plainRecords = PoolRecords.holding(plain);
    RobotStats stats = RobotStats.empty();
    Set<String> unhealthy = Set.of();
    Instant now = T0;
    for (int step = 0; step < steps; step++) {
      String what = "seed " + seed + " step " + step + " with " + selection.strategy();
      now = now.plusSeconds(random.nextInt(2)); // robots often idle since the same instant: ties
      RobotPool pool = indexed.withStats(stats).withUnhealthy(unhealthy);
      Set<String> sick = unhealthy;
      ScanningRobotPool oracle = scanning.withStats(stats).withHealthy(r -> !sick.contains(r.id()));
      // Now and then the state comes as read back from Kafka: a plain list, indexed afresh.
      PoolState input = random.nextInt(20) == 0 ? new PoolState(state.version(), List.copyOf(state.robots()),
          state.queue(), state.finishedRounds(), state.robotNumbers()) : state;
      String matchId = "m" + random.nextInt(8);
      int round = 1 + random.nextInt(3);
      Change got;
      Change expected;
      int op = random.nextInt(100);
      if (op < 40) {
        List<String> exclude = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          exclude.add(someRobot(plain, random));
        }
        RobotsNeeded request = need(matchId, round, random.nextInt(20) == 0 ? 8 : random.nextInt(6), exclude,
            matchId + "-" + round + "-" + random.nextInt(3));
        got = pool.request(input, request, "e" + step, now);
        expected = oracle.request(plain, request, "e" + step, now);
      } else if (op < 60) {
        got = pool.release(input, matchId, round, now);
        expected = oracle.release(plain, matchId, round, now);
        if (random.nextBoolean()) {
          stats = stats.round(new MatchEvent.RoundCompleted(matchId, round, Map.of("H", LETTERS.get(
              random.nextInt(4))), Map.of(), Map.of()), ScanningRobotPool.seatedIn(plain, matchId, round).stream()
              .map(r -> new RobotStats.Seat(r.id(), r.type(), r.identity())).toList());
        }
      } else if (op < 70) {
        got = pool.releaseMatch(input, matchId, now);
        expected = oracle.releaseMatch(plain, matchId, now);
      } else if (op < 90) {
        String robotId = someRobot(plain, random);
        String work = "c" + random.nextInt(12) + "/response";
        got = RobotPool.workCompleted(input, robotId, work);
        expected = ScanningRobotPool.workCompleted(plain, robotId, work);
        Robot robot = ScanningRobotPool.seatedIn(plain, matchId, round).stream().findFirst().orElse(null);
        if (robot != null) {
          stats = stats.work(new ResponseComplete(robot.id(), matchId, round, work, "response", "fake", 100, false,
              null, 0, 0, random.nextInt(3) * 0.001), robot.type());
        }
      } else if (op < 95) {
        Map<String, Integer> grownTo = Map.of(TYPES.get(random.nextInt(TYPES.size())), random.nextInt(8));
        Set<String> retire = new HashSet<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          retire.add(someRobot(plain, random));
        }
        got = pool.resize(input, grownTo, retire, now);
        expected = oracle.resize(plain, grownTo, retire, now);
      } else {
        Set<String> judged = new LinkedHashSet<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          judged.add(someRobot(plain, random));
        }
        unhealthy = Set.copyOf(judged);
        continue;
      }
      assertThat(got).as(what).isEqualTo(expected);
      state = got.state();
      plain = expected.state();
      PoolRecords.Step written = records.write(state);
      PoolRecords.Step plainWritten = plainRecords.write(plain);
      assertThat(written.records()).as(what).isEqualTo(plainWritten.records());
      records = written.after();
      plainRecords = plainWritten.after();
      assertThat(RobotPool.seatedIn(state, matchId, round)).as(what)
          .isEqualTo(ScanningRobotPool.seatedIn(plain, matchId, round));
      assertThat(RobotPool.count(state, Status.IDLE)).as(what)
          .isEqualTo(ScanningRobotPool.count(plain, Status.IDLE));
      assertThat(IndexedRobots.of(state.robots()).busyIn(matchId)).as(what)
          .isEqualTo(plain.robots().stream().filter(r -> r.status() == Status.BUSY && matchId.equals(r.matchId()))
              .toList());
      for (String type : TYPES) {
        IndexedRobots index = IndexedRobots.of(state.robots());
        assertThat(index.count(type)).as(what).isEqualTo(plain.robots().stream().filter(r -> r.type().equals(type))
            .count());
        List<Robot> idle = plain.robots().stream().filter(r -> r.type().equals(type) && r.status() == Status.IDLE)
            .toList();
        assertThat(index.idleOf(type)).as(what).isEqualTo(idle);
        assertThat(index.idleCount(type)).as(what).isEqualTo(idle.size());
      }
    }
  }

  /** Mostly a robot of the pool, now and then one it does not have. */
  private static String someRobot(PoolState state, SplittableRandom random) {
    if (state.robots().isEmpty() || random.nextInt(10) == 0) {
      return "robot-nobody-" + random.nextInt(3);
    }
    return state.robots().get(random.nextInt(state.robots().size())).id();
  }
}
