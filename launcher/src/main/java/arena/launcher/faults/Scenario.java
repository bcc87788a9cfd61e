package arena.launcher.faults;

import java.util.Locale;

/** The faults the suite injects, one per scenario, in the order they run by default. */
enum Scenario {
  BASELINE("no fault: proves the harness and the layout"),
  MATCH_KILL("kill -9 the Match Service JVM that owns a match, mid-round; the other takes its partitions over"),
  ROBOT_KILL("kill -9 the robot-worker JVM that was just given a robot's answer to write"),
  GATEWAY_KILL("kill -9 one gateway mid-round; its players carry on through the other"),
  ORCHESTRATOR_KILL("kill -9 the active orchestrator mid-round, and start it again 5 s later"),
  ORCHESTRATOR_FAILOVER("kill -9 the active orchestrator (of two or more) right after a round.robots_needed; a "
      + "standby takes over within pool.failoverSeconds (kept down)"),
  ORCHESTRATOR_PAUSE("SIGSTOP the active orchestrator (of two or more) right after a round.robots_needed; once a "
      + "standby took over, SIGCONT: the stale one is fenced or sees its lease gone, and stands by"),
  BROKER_KILL("kill -9 the broker leading the most partitions, mid-round; it stays down until the matches end"),
  CLUSTER_STOP("stop all brokers mid-round, start them again after the outage; nothing else is restarted"),
  REDELIVERY("stop the JVMs of the --redeliver groups (match-service) mid-round, rewind the groups to the earliest "
      + "offsets, start them again: every record they ever read is delivered again"),
  ROUND_BOUNDARY("kill -9 the Match Service JVM that owns a match right after its round.robots_needed");

  final String description;

  Scenario(String description) {
    this.description = description;
  }

  /** The name on the command line: match-kill, round-boundary, … */
  String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Scenario parse(String name) {
    for (Scenario s : values()) {
      if (s.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + name + "'");
  }
}
