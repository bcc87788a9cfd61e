package arena.launcher;

import arena.match.ClassicRuleset;
import arena.match.Deadline;
import arena.match.Fold;
import arena.match.MatchMachine;
import arena.match.PromptDeck;
import arena.match.Step;
import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.game.MatchRules;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Re-runs the ruleset over a match's recorded inputs, the way the Match Service ran it, and compares what comes out
 * with what was recorded. Pure: the trail in, a verdict out.
 *
 * <p>What "exactly" means here. The Match Service acts on an input when it reads it, not when it was written, and
 * on its timers; neither moment is a record. But every step it takes leaves its traces under the inputs that caused
 * it: its new state on match-state (caused by the input's event id, or by nothing for a timer; a step that folded
 * inputs that came together lists them all, in order), and for a command its reply on match-events. So the steps
 * are re-run in the recorded order of the match's states, the inputs fed to {@link MatchMachine#fold} and each timer
 * to {@link MatchMachine#onDeadline} for the deadline the re-run state waits for, with the clock at the time the
 * step's state was written, and the seed the match drew when created. Then every new state, every domain event on
 * match-events (in order, the final scores among them) and every command's reply must equal the recorded one, except
 * for the instants in them: the service read its clock a few milliseconds before it wrote, and that reading is not
 * recorded. After a difference the re-run goes on from the recorded state, so each difference listed is one of its
 * own. Inputs with no trace (a robot's answer after its phase closed, a repeated assignment) were ignored; they are
 * counted, not re-run.
 *
 * <p>match-state is compacted: an hour or so after a match its older states are gone. Then the order above is lost,
 * and the inputs are re-run in the order they were written (see {@link #byWriteTime}); only the last state is left
 * to compare, besides the events and replies.
 */
final class Rerun {
  private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z");
  private static final int MAX_DIFFERENCES = 10;

  /**
   * @param steps       steps re-run
   * @param events      domain events compared
   * @param finalState  the re-run match's last state, or null if none
   * @param ignored     inputs that left no trace, so were not re-run (in write order: that changed nothing)
   * @param everyState  the whole match-state history was there, so every state was compared; otherwise the
   *                    inputs were re-run in the order they were written and only the last state compared
   * @param differences what the re-run did otherwise than the recording; empty when reproduced
   */
  record Verdict(int steps, int events, MatchState finalState, int ignored, boolean everyState,
      List<String> differences) {
    boolean reproduced() {
      return differences.isEmpty();
    }

    JsonObject toJson() {
      return new JsonObject().put("reproduced", reproduced()).put("steps", steps).put("events", events)
          .put("ignoredInputs", ignored).put("order", everyState ? "match-state" : "written")
          .put("finalVersion", finalState == null ? null : finalState.version())
          .put("differences", new JsonArray(differences));
    }
  }

  /**
   * One step the service took: the inputs it acted on (more than one when they came together and it folded them
   * into one state), or a timer (none), with the time it was written.
   */
  private record Trigger(List<Received> inputs, Instant at, MatchState recordedState, boolean replyOnly) {
    boolean timer() {
      return inputs.isEmpty();
    }
  }

  private final MatchRules rules;

  Rerun(MatchRules rules) {
    this.rules = rules;
  }

  Verdict of(String matchId, List<Received> trail) {
    List<String> differences = new ArrayList<>();
    List<Received> states = byOffset(trail, Topic.MATCH_STATE).stream().filter(r -> r.envelope() != null).toList();
    if (states.isEmpty()) {
      differences.add("no match-state of match " + matchId + " was recorded: nothing to re-run");
      return new Verdict(0, 0, null, 0, false, differences);
    }
    Map<String, Received> inputs = new HashMap<>();
    trail.stream().filter(r -> r.envelope() != null && MatchMachine.uses(r.payload()))
        .filter(r -> r.topic() != Topic.MATCH_STATE && r.topic() != Topic.MATCH_EVENTS)
        .forEach(r -> inputs.putIfAbsent(r.envelope().eventId(), r));
    List<Received> events = byOffset(trail, Topic.MATCH_EVENTS);
    List<Received> recordedDomain = events.stream().filter(r -> !isReply(r.payload())).toList();
    Map<String, List<MatchEvent>> recordedReplies = new HashMap<>();
    events.stream().filter(r -> isReply(r.payload()) && r.envelope().causationId() != null)
        .forEach(r -> recordedReplies.computeIfAbsent(r.envelope().causationId(), k -> new ArrayList<>())
            .add((MatchEvent) r.payload()));

    if (!wholeHistory(states)) {
      return byWriteTime(inputs, states, recordedDomain, recordedReplies, trail);
    }
    List<Trigger> triggers = triggers(states, events, inputs, differences);
    long seed = ((MatchState) states.get(0).payload()).seed();
    MatchMachine machine = new MatchMachine(new ClassicRuleset(), PromptDeck.fromClasspath(), () -> seed, rules);
    MatchState state = null;
    List<MatchEvent> replayedDomain = new ArrayList<>();
    Map<String, List<MatchEvent>> replayedReplies = new HashMap<>();
    int n = 0;
    for (Trigger t : triggers) {
      n++;
      String what = t.timer() ? "timer" : String.join(" + ", t.inputs().stream()
          .map(in -> in.envelope().eventType()).toList());
      MatchState changed;
      MatchEvent reply = null;
      if (t.timer()) {
        Deadline deadline = machine.deadline(state).orElse(null);
        if (deadline == null) {
          differences.add("step " + n + " (" + t.at() + "): the recording has a timer step, but the re-run match "
              + "waits for no deadline");
          break;
        }
        Step step = machine.onDeadline(state, deadline, t.at());
        step.events().forEach(o -> replayedDomain.add(o.event()));
        changed = step.state();
      } else {
        // As the service took them: the inputs of a folded step in turn, one state for them all.
        Fold fold = machine.fold(state, t.inputs().stream().map(Received::envelope).toList(), t.at());
        fold.events().forEach(o -> replayedDomain.add(o.event()));
        for (Fold.Out r : fold.replies()) {
          replayedReplies.computeIfAbsent(r.causationId(), k -> new ArrayList<>()).add(r.event());
          reply = r.event();
        }
        for (Map.Entry<Integer, RuntimeException> left : fold.failed().entrySet()) {
          differences.add("step " + n + " (" + what + "): the re-run could not take "
              + t.inputs().get(left.getKey()).envelope().eventId() + ": " + left.getValue().getMessage());
        }
        changed = fold.state();
      }
      if (t.replyOnly()) {
        if (changed != null) {
          differences.add("step " + n + " (" + what + "): recorded without a change of state, but the re-run "
              + "changes it to " + describe(changed));
          state = changed;
        }
      } else {
        String diff = changed == null
            ? "recorded a new state, but the re-run changes nothing" + (reply == null ? ""
                : " and replies " + Topic.registrationOf(reply.getClass()).eventType() + " "
                    + normalized(reply).encode())
            : firstDifference("", normalized(t.recordedState()), normalized(changed));
        if (diff != null) {
          differences.add("step " + n + " (" + what + "), state v" + t.recordedState().version() + ": " + diff);
        }
        // After a difference, go on from the recorded state: each later difference is one of its own.
        state = diff == null ? changed : t.recordedState();
      }
      if (differences.size() >= MAX_DIFFERENCES) {
        break;
      }
    }
    compareEvents(recordedDomain, replayedDomain, differences);
    compareReplies(recordedReplies, replayedReplies, differences);
    Set<String> acted = new HashSet<>();
    triggers.forEach(t -> t.inputs().forEach(in -> acted.add(in.envelope().eventId())));
    int ignored = (int) inputs.values().stream().filter(r -> !acted.contains(r.envelope().eventId())).count();
    return new Verdict(triggers.size(), recordedDomain.size(), state, ignored, true, capped(differences));
  }

  /**
   * Every state from the first (v1) on, no version skipped but by a state that folds several inputs (each may count
   * one): compaction has not removed any of them yet.
   */
  private static boolean wholeHistory(List<Received> states) {
    long expected = 1;
    for (Received r : states) {
      long version = ((MatchState) r.payload()).version();
      // A robot's usage report is stored under the version before it.
      if (version < expected - 1 || version > expected - 1 + Math.max(1, causes(r).size())) {
        return false;
      }
      expected = version + 1;
    }
    return true;
  }

  /**
   * The re-run when match-state no longer holds every state of the match (compaction keeps only the last, once
   * its segment has rolled): the inputs in the order they were written, each at the time it was written, and the
   * timers fired at their deadlines in between. An input written within milliseconds of a deadline may then be
   * judged otherwise than the service did, which is reported as a difference like any other. Compared: the domain
   * events, the replies, and the last recorded state.
   */
  private Verdict byWriteTime(Map<String, Received> inputs, List<Received> states, List<Received> recordedDomain,
      Map<String, List<MatchEvent>> recordedReplies, List<Received> trail) {
    MatchState last = (MatchState) states.get(states.size() - 1).payload();
    long seed = last.seed();
    MatchMachine machine = new MatchMachine(new ClassicRuleset(), PromptDeck.fromClasspath(), () -> seed, rules);
    Instant end = trail.stream().filter(r -> r.envelope() != null).map(r -> r.envelope().occurredAt())
        .max(Comparator.naturalOrder()).orElseThrow();
    List<MatchEvent> replayedDomain = new ArrayList<>();
    Map<String, List<MatchEvent>> replayedReplies = new HashMap<>();
    MatchState state = null;
    int steps = 0;
    int ignored = 0;
    for (Received in : inputs.values().stream().sorted(MatchTrail.ORDER).toList()) {
      Instant at = in.envelope().occurredAt();
      for (Step t = timer(machine, state, at); t != null; t = timer(machine, state, at)) {
        t.events().forEach(o -> replayedDomain.add(o.event()));
        state = t.state();
        steps++;
      }
      Step step = machine.apply(state, in.payload(), at, at);
      steps++;
      step.events().forEach(o -> replayedDomain.add(o.event()));
      if (step.reply() != null) {
        replayedReplies.computeIfAbsent(in.envelope().eventId(), k -> new ArrayList<>()).add(step.reply());
      }
      if (step.changed()) {
        state = step.state();
      } else if (step.reply() == null) {
        ignored++;
      }
    }
    for (Step t = timer(machine, state, end); t != null; t = timer(machine, state, end)) {
      t.events().forEach(o -> replayedDomain.add(o.event()));
      state = t.state();
      steps++;
    }
    List<String> differences = new ArrayList<>();
    String diff = state == null ? "the re-run never created the match"
        : firstDifference("", normalized(last), normalized(state));
    if (diff != null) {
      differences.add("last state v" + last.version() + ": " + diff);
    }
    compareEvents(recordedDomain, replayedDomain, differences);
    compareReplies(recordedReplies, replayedReplies, differences);
    return new Verdict(steps, recordedDomain.size(), state, ignored, false, capped(differences));
  }

  /** The step of the deadline {@code state} waits for if it is due by {@code until}; null if none. */
  private static Step timer(MatchMachine machine, MatchState state, Instant until) {
    Deadline d = state == null ? null : machine.deadline(state).orElse(null);
    if (d == null || d.forget() || d.at().isAfter(until)) {
      return null;
    }
    Step step = machine.onDeadline(state, d, d.at());
    return step.changed() ? step : null;
  }

  private static void compareReplies(Map<String, List<MatchEvent>> recorded, Map<String, List<MatchEvent>> replayed,
      List<String> differences) {
    recorded.forEach((cause, was) -> {
      List<MatchEvent> now = replayed.getOrDefault(cause, List.of());
      if (!normalizedAll(was).equals(normalizedAll(now))) {
        differences.add("replies to command " + cause + ": recorded " + was + ", replayed " + now);
      }
    });
  }

  private static List<String> capped(List<String> differences) {
    return differences.size() > MAX_DIFFERENCES ? differences.subList(0, MAX_DIFFERENCES) : differences;
  }

  /**
   * The steps in the order the service took them: one per recorded state (its cause, or a timer), and one per
   * command answered without a change (a repeat or a rejection), placed by when its reply was written.
   */
  private static List<Trigger> triggers(List<Received> states, List<Received> events, Map<String, Received> inputs,
      List<String> differences) {
    List<Trigger> triggers = new ArrayList<>();
    Map<String, Integer> changedBy = new HashMap<>();
    for (Received s : states) {
      List<Received> folded = new ArrayList<>();
      for (String cause : causes(s)) {
        Received input = inputs.get(cause);
        if (input == null) {
          differences.add("state v" + ((MatchState) s.payload()).version() + " was caused by " + cause
              + ", which is not in the trail");
          folded = null;
          break;
        }
        folded.add(input);
      }
      if (folded == null) {
        continue;
      }
      folded.forEach(in -> changedBy.merge(in.envelope().eventId(), 1, Integer::sum));
      triggers.add(new Trigger(folded, s.envelope().occurredAt(), (MatchState) s.payload(), false));
    }
    Map<String, Integer> repliesSeen = new HashMap<>();
    for (Received r : events) {
      String cause = r.envelope().causationId();
      if (!isReply(r.payload()) || cause == null) {
        continue;
      }
      int seen = repliesSeen.merge(cause, 1, Integer::sum);
      Received input = inputs.get(cause);
      if (seen <= changedBy.getOrDefault(cause, 0)) {
        continue; // the reply of a step that changed the state
      }
      if (input == null) {
        differences.add("a " + r.envelope().eventType() + " answers " + cause + ", which is not in the trail");
        continue;
      }
      Instant at = r.envelope().occurredAt();
      int i = triggers.size();
      while (i > 0 && triggers.get(i - 1).at().isAfter(at)) {
        i--;
      }
      triggers.add(i, new Trigger(List.of(input), at, null, true));
    }
    return triggers;
  }

  /** The inputs a state was written for, in order: none for a timer's. */
  private static List<String> causes(Received state) {
    Envelope<Event> e = state.envelope();
    return e.causes() != null ? e.causes() : e.causationId() == null ? List.of() : List.of(e.causationId());
  }

  private static void compareEvents(List<Received> recorded, List<MatchEvent> replayed, List<String> differences) {
    int common = Math.min(recorded.size(), replayed.size());
    for (int i = 0; i < common; i++) {
      JsonObject was = normalized(recorded.get(i).payload());
      JsonObject now = normalized(replayed.get(i));
      String type = recorded.get(i).envelope().eventType();
      String replayedType = Topic.registrationOf(replayed.get(i).getClass()).eventType();
      if (!type.equals(replayedType) || !was.equals(now)) {
        differences.add("match-events #" + (i + 1) + ": recorded " + type + " " + was.encode() + ", replayed "
            + replayedType + " " + now.encode());
        return;
      }
    }
    for (int i = common; i < recorded.size(); i++) {
      differences.add("match-events #" + (i + 1) + ": recorded " + recorded.get(i).envelope().eventType() + " "
          + normalized(recorded.get(i).payload()).encode() + ", replayed nothing");
    }
    for (int i = common; i < replayed.size(); i++) {
      differences.add("match-events #" + (i + 1) + ": recorded nothing, replayed "
          + Topic.registrationOf(replayed.get(i).getClass()).eventType() + " " + normalized(replayed.get(i)).encode());
    }
  }

  /** The first place two JSON values differ, as {@code path: recorded X, replayed Y}; null if equal. */
  static String firstDifference(String path, Object recorded, Object replayed) {
    if (recorded instanceof JsonObject a && replayed instanceof JsonObject b) {
      List<String> names = new ArrayList<>(a.fieldNames());
      b.fieldNames().stream().filter(f -> !a.containsKey(f)).forEach(names::add);
      for (String f : names) {
        String d = firstDifference(path.isEmpty() ? f : path + "." + f, a.getValue(f), b.getValue(f));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (recorded instanceof JsonArray a && replayed instanceof JsonArray b && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        String d = firstDifference(path + "[" + i + "]", a.getValue(i), b.getValue(i));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (Objects.equals(recorded, replayed)
        || recorded instanceof Number x && replayed instanceof Number y && x.doubleValue() == y.doubleValue()) {
      return null;
    }
    return path + ": recorded " + recorded + ", replayed " + replayed;
  }

  /** The JSON of {@code value} with every instant blanked (see the class comment). */
  static JsonObject normalized(Object value) {
    return (JsonObject) blankInstants(new JsonObject(Json.write(value)));
  }

  private static List<JsonObject> normalizedAll(List<MatchEvent> events) {
    return events.stream().map(Rerun::normalized).toList();
  }

  private static Object blankInstants(Object value) {
    if (value instanceof JsonObject o) {
      for (String f : List.copyOf(o.fieldNames())) {
        o.put(f, blankInstants(o.getValue(f)));
      }
      return o;
    }
    if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, blankInstants(a.getValue(i)));
      }
      return a;
    }
    return value instanceof String s && INSTANT.matcher(s).matches() ? "<instant>" : value;
  }

  private static String describe(MatchState s) {
    return "v" + s.version() + " " + s.status();
  }

  private static boolean isReply(Event e) {
    return e instanceof MatchEvent.CommandAccepted || e instanceof MatchEvent.CommandRejected;
  }

  private static List<Received> byOffset(List<Received> trail, Topic topic) {
    return trail.stream().filter(r -> r.topic() == topic)
        .sorted(Comparator.comparingInt(Received::partition).thenComparingLong(Received::offset)).toList();
  }
}
