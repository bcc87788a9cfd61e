package arena.launcher.faults;

import arena.shared.Json;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.game.Text;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads what the game recorded for a scenario's matches (the final {@code match-state}, every {@code match-events}
 * step, the robots' commands and answers) and compares it with what the simulated humans were told.
 */
final class Audit {
  /** The round transitions a match takes once each; a second one must decide the same. */
  private static final Set<String> STEPS = Set.of("match.started", "round.starting", "round.started",
      "round.voting_started", "round.completed", "match.completed", "match.cancelled", "match.expired");

  private final Topics topics;

  Audit(Topics topics) {
    this.topics = topics;
  }

  /** The last state written for each of these matches (a tombstone does not hide the state before it). */
  Map<String, MatchState> states(Collection<String> matchIds) {
    Map<String, MatchState> out = new HashMap<>();
    topics.readAll(Duration.ofSeconds(120), seen -> {
      if (seen.payload() instanceof MatchState s && matchIds.contains(s.matchId())) {
        out.put(s.matchId(), s);
      }
    }, Topic.MATCH_STATE);
    return out;
  }

  /**
   * @param window robot work due while the whole cluster was down is excused from the robot figures (it may miss
   *               its deadline by the rules); null for none
   */
  void measure(Figures f, Map<String, List<String>> humansByMatch, Collection<Human.Action> ledger,
      Map<String, MatchState> before, Instant[] window) {
    Set<String> ids = humansByMatch.keySet();
    Map<String, MatchState> states = states(union(ids, before.keySet()));
    Map<String, List<Seen>> events = new HashMap<>();
    Map<String, Instant> robotWork = new LinkedHashMap<>();
    Map<String, Instant> robotAnswers = new HashMap<>();
    topics.readAll(Duration.ofSeconds(120), seen -> {
      Event p = seen.payload();
      // Health checks name no match.
      if (p == null || p.matchId() == null || !ids.contains(p.matchId())) {
        return;
      }
      if (p instanceof MatchEvent) {
        events.computeIfAbsent(p.matchId(), k -> new ArrayList<>()).add(seen);
      } else if (p instanceof RobotCommand.GenerateResponse c) {
        robotWork.putIfAbsent(workKey(c.matchId(), c.round(), c.robotId(), "answer"), c.deadline());
      } else if (p instanceof RobotCommand.GenerateVote c) {
        // A vote with no other answer to choose from is skipped by the rules (everyone else missed the phase).
        boolean choice = c.responses() != null && c.responses().keySet().stream()
            .anyMatch(letter -> !letter.equals(c.identity()));
        robotWork.putIfAbsent(workKey(c.matchId(), c.round(), c.robotId(), "vote"), choice ? c.deadline() : null);
      } else if (p instanceof RobotResponse.ResponseSubmitted r) {
        robotAnswers.putIfAbsent(workKey(r.matchId(), r.round(), r.robotId(), "answer"), seen.at());
      } else if (p instanceof RobotResponse.VoteSubmitted r) {
        robotAnswers.putIfAbsent(workKey(r.matchId(), r.round(), r.robotId(), "vote"), seen.at());
      }
    }, Topic.MATCH_EVENTS, Topic.ROBOT_COMMANDS, Topic.ROBOT_RESPONSES);

    for (String id : ids) {
      MatchState s = states.get(id);
      if (s == null) {
        f.stuck.add(id + " (no state)");
        continue;
      }
      switch (s.status()) {
        case COMPLETED -> f.completed++;
        case CANCELLED -> {
          f.cancelled++;
          String reason = events.getOrDefault(id, List.of()).stream()
              .filter(e -> e.payload() instanceof MatchEvent.Cancelled).map(e -> ((MatchEvent.Cancelled) e.payload())
                  .reason()).filter(Objects::nonNull).findFirst().orElse("");
          f.cancelReasons.merge(reason, 1, Integer::sum);
        }
        case EXPIRED -> f.expired++;
        default -> f.stuck.add(id + " (" + s.status() + ", round " + s.currentRound().map(r -> r.number() + " "
            + r.phase()).orElse("none") + ")");
      }
      for (String player : humansByMatch.get(id)) {
        for (MatchState.Round r : s.rounds()) {
          f.found += (nz(r.responses()).containsKey(player) ? 1 : 0) + (nz(r.votes()).containsKey(player) ? 1 : 0);
        }
      }
      scores(f, s);
      steps(f, id, events.getOrDefault(id, List.of()));
    }
    before.forEach((id, earlier) -> {
      MatchState now = states.get(id);
      if (earlier.status().over() && (now == null || !same(earlier, now))) {
        f.duplicates.add(id + ": its state changed after it was over (v" + earlier.version() + " -> "
            + (now == null ? "gone" : "v" + now.version()) + ")");
      }
    });
    for (Human.Action a : ledger) {
      if (!a.accepted()) {
        f.refused.merge(a.status() == 0 ? "no answer" : String.valueOf(a.status()), 1, Integer::sum);
        continue;
      }
      f.accepted++;
      MatchState s = states.get(a.matchId());
      MatchState.Round round = s == null ? null
          : s.rounds().stream().filter(r -> r.number() == a.round()).findFirst().orElse(null);
      String kept = round == null ? null
          : "answer".equals(a.kind()) ? nz(round.responses()).get(a.playerId()) : nz(round.votes()).get(a.playerId());
      String expected = "answer".equals(a.kind()) ? Text.normalize(a.value()) : a.value();
      if (!expected.equals(kept)) {
        f.lost.add(a.matchId() + " round " + a.round() + " " + a.kind() + " (state has " + kept + ")");
      }
    }
    robots(f, states, robotWork, robotAnswers, window);
  }

