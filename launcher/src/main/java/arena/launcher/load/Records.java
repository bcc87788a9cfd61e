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
import org.HdrHistogram.Histogram;

/**
 * What the game's records say about the run's matches: when each round asked for robots and got them, when its phases
 * opened, closed and were due, how long each robot's model took, and how matches ended. Fed from the consumer's event
 * loop; the simulated humans add their think times from theirs.
 */
final class Records {
  private static final int STARTING = 0;
  private static final int STARTED = 1;
  private static final int ANSWER_DEADLINE = 2;
  private static final int VOTING = 3;
  private static final int VOTE_DEADLINE = 4;
  private static final int COMPLETED = 5;
  private static final int SLOWEST_ANSWER = 6;
  private static final int SLOWEST_VOTE = 7;
  private static final int NEEDED = 8;
  private static final int ASSIGNED = 9;

  private final Map<String, long[]> rounds = new HashMap<>();
  private final Map<String, String> endings = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final Histogram llm = new Histogram(3_600_000, 3);
  private final Histogram llmAdded = new Histogram(3_600_000, 3);
  private final long fixedLatencyMs;

  /** {@code fixedLatencyMs}: the fake's latency when fixed, else -1 (no added latency per call can be told). */
  Records(long fixedLatencyMs) {
    this.fixedLatencyMs = fixedLatencyMs;
  }

  synchronized void add(Envelope<Event> envelope) {
    long at = envelope.occurredAt().toEpochMilli();
    Event p = envelope.payload();
    if (p instanceof MatchEvent.RoundStarting e) {
      round(e.matchId(), e.round())[STARTING] = at;
    } else if (p instanceof MatchEvent.RobotsNeeded e) {
      first(round(e.matchId(), e.round()), NEEDED, at);
    } else if (p instanceof OrchestrationEvent.RobotsAssigned e) {
      first(round(e.matchId(), e.round()), ASSIGNED, at);
    } else if (p instanceof OrchestrationEvent.RobotsUnavailable e) {
      problems.add(e.matchId() + " round " + e.round() + ": robots unavailable (" + e.requested() + " asked, pool "
          + e.poolSize() + ")");
    } else if (p instanceof MatchEvent.RoundStarted e) {
      long[] r = round(e.matchId(), e.round());
      r[STARTED] = at;
      r[ANSWER_DEADLINE] = e.deadline().toEpochMilli();
    } else if (p instanceof MatchEvent.VotingStarted e) {
      long[] r = round(e.matchId(), e.round());
      r[VOTING] = at;
      r[VOTE_DEADLINE] = e.deadline().toEpochMilli();
    } else if (p instanceof MatchEvent.RoundCompleted e) {
      round(e.matchId(), e.round())[COMPLETED] = at;
    } else if (p instanceof MatchEvent.Completed e) {
      endings.put(e.matchId(), "COMPLETED");
    } else if (p instanceof MatchEvent.Expired e) {
      endings.put(e.matchId(), "EXPIRED");
    } else if (p instanceof MatchEvent.Cancelled e) {
      endings.put(e.matchId(), "CANCELLED: " + e.reason());
    } else if (p instanceof RobotResponse.ResponseComplete e) {
      long[] r = round(e.matchId(), e.round());
      int slot = "vote".equals(e.kind()) ? SLOWEST_VOTE : SLOWEST_ANSWER;
      r[slot] = Math.max(r[slot], e.latencyMs());
      llm.recordValue(Math.max(0, e.latencyMs()));
      if (fixedLatencyMs >= 0) {
        llmAdded.recordValue(Math.max(0, e.latencyMs() - fixedLatencyMs));
      }
      if (e.fallback()) {
        problems.add(e.matchId() + " round " + e.round() + ": robot " + e.robotId() + " fell back (no model reply)");
      }
    }
  }

  /** A human of {@code matchId} thought {@code ms} before acting in {@code round} ("answer" or "vote"). */
  synchronized void thought(String matchId, int round, String kind, long ms) {
    long[] r = round(matchId, round);
    int slot = "vote".equals(kind) ? SLOWEST_VOTE : SLOWEST_ANSWER;
    r[slot] = Math.max(r[slot], ms);
  }

  /** round.robots_needed → robots assigned, per round of {@code matches}. */
  synchronized Histogram assignment(Iterable<String> matches) {
    Histogram h = new Histogram(3_600_000, 3);
    for (String m : matches) {
      for (int round = 1; rounds.containsKey(key(m, round)); round++) {
        long[] r = rounds.get(key(m, round));
        if (r[NEEDED] > 0 && r[ASSIGNED] >= r[NEEDED]) {
          h.recordValue(r[ASSIGNED] - r[NEEDED]);
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
        long[] r = rounds.get(key(m, round));
        out.add(new RoundTimes(r[STARTING], r[STARTED], r[ANSWER_DEADLINE], r[VOTING], r[VOTE_DEADLINE],
            r[COMPLETED], r[SLOWEST_ANSWER], r[SLOWEST_VOTE]));
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

  private long[] round(String matchId, int round) {
    return rounds.computeIfAbsent(key(matchId, round), k -> new long[10]);
  }

  private static void first(long[] r, int slot, long at) {
    if (r[slot] == 0) {
      r[slot] = at;
    }
  }

  private static String key(String matchId, int round) {
    return matchId + "/" + round;
  }
}
