package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.ClassicRuleset;
import arena.match.Deadline;
import arena.match.Fold;
import arena.match.MatchMachine;
import arena.match.PromptDeck;
import arena.match.Step;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.game.MatchRules;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The re-run alone, over trails written here the way the Match Service writes them. */
class RerunTest {
  private static final MatchRules RULES = MatchRules.of(ArenaConfig.of(ArenaConfig.defaults()));
  private static final String MATCH = "m-1";

  /** Plays a match with a {@link MatchMachine} and records what the service would have written, in order. */
  static final class Recorder {
    final MatchMachine machine = new MatchMachine(new ClassicRuleset(), PromptDeck.fromClasspath(),
        new SplittableRandom(42), RULES);
    final List<Received> trail = new ArrayList<>();
    final Map<Topic, Long> offsets = new EnumMap<>(Topic.class);
    MatchState state;
    Instant clock = Instant.parse("2026-01-01T10:00:00Z");

    /** An input written to its topic and then acted on by the service, as it would be. */
    Received input(Event e) {
      clock = clock.plusMillis(100);
      Received in = record(e, null);
      apply(machine.apply(state, e, clock, clock.plusMillis(3)), in.envelope().eventId());
      return in;
    }

    /**
     * Inputs written together and acted on in one step, as the service folds what waits in a match's lane: each
     * input's events, then one state (naming every input up to the last that changed it), then the replies.
     */
    void fold(Event... events) {
      List<Received> in = new ArrayList<>();
      for (Event e : events) {
        clock = clock.plusMillis(1);
        in.add(record(e, null));
      }
      Fold fold = machine.fold(state, in.stream().map(Received::envelope).toList(), clock.plusMillis(3));
      fold.events().forEach(o -> record(o.event(), o.causationId()));
      if (fold.changed()) {
        state = fold.state();
        Received written = record(state, fold.causes().get(fold.causes().size() - 1));
        trail.set(trail.size() - 1, new Received(written.topic(), written.partition(), written.offset(),
            written.key(), written.envelope().folding(fold.causes())));
      }
      fold.replies().forEach(r -> record(r.event(), r.causationId()));
    }

    /** An input written but never acted on (e.g. a late robot): it leaves no trace. */
    void unheard(Event e) {
      clock = clock.plusMillis(100);
      record(e, null);
    }

    void timer() {
      Deadline d = machine.deadline(state).orElseThrow();
      clock = d.at().plusMillis(2);
      apply(machine.onDeadline(state, d, clock), null);
    }

    private void apply(Step step, String cause) {
      step.events().forEach(o -> record(o.event(), cause));
      if (step.changed()) {
        state = step.state();
        record(state, cause);
      }
      if (step.reply() != null) {
        record(step.reply(), cause);
      }
    }

    private Received record(Event e, String cause) {
      Topic.Registration reg = Topic.registrationOf(e.getClass());
      long offset = offsets.merge(reg.topic(), 1L, Long::sum) - 1;
      clock = clock.plusNanos(1000);
      Envelope<Event> env = new Envelope<>(UUID.randomUUID().toString(), reg.eventType(), clock, "test", "c", cause,
          MATCH, MATCH, Envelope.SCHEMA_VERSION, e);
      Received r = new Received(reg.topic(), 0, offset, MATCH, env);
      trail.add(r);
      return r;
    }
  }

  /** Creates a match of Ann and two robots, which she joins and robot-1 and robot-2 are seated in; its request. */
  static MatchEvent.RobotsNeeded seated(Recorder rec) {
    rec.input(new MatchCommand.Create(MATCH, new MatchSettings(3, 1, 1, 30, 30, 0)));
    rec.input(new MatchCommand.Join(MATCH, "p-ann", "Ann", "hash-ann"));
    MatchEvent.RobotsNeeded needed = rec.trail.stream().map(Received::payload)
        .filter(MatchEvent.RobotsNeeded.class::isInstance).map(MatchEvent.RobotsNeeded.class::cast).findFirst()
        .orElseThrow();
    rec.input(new OrchestrationEvent.RobotsAssigned(MATCH, 1, List.of(
        new OrchestrationEvent.AssignedRobot("robot-1", needed.identities().get(0), "backpacker"),
        new OrchestrationEvent.AssignedRobot("robot-2", needed.identities().get(1), "chill-gamer")),
        needed.correlationId(), null));
    return needed;
  }

