package arena.launcher.load;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's rounds in parts: the round overhead split as {@link RoundTimes#split} splits it (one value per round that
 * gives an overhead) and each phase transition (one value per simulated human and round), as report lines with the
 * sentence that defines each; and how much of the overhead its parts leave unexplained.
 */
final class RoundParts {
  static final String OVERHEAD = "round overhead";
  private static final String PART = "overhead: ";
  static final String SEATING = "overhead: seating less assignment";
  static final String ASSIGNMENT = "overhead: assignment";
  static final String ANSWERING_SHOWN = "overhead: answering shown";
  static final String ANSWERING_CLOSED = "overhead: answering closed";
  static final String VOTING_SHOWN = "overhead: voting shown";
  static final String VOTING_CLOSED = "overhead: voting closed";
  static final String TO_ANSWERING = "transition: assigned→answering pushed";
  static final String TO_VOTING = "transition: last answer→voting pushed";
  static final String TO_SCORES = "transition: last vote→scores pushed";

  /** The overhead and its parts, in report order, each defined in one sentence. */
  static final Map<String, String> SPLIT = ordered(
      OVERHEAD, "A round that closed early (everyone acted) from round.starting to round.completed, less its slowest "
          + "answer and its slowest vote (a human's think time from seeing the phase, a robot's model latency); the "
          + "lines below split it, in the game's JVM only.",
      SEATING, "round.starting → round.started less the assignment: the match asking for robots and seating them.",
      ASSIGNMENT, "round.robots_needed → robots.assigned, for the same rounds as the overhead.",
      ANSWERING_SHOWN, "round.started → the answering phase's slowest participant saw it (a human: its view, pushed or "
          + "fetched; a robot: its model call began).",
      ANSWERING_CLOSED, "The last answer (a human's request sent, a robot's answer written) → voting.started.",
      VOTING_SHOWN, "voting.started → the voting phase's slowest participant saw it.",
      VOTING_CLOSED, "The last vote → round.completed.");

  /** The phase transitions, each defined in one sentence. */
  static final Map<String, String> TRANSITIONS = ordered(
      TO_ANSWERING, "robots.assigned (round.starting without robots) → the first push showing a simulated human the "
          + "round's answering phase; one value per human and round (none for a human who first saw a phase in a "
          + "fetched view, not listening yet).",
      TO_VOTING, "The last answer (a human's request sent, a robot's answer written), or the deadline if the phase ran "
          + "out → the first push showing a human the voting phase.",
      TO_SCORES, "The last vote, or the deadline if the phase ran out → the first push holding the round's scores.");

  private final Map<String, Histogram> split = new LinkedHashMap<>();
  private final Map<String, Histogram> transitions = new LinkedHashMap<>();
  /** Sums over the rounds of the overhead, each part (in {@link #SPLIT} order) and the unexplained rest. */
  private final long[] sums = new long[SPLIT.size() + 1];
  private long rounds;

  RoundParts() {
    SPLIT.keySet().forEach(name -> split.put(name, new Histogram(3_600_000, 3)));
    TRANSITIONS.keySet().forEach(name -> transitions.put(name, new Histogram(3_600_000, 3)));
  }

  void add(RoundTimes round) {
    RoundTimes.Split s = round.split();
    if (s != null) {
      rounds++;
      long[] values = {s.overhead(), s.seating(), s.assignment(), s.answeringShown(), s.answeringClosed(),
          s.votingShown(), s.votingClosed(), s.unexplained()};
      int i = 0;
      for (Histogram h : split.values()) {
        h.recordValue(Math.max(0, values[i]));
        sums[i] += values[i];
        i++;
      }
      sums[i] += values[i];
    }
    record(TO_ANSWERING, round.toAnswering());
    record(TO_VOTING, round.toVoting());
    record(TO_SCORES, round.toScores());
  }

  private void record(String name, List<Long> values) {
    // A push seen before what triggered it: the two clocks (the game's, the load tool's) disagree by that much.
    values.forEach(v -> transitions.get(name).recordValue(Math.max(0, v)));
  }

  /** The round overhead and its parts (one value per round that closed early). */
  Map<String, Histogram> split() {
    return split;
  }

  /** The transitions (one value per simulated human and round). */
  Map<String, Histogram> transitions() {
    return transitions;
  }

  /**
   * Per part, its mean per round (ms) and its share of the overhead (%), and the same for what the parts leave
   * unexplained; null without a round that closed early.
   */
  JsonObject shares() {
    if (rounds == 0 || sums[0] == 0) {
      return null;
    }
    JsonObject mean = new JsonObject();
    JsonObject percent = new JsonObject();
    int i = 0;
    for (String name : SPLIT.keySet()) {
      String key = i == 0 ? "overhead" : name.substring(PART.length());
      mean.put(key, Math.round(sums[i] * 10.0 / rounds) / 10.0);
      percent.put(key, Math.round(sums[i] * 1000.0 / sums[0]) / 10.0);
      i++;
    }
    mean.put("unexplained", Math.round(sums[i] * 10.0 / rounds) / 10.0);
    percent.put("unexplained", Math.round(sums[i] * 1000.0 / sums[0]) / 10.0);
    return new JsonObject().put("rounds", rounds).put("meanMs", mean).put("percentOfOverhead", percent);
  }

  private static Map<String, String> ordered(String... nameThenSentence) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSentence.length; i += 2) {
      out.put(nameThenSentence[i], nameThenSentence[i + 1]);
    }
    return out;
  }
}