  /**
   * Every round.robots_assigned and robot.released the orchestrators ever committed (read_committed: a fenced
   * orchestrator's aborted writes are not there), checked for a robot seated in two rounds at once.
   */
  void assignments(Figures f) {
    List<Seen> events = new ArrayList<>();
    topics.readAll(Duration.ofSeconds(120), seen -> {
      if (seen.payload() instanceof OrchestrationEvent.RobotsAssigned
          || seen.payload() instanceof OrchestrationEvent.RobotReleased) {
        events.add(seen);
      }
    }, Topic.ROBOT_ORCHESTRATION_EVENTS);
    f.assignmentsChecked = (int) events.stream().filter(s -> s.payload() instanceof OrchestrationEvent.RobotsAssigned)
        .count();
    f.doubleAssigned.addAll(doubleAssignments(events));
  }

  /**
   * Robots assigned to a round while still seated in another one. Assignments (key matchId) and releases (key
   * robotId) sit on different partitions, so they are put in the order the orchestrator wrote them by their
   * timestamps; one step writes its releases before its assignments, so in a tie the release comes first. The same
   * round assigned again (asked for again after a crash) is no double.
   */
  static List<String> doubleAssignments(List<Seen> events) {
    List<Seen> ordered = new ArrayList<>(events);
    ordered.sort(Comparator.comparing(Seen::at)
        .thenComparing(s -> s.payload() instanceof OrchestrationEvent.RobotReleased ? 0 : 1));
    Map<String, String> seat = new HashMap<>();
    List<String> doubles = new ArrayList<>();
    for (Seen s : ordered) {
      if (s.payload() instanceof OrchestrationEvent.RobotReleased r) {
        String held = seat.get(r.robotId());
        if (held != null && held.startsWith(r.matchId() + " round ")) {
          seat.remove(r.robotId());
        }
      } else if (s.payload() instanceof OrchestrationEvent.RobotsAssigned a) {
        String round = a.matchId() + " round " + a.round();
        for (OrchestrationEvent.AssignedRobot robot : a.robots()) {
          String held = seat.put(robot.id(), round);
          if (held != null && !held.equals(round)) {
            doubles.add(robot.id() + " in " + round + " at " + s.at() + " while still in " + held);
          }
        }
      }
    }
    return doubles;
  }

