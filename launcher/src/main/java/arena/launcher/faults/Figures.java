package arena.launcher.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What one scenario measured, and whether it met the target. */
final class Figures {
  final String scenario;
  String fault = "none injected";
  boolean faultInjected;
  int started;
  int notStarted;
  int completed;
  int cancelled;
  final Map<String, Integer> cancelReasons = new TreeMap<>();
  int expired;
  final List<String> stuck = new ArrayList<>();
  int accepted;
  /** Actions that never got a 202, by the status they ended with: late (409) is the game's rule, not a fault. */
  final Map<String, Integer> refused = new TreeMap<>();
  int found;
  final List<String> lost = new ArrayList<>();
  final List<String> duplicates = new ArrayList<>();
  int republished;
  int robotCommanded;
  int robotFound;
  int robotLate;
  int robotExcused;
  final List<String> robotLost = new ArrayList<>();
  /** robot-kill: robots replaced after the kill (-1: not measured), and what healing missed. */
  int replaced = -1;
  final List<String> unhealed = new ArrayList<>();
  /** The suite sends nothing unreadable: every record parked on dead-letters is a valid one taken out of play. */
  final List<String> deadLettered = new ArrayList<>();
  Map<String, Integer> transients = Map.of();
  /** Roles that did not come back by themselves after the fault, or JVMs that exited without being killed. */
  final List<String> unrecovered = new ArrayList<>();
  /** round.robots_assigned read back from Kafka, and robots seated in two rounds at once among them. */
  int assignmentsChecked;
  final List<String> doubleAssigned = new ArrayList<>();
  /** How long the orchestrator failover took, when the scenario measured it; late if over pool.failoverSeconds. */
  String failover;
  boolean failoverLate;
  final List<String> notes = new ArrayList<>();
  Duration took = Duration.ZERO;

  Figures(String scenario) {
    this.scenario = scenario;
  }

  boolean ok() {
    return faultInjected && notStarted == 0 && stuck.isEmpty() && lost.isEmpty() && duplicates.isEmpty()
        && robotLost.isEmpty() && unhealed.isEmpty() && unrecovered.isEmpty() && deadLettered.isEmpty() && expired == 0
        && !cancelReasons.containsKey("") && doubleAssigned.isEmpty() && !failoverLate
        && completed + cancelled == started;
  }

  String report() {
    StringBuilder b = new StringBuilder();
    b.append("== ").append(scenario).append(": ").append(ok() ? "PASS" : "FAIL")
        .append(" (").append(took.toSeconds()).append(" s)\n");
    b.append("   fault:              ").append(fault).append('\n');
    b.append("   matches started:    ").append(started)
        .append(notStarted > 0 ? " (" + notStarted + " more could not be created or joined)" : "").append('\n');
    b.append("   completed:          ").append(completed).append('\n');
    b.append("   cancelled:          ").append(cancelled).append(cancelReasons.isEmpty() ? "" : " " + reasons())
        .append('\n');
    if (expired > 0) {
      b.append("   expired in lobby:   ").append(expired).append('\n');
    }
    b.append("   stuck:              ").append(stuck.size()).append(list(stuck)).append('\n');
    b.append("   actions accepted:   ").append(accepted).append(" (HTTP 202)\n");
    if (!refused.isEmpty()) {
      b.append("   not accepted:       ").append(refused).append(" (final status of the other actions sent)\n");
    }
    b.append("   actions in state:   ").append(found).append('\n');
    b.append("   lost:               ").append(lost.size()).append(list(lost)).append('\n');
    b.append("   duplicates:         ").append(duplicates.size()).append(list(duplicates)).append('\n');
    b.append("   robot actions:      ").append(robotCommanded).append(" commanded, ").append(robotFound)
        .append(" in state, ").append(robotLate).append(" late, ").append(robotExcused)
        .append(" excused (due while every broker was down, or no answer to vote for), ").append(robotLost.size()).append(" lost").append(list(robotLost))
        .append('\n');
    if (replaced >= 0) {
      b.append("   robots replaced:    ").append(replaced).append(list(unhealed)).append('\n');
    }
    b.append("   events republished: ").append(republished).append(" (same step, same outcome, published again)\n");
    b.append("   robots assigned:    ").append(assignmentsChecked)
        .append(" assignments read back (every scenario so far), ").append(doubleAssigned.size())
        .append(" robots in two rounds at once").append(list(doubleAssigned)).append('\n');
    if (failover != null) {
      b.append("   failover:           ").append(failover).append(failoverLate ? " (LATE)" : "").append('\n');
    }
    if (!unrecovered.isEmpty()) {
      b.append("   not recovered:      ").append(unrecovered).append('\n');
    }
    b.append("   dead-lettered:      ").append(deadLettered.size()).append(list(deadLettered)).append('\n');
    b.append("   client retries:     ").append(transients.isEmpty() ? "none" : transients).append('\n');
    notes.forEach(n -> b.append("   note: ").append(n).append('\n'));
    return b.toString();
  }

  private String reasons() {
    List<String> out = new ArrayList<>();
    cancelReasons.forEach((reason, n) -> out.add(n + "x \"" + (reason.isEmpty() ? "(no reason)" : reason) + "\""));
    return out.toString();
  }

  private static String list(List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    List<String> shown = items.size() > 8 ? items.subList(0, 8) : items;
    return " " + shown + (items.size() > 8 ? " and " + (items.size() - 8) + " more" : "");
  }
}
