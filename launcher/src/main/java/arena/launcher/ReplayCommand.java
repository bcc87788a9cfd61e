package arena.launcher;

import arena.gateway.EventLogEntries;
import ch.qos.logback.classic.Level;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.game.MatchRules;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar turing-arena.jar replay <matchId>}: a match's trail read back from Kafka as a timeline, then the
 * ruleset re-run over its recorded inputs (see {@link Rerun} for what must match). {@code --robot <robotId>} does
 * the same for every match one robot was told to work in, showing only that robot's part.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Reads a match's whole trail back from Kafka, prints its timeline, and re-runs the ruleset over the "
        + "recorded inputs to check that it reproduces the recorded events, scores and final state. Exit codes: "
        + "0 reproduced, 1 not reproduced, 2 no such match or robot, 3 Kafka could not be read.")
final class ReplayCommand implements Callable<Integer> {
  static final int NOT_REPRODUCED = 1;
  static final int UNKNOWN = 2;
  static final int UNREADABLE = 3;

  @Parameters(arity = "0..1", paramLabel = "MATCH_ID", description = "The match to replay.")
  String matchId;

  @Option(names = "--robot", paramLabel = "ROBOT_ID", description = "Replay one robot's assignments instead.")
  String robotId;

  /** Pass --config with the configuration the match ran with (topic prefix, match rules). */
  @Mixin
  GameConfigOptions game;