  /** Every score is the sum of the points of the scored rounds: a round counted twice (or lost) breaks it. */
  static void scores(Figures f, MatchState s) {
    Map<String, Integer> sums = new HashMap<>();
    s.rounds().stream().filter(r -> r.phase() == MatchState.Phase.SCORED)
        .forEach(r -> nz(r.points()).forEach((id, p) -> sums.merge(id, p, Integer::sum)));
    Map<String, Integer> scores = nz(s.scores());
    for (String id : union(sums.keySet(), scores.keySet())) {
      if (!Objects.equals(sums.getOrDefault(id, 0), scores.getOrDefault(id, 0))) {
        f.duplicates.add(s.matchId() + ": score " + scores.get(id) + " is not the rounds' points " + sums.get(id));
        return;
      }
    }
  }

  /** A step published again with the same outcome is a repeat; with another outcome the match diverged. */
  static void steps(Figures f, String id, List<Seen> events) {
    Map<String, List<JsonNode>> byStep = new LinkedHashMap<>();
    for (Seen e : events) {
      if (!STEPS.contains(e.type())) {
        continue;
      }
      ObjectNode node = Json.MAPPER.valueToTree(e.payload());
      // A deadline is taken from the clock when the step runs; the decision is the rest.
      node.remove("deadline");
      byStep.computeIfAbsent(e.type() + " " + node.path("round").asText(""), k -> new ArrayList<>()).add(node);
    }
    byStep.forEach((step, outcomes) -> {
      f.republished += outcomes.size() - 1;
      if (outcomes.stream().distinct().count() > 1) {
        f.duplicates.add(id + ": " + step.strip() + " published " + outcomes.size() + " times with "
            + outcomes.stream().distinct().count() + " different outcomes");
      }
    });
  }

  /** {@code work}: each robot command and its deadline (null: nothing the robot could do by the rules). */
  private static void robots(Figures f, Map<String, MatchState> states, Map<String, Instant> work,
      Map<String, Instant> answers, Instant[] window) {
    Set<String> strangers = new java.util.LinkedHashSet<>();
    work.forEach((key, deadline) -> {
      String[] k = key.split("\\|");
      MatchState s = states.get(k[0]);
      MatchState.Round round = s == null ? null
          : s.rounds().stream().filter(r -> r.number() == Integer.parseInt(k[1])).findFirst().orElse(null);
      if (round != null && !nz(round.letters()).containsKey(k[2])) {
        // Work for a robot that does not sit in the round: its robots were assigned again, differently.
        strangers.add(k[0] + " round " + k[1] + ": robot " + k[2] + " was given work but does not sit in the round");
        return;
      }
      f.robotCommanded++;
      boolean kept = round != null && ("answer".equals(k[3]) ? nz(round.responses()) : nz(round.votes()))
          .containsKey(k[2]);
      Instant answered = answers.get(key);
      if (kept) {
        f.robotFound++;
      } else if (deadline == null) {
        f.robotExcused++;
      } else if (answered != null && answered.isAfter(deadline)) {
        f.robotLate++;
      } else if (window != null && !deadline.isBefore(window[0]) && !deadline.isAfter(window[1])) {
        f.robotExcused++;
      } else {
        f.robotLost.add(k[0] + " round " + k[1] + " " + k[3] + " of " + k[2] + (answered == null ? " (never answered)"
            : " (answered in time, not in the state)"));
      }
    });
    f.duplicates.addAll(strangers);
  }

  private static boolean same(MatchState a, MatchState b) {
    return a.version() == b.version() && a.status() == b.status() && Objects.equals(a.scores(), b.scores())
        && Json.MAPPER.valueToTree(a.rounds()).equals(Json.MAPPER.valueToTree(b.rounds()));
  }

  private static String workKey(String matchId, int round, String robotId, String kind) {
    return matchId + "|" + round + "|" + robotId + "|" + kind;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static <K, V> Map<K, V> nz(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
