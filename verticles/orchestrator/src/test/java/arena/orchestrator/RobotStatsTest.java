package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import arena.orchestrator.RobotStats.Seat;
import arena.shared.events.MatchEvent;
import arena.shared.events.RobotResponse.ResponseComplete;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.Topic;
import arena.shared.state.Latencies;
import arena.shared.state.RobotTally;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RobotStatsTest {

  /** {@code robot}'s work of {@code kind} in round {@code round} of match m1, under the id the orchestrator gave it. */
  private static ResponseComplete work(String robot, int round, String kind, long latency, boolean fallback,
      double cost) {
    return new ResponseComplete(robot, "m1", round, Orchestration.commandId(kind, robot, "m1", round), kind, "fake",
        latency, fallback, "model", 10, 5, cost);
  }

  private static MatchEvent.RoundCompleted round(String matchId, int round, Map<String, String> votes) {
    return new MatchEvent.RoundCompleted(matchId, round, votes, Map.of(), Map.of());
  }

  @Test
  void countsAnswersVotesLatencyFallbacksAndCostPerRobotAndPersona() {
    // Given two robots of one persona
    RobotStats stats = RobotStats.empty();
    // When they report answers and a vote
    stats = stats.work(work("r1", 1, "response", 100, false, 0.01), "poet")
        .work(work("r1", 2, "vote", 999, true, 0.02), "poet")
        .work(work("r2", 3, "response", 300, true, 0.03), "poet");
    // Then votes do not count as answer latency, and the persona sums both robots
    RobotTally r1 = stats.robots().get("r1");
    assertEquals(1, r1.answers());
    assertEquals(1, r1.votes());
    assertEquals(1, r1.fallbacks());
    assertEquals(100.0, r1.meanLatencyMs());
    assertEquals(0.03, r1.costUsd(), 1e-9);
    RobotTally poet = stats.personas().get("poet");
    assertEquals(2, poet.answers());
    assertEquals(1, poet.votes());
    assertEquals(2, poet.fallbacks());
    assertEquals(200.0, poet.meanLatencyMs());
    assertThat(poet.p90LatencyMs()).isCloseTo(300, within(300L / 32)); // the precision of Latencies
    assertEquals(0.06, poet.costUsd(), 1e-9);
  }

  @Test
  void aReportDeliveredTwiceCountsOnce() {
    // Given a robot's answer counted
    ResponseComplete done = work("r1", 1, "response", 100, false, 0.01);
    RobotStats once = RobotStats.empty().work(done, "poet");
    // When the same report arrives again, even after the pool forgot the robot
    RobotStats twice = once.work(done, "poet").work(done, null);
    // Then nothing changes
    assertSame(once, twice);
    assertEquals(1, twice.personas().get("poet").answers());
  }

  @Test
  void aRobotsReportsDeliveredAgainAfterItsLaterRoundsElsewhereCountOnce() {
    // Given a robot that answered, voted and completed round 1 of m1, then as many rounds of other matches as it
    // remembers, less one (its reports of those matches came on other partitions, read in any order)
    Seat seat = new Seat("r1", "poet", "A");
    List<ResponseComplete> first = List.of(work("r1", 1, "response", 100, false, 0.01),
        work("r1", 1, "vote", 0, false, 0.01));
    RobotStats stats = RobotStats.empty().work(first.get(0), "poet").work(first.get(1), "poet")
        .round(round("m1", 1, Map.of("B", "A")), List.of(seat));
    for (int m = 2; m <= RobotStats.RECENT_ROUNDS; m++) {
      String match = "m" + m;
      stats = stats.work(new ResponseComplete("r1", match, 1, Orchestration.commandId("response", "r1", match, 1),
              "response", "fake", 100, false, "model", 1, 1, 0.01), "poet")
          .round(round(match, 1, Map.of()), List.of(seat));
    }

    // When the reports of m1 round 1 are delivered again
    RobotStats again = stats.work(first.get(1), "poet").work(first.get(0), null)
        .round(round("m1", 1, Map.of("B", "A")), List.of(seat));

    // Then nothing changes: the robot remembers one entry per round, what each counted in it
    assertSame(stats, again);
    assertEquals(RobotStats.RECENT_ROUNDS, stats.robots().get("r1").rounds());
    assertEquals(RobotStats.RECENT_ROUNDS + 1, stats.robots().get("r1").work());
    assertThat(stats.robots().get("r1").counted()).hasSize(RobotStats.RECENT_ROUNDS)
        .startsWith("m1/1:avr").endsWith("m" + RobotStats.RECENT_ROUNDS + "/1:ar");
  }

  @Test
  void aRobotTallyStoredTheOldWayStillDecodesAndKnowsTheReportsItCounted() {
    // Given a robot's tally as robot-stats holds it from before: its latest latencies themselves, and one entry per
    // work and per round counted
    String stored = """
        {"eventId":"56d05376-2e0c-4c05-99a6-8375b6b317d7","eventType":"robot.tally",\
        "occurredAt":"2026-12-01T18:54:03.059536572Z","source":"robot-orchestrator","correlationId":"corr-1",\
        "causationId":null,"key":"robot:robot-creative-artist-1","matchId":null,"schemaVersion":1,\
        "payload":{"type":"creative-artist","rounds":2,"answers":2,"votes":2,"latencySumMs":10400,\
        "latencySquaresMs":5.5E7,"latencies":[350,400,450,500,550,600,650,700,750,800,850,900],"fallbacks":0,\
        "costUsd":4.0E-4,"costSquaresUsd":8.0E-8,"humanVotes":3,"passedAsHuman":1,\
        "counted":["work:6f1c0a55-0d42-3b57-9a0e-8a3c2f9b1e11/response",\
        "work:0c9e4a7e-54b1-3d1b-8f1e-2b7c4d9a3f22/vote","round:8d0f2b3c-1a4e-4f6b-9c2d-7e5a1b3c4d5e/2"],"seq":41}}""";

    // When an upgraded orchestrator reads it back
    RobotTally old = (RobotTally) EventCodec.decode(Topic.ROBOT_STATS, stored).payload();
    RobotStats restored = RobotStats.restore(Map.of("robot:robot-creative-artist-1", old));

    // Then its figures are as they were, the p90 within 1/32 of that of its latest latencies (850)
    RobotTally tally = restored.robots().get("robot-creative-artist-1");
    assertEquals(2, tally.answers());
    assertEquals(41, restored.seq());
    assertThat((double) Math.abs(tally.p90LatencyMs() - 850)).isLessThanOrEqualTo(850 / 32.0);

    // And the work and the round it counted, delivered again, count once
    String matchId = "8d0f2b3c-1a4e-4f6b-9c2d-7e5a1b3c4d5e";
    RobotStats again = restored
        .work(new ResponseComplete("robot-creative-artist-1", matchId, 2, "6f1c0a55-0d42-3b57-9a0e-8a3c2f9b1e11",
            "response", "fake", 400, false, "model", 1, 1, 0.0002), "creative-artist")
        .work(new ResponseComplete("robot-creative-artist-1", matchId, 2, "0c9e4a7e-54b1-3d1b-8f1e-2b7c4d9a3f22",
            "vote", "fake", 0, false, "model", 1, 1, 0.0002), "creative-artist")
        .round(round(matchId, 2, Map.of()), List.of(new Seat("robot-creative-artist-1", "creative-artist", "B")));
    assertSame(restored, again);

    // And a new report counts, remembered the new way beside the old entries
    RobotTally next = restored.work(new ResponseComplete("robot-creative-artist-1", "m3", 1,
        Orchestration.commandId("response", "robot-creative-artist-1", "m3", 1), "response", "fake", 500, false,
        "model", 1, 1, 0.0002), "creative-artist").robots().get("robot-creative-artist-1");
    assertEquals(3, next.answers());
    assertThat(next.counted()).endsWith("m3/1:a").contains("round:" + matchId + "/2");
  }

  @Test
  void aTallyStaysAFewKilobytesHoweverMuchItCountedFarBelowWhatKafkaTakes() {
    // Given a robot that answered and voted in 5,000 rounds of as many matches (ids as the gateway makes them), its
    // latencies spread over every bucket there is, from 0 ms to the longest a long holds
    java.util.Random random = new java.util.Random(3);
    RobotStats stats = RobotStats.empty();
    for (int i = 0; i < 5000; i++) {
      String match = java.util.UUID.randomUUID().toString();
      for (String kind : List.of("response", "vote")) {
        stats = stats.work(new ResponseComplete("robot-skeptical-scientist-12", match, 10, Orchestration.commandId(
            kind, "robot-skeptical-scientist-12", match, 10), kind, "anthropic", random.nextLong() >>> random.nextInt(64),
            false, "model", 1, 1, 0.01), "skeptical-scientist");
      }
      stats = stats.round(round(match, 10, Map.of()), List.of(new Seat("robot-skeptical-scientist-12",
          "skeptical-scientist", "L")));
    }

    // When its tally and its persona's are written as robot-stats records
    for (RobotTally tally : List.of(stats.robots().get("robot-skeptical-scientist-12"),
        stats.personas().get("skeptical-scientist"))) {
      String record = arena.shared.Json.write(arena.shared.events.Envelope.of("robot.tally", "robot-orchestrator",
          "robot:robot-skeptical-scientist-12", tally, java.util.UUID.randomUUID().toString(),
          java.util.UUID.randomUUID().toString()));

      // Then each is bounded by construction (the latest 8 rounds, counts in at most 960 buckets of 2 generations),
      // a few kilobytes at worst: far below a producer's max.request.size (1 MiB)
      assertThat(tally.counted()).hasSizeLessThanOrEqualTo(RobotStats.RECENT_ROUNDS);
      assertThat(record.length()).isLessThan(12_000);
    }
  }

  @Test
  void workOfARobotNeverSeenAndUnknownToThePoolIsIgnored() {
    // Given no stats
    // When a robot the pool does not know reports
    RobotStats stats = RobotStats.empty().work(work("ghost", 1, "response", 100, false, 0.01), null);
    // Then it is not counted
    assertEquals(Map.of(), stats.robots());
    assertEquals(Map.of(), stats.personas());
  }

  @Test
  void passRateIsTheShareOfHumanVotesNamingTheRobot() {
    // Given robots r1 behind A and r2 behind B, humans behind C, D and E
    List<Seat> seated = List.of(new Seat("r1", "poet", "A"), new Seat("r2", "grump", "B"));
    // When C and D vote A, E votes B, and the robots' own votes name C and A
    Map<String, String> votes = Map.of("C", "A", "D", "A", "E", "B", "A", "C", "B", "A");
    RobotStats stats = RobotStats.empty().round(round("m1", 1, votes), seated);
    // Then robot votes are not human votes: A passed 2 of 3, B 1 of 3
    RobotTally r1 = stats.robots().get("r1");
    assertEquals(1, r1.rounds());
    assertEquals(3, r1.humanVotes());
    assertEquals(2, r1.passedAsHuman());
    assertEquals(2.0 / 3, r1.passRate(), 1e-9);
    assertEquals(1.0 / 3, stats.robots().get("r2").passRate(), 1e-9);
    assertEquals(1.0 / 3, stats.personas().get("grump").passRate(), 1e-9);
  }

  @Test
  void personaPassRateSumsVotesOverItsRobotsAndRounds() {
    // Given a persona whose robot passed 1 of 2 human votes in round 1 and 0 of 1 in round 2
    List<Seat> seated = List.of(new Seat("r1", "poet", "A"));
    RobotStats stats = RobotStats.empty()
        .round(round("m1", 1, Map.of("B", "A", "C", "B")), seated)
        .round(round("m1", 2, Map.of("B", "A")), List.of(new Seat("r1", "poet", "C")));
    // Then its pass rate is 1 of 3, over 2 rounds
    RobotTally poet = stats.personas().get("poet");
    assertEquals(2, poet.rounds());
    assertEquals(3, poet.humanVotes());
    assertEquals(1.0 / 3, poet.passRate(), 1e-9);
  }

  @Test
  void aRoundCompletedTwiceCountsOnce() {
    // Given a round counted
    List<Seat> seated = List.of(new Seat("r1", "poet", "A"));
    MatchEvent.RoundCompleted completed = round("m1", 1, Map.of("B", "A"));
    RobotStats once = RobotStats.empty().round(completed, seated);
    // When it is delivered again
    RobotStats twice = once.round(completed, seated);
    // Then nothing changes
    assertSame(once, twice);
  }

  @Test
  void noHumanVotesLeavesThePassRateOpen() {
    // Given a round where nobody voted
    RobotStats stats = RobotStats.empty().round(round("m1", 1, null), List.of(new Seat("r1", "poet", "A")));
    // Then the round counts but there is no pass rate yet
    assertEquals(1, stats.robots().get("r1").rounds());
    assertNull(stats.robots().get("r1").passRate());
  }

  @Test
  void p90IsTheNearestRankOverTheLatestAnswers() {
    // Given answers taking 1..10 ms
    RobotStats stats = RobotStats.empty();
    for (int i = 1; i <= 10; i++) {
      stats = stats.work(work("r1", i, "response", i, false, 0), "poet");
    }
    // Then the p90 is 9 and the mean 5.5
    assertEquals(9, stats.robots().get("r1").p90LatencyMs());
    assertEquals(5.5, stats.robots().get("r1").meanLatencyMs());
  }

  @Test
  void remembersAtMostMaxRobotsDroppingTheStalest() {
    // Given as many robots as kept
    RobotStats stats = RobotStats.empty();
    for (int i = 0; i < RobotStats.MAX_ROBOTS; i++) {
      stats = stats.work(work("r" + i, 1, "vote", 1, false, 0), "poet");
    }
    // When one more reports
    stats = stats.work(work("new", 1, "vote", 1, false, 0), "poet");
    // Then the one updated longest ago is gone; the persona keeps every count
    assertEquals(RobotStats.MAX_ROBOTS, stats.robots().size());
    assertNull(stats.robots().get("r0"));
    assertEquals(RobotStats.MAX_ROBOTS + 1, stats.personas().get("poet").votes());
  }

  @Test
  void whatChangedSinceAnyEarlierChangeIsFoundInTheJournalOrBeyondItByLookingAtEveryTally() {
    // Given 1,000 robots that each reported work once (more changes than the journal keeps)
    RobotStats stats = RobotStats.empty();
    for (int i = 0; i < 1000; i++) {
      stats = stats.work(work("robot-" + i, i, "response", 100, false, 0.01), "clown");
    }

    // When asked what changed since the last change, since the 900th and since the start
    // Then the last robot and its persona; the last 100 robots and the persona; every robot and the persona
    assertEquals(java.util.Set.of("robot:robot-999", "persona:clown"), stats.changedSince(stats.seq() - 1).keySet());
    assertEquals(101, stats.changedSince(stats.seq() - 100).size());
    assertEquals(1001, stats.changedSince(0).size());
    assertEquals(0, stats.changedSince(stats.seq()).size());
  }

  @Test
  void whatChangedSinceIsTheSameWhereverTheJournalWasLastTrimmed() {
    // Given 2,500 robots that each reported work once: many times the changes the journal keeps, trimmed on the way
    RobotStats stats = RobotStats.empty();
    for (int i = 0; i < 2500; i++) {
      stats = stats.work(work("robot-" + i, i, "response", 100, false, 0.01), "clown");

      // Then at every change the journal keeps at least the latest changes, at most twice as many
      assertThat(stats.journal().size()).isBetween(Math.min(2 * (i + 1), RobotStats.JOURNALED),
          2 * RobotStats.JOURNALED);
    }

    // When asked what changed since the last change, within the journal, just past it and since the start
    // Then the robots that reported since then, and the persona
    assertEquals(java.util.Set.of("robot:robot-2499", "persona:clown"), stats.changedSince(stats.seq() - 1).keySet());
    assertEquals(501, stats.changedSince(stats.seq() - 500).size());
    assertEquals(1501, stats.changedSince(stats.seq() - 1500).size());
    assertEquals(2501, stats.changedSince(0).size());
  }

  @Test
  void aRestoreKeepsTheMaxRobotsChangedLatestAndFoldsOnFromThem() {
    // Given stored tallies of three robots more than are kept, each changed at its own change
    Map<String, RobotTally> stored = new LinkedHashMap<>();
    for (int i = RobotStats.MAX_ROBOTS + 2; i >= 0; i--) {
      stored.put("robot:r" + i, new RobotTally("poet", 0, 0, 1, 0, 0, Latencies.NONE, 0, 0, 0, 0, 0, List.of(), i + 1));
    }

    // When they are restored and one more robot reports
    RobotStats restored = RobotStats.restore(stored);
    RobotStats next = restored.work(work("new", 1, "vote", 1, false, 0), "poet");

    // Then the restore kept the robots changed latest, and the report drops the stalest of those
    assertEquals(RobotStats.MAX_ROBOTS, restored.robots().size());
    assertThat(restored.robots()).doesNotContainKeys("r0", "r1", "r2").containsKey("r3");
    assertEquals(RobotStats.MAX_ROBOTS, next.robots().size());
    assertThat(next.robots()).doesNotContainKey("r3").containsKeys("r4", "new");
  }

  @Test
  void aRobotThatReportsAgainIsNoLongerTheStalest() {
    // Given as many robots as kept, the first of which then reports again
    RobotStats stats = RobotStats.empty();
    for (int i = 0; i < RobotStats.MAX_ROBOTS; i++) {
      stats = stats.work(work("r" + i, 1, "vote", 1, false, 0), "poet");
    }
    stats = stats.work(work("r0", 2, "vote", 1, false, 0), "poet");

    // When two more robots report
    stats = stats.work(work("new", 1, "vote", 1, false, 0), "poet");
    stats = stats.work(work("newer", 1, "vote", 1, false, 0), "poet");

    // Then the two updated longest ago go, not the one that reported again
    assertEquals(RobotStats.MAX_ROBOTS, stats.robots().size());
    assertThat(stats.robots()).doesNotContainKeys("r1", "r2").containsKeys("r0", "r3", "new", "newer");
  }
}
