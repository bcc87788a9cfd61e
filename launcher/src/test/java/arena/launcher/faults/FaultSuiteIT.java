package arena.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The fault suite's short version, part of {@code mvn -B verify} (failsafe, after the jar is packaged): 3 brokers,
 * 2 Match Service JVMs and one JVM with the other roles, all processes started from the packaged jar; a Match
 * Service JVM is killed mid-round, then at a round boundary; with two orchestrator JVMs the active one is paused, then
 * killed; with two robot-worker JVMs, one is killed mid-answer. The full suite is the {@code faults} command.
 */
class FaultSuiteIT {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void matchesCompleteWhenAMatchServiceDiesMidRoundOrAtARoundBoundary() {
    // Given the packaged jar
    // When the suite kills the Match Service JVM owning a live match mid-round, then right after round.robots_needed
    String report = suite("--scenario", "match-kill,round-boundary", "--matches", "3", "--rounds", "2",
        "--jvms", "match,match,orchestrator+robot+gateway", "--out", "target/faults/it");

    // Then every match completed (or was cancelled with a reason), nothing was lost, duplicated or stuck
    assertThat(report).contains("== match-kill: PASS", "== round-boundary: PASS", "lost:               0",
        "stuck:              0");
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aStandbyOrchestratorTakesOverFromAKilledOrPausedActiveOneWithoutSeatingARobotTwice() {
    // Given the packaged jar and two orchestrator JVMs
    // When the suite pauses the active orchestrator (SIGSTOP, then SIGCONT once a standby took over), then kills the
    // active one with kill -9, each time right after a round asked for its robots
    String report = suite("--scenario", "orchestrator-pause,orchestrator-failover", "--matches", "3", "--rounds", "2",
        "--jvms", "match,orchestrator,orchestrator,robot+gateway", "--out", "target/faults/it-orchestrator");

    // Then every match completed, a standby took over within pool.failoverSeconds each time, the paused one stood by
    // by itself, and no robot was ever in two rounds at once
    assertThat(report).contains("== orchestrator-pause: PASS", "== orchestrator-failover: PASS", "resumed, stood by",
        " 0 robots in two rounds at once").doesNotContain("(LATE)");
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKilledRobotWorkersRobotsAreReplacedAndItsRoundsCompleteOnTime() {
    // Given the packaged jar, two robot-worker JVMs (health checks every second, faults.json)
    // When the suite kills the robot-worker JVM that was just given a robot's answer in round 2
    String report = suite("--scenario", "robot-kill", "--matches", "3", "--rounds", "2",
        "--jvms", "match,robot,robot,orchestrator+gateway", "--out", "target/faults/it-robot");

    // Then its robots were replaced (that robot in its seat), every match completed, no robot work was late or lost
    assertThat(report).contains("== robot-kill: PASS", "0 late", "0 lost", "stuck:              0")
        .doesNotContain("robots replaced:    0");
  }

  /** Runs the suite from the packaged jar with {@code args}; its report, once it exited 0. */
  private static String suite(String... args) {
    Path jar = Path.of(System.getProperty("arena.jar", "target/turing-arena.jar"));
    assertThat(jar).exists();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(new Tee(original, printed), true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] all = new String[args.length + 2];
      all[0] = "--jar";
      all[1] = jar.toString();
      System.arraycopy(args, 0, all, 2, args.length);
      code = new CommandLine(new FaultSuite()).execute(all);
    } finally {
      System.setOut(original);
    }
    String report = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isZero();
    return report;
  }

  /** Prints as it goes (the build log shows progress) and keeps a copy to check. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