  @Option(names = "--json", description = "Print the timeline and the verdict as one JSON document.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up reading Kafka after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((matchId == null) == (robotId == null)) {
      err.println("replay needs either a MATCH_ID or --robot ROBOT_ID");
      return UNKNOWN;
    }
    JsonObject json = game.load(System.getenv());
    ArenaConfig arena = ArenaConfig.of(json);
    MatchTrail trails = new MatchTrail(arena, Duration.ofSeconds(timeoutSeconds));
    Rerun rerun = new Rerun(MatchRules.of(arena));
    // The report is the output: the re-run would only say again what the match's own log said, and the Kafka
    // client's warnings about an unreachable broker end up in the message of exit code 3.
    Map<String, Level> was = quiet(Map.of("arena.match", Level.OFF, "org.apache.kafka", Level.ERROR));
    try {
      int exit = robotId == null ? match(trails, rerun, out, err) : robot(trails, rerun, out, err);
      out.flush();
      return exit;
    } catch (RuntimeException e) {
      err.println("could not read the trail from Kafka at " + arena.bootstrapServers() + ": " + e.getMessage());
      return UNREADABLE;
    } finally {
      quiet(was);
    }
  }

  /** Sets the given loggers' levels; returns the levels they had. */
  private static Map<String, Level> quiet(Map<String, Level> levels) {
    Map<String, Level> was = new HashMap<>();
    levels.forEach((name, level) -> {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
        was.put(name, logger.getLevel());
        logger.setLevel(level);
      }
    });
    return was;
  }

  private int match(MatchTrail trails, Rerun rerun, PrintWriter out, PrintWriter err) {
    List<Received> trail = trails.of(matchId);
    if (trail.stream().allMatch(r -> r.envelope() == null)) {
      err.println("no record of match " + matchId + " on the match topics: check the id, --kafka and the "
          + "topic prefix in --config");
      return UNKNOWN;
    }
    Rerun.Verdict verdict = rerun.of(matchId, trail);
    if (json) {
      out.println(new JsonObject().put("matchId", matchId).put("timeline", timeline(trail))
          .put("verdict", verdict.toJson()).encodePrettily());
    } else {
      Names names = Names.of(trail);
      Instant start = trail.get(0).envelope().occurredAt();
      out.println("match " + matchId);
      trail.stream().filter(r -> r.envelope() != null).forEach(r -> {
        String line = describe(r.payload(), names);
        if (line != null && r.topic() == Topic.MATCH_EVENTS && r.envelope().causationId() == null) {
          line = "deadline: " + line; // a step of the service's timer, not of an input
        }
        if (line != null) {
          out.printf(Locale.ROOT, "%9s  %-27s %s%n", offset(start, r.envelope().occurredAt()), r.topic().baseName(),
              line);
        }
      });
      if (trail.get(trail.size() - 1).envelope() == null) {
        out.println("           match-state                 forgotten (tombstoned after match.retainMinutes)");
      }
      printVerdict(verdict, names, out);
    }
    return verdict.reproduced() ? 0 : NOT_REPRODUCED;
  }

  private int robot(MatchTrail trails, Rerun rerun, PrintWriter out, PrintWriter err) {
    List<String> matches = trails.matchesOf(robotId);
    if (matches.isEmpty()) {
      err.println("no record of robot " + robotId + " on the robot-commands topic: it was never told to work");
      return UNKNOWN;
    }
    boolean all = true;
    JsonArray docs = new JsonArray();
    if (!json) {
      out.println("robot " + robotId + ": " + matches.size() + " match(es)");
    }
    for (String match : matches) {
      List<Received> trail = trails.of(match);
      List<Received> mine = trail.stream().filter(r -> r.envelope() != null && concerns(r.payload())).toList();
      Rerun.Verdict verdict = rerun.of(match, trail);
      all &= verdict.reproduced();
      if (json) {
        docs.add(new JsonObject().put("matchId", match).put("timeline", timeline(mine))
            .put("verdict", verdict.toJson()));
        continue;
      }
      out.println();
      out.println("match " + match);
      Names names = Names.of(trail);
      Instant start = trail.get(0).envelope().occurredAt();
      for (Received r : mine) {
        out.printf(Locale.ROOT, "%9s  %-27s %s%n", offset(start, r.envelope().occurredAt()), r.topic().baseName(),
            describe(r.payload(), names));
      }
      printVerdict(verdict, names, out);
    }
    if (json) {
      out.println(new JsonObject().put("robotId", robotId).put("matches", docs).encodePrettily());
    }
    return all ? 0 : NOT_REPRODUCED;
  }

  /** Whether a record is about this command's robot. */
  private boolean concerns(Event e) {
    if (e instanceof OrchestrationEvent.RobotsAssigned a) {
      return a.robots() != null && a.robots().stream().anyMatch(r -> robotId.equals(r.id()));
    } else if (e instanceof OrchestrationEvent.RobotReleased r) {
      return robotId.equals(r.robotId());
    } else if (e instanceof RobotCommand c) {
      return robotId.equals(MatchTrail.robotOf(c));
    } else if (e instanceof RobotResponse.ResponseSubmitted s) {
      return robotId.equals(s.robotId());
    } else if (e instanceof RobotResponse.VoteSubmitted v) {
      return robotId.equals(v.robotId());
    } else if (e instanceof RobotResponse.ResponseComplete c) {
      return robotId.equals(c.robotId());
    }
    return false;
  }

  /** As GET /api/matches/{id}/events shows it (token hashes redacted); the states are checked, not listed. */
  private static JsonArray timeline(List<Received> records) {
    List<Received> shown = records.stream()
        .filter(r -> r.envelope() != null && r.topic() != Topic.MATCH_STATE).toList();
    return EventLogEntries.of(shown.isEmpty() ? null : shown.get(0).envelope().matchId(), shown);
  }

  private static void printVerdict(Rerun.Verdict v, Names names, PrintWriter out) {
    MatchState s = v.finalState();
    if (s != null) {
      out.println("final scores: " + (s.scores().isEmpty() ? "none" : names(s.scores(), names)));
      out.printf(Locale.ROOT, "LLM cost: %.6f USD over %d calls (%d fallbacks), %d input + %d output tokens%n",
          s.usage().total().costUsd(), s.usage().total().calls(), s.usage().total().fallbacks(),
          s.usage().total().inputTokens(), s.usage().total().outputTokens());
    }
    if (v.reproduced() && v.everyState()) {
      out.printf(Locale.ROOT, "reproduced: %d steps re-run; %d match events and every state up to v%d equal the "
          + "recording (instants aside); %d ignored inputs not re-run%n", v.steps(), v.events(),
          s == null ? 0 : s.version(), v.ignored());
    } else if (v.reproduced()) {
      out.printf(Locale.ROOT, "reproduced: %d steps re-run in the order the inputs were written (match-state keeps "
          + "only the latest states now); %d match events and the last state v%d equal the recording (instants "
          + "aside); %d inputs changed nothing%n", v.steps(), v.events(), s == null ? 0 : s.version(), v.ignored());
    } else {
      out.println("NOT reproduced:");
      v.differences().forEach(d -> out.println("  - " + d));
    }
  }

  private static String offset(Instant start, Instant at) {
    return String.format(Locale.ROOT, "+%.3fs", Duration.between(start, at).toMillis() / 1000.0);
  }

  /** Who is who: players' names by id and by token hash, so commands read as "Ann answered". */
  private record Names(Map<String, String> byId, Map<String, String> byToken) {
    static Names of(List<Received> trail) {
      Map<String, String> byId = new HashMap<>();
      Map<String, String> byToken = new HashMap<>();
      trail.forEach(r -> {
        if (r.payload() instanceof MatchCommand.Join j) {
          byId.putIfAbsent(j.playerId(), j.name());
          byToken.putIfAbsent(j.tokenHash(), j.name());
        }
      });
      return new Names(byId, byToken);
    }

    String player(String id) {
      return byId.getOrDefault(id, id);
    }

    String token(String hash) {
      return byToken.getOrDefault(hash, "someone");
    }
  }

  /** One readable line for a record, or null for what the timeline leaves out (states, health checks). */
  private static String describe(Event e, Names n) {
    if (e instanceof MatchCommand.Create c) {
      var s = c.settings();
      return String.format(Locale.ROOT, "create: %d seats, %d humans, %d rounds, %d s to answer, %d s to vote",
          s.seats(), s.humans(), s.rounds(), s.responseSeconds(), s.voteSeconds());
    } else if (e instanceof MatchCommand.Join c) {
      return n.player(c.playerId()) + " asks to join";
    } else if (e instanceof MatchCommand.SubmitResponse c) {
      return n.token(c.tokenHash()) + " answered \"" + c.text() + "\" (round " + c.round() + ")";
    } else if (e instanceof MatchCommand.SubmitVote c) {
      return n.token(c.tokenHash()) + " voted " + c.identity() + " (round " + c.round() + ")";
    } else if (e instanceof MatchEvent.Created c) {
      return "match created";
    } else if (e instanceof MatchEvent.PlayerJoined c) {
      return n.player(c.playerId()) + " joined (" + c.humansJoined() + "/" + c.humansNeeded() + " humans)";
    } else if (e instanceof MatchEvent.Started c) {
      return "match started: " + c.rounds() + " rounds";
    } else if (e instanceof MatchEvent.RoundStarting c) {
      return "round " + c.round() + " starting";
    } else if (e instanceof MatchEvent.RobotsNeeded c) {
      return "round " + c.round() + ": " + c.count() + " robots needed for " + c.identities()
          + (c.excludeRobots().isEmpty() ? "" : ", not " + c.excludeRobots());
    } else if (e instanceof MatchEvent.RoundStarted c) {
      return "round " + c.round() + " started: \"" + c.prompt() + "\", letters " + c.participants()
          + ", answers until " + c.deadline();
    } else if (e instanceof MatchEvent.VotingStarted c) {
      return "round " + c.round() + " voting started: " + c.responses().entrySet().stream()
          .map(x -> x.getKey() + " \"" + x.getValue() + "\"").collect(Collectors.joining(", "));
    } else if (e instanceof MatchEvent.RoundCompleted c) {
      return "round " + c.round() + " completed: votes " + c.votes() + ", points " + names(c.points(), n)
          + ", scores " + names(c.scores(), n);
    } else if (e instanceof MatchEvent.Completed c) {
      return "match completed: final scores " + names(c.finalScores(), n) + "; "
          + c.reveal().stream().map(r -> r.participantId() + (r.human() ? " human " + r.name() : " " + r.persona()))
              .collect(Collectors.joining(", "))
          + String.format(Locale.ROOT, "; LLM cost %.6f USD", c.llmUsage().costUsd());
    } else if (e instanceof MatchEvent.Expired c) {
      return "match expired with " + c.humansJoined() + " of " + c.humansNeeded() + " humans";
    } else if (e instanceof MatchEvent.Cancelled c) {
      return "match cancelled: " + c.reason();
    } else if (e instanceof MatchEvent.CommandAccepted c) {
      return c.command() + " accepted (v" + c.stateVersion() + ")";
    } else if (e instanceof MatchEvent.CommandRejected c) {
      return c.command() + " rejected " + c.status() + ": " + c.message();
    } else if (e instanceof OrchestrationEvent.RobotsAssigned c) {
      return "round " + c.round() + ": robots assigned " + c.robots().stream()
          .map(r -> r.id() + " as " + r.identity() + " (" + r.type() + ")").collect(Collectors.joining(", "))
          + (c.strategy() == null ? "" : " by " + c.strategy());
    } else if (e instanceof OrchestrationEvent.RobotsUnavailable c) {
      return "round " + c.round() + ": robots unavailable (" + c.requested() + " asked, pool of " + c.poolSize() + ")";
    } else if (e instanceof OrchestrationEvent.RobotReleased c) {
      return "robot " + c.robotId() + " released after round " + c.round() + " (" + c.reason() + ")";
    } else if (e instanceof RobotCommand.GenerateResponse c) {
      return "robot " + c.robotId() + " (" + c.type() + ") told to answer round " + c.round() + " as "
          + c.identity() + " by " + c.deadline();
    } else if (e instanceof RobotCommand.GenerateVote c) {
      return "robot " + c.robotId() + " (" + c.type() + ") told to vote in round " + c.round() + " as "
          + c.identity() + " by " + c.deadline();
    } else if (e instanceof RobotCommand.ForgetMatch c) {
      return "robot " + c.robotId() + " told to forget the match";
    } else if (e instanceof RobotResponse.ResponseSubmitted c) {
      return "robot " + c.robotId() + " as " + c.identity() + " answered \"" + c.text() + "\" (round " + c.round()
          + ")";
    } else if (e instanceof RobotResponse.VoteSubmitted c) {
      return "robot " + c.robotId() + " as " + c.identity() + " voted " + c.vote() + " (round " + c.round() + ")";
    } else if (e instanceof RobotResponse.ResponseComplete c) {
      return String.format(Locale.ROOT, "robot %s %s of round %d: %d ms via %s%s, %d+%d tokens, %.6f USD",
          c.robotId(), c.kind(), c.round(), c.latencyMs(), c.provider(), c.fallback() ? " (fallback)" : "",
          c.inputTokens(), c.outputTokens(), c.costUsd());
    }
    return null;
  }

  private static String names(Map<String, Integer> byId, Names n) {
    return byId.entrySet().stream().map(x -> n.player(x.getKey()) + " " + x.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
