package arena.launcher.load;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * What the game's records say about the run's matches: when each round asked for robots and got them, when its phases
 * opened, closed and were due, how long each robot's model took, and how matches ended. Fed from the consumer's event
 * loop; the simulated humans add, from theirs, when they saw each phase (pushed or fetched), how long they thought,
 * when they sent, and when a push first showed them a phase or a round's scores.
 */
final class Records {
  /** What a push to a simulated human first showed of a round. */
  enum Sight { ANSWERING, VOTING, SCORES }

  /** One phase's participants, as {@link RoundTimes.Acts} tells them. */
  private static final class Phase {
    long slowestMs;
    long slowestSawAt;
    long lastActedAt;
    final List<Long> pushedAt = new ArrayList<>();

    void thought(long sawAt, long ms) {
      if (ms > slowestMs || slowestSawAt == 0) {
        slowestMs = ms;
        slowestSawAt = sawAt;
      }
    }

    void acted(long at) {
      lastActedAt = Math.max(lastActedAt, at);
    }

    RoundTimes.Acts acts() {
      return new RoundTimes.Acts(slowestMs, slowestSawAt, lastActedAt, List.copyOf(pushedAt));
    }
  }

  /** One round's records (epoch ms, 0 until seen). */
  private static final class Round {
    long starting;
    long needed;
    long assigned;
    long started;
    long answerDeadline;
    long voting;
    long voteDeadline;
    long completed;
    final Phase answers = new Phase();
    final Phase votes = new Phase();
    final List<Long> scoresPushed = new ArrayList<>();

    Phase phase(String kind) {
      return "vote".equals(kind) ? votes : answers;
    }

    RoundTimes times() {
      return new RoundTimes(starting, needed, assigned, started, answerDeadline, voting, voteDeadline, completed,
          answers.acts(), votes.acts(), List.copyOf(scoresPushed));
    }
  }

  private final Map<String, Round> rounds = new HashMap<>();
  private final Map<String, String> endings = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final Histogram llm = new Histogram(3_600_000, 3);
  private final Histogram llmAdded = new Histogram(3_600_000, 3);
  private final long fixedLatencyMs;

  /** {@code fixedLatencyMs}: the fake's latency when fixed, else -1 (no added latency per call can be told). */
  Records(long fixedLatencyMs) {
    this.fixedLatencyMs = fixedLatencyMs;
  }

  /** The records {@link #add} reads; a reader passes the others over undecoded. */
  static final Set<Class<? extends Event>> USES = Set.of(MatchEvent.RoundStarting.class,
      MatchEvent.RobotsNeeded.class, OrchestrationEvent.RobotsAssigned.class, OrchestrationEvent.RobotsUnavailable.class,
      MatchEvent.RoundStarted.class, MatchEvent.VotingStarted.class, MatchEvent.RoundCompleted.class,
      MatchEvent.Completed.class, MatchEvent.Expired.class, MatchEvent.Cancelled.class,
      RobotResponse.ResponseComplete.class);

  synchronized void add(Envelope<Event> envelope) {
    long at = envelope.occurredAt().toEpochMilli();
    Event p = envelope.payload();
    if (p instanceof MatchEvent.RoundStarting e) {
      round(e.matchId(), e.round()).starting = at;
    } else if (p instanceof MatchEvent.RobotsNeeded e) {
      Round r = round(e.matchId(), e.round());
      r.needed = r.needed == 0 ? at : r.needed;
    } else if (p instanceof OrchestrationEvent.RobotsAssigned e) {
      Round r = round(e.matchId(), e.round());
      r.assigned = r.assigned == 0 ? at : r.assigned;
    } else if (p instanceof OrchestrationEvent.RobotsUnavailable e) {
      problems.add(e.matchId() + " round " + e.round() + ": robots unavailable (" + e.requested() + " asked, pool "
          + e.poolSize() + ")");
    } else if (p instanceof MatchEvent.RoundStarted e) {
      Round r = round(e.matchId(), e.round());
      r.started = at;
      r.answerDeadline = e.deadline().toEpochMilli();
    } else if (p instanceof MatchEvent.VotingStarted e) {
      Round r = round(e.matchId(), e.round());
      r.voting = at;
      r.voteDeadline = e.deadline().toEpochMilli();
    } else if (p instanceof MatchEvent.RoundCompleted e) {
      round(e.matchId(), e.round()).completed = at;
    } else if (p instanceof MatchEvent.Completed e) {
      endings.put(e.matchId(), "COMPLETED");
    } else if (p instanceof MatchEvent.Expired e) {
      endings.put(e.matchId(), "EXPIRED");
    } else if (p instanceof MatchEvent.Cancelled e) {
      endings.put(e.matchId(), "CANCELLED: " + e.reason());
    } else if (p instanceof RobotResponse.ResponseComplete e) {
      // Written just before the answer or vote: the robot acted then, its model call began its latency earlier.
      Phase phase = round(e.matchId(), e.round()).phase(e.kind());
      phase.thought(at - e.latencyMs(), e.latencyMs());
      phase.acted(at);
      llm.recordValue(Math.max(0, e.latencyMs()));
      if (fixedLatencyMs >= 0) {
        llmAdded.recordValue(Math.max(0, e.latencyMs() - fixedLatencyMs));
      }
      if (e.fallback()) {
        problems.add(e.matchId() + " round " + e.round() + ": robot " + e.robotId() + " fell back (no model reply)");
      }
    }
  }

  /** A human of {@code matchId} saw a phase at {@code sawAt} and thought {@code ms} before acting ("answer", "vote"). */
  synchronized void thought(String matchId, int round, String kind, long sawAt, long ms) {
    round(matchId, round).phase(kind).thought(sawAt, ms);
  }

  /** A human of {@code matchId} sent its answer or vote at {@code at}. */
  synchronized void acted(String matchId, int round, String kind, long at) {
    round(matchId, round).phase(kind).acted(at);
  }

  /** A push first showed one simulated human {@code sight} of {@code round} at {@code at}. */
  synchronized void pushed(String matchId, int round, Sight sight, long at) {
    Round r = round(matchId, round);
    (sight == Sight.SCORES ? r.scoresPushed : sight == Sight.VOTING ? r.votes.pushedAt : r.answers.pushedAt).add(at);
  }

  /** round.robots_needed → robots assigned, per round of {@code matches}. */
  synchronized Histogram assignment(Iterable<String> matches) {
    Histogram h = new Histogram(3_600_000, 3);
    for (String m : matches) {
      for (int round = 1; rounds.containsKey(key(m, round)); round++) {
        Round r = rounds.get(key(m, round));
        if (r.needed > 0 && r.assigned >= r.needed) {
          h.recordValue(r.assigned - r.needed);
        }
      }
    }
    return h;
  }

  /** Every round of {@code matches} the records told of. */
  synchronized List<RoundTimes> rounds(Iterable<String> matches) {
    List<RoundTimes> out = new ArrayList<>();
    for (String m : matches) {
      for (int round = 1; rounds.containsKey(key(m, round)); round++) {
        out.add(rounds.get(key(m, round)).times());
      }
    }
    return out;
  }

  /** How the match ended, or null while the records have not said. */
  synchronized String ending(String matchId) {
    return endings.get(matchId);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  synchronized Histogram llm() {
    return llm.copy();
  }

  synchronized Histogram llmAdded() {
    return llmAdded.copy();
  }

  private Round round(String matchId, int round) {
    return rounds.computeIfAbsent(key(matchId, round), k -> new Round());
  }

  private static String key(String matchId, int round) {
    return matchId + "/" + round;
  }
}