  /** Ann against two robots for one round; a retried vote, a late robot answer, and both phases ended by timers. */
  static Recorder played() {
    Recorder rec = new Recorder();
    MatchEvent.RobotsNeeded needed = seated(rec);
    rec.input(new MatchCommand.SubmitResponse(MATCH, "hash-ann", 1, "Pancakes."));
    rec.input(new RobotResponse.ResponseSubmitted(MATCH, 1, "robot-1", needed.identities().get(0), "Waffles.",
        "cmd-1"));
    rec.timer(); // robot-2 never answers: the answers close by the deadline
    rec.input(new MatchCommand.SubmitVote(MATCH, "hash-ann", 1, needed.identities().get(0)));
    rec.input(new MatchCommand.SubmitVote(MATCH, "hash-ann", 1, needed.identities().get(0)));
    rec.unheard(new RobotResponse.ResponseSubmitted(MATCH, 1, "robot-2", needed.identities().get(1), "Too late.",
        "cmd-2"));
    rec.timer(); // the votes close by the deadline
    assertThat(rec.state.status()).isEqualTo(MatchState.Status.COMPLETED);
    return rec;
  }

  @Test
  void aRecordedMatchIsReproducedStepByStep() {
    // Given a match's trail, timers, a retried command and an input the service ignored included
    Recorder rec = played();

    // When the ruleset is re-run over it
    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, rec.trail);

