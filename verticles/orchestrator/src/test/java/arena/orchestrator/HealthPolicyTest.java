package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.orchestrator.HealthPolicy.Health;
import arena.orchestrator.HealthPolicy.Reason;
import arena.orchestrator.HealthPolicy.Settings;
import arena.orchestrator.HealthPolicy.Verdict;
import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import arena.shared.state.PoolState.Robot;
import arena.shared.state.PoolState.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HealthPolicyTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final int PARTITIONS = 6;
  /** Reports every 2 s, silent after 3 of them (6 s); at least 4 calls before rates count, 50% errors, 5 s. */
  private static final Settings SETTINGS = new Settings(2, 3, 60, 4, 0.5, 5000);
  private final HealthPolicy policy = new HealthPolicy(SETTINGS);
  private final Robot robot = new Robot("robot-a-1", "a", Status.IDLE, null, 0, null, T0, 0, List.of());
  private final int partition = HealthPolicy.partitionOf(robot.id(), PARTITIONS);

  private static HealthCheck check(String worker, List<Integer> partitions, ProviderHealth provider) {
    return new HealthCheck(worker, PARTITIONS, partitions, List.of(), Map.of("a", "openai"),
        Map.of("openai", provider));
  }

  private static ProviderHealth fine() {
    return new ProviderHealth("closed", 10, 0, 800);
  }

  private static List<Integer> all() {
    return IntStream.range(0, PARTITIONS).boxed().toList();
  }

  /** Every partition but the robot's. */
  private List<Integer> others() {
    return all().stream().filter(p -> p != partition).toList();
  }

  private Map<String, Verdict> judge(Health health, Instant now) {
    return policy.judge(health, List.of(robot), now);
  }

  @Test
  void aRobotWhoseWorkerReportsWellIsHealthy() {
    // Given a worker that hosts every partition and reported a second ago
    Health health = policy.report(policy.start(T0), check("w1", all(), fine()), T0.plusSeconds(1));

    // When / Then
    assertThat(judge(health, T0.plusSeconds(2))).isEmpty();
    assertThat(policy.canHost(health, robot.id(), "a", T0.plusSeconds(2))).isTrue();
  }

  @Test
  void aRobotWhoseWorkerStopsReportingIsUnhealthyAfterTheSilentIntervals() {
    // Given the robot's worker's last report at T0+1, while another worker (the other partitions) goes on reporting
    Health health = policy.report(policy.start(T0), check("w1", all(), fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others(), fine()), T0.plusSeconds(7));

    // When three intervals (6 s) pass without another one
    // Then the robot is healthy up to that point and unhealthy after it
    assertThat(judge(health, T0.plusSeconds(7))).isEmpty();
    assertThat(judge(health, T0.plusSeconds(8))).containsOnlyKeys(robot.id());
    assertThat(judge(health, T0.plusSeconds(8)).get(robot.id()).reason()).isEqualTo(Reason.SILENT);
    assertThat(policy.canHost(health, robot.id(), "a", T0.plusSeconds(8))).isFalse();
  }

  @Test
  void aRobotIsSilentWhenTheWorkersThatReportDoNotHostItsPartition() {
    // Given two workers, the one hosting the robot's partition silent, the other reporting
    List<Integer> others = all().stream().filter(p -> p != partition).toList();
    Health health = policy.start(T0);
    health = policy.report(health, check("w1", List.of(partition), fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(5));
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(9));

    // When / Then
    assertThat(judge(health, T0.plusSeconds(10)).get(robot.id()).reason()).isEqualTo(Reason.SILENT);
  }

  @Test
  void aPartitionThatMovedToAnotherWorkerIsHealthyAgain() {
    // Given w1 went silent while w2 reported the other partitions, then w2 took w1's (the group rebalanced)
    Health health = policy.report(policy.start(T0), check("w1", all(), fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others(), fine()), T0.plusSeconds(5));
    assertThat(judge(health, T0.plusSeconds(10))).isNotEmpty();

    // When
    health = policy.report(health, check("w2", all(), fine()), T0.plusSeconds(11));

    // Then
    assertThat(judge(health, T0.plusSeconds(12))).isEmpty();
  }

  @Test
  void anOpenBreakerMakesTheRobotsOfItsProviderUnhealthy() {
    // Given
    Health health = policy.report(policy.start(T0), check("w1", all(), new ProviderHealth("open", 10, 0, 800)),
        T0.plusSeconds(1));

    // When / Then
    assertThat(judge(health, T0.plusSeconds(2)).get(robot.id()).reason()).isEqualTo(Reason.BREAKER_OPEN);
    assertThat(policy.canHost(health, "robot-a-9", "a", T0.plusSeconds(2))).isFalse();
    assertThat(policy.judge(health, List.of(new Robot("robot-b-1", "b", Status.IDLE, null, 0, null, T0, 0,
        List.of())), T0.plusSeconds(2))).as("another persona's provider").isEmpty();
  }

  @Test
  void noWorkerCanHostAPersonaWhoseProviderIsOutEverywhere() {
    // Given two workers: at one the provider of persona "a" has its breaker open, the other stopped reporting
    Health health = policy.report(policy.start(T0), check("w1", all(), new ProviderHealth("open", 10, 0, 800)),
        T0.plusSeconds(10));
    health = policy.report(health, check("w2", all(), fine()), T0.plusSeconds(1));

    // When / Then: no robot of "a" could be hosted well, whatever its id; one of another persona could
    assertThat(policy.anyHealthyHost(health, "a", T0.plusSeconds(11))).isFalse();
    assertThat(policy.anyHealthyHost(health, "b", T0.plusSeconds(11))).isTrue();
    // And while the second still counts as reporting, it could
    assertThat(policy.anyHealthyHost(health, "a", T0.plusSeconds(3))).isTrue();
  }

  @Test
  void anErrorRateOverTheLimitMakesTheRobotUnhealthyOnceEnoughCallsWereMade() {
    Health start = policy.start(T0);
    // Given 3 failures in 3 calls: too few calls to judge
    assertThat(judge(policy.report(start, check("w1", all(), new ProviderHealth("closed", 3, 3, 800)),
        T0.plusSeconds(1)), T0.plusSeconds(2))).isEmpty();
    // When 3 failures in 5 calls (60% > 50%)
    Map<String, Verdict> verdicts = judge(policy.report(start, check("w1", all(),
        new ProviderHealth("closed", 5, 3, 800)), T0.plusSeconds(1)), T0.plusSeconds(2));
    // Then
    assertThat(verdicts.get(robot.id()).reason()).isEqualTo(Reason.ERROR_RATE);
    // And exactly at the limit is still fine
    assertThat(judge(policy.report(start, check("w1", all(), new ProviderHealth("closed", 4, 2, 800)),
        T0.plusSeconds(1)), T0.plusSeconds(2))).isEmpty();
  }

  @Test
  void aLatencyOverTheLimitMakesTheRobotUnhealthy() {
    // Given
    Health health = policy.report(policy.start(T0), check("w1", all(), new ProviderHealth("closed", 10, 0, 5001)),
        T0.plusSeconds(1));

    // When / Then
    assertThat(judge(health, T0.plusSeconds(2)).get(robot.id()).reason()).isEqualTo(Reason.LATENCY);
  }

  @Test
  void aRobotRecoversWhenItsWorkerReportsWellAgain() {
    // Given an open breaker
    Health health = policy.report(policy.start(T0), check("w1", all(), new ProviderHealth("open", 10, 10, 800)),
        T0.plusSeconds(1));
    assertThat(judge(health, T0.plusSeconds(2))).isNotEmpty();

    // When the next report has it closed again, and the window no longer holds the failures
    health = policy.report(health, check("w1", all(), new ProviderHealth("closed", 0, 0, 0)), T0.plusSeconds(3));

    // Then
    assertThat(judge(health, T0.plusSeconds(4))).isEmpty();
  }

  @Test
  void anOlderReportNeverReplacesANewerOne() {
    // Given a fresh report, then an old one of the same worker delivered again
    Health health = policy.report(policy.start(T0), check("w1", all(), fine()), T0.plusSeconds(10));
    health = policy.report(health, check("w1", all(), new ProviderHealth("open", 10, 10, 800)), T0.plusSeconds(1));

    // When / Then
    assertThat(judge(health, T0.plusSeconds(11))).isEmpty();
  }

  @Test
  void afterARestartNobodyIsJudgedSilentBeforeTheSilentIntervalsHavePassed() {
    // Given an orchestrator that just started at T0: its consumer re-reads an old report (a minute old) first, and
    // another worker goes on reporting the other partitions
    Health health = policy.report(policy.start(T0), check("w1", all(), fine()), T0.minusSeconds(60));
    health = policy.report(health, check("w2", others(), fine()), T0.minusSeconds(1));
    health = policy.report(health, check("w2", others(), fine()), T0.plusSeconds(4));

    // When / Then: the worker gets the silent intervals to report again before anyone is judged
    assertThat(judge(health, T0.plusSeconds(5))).isEmpty();
    assertThat(judge(health, T0.plusSeconds(7))).containsOnlyKeys(robot.id());
    // And one fresh report within them clears it
    assertThat(judge(policy.report(health, check("w1", all(), fine()), T0.plusSeconds(2)), T0.plusSeconds(7)))
        .isEmpty();
  }

  @Test
  void afterEveryWorkerWasSilentAtOnceTheFirstReportBackRestartsTheGrace() {
    // Given two workers that reported at T0+1, then nothing reached the orchestrator for a minute (a broker outage)
    List<Integer> others = all().stream().filter(p -> p != partition).toList();
    Health health = policy.start(T0);
    health = policy.report(health, check("w1", List.of(partition), fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(1));

    // When w2's report comes back first
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(61));

    // Then w1 gets the silent intervals to come back too before its robots are judged (w2 going on meanwhile)
    assertThat(judge(health, T0.plusSeconds(62))).isEmpty();
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(66));
    assertThat(judge(health, T0.plusSeconds(68)).get(robot.id()).reason()).isEqualTo(Reason.SILENT);
  }

  @Test
  void whileEveryWorkerIsSilentAtOnceNobodyIsJudgedSilent() {
    // Given two workers that reported at T0+1, then no report reached the orchestrator for 10 s: under load its input
    // lags behind, or the workers' timers and sends do, all at once (found by the load command: 1,200 robots judged
    // silent together, then replaced while rounds waited for them)
    List<Integer> others = all().stream().filter(p -> p != partition).toList();
    Health health = policy.start(T0);
    health = policy.report(health, check("w1", List.of(partition), fine()), T0.plusSeconds(1));
    health = policy.report(health, check("w2", others, fine()), T0.plusSeconds(1));

    // When the robots are judged meanwhile, then nobody is silent: there is nobody fresher to compare with, and no
    // worker that could host a replacement
    assertThat(judge(health, T0.plusSeconds(11))).isEmpty();
  }

  @Test
  void withoutAnyReportNobodyIsJudged() {
    // Given no worker ever reported (health checks off, or no robot worker started yet)
    // When / Then: nothing could replace the robots anyway, and nobody is to blame
    assertThat(judge(policy.start(T0), T0.plusSeconds(3600))).isEmpty();
    assertThat(policy.canHost(policy.start(T0), robot.id(), "a", T0)).isFalse();
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThatThrownBy(() -> new Settings(0, 3, 60, 4, 0.5, 5000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settings(2, 0, 60, 4, 0.5, 5000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settings(2, 3, 60, 4, 1.5, 5000)).isInstanceOf(IllegalArgumentException.class);
  }
}