    // Then every state, event and reply is reproduced; the ignored input is counted, not re-run
    assertThat(verdict.differences()).isEmpty();
    assertThat(verdict.steps()).isEqualTo(9);
    assertThat(verdict.ignored()).isEqualTo(1);
    assertThat(verdict.finalState().scores()).isEqualTo(rec.state.scores());
  }

  @Test
  void aMatchWhoseInputsCameTogetherAndWereFoldedIsReproducedStateByState() {
    // Given a match where Ann's answer and a robot's came together and were folded into one state, and so were her
    // vote and its retry (the retry answered after the state, as the service does)
    Recorder rec = new Recorder();
    MatchEvent.RobotsNeeded needed = seated(rec);
    long before = rec.state.version();
    rec.fold(new MatchCommand.SubmitResponse(MATCH, "hash-ann", 1, "Pancakes."),
        new RobotResponse.ResponseSubmitted(MATCH, 1, "robot-1", needed.identities().get(0), "Waffles.", "cmd-1"));
    assertThat(rec.state.version()).isEqualTo(before + 2);
    rec.timer();
    rec.fold(new MatchCommand.SubmitVote(MATCH, "hash-ann", 1, needed.identities().get(0)),
        new MatchCommand.SubmitVote(MATCH, "hash-ann", 1, needed.identities().get(0)));
    rec.timer();
    assertThat(rec.state.status()).isEqualTo(MatchState.Status.COMPLETED);

    // When the ruleset is re-run over its trail
    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, rec.trail);

    // Then every state is compared, in the order of match-state, and all is reproduced
    assertThat(verdict.differences()).isEmpty();
    assertThat(verdict.everyState()).isTrue();
    assertThat(verdict.ignored()).isZero();
    assertThat(verdict.finalState().scores()).isEqualTo(rec.state.scores());
  }

  @Test
  void aFoldedStateReRunOtherwiseIsNamedByItsField() {
    // Given the folded answers of Ann and a robot, recorded with the robot's answer altered
    Recorder rec = new Recorder();
    MatchEvent.RobotsNeeded needed = seated(rec);
    rec.fold(new MatchCommand.SubmitResponse(MATCH, "hash-ann", 1, "Pancakes."),
        new RobotResponse.ResponseSubmitted(MATCH, 1, "robot-1", needed.identities().get(0), "Waffles.", "cmd-1"));
    List<Received> trail = new ArrayList<>(rec.trail);
    Received answer = trail.stream().filter(r -> r.payload() instanceof RobotResponse.ResponseSubmitted)
        .findFirst().orElseThrow();
    Envelope<Event> e = answer.envelope();
    trail.set(trail.indexOf(answer), new Received(answer.topic(), answer.partition(), answer.offset(), answer.key(),
        new Envelope<>(e.eventId(), e.eventType(), e.occurredAt(), e.source(), e.correlationId(), e.causationId(),
            e.key(), e.matchId(), e.schemaVersion(), new RobotResponse.ResponseSubmitted(MATCH, 1, "robot-1",
                needed.identities().get(0), "Crumpets.", "cmd-1"))));

    // When it is re-run
    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    // Then the folded state is compared, and the difference names the answer
    assertThat(verdict.everyState()).isTrue();
    assertThat(verdict.differences()).anySatisfy(d -> assertThat(d).contains("Crumpets").contains("Waffles"));
  }

  @Test
  void aMatchWhoseEarlierStatesWereCompactedAwayIsReRunInTheOrderItsInputsWereWritten() {
    // Given a trail whose match-state keeps only the last state, as after compaction
    Recorder rec = played();
    Received last = rec.trail.stream().filter(r -> r.topic() == Topic.MATCH_STATE).reduce((a, b) -> b).orElseThrow();
    List<Received> trail = rec.trail.stream().filter(r -> r.topic() != Topic.MATCH_STATE || r == last).toList();

    // When the ruleset is re-run over it
    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    // Then the inputs in the order they were written, with the timers between them, reproduce it
    assertThat(verdict.differences()).isEmpty();
    assertThat(verdict.everyState()).isFalse();
    assertThat(verdict.finalState().version()).isEqualTo(rec.state.version());
    // And the late robot answer and the retried vote changed nothing
    assertThat(verdict.ignored()).isEqualTo(1);
  }

  @Test
  void aCompactedMatchWithAnAlteredResultIsNotReproduced() {
    // Given a compacted trail whose last state gives Ann 7 points
    Recorder rec = played();
    Received last = rec.trail.stream().filter(r -> r.topic() == Topic.MATCH_STATE).reduce((a, b) -> b).orElseThrow();
    List<Received> trail = new ArrayList<>(rec.trail.stream()
        .filter(r -> r.topic() != Topic.MATCH_STATE || r == last).toList());
    trail.set(trail.indexOf(last), withScore(last, "p-ann", 7));

    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    assertThat(verdict.differences()).anySatisfy(d -> assertThat(d).contains("scores.p-ann: recorded 7, replayed"));
  }

  private static Received withScore(Received last, String participant, int points) {
    MatchState s = (MatchState) last.payload();
    Map<String, Integer> scores = new HashMap<>(s.scores());
    scores.put(participant, points);
    MatchState forged = new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(),
        s.completedAt(), s.players(), s.robots(), s.rounds(), scores, s.promptsUsed(), s.usage(), s.seed());
    Envelope<Event> e = last.envelope();
    return new Received(last.topic(), last.partition(), last.offset(), last.key(),
        new Envelope<>(e.eventId(), e.eventType(), e.occurredAt(), e.source(), e.correlationId(), e.causationId(),
            e.key(), e.matchId(), e.schemaVersion(), forged));
  }

  @Test
  void anAlteredStateIsNamedByItsField() {
    // Given a trail whose last state gives Ann 7 points
    Recorder rec = played();
    List<Received> trail = new ArrayList<>(rec.trail);
    Received last = trail.stream().filter(r -> r.topic() == Topic.MATCH_STATE).reduce((a, b) -> b).orElseThrow();
    trail.set(trail.indexOf(last), withScore(last, "p-ann", 7));

    // When it is re-run
    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    // Then the difference names the field and both values
    assertThat(verdict.reproduced()).isFalse();
    assertThat(verdict.differences()).anySatisfy(d -> assertThat(d).contains("scores.p-ann: recorded 7, replayed"));
  }

  @Test
  void aStateCausedByAnInputMissingFromTheTrailIsNamed() {
    // Given a trail without Ann's answer, though a state says it caused it
    Recorder rec = played();
    List<Received> trail = new ArrayList<>(rec.trail);
    trail.removeIf(r -> r.payload() instanceof MatchCommand.SubmitResponse);

    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    assertThat(verdict.differences()).anySatisfy(d -> assertThat(d).contains("which is not in the trail"));
  }

  @Test
  void aTrailWithoutStatesHasNothingToReRun() {
    Recorder rec = played();
    List<Received> trail = rec.trail.stream().filter(r -> r.topic() != Topic.MATCH_STATE).toList();

    Rerun.Verdict verdict = new Rerun(RULES).of(MATCH, trail);

    assertThat(verdict.differences()).singleElement().asString().contains("nothing to re-run");
  }
}
