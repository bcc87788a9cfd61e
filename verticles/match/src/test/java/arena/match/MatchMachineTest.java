package arena.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.LlmUsage;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.OrchestrationEvent.AssignedRobot;
import arena.shared.events.RobotResponse;
import arena.shared.game.MatchRules;
import arena.shared.game.Text;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MatchMachineTest {
  static final String MATCH = "m1";
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  static final PromptDeck DECK = PromptDeck.of(IntStream.rangeClosed(1, 10).mapToObj(i -> "Prompt " + i + "?").toList());

  /** The packaged rules: answers of 1 to 280 characters, names of 1 to 24, lobbies expire after 600 s. */
  static final MatchRules RULES = MatchRules.of(ArenaConfig.of(ArenaConfig.defaults()));

  /** Two humans, two robots, two rounds, a five second intermission. */
  static final MatchSettings SETTINGS = new MatchSettings(4, 2, 2, 60, 30, 5);

  MatchMachine machine;
  Table table;

  @BeforeEach
  void setUp() {
    machine = new MatchMachine(new ClassicRuleset(), DECK, new SplittableRandom(42), RULES);
    table = new Table(machine);
  }

  /** Holds one match's state and applies inputs to it the way the verticle would. */
  static final class Table {
    final MatchMachine machine;
    MatchState state;
    Instant now = T0;
    Step last;
    MatchEvent.RobotsNeeded lastRequest;

    Table(MatchMachine machine) {
      this.machine = machine;
    }

    Step apply(Event input) {
      return remember(machine.apply(state, input, now, now));
    }

    Step deadline() {
      Deadline deadline = machine.deadline(state).orElseThrow();
      now = deadline.at();
      return remember(machine.onDeadline(state, deadline, now));
    }

    private Step remember(Step step) {
      if (step.changed()) {
        // Only what players and spectators can see moves the version; the robots' usage is secret.
        long expected = state == null ? 1 : usageOnly(state, step.state()) ? state.version() : state.version() + 1;
        assertThat(step.state().version()).isEqualTo(expected);
        state = step.state();
      }
      last = step;
      step.events().stream().map(Step.Outgoing::event).filter(MatchEvent.RobotsNeeded.class::isInstance)
          .forEach(e -> lastRequest = (MatchEvent.RobotsNeeded) e);
      return step;
    }

    Round round() {
      return state.currentRound().orElseThrow();
    }

    String letterOf(String participantId) {
      return round().letters().get(participantId);
    }

    /** The latest robots request, as the orchestrator would have received it. */
    MatchEvent.RobotsNeeded robotsNeeded() {
      assertThat(lastRequest).as("a robots request").isNotNull();
      return lastRequest;
    }

    Step seat(String... robotIds) {
      MatchEvent.RobotsNeeded need = robotsNeeded();
      List<AssignedRobot> robots = new ArrayList<>();
      for (int i = 0; i < robotIds.length; i++) {
        robots.add(new AssignedRobot(robotIds[i], need.identities().get(i), "type-" + robotIds[i]));
      }
      return apply(new OrchestrationEvent.RobotsAssigned(MATCH, need.round(), robots, need.correlationId()));
    }

    Step answer(String token, String text) {
      return apply(new MatchCommand.SubmitResponse(MATCH, token, round().number(), text));
    }

    Step robotAnswer(String robotId, String text) {
      return apply(new RobotResponse.ResponseSubmitted(MATCH, round().number(), robotId, letterOf(robotId), text,
          "cmd"));
    }

    Step vote(String token, String forParticipant) {
      return apply(new MatchCommand.SubmitVote(MATCH, token, round().number(), letterOf(forParticipant)));
    }

    Step robotVote(String robotId, String forParticipant) {
      return apply(new RobotResponse.VoteSubmitted(MATCH, round().number(), robotId, letterOf(robotId),
          letterOf(forParticipant), "cmd"));
    }

    /** A robot's report that it finished command {@code commandId} of the current round with an LLM call. */
    Step robotDone(String robotId, String commandId, String kind, int inputTokens, int outputTokens, double cost) {
      return apply(done(robotId, round().number(), commandId, kind, false, inputTokens, outputTokens, cost));
    }
  }

  /** Whether {@code after} differs from {@code before} in the robots' usage alone (whatever its version). */
  static boolean usageOnly(MatchState before, MatchState after) {
    return !before.usage().equals(after.usage())
        && MatchStates.withVersion(MatchStates.withUsage(before, after.usage()), after.version()).equals(after);
  }

  static RobotResponse.ResponseComplete done(String robotId, int round, String commandId, String kind,
      boolean fallback, int inputTokens, int outputTokens, double cost) {
    return new RobotResponse.ResponseComplete(robotId, MATCH, round, commandId, kind, "openai", 900, fallback,
        "gpt-4o-mini", inputTokens, outputTokens, cost);
  }

  static MatchCommand.Create create(MatchSettings settings) {
    return new MatchCommand.Create(MATCH, settings);
  }

  static MatchCommand.Join join(String who) {
    return new MatchCommand.Join(MATCH, who, who.toUpperCase(), "hash-" + who);
  }

  static String token(String who) {
    return "hash-" + who;
  }

  static <T> T event(Step step, Class<T> type) {
    return step.events().stream().map(Step.Outgoing::event).filter(type::isInstance).map(type::cast)
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + step.events()));
  }

  static List<Class<?>> eventTypes(Step step) {
    return step.events().stream().<Class<?>>map(o -> o.event().getClass()).toList();
  }

  static void assertAccepted(Step step, String command) {
    assertThat(step.reply()).isEqualTo(new MatchEvent.CommandAccepted(MATCH, command, step.state().version()));
  }

  static void assertRejected(Step step, int status, String message) {
    assertThat(step.changed()).isFalse();
    assertThat(step.events()).isEmpty();
    assertThat(step.reply()).isInstanceOfSatisfying(MatchEvent.CommandRejected.class, r -> {
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.message()).isEqualTo(message);
    });
  }

  /** The deadline a match that is over waits for: match.retainMinutes (60) after it ended, then it is forgotten. */
  static Deadline forgetting(MatchState state) {
    return new Deadline(MATCH, state.rounds().size(), null, state.completedAt().plusSeconds(3600), true);
  }

  static void assertIgnored(Step step) {
    assertThat(step).isEqualTo(Step.ignored());
  }

  /** Creates the match, lets ann and bob join and seats r1 and r2: round 1 is taking answers. */
  void playUntilRoundOneIsOpen(MatchSettings settings) {
    table.apply(create(settings));
    table.apply(join("ann"));
    table.apply(join("bob"));
    table.seat("r1", "r2");
    assertThat(table.round().phase()).isEqualTo(Phase.RESPONDING);
  }

  /** Creates the match and lets ann and bob join: round 1 waits for its robots; returns r1 and r2 as asked for. */
  List<AssignedRobot> playUntilRoundOneWaitsForRobots() {
    table.apply(create(SETTINGS));
    table.apply(join("ann"));
    table.apply(join("bob"));
    MatchEvent.RobotsNeeded need = table.robotsNeeded();
    return List.of(new AssignedRobot("r1", need.identities().get(0), "t"),
        new AssignedRobot("r2", need.identities().get(1), "t"));
  }

  /** {@code input} as read from its topic, written at {@code at}, in chain {@code correlationId}. */
  static Envelope<Event> read(Event input, String eventId, String correlationId, Instant at) {
    return new Envelope<>(eventId, Topic.registrationOf(input.getClass()).eventType(), at, "test", correlationId,
        null, MATCH, MATCH, Envelope.SCHEMA_VERSION, input);
  }

  @Nested
  class InputsThatComeTogether {
    @Test
    void areAppliedInTurnAsOneStepAndWhatCannotBeTakenIsLeftOut() {
      // Given round 1 open, waiting for every answer
      playUntilRoundOneIsOpen(SETTINGS);
      long before = table.state.version();
      Round round = table.round();
      Instant due = round.deadline();

      // When these are read together: r1's answer, r1's vote (before voting), ann's answer, her answer again, and
      // the last two answers, which start voting
      List<Envelope<Event>> inputs = List.of(
          read(new RobotResponse.ResponseSubmitted(MATCH, 1, "r1", round.letters().get("r1"), "toast", "c"), "e1",
              "k1", due),
          read(new RobotResponse.VoteSubmitted(MATCH, 1, "r1", round.letters().get("r1"), round.letters().get("ann"),
              "c"), "e2", "k2", due),
          read(new MatchCommand.SubmitResponse(MATCH, token("ann"), 1, "bread"), "e3", "k3", due),
          read(new MatchCommand.SubmitResponse(MATCH, token("ann"), 1, "bread"), "e4", "k4", due),
          read(new MatchCommand.SubmitResponse(MATCH, token("bob"), 1, "jam"), "e5", "k5", due),
          read(new RobotResponse.ResponseSubmitted(MATCH, 1, "r2", round.letters().get("r2"), "tea", "c"), "e6",
              "k6", due));
      Fold fold = machine.fold(table.state, inputs, round.deadline());

      // Then the early vote is left out, to be read again
      assertThat(fold.failed()).containsOnlyKeys(1);
      assertThat(fold.failed().get(1)).isNotInstanceOf(PoisonRecordException.class)
          .hasMessageContaining("read again");
      // And one state holds the four answers and the voting they started, one version for each change
      assertThat(fold.state().currentRound().orElseThrow().responses()).containsOnlyKeys("r1", "ann", "bob", "r2");
      assertThat(fold.state().currentRound().orElseThrow().phase()).isEqualTo(Phase.VOTING);
      assertThat(fold.state().version()).isEqualTo(before + 4);
      // And it names the inputs it folds in order, up to the last that changed it, and takes that one's chain
      assertThat(fold.causes()).containsExactly("e1", "e3", "e4", "e5", "e6");
      assertThat(fold.correlationId()).isEqualTo("k6");
      // And each reply answers its own command in its own chain, the repeat as the first time
      assertThat(fold.replies()).extracting(Fold.Out::causationId).containsExactly("e3", "e4", "e5");
      assertThat(fold.replies()).extracting(Fold.Out::correlationId).containsExactly("k3", "k4", "k5");
      assertThat(fold.replies()).extracting(r -> ((MatchEvent.CommandAccepted) r.event()).stateVersion())
          .containsExactly(before + 2, before + 2, before + 3);
      // And the voting started by the last answer is its event
      assertThat(fold.events()).anyMatch(o -> o.event() instanceof MatchEvent.VotingStarted);
      assertThat(fold.events()).allMatch(o -> o.causationId().equals("e6"));
    }

    @Test
    void andOneTheMachineCannotApplyIsPoisonWhileTheOthersAreTaken() {
      // Given a machine whose ruleset fails at scoring, and round 1 voting
      machine = new MatchMachine((letters, answered, votes, humans) -> {
        throw new IllegalStateException("a bug in the ruleset");
      }, DECK, new SplittableRandom(42), RULES);
      table = new Table(machine);
      playUntilRoundOneIsOpen(SETTINGS);
      table.answer(token("ann"), "a");
      table.answer(token("bob"), "b");
      table.robotAnswer("r1", "c");
      table.robotAnswer("r2", "d");
      Round round = table.round();
      Instant due = round.deadline();

      // When three votes and the last, which ends the round and so is scored, are read together
      Fold fold = machine.fold(table.state, List.of(
          read(new MatchCommand.SubmitVote(MATCH, token("ann"), 1, round.letters().get("bob")), "e1", "k1", due),
          read(new MatchCommand.SubmitVote(MATCH, token("bob"), 1, round.letters().get("ann")), "e2", "k2", due),
          read(new RobotResponse.VoteSubmitted(MATCH, 1, "r1", round.letters().get("r1"), round.letters().get("ann"),
              "c"), "e3", "k3", due),
          read(new RobotResponse.VoteSubmitted(MATCH, 1, "r2", round.letters().get("r2"), round.letters().get("ann"),
              "c"), "e4", "k4", due)), due);

      // Then the last is poison, and the three before it are taken
      assertThat(fold.failed()).containsOnlyKeys(3);
      assertThat(fold.failed().get(3)).isInstanceOf(PoisonRecordException.class).hasMessageContaining("ruleset");
      assertThat(fold.causes()).containsExactly("e1", "e2", "e3");
      assertThat(fold.state().currentRound().orElseThrow().votes()).containsOnlyKeys("ann", "bob", "r1");
    }

    @Test
    void thatChangeNothingWriteNoState() {
      // Given round 1 open
      playUntilRoundOneIsOpen(SETTINGS);

      // When only a vote before voting and an answer for another round are read together
      Round round = table.round();
      Instant due = round.deadline();
      Fold fold = machine.fold(table.state, List.of(
          read(new MatchCommand.SubmitResponse(MATCH, token("ann"), 2, "bread"), "e1", "k1", due),
          read(new RobotResponse.ResponseSubmitted(MATCH, 3, "r1", round.letters().get("r1"), "toast", "c"), "e2",
              "k2", due)), round.deadline());

      // Then there is no state to write, only the refusal to answer
      assertThat(fold.changed()).isFalse();
      assertThat(fold.causes()).isEmpty();
      assertThat(fold.replies()).singleElement().extracting(Fold.Out::event)
          .isInstanceOf(MatchEvent.CommandRejected.class);
    }
  }

  @Test
  void aFullMatchFromCreationToReveal() {
    // Given a new match
    Step created = table.apply(create(SETTINGS));
    assertThat(eventTypes(created)).containsExactly(MatchEvent.Created.class);
    assertAccepted(created, "match.create");
    assertThat(table.state.status()).isEqualTo(Status.WAITING);
    assertThat(table.state.version()).isEqualTo(1);

    // When the first human joins, the match waits for the second
    Step annJoined = table.apply(join("ann"));
    assertThat(annJoined.events()).extracting(Step.Outgoing::event)
        .containsExactly(new MatchEvent.PlayerJoined(MATCH, "ann", 1, 2));
    assertAccepted(annJoined, "player.join");

    // When the last human joins, the match starts and round 1 asks for robots
    Step bobJoined = table.apply(join("bob"));
    assertThat(eventTypes(bobJoined)).containsExactly(MatchEvent.PlayerJoined.class, MatchEvent.Started.class,
        MatchEvent.RoundStarting.class, MatchEvent.RobotsNeeded.class);
    assertAccepted(bobJoined, "player.join");
    assertThat(table.state.status()).isEqualTo(Status.RUNNING);
    MatchEvent.RobotsNeeded need = table.robotsNeeded();
    assertThat(need.round()).isEqualTo(1);
    assertThat(need.count()).isEqualTo(2);
    assertThat(need.excludeRobots()).isEmpty();
    assertThat(need.correlationId()).isEqualTo(MATCH + "/round-1");
    assertThat(bobJoined.events().get(3).correlationId()).isEqualTo(MATCH + "/round-1");
    Round starting = table.round();
    assertThat(starting.phase()).isEqualTo(Phase.STARTING);
    assertThat(starting.robotsRequest()).isEqualTo(MATCH + "/round-1");
    assertThat(starting.letters()).containsOnlyKeys("ann", "bob");
    List<String> allLetters = new ArrayList<>(starting.letters().values());
    allLetters.addAll(need.identities());
    assertThat(allLetters).containsExactlyInAnyOrder("A", "B", "C", "D");
    assertThat(table.state.promptsUsed()).hasSize(1);
    assertThat(starting.prompt()).isEqualTo(DECK.get(table.state.promptsUsed().get(0)));

    // When the orchestrator seats two robots
    Step seated = table.seat("r1", "r2");
    MatchEvent.RoundStarted started = event(seated, MatchEvent.RoundStarted.class);
    assertThat(started.participants()).containsExactly("A", "B", "C", "D");
    assertThat(started.prompt()).isEqualTo(starting.prompt());
    assertThat(started.deadline()).isEqualTo(T0.plusSeconds(60));
    assertThat(table.round().phase()).isEqualTo(Phase.RESPONDING);
    assertThat(table.letterOf("r1")).isEqualTo(need.identities().get(0));
    assertThat(table.state.robots()).extracting(MatchState.Robot::robotId).containsExactly("r1", "r2");

    // When everyone answers, voting opens at once, before the deadline
    table.now = T0.plusSeconds(10);
    assertAccepted(table.answer(token("ann"), "  Freshly cut grass.  "), "response.submit");
    assertThat(table.robotAnswer("r1", "Rain on hot asphalt").events()).isEmpty();
    table.answer(token("bob"), "My grandmother's kitchen");
    Step allAnswered = table.robotAnswer("r2", "Sunscreen");
    MatchEvent.VotingStarted voting = event(allAnswered, MatchEvent.VotingStarted.class);
    assertThat(voting.deadline()).isEqualTo(table.now.plusSeconds(30));
    assertThat(voting.responses()).containsExactlyInAnyOrderEntriesOf(Map.of(
        table.letterOf("ann"), "Freshly cut grass.", table.letterOf("bob"), "My grandmother's kitchen",
        table.letterOf("r1"), "Rain on hot asphalt", table.letterOf("r2"), "Sunscreen"));
    assertThat(table.round().phase()).isEqualTo(Phase.VOTING);

    // When everyone votes, the round is scored at once
    assertAccepted(table.vote(token("ann"), "bob"), "vote.submit");
    table.vote(token("bob"), "r1");
    table.robotVote("r1", "ann");
    Step allVoted = table.robotVote("r2", "r1");
    MatchEvent.RoundCompleted completed = event(allVoted, MatchEvent.RoundCompleted.class);
    Map<String, Integer> roundOnePoints = Map.of("ann", 3, "bob", 2, "r1", 3, "r2", 0);
    assertThat(completed.points()).containsExactlyInAnyOrderEntriesOf(roundOnePoints);
    assertThat(completed.scores()).containsExactlyInAnyOrderEntriesOf(roundOnePoints);
    assertThat(completed.votes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        table.letterOf("ann"), table.letterOf("bob"), table.letterOf("bob"), table.letterOf("r1"),
        table.letterOf("r1"), table.letterOf("ann"), table.letterOf("r2"), table.letterOf("r1")));
    assertThat(table.round().phase()).isEqualTo(Phase.SCORED);
    assertThat(table.round().points()).isEqualTo(roundOnePoints);
    assertThat(table.round().deadline()).isEqualTo(table.now.plusSeconds(5));

    // When the intermission is over, round 2 asks for robots other than last round's
    Step nextRound = table.deadline();
    assertThat(eventTypes(nextRound)).containsExactly(MatchEvent.RoundStarting.class, MatchEvent.RobotsNeeded.class);
    assertThat(table.robotsNeeded().excludeRobots()).containsExactly("r1", "r2");
    assertThat(table.robotsNeeded().correlationId()).isEqualTo(MATCH + "/round-2");
    assertThat(table.round().number()).isEqualTo(2);
    assertThat(table.state.promptsUsed()).hasSize(2).doesNotHaveDuplicates();
    table.seat("r3", "r1");

    // When only ann answers before the deadline, voting still opens with what there is
    table.answer(token("ann"), "Probably sleeping");
    Step answersClosed = table.deadline();
    assertThat(event(answersClosed, MatchEvent.VotingStarted.class).responses())
        .containsExactly(Map.entry(table.letterOf("ann"), "Probably sleeping"));

    // When nobody votes before the deadline, the round is scored anyway: ann answered and blended in, bob, who
    // gave no answer, gains nothing
    Step votesClosed = table.deadline();
    assertThat(event(votesClosed, MatchEvent.RoundCompleted.class).points())
        .containsExactlyInAnyOrderEntriesOf(Map.of("ann", 2, "bob", 0, "r3", 0, "r1", 0));

    // Then after the last intermission the match completes with the reveal
    Step end = table.deadline();
    MatchEvent.Completed done = event(end, MatchEvent.Completed.class);
    assertThat(done.finalScores()).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 5, "bob", 2, "r1", 3, "r2", 0,
        "r3", 0));
    assertThat(done.reveal()).containsExactly(
        new MatchEvent.Reveal("ann", "ANN", true, null),
        new MatchEvent.Reveal("bob", "BOB", true, null),
        new MatchEvent.Reveal("r1", "type-r1", false, "type-r1"),
        new MatchEvent.Reveal("r2", "type-r2", false, "type-r2"),
        new MatchEvent.Reveal("r3", "type-r3", false, "type-r3"));
    assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
    assertThat(table.state.completedAt()).isEqualTo(table.now);
    assertThat(machine.deadline(table.state)).contains(forgetting(table.state));

    // And the final state survives the trip through the state topic's codec
    String json = Json.write(Envelope.of("match.state", "test", MATCH, table.state, null, null));
    assertThat(EventCodec.decode(Topic.MATCH_STATE, json).payload()).isEqualTo(table.state);
  }

  @Test
  void withoutIntermissionTheNextRoundStartsInTheSameStep() {
    // Given a two-round match with no intermission, when round 1's answers and votes close
    playUntilRoundOneIsOpen(new MatchSettings(4, 2, 2, 60, 30, 0));
    table.deadline();
    table.deadline();
    assertThat(eventTypes(table.last)).containsExactly(MatchEvent.RoundCompleted.class,
        MatchEvent.RoundStarting.class, MatchEvent.RobotsNeeded.class);
    assertThat(table.round().number()).isEqualTo(2);
    table.seat("r1", "r2");

    // When the last round's voting ends
    table.deadline();
    Step last = table.deadline();

    // Then scoring and completion happen together
    assertThat(eventTypes(last)).containsExactly(MatchEvent.RoundCompleted.class, MatchEvent.Completed.class);
    assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void robotsUnavailableEndsTheMatchWithTheScoresSoFar() {
    // Given round 2 waits for robots after a scored round 1
    playUntilRoundOneIsOpen(SETTINGS);
    table.deadline();
    table.deadline();
    table.deadline();
    MatchEvent.RobotsNeeded need = table.robotsNeeded();

    // When the orchestrator says it can never seat them
    Step step = table.apply(new OrchestrationEvent.RobotsUnavailable(MATCH, 2, 2, 1, need.correlationId()));

    // Then the match completes with round 1's scores (nobody answered, so nobody scored) and everyone revealed
    MatchEvent.Completed done = event(step, MatchEvent.Completed.class);
    assertThat(done.finalScores()).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 0, "bob", 0, "r1", 0, "r2", 0));
    assertThat(done.reveal()).extracting(MatchEvent.Reveal::participantId).containsExactly("ann", "bob", "r1", "r2");
    assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
  }

  @Nested
  class Rejections {

    @Test
    void aDeckTooSmallForTheLongestMatchIsRefusedAtStart() {
      PromptDeck nine = PromptDeck.of(IntStream.rangeClosed(1, 9).mapToObj(i -> "Prompt " + i + "?").toList());
      assertThatThrownBy(
              () -> new MatchMachine(new ClassicRuleset(), nine, new SplittableRandom(1), RULES))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the prompt deck holds 9 prompts, fewer than match.limits.maxRounds (10)");
    }

    @Test
    void creatingTheSameMatchWithOtherSettingsIs409() {
      table.apply(create(SETTINGS));
      assertRejected(table.apply(create(new MatchSettings(4, 1, 2, 60, 30, 5))), 409, "match m1 already exists");
    }

    @Test
    void settingsOutsideTheConfiguredLimitsAre400AsAtTheGateway() {
      assertRejected(table.apply(create(new MatchSettings(4, 4, 2, 60, 30, 5))), 400,
          "humans must be between 1 and 3 (seats - 1), got 4");
      assertRejected(table.apply(create(new MatchSettings(1, 1, 2, 60, 30, 5))), 400,
          "seats must be between 2 and 12, got 1");
      assertRejected(table.apply(create(new MatchSettings(13, 1, 2, 60, 30, 5))), 400,
          "seats must be between 2 and 12, got 13");
      assertRejected(table.apply(create(new MatchSettings(4, 1, 11, 60, 30, 5))), 400,
          "rounds must be between 1 and 10, got 11");
      assertRejected(table.apply(create(new MatchSettings(4, 1, 2, 4, 30, 5))), 400,
          "responseSeconds must be between 5 and 600, got 4");
      assertRejected(table.apply(create(new MatchSettings(4, 1, 2, 60, 601, 5))), 400,
          "voteSeconds must be between 5 and 600, got 601");
      assertRejected(table.apply(create(new MatchSettings(4, 1, 2, 60, 30, -1))), 400,
          "intermissionSeconds must not be negative");
      assertRejected(table.apply(create(new MatchSettings(4, 1, 2, 60, 30, 5, -1, true))), 400,
          "lobbySeconds must not be negative");
      assertRejected(table.apply(create(null)), 400, "settings are required");
      assertThat(table.state).isNull();
    }

    @Test
    void joiningAnUnknownMatchIs404() {
      assertRejected(table.apply(join("ann")), 404, "no such match");
    }

    @Test
    void joiningAStartedOrCompletedMatchIs409() {
      // Given a match that started when its two humans joined
      playUntilRoundOneIsOpen(SETTINGS);

      // Then a third player is turned away
      assertRejected(table.apply(join("cat")), 409, "the match has already started");

      // And once it is over, too
      for (int i = 0; i < 3; i++) {
        table.deadline();
      }
      table.seat("r1", "r2");
      for (int i = 0; i < 3; i++) {
        table.deadline();
      }
      assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
      assertRejected(table.apply(join("cat")), 409, "the match is already over");
    }

    @Test
    void aBlankNameIdOrTokenIs400() {
      table.apply(create(SETTINGS));
      assertRejected(table.apply(new MatchCommand.Join(MATCH, "p", " ", "h")), 400,
          "name must be 1 to 24 characters long");
      assertRejected(table.apply(new MatchCommand.Join(MATCH, "p", null, "h")), 400,
          "name must be 1 to 24 characters long");
      assertRejected(table.apply(new MatchCommand.Join(MATCH, " ", "Ann", "h")), 400,
          "a player needs an id and a token");
      assertRejected(table.apply(new MatchCommand.Join(MATCH, "p", "Ann", null)), 400,
          "a player needs an id and a token");
    }

    @Test
    void answersAndVotesNeedAPlayersToken() {
      playUntilRoundOneIsOpen(SETTINGS);
      assertRejected(table.answer("hash-nobody", "hi"), 401, "not a player of this match");
      assertRejected(table.apply(new MatchCommand.SubmitVote(MATCH, "hash-nobody", 1, "A")), 401,
          "not a player of this match");
      assertRejected(machine.apply(null, new MatchCommand.SubmitResponse("m2", token("ann"), 1, "hi"), T0, T0), 404,
          "no such match");
      assertRejected(machine.apply(null, new MatchCommand.SubmitVote("m2", token("ann"), 1, "A"), T0, T0), 404,
          "no such match");
    }

    @Test
    void answersOutsideTheOpenRoundOrPhaseAre409() {
      // Given the match is waiting for robots
      table.apply(create(SETTINGS));
      table.apply(join("ann"));
      assertRejected(table.apply(new MatchCommand.SubmitResponse(MATCH, token("ann"), 1, "too early")), 409,
          "round 1 is not open");
      table.apply(join("bob"));
      assertRejected(table.answer(token("ann"), "still early"), 409, "round 1 is not taking answers now");
      table.seat("r1", "r2");

      // Then the wrong round number and a second answer are refused
      assertRejected(table.apply(new MatchCommand.SubmitResponse(MATCH, token("ann"), 2, "hi")), 409,
          "round 2 is not open");
      table.answer(token("ann"), "first");
      assertRejected(table.answer(token("ann"), "second"), 409, "already answered");
      assertThat(table.round().responses()).containsEntry("ann", "first");
    }

    @Test
    void theSameAnswerOrVoteSentAgainIsAcceptedWithoutChange() {
      // Given ann has answered in round 1 and bob has not
      playUntilRoundOneIsOpen(SETTINGS);
      table.answer(token("ann"), " first ");
      long version = table.state.version();

      // When her retry carries the same text after normalising, it is accepted again and changes nothing
      Step again = table.answer(token("ann"), "first\u200b");
      assertThat(again.changed()).isFalse();
      assertThat(again.events()).isEmpty();
      assertThat(again.reply()).isEqualTo(new MatchEvent.CommandAccepted(MATCH, "response.submit", version));

      // And a different text is still a second answer
      assertRejected(table.answer(token("ann"), "second"), 409, "already answered");

      // Given voting opens and ann votes
      table.deadline();
      table.vote(token("ann"), "r1");
      long voted = table.state.version();

      // Then the same letter again is accepted without change, another letter is refused
      Step revote = table.vote(token("ann"), "r1");
      assertThat(revote.changed()).isFalse();
      assertThat(revote.events()).isEmpty();
      assertThat(revote.reply()).isEqualTo(new MatchEvent.CommandAccepted(MATCH, "vote.submit", voted));
      assertRejected(table.vote(token("ann"), "r2"), 409, "already voted");
      assertThat(table.round().votes()).containsExactly(Map.entry("ann", table.letterOf("r1")));
    }

    @Test
    void answersMustBeOneTo280Characters() {
      playUntilRoundOneIsOpen(SETTINGS);
      assertRejected(table.answer(token("ann"), "   "), 400, "text must be 1 to 280 characters long");
      assertRejected(table.answer(token("ann"), null), 400, "text must be 1 to 280 characters long");
      assertRejected(table.answer(token("ann"), "x".repeat(281)), 400, "text must be 1 to 280 characters long");
      assertAccepted(table.answer(token("ann"), " " + "x".repeat(280) + " "), "response.submit");
    }

    @Test
    void answersAreNormalisedAndCountedInCodePoints() {
      playUntilRoundOneIsOpen(SETTINGS);

      // A newline, a tab, runs of spaces and zero-width characters would mark a human: they are cleaned away
      assertAccepted(table.answer(token("ann"), " Freshly\n\tcut   grass\u200b.\u202e "), "response.submit");
      assertThat(table.round().responses()).containsEntry("ann", "Freshly cut grass.");

      // Nothing left once normalised is empty; 280 emoji are 280 characters, 281 are too many
      assertRejected(table.answer(token("bob"), "\u200b\u2066 \n"), 400, "text must be 1 to 280 characters long");
      assertRejected(table.answer(token("bob"), "🎲".repeat(281)), 400, "text must be 1 to 280 characters long");
      assertAccepted(table.answer(token("bob"), "🎲".repeat(280)), "response.submit");
    }

    @Test
    void robotAnswersGoThroughTheSameNormalisationAndAreCutToTheLimit() {
      playUntilRoundOneIsOpen(SETTINGS);

      // A robot's text is cleaned exactly like a human's
      table.robotAnswer("r1", "  Rain on\n hot\u200b asphalt  ");
      assertThat(table.round().responses()).containsEntry("r1", "Rain on hot asphalt");

      // Cut to 280 code points, never splitting one; nothing left once normalised is ignored
      table.robotAnswer("r2", "🎲".repeat(300));
      assertThat(Text.length(table.round().responses().get("r2"))).isEqualTo(280);
      assertThat(table.round().responses().get("r2")).isEqualTo("🎲".repeat(280));
    }

    @Test
    void namesAreNormalisedAndMustBeOneToTheLimit() {
      table.apply(create(SETTINGS));

      // Names made of nothing visible or too long are refused with the gateway's message
      assertRejected(table.apply(new MatchCommand.Join(MATCH, "p", "\u200b\t", "h")), 400,
          "name must be 1 to 24 characters long");
      assertRejected(table.apply(new MatchCommand.Join(MATCH, "p", "x".repeat(25), "h")), 400,
          "name must be 1 to 24 characters long");

      // A name is stored normalised
      assertAccepted(table.apply(new MatchCommand.Join(MATCH, "p", " Zo\u0065\u0308\u200b  B\n ", "h")),
          "player.join");
      assertThat(table.state.players().get(0).name()).isEqualTo("Zoë B");
    }

    @Test
    void votesAreCheckedLikeAnswers() {
      // Given round 1 is still taking answers
      playUntilRoundOneIsOpen(SETTINGS);
      assertRejected(table.vote(token("ann"), "bob"), 409, "round 1 is not taking votes now");

      // When voting opens
      table.deadline();

      // Then unknown letters, self votes and second votes are refused
      assertRejected(table.apply(new MatchCommand.SubmitVote(MATCH, token("ann"), 1, "Z")), 400, "unknown letter Z");
      assertRejected(table.vote(token("ann"), "ann"), 400, "you cannot vote for yourself");
      assertAccepted(table.vote(token("ann"), "r1"), "vote.submit");
      assertRejected(table.vote(token("ann"), "r2"), 409, "already voted");
      assertRejected(table.apply(new MatchCommand.SubmitVote(MATCH, token("bob"), 3, "A")), 409,
          "round 3 is not open");
      assertThat(table.round().votes()).containsExactly(Map.entry("ann", table.letterOf("r1")));
    }
  }

  @Nested
  class QuickPlayLobby {
    /** Four seats for three humans, a ten second lobby. */
    static final MatchSettings QUICK = new MatchSettings(4, 3, 2, 60, 30, 5, 10, true);

    @Test
    void aLoneHumanPlaysAgainstRobotsWhenTheLobbyCloses() {
      // Given a quick-play match that ann joined alone
      table.apply(create(QUICK));
      assertThat(machine.deadline(table.state)).as("only the expiry before anyone joined")
          .contains(new Deadline(MATCH, 0, null, T0.plusSeconds(600)));
      Step annJoined = table.apply(join("ann"));
      assertThat(annJoined.events()).extracting(Step.Outgoing::event)
          .containsExactly(new MatchEvent.PlayerJoined(MATCH, "ann", 1, 3));
      assertThat(machine.deadline(table.state)).contains(new Deadline(MATCH, 0, null, T0.plusSeconds(10)));

      // When the lobby deadline goes off
      Step closed = table.deadline();

      // Then the match starts with one human, and round 1 asks for three robots
      assertThat(eventTypes(closed)).containsExactly(MatchEvent.Started.class, MatchEvent.RoundStarting.class,
          MatchEvent.RobotsNeeded.class);
      assertThat(closed.reply()).isNull();
      assertThat(table.state.status()).isEqualTo(Status.RUNNING);
      assertThat(table.state.settings()).isEqualTo(new MatchSettings(4, 1, 2, 60, 30, 5, 10, true));
      assertThat(table.robotsNeeded().count()).isEqualTo(3);
      assertThat(table.round().letters()).containsOnlyKeys("ann");

      // And once seated, ann and three robots fill the four letters
      MatchEvent.RoundStarted started = event(table.seat("r1", "r2", "r3"), MatchEvent.RoundStarted.class);
      assertThat(started.participants()).containsExactly("A", "B", "C", "D");
      assertThat(table.round().phase()).isEqualTo(Phase.RESPONDING);
    }

    @Test
    void twoHumansPlayWithTwoRobotsWhenTheThirdNeverComes() {
      // Given ann joined at T0 and bob four seconds later
      table.apply(create(QUICK));
      table.apply(join("ann"));
      table.now = T0.plusSeconds(4);
      table.apply(join("bob"));

      // Then the lobby still closes ten seconds after the first human, not the latest
      assertThat(machine.deadline(table.state).orElseThrow().at()).isEqualTo(T0.plusSeconds(10));

      // When it closes
      table.deadline();

      // Then both humans play, two robots are asked for, and scoring knows who the humans are
      assertThat(table.state.status()).isEqualTo(Status.RUNNING);
      assertThat(table.state.settings().humans()).isEqualTo(2);
      assertThat(table.robotsNeeded().count()).isEqualTo(2);
      table.seat("r1", "r2");
      table.answer(token("ann"), "Toast");
      table.answer(token("bob"), "Tea");
      table.deadline();
      Step scored = table.deadline();
      assertThat(event(scored, MatchEvent.RoundCompleted.class).points())
          .containsExactlyInAnyOrderEntriesOf(Map.of("ann", 2, "bob", 2, "r1", 0, "r2", 0));
    }

    @Test
    void aFullLobbyStartsAtOnceAndItsLobbyTimerDoesNothing() {
      // Given two humans waiting in the lobby
      table.apply(create(QUICK));
      table.apply(join("ann"));
      table.apply(join("bob"));
      Deadline lobby = machine.deadline(table.state).orElseThrow();

      // When the third human joins before the deadline
      table.now = T0.plusSeconds(3);
      Step catJoined = table.apply(join("cat"));

      // Then the match starts at once with all three, as a private match would
      assertThat(eventTypes(catJoined)).containsExactly(MatchEvent.PlayerJoined.class, MatchEvent.Started.class,
          MatchEvent.RoundStarting.class, MatchEvent.RobotsNeeded.class);
      assertThat(table.state.settings()).isEqualTo(QUICK);
      assertThat(table.robotsNeeded().count()).isEqualTo(1);
      assertThat(machine.deadline(table.state)).map(Deadline::phase).contains(Phase.STARTING);

      // And the lobby timer, going off later anyway, changes nothing
      assertIgnored(machine.onDeadline(table.state, lobby, lobby.at()));
    }

    @Test
    void aStaleLobbyTimerIsIgnored() {
      // Given the lobby closed and the match started with ann alone
      table.apply(create(QUICK));
      table.apply(join("ann"));
      Deadline lobby = machine.deadline(table.state).orElseThrow();
      table.deadline();
      MatchState started = table.state;

      // When the same lobby timer goes off again (a timer from before a recovery), or one for another instant
      Step again = machine.onDeadline(started, lobby, lobby.at().plusSeconds(1));
      Step elsewhen = machine.onDeadline(started, new Deadline(MATCH, 0, null, T0.plusSeconds(99)), T0);

      // Then nothing happens: no second start, no second robots request
      assertIgnored(again);
      assertIgnored(elsewhen);
      assertIgnored(machine.onDeadline(null, lobby, lobby.at()));
      assertThat(started.rounds()).hasSize(1);
    }

    @Test
    void aPrivateMatchHasNoLobbyAndWaitsForAllItsHumans() {
      // Given a private match (lobbySeconds 0) that ann joined
      table.apply(create(SETTINGS));
      table.apply(join("ann"));

      // Then its only deadline is its expiry, and a quick-play lobby timer for it is ignored
      assertThat(machine.deadline(table.state)).contains(new Deadline(MATCH, 0, null, T0.plusSeconds(600)));
      assertIgnored(machine.onDeadline(table.state, new Deadline(MATCH, 0, null, T0.plusSeconds(10)),
          T0.plusSeconds(10)));
      assertThat(table.state.status()).isEqualTo(Status.WAITING);

      // When bob comes much later, though before the expiry, the match starts with both, as before
      table.now = T0.plusSeconds(599);
      table.apply(join("bob"));
      assertThat(table.state.status()).isEqualTo(Status.RUNNING);
      assertThat(table.state.settings()).isEqualTo(SETTINGS);
    }

    @Test
    void joiningAfterTheLobbyClosedIs409() {
      // Given the lobby closed with ann alone, leaving two human seats unfilled
      table.apply(create(QUICK));
      table.apply(join("ann"));
      table.deadline();

      // Then a latecomer is turned away and the match is unchanged
      assertRejected(table.apply(join("bob")), 409, "the match has already started");
      assertThat(table.state.players()).extracting(MatchState.Player::playerId).containsExactly("ann");

      // But ann's own join, delivered again, is still answered as accepted
      assertThat(table.apply(join("ann")).reply()).isInstanceOf(MatchEvent.CommandAccepted.class);
    }
  }

  @Nested
  class LobbyExpiry {

    @Test
    void aPrivateMatchThatNeverFillsExpiresTenMinutesAfterItsCreation() {
      // Given a private match for two humans that only ann joined, a minute after it was created
      table.apply(create(SETTINGS));
      table.now = T0.plusSeconds(60);
      table.apply(join("ann"));
      assertThat(machine.deadline(table.state)).contains(new Deadline(MATCH, 0, null, T0.plusSeconds(600)));

      // When its deadline goes off, 600 s after its creation
      Step expired = table.deadline();

      // Then it expires: one event, no round, no robots asked for, and nothing more to wait for
      assertThat(expired.events()).extracting(Step.Outgoing::event)
          .containsExactly(new MatchEvent.Expired(MATCH, 1, 2));
      assertThat(expired.reply()).isNull();
      assertThat(table.state.status()).isEqualTo(Status.EXPIRED);
      assertThat(table.state.completedAt()).isEqualTo(T0.plusSeconds(600));
      assertThat(table.state.rounds()).isEmpty();
      assertThat(machine.deadline(table.state)).contains(forgetting(table.state));

      // And bob is turned away, while ann's own join delivered again is answered as before
      assertRejected(table.apply(join("bob")), 409, "the match has expired");
      assertThat(table.apply(join("ann")).reply()).isInstanceOf(MatchEvent.CommandAccepted.class);
      assertRejected(table.apply(new MatchCommand.SubmitResponse(MATCH, token("ann"), 1, "hi")), 409,
          "round 1 is not open");

      // And the expired state and event survive the trip through their topics' codec
      String state = Json.write(Envelope.of("match.state", "test", MATCH, table.state, null, null));
      assertThat(EventCodec.decode(Topic.MATCH_STATE, state).payload()).isEqualTo(table.state);
      MatchEvent.Expired event = event(expired, MatchEvent.Expired.class);
      assertThat(Topic.registrationOf(MatchEvent.Expired.class))
          .isEqualTo(new Topic.Registration(Topic.MATCH_EVENTS, "match.expired"));
      String json = Json.write(Envelope.of("match.expired", "test", MATCH, event, null, null));
      assertThat(EventCodec.decode(Topic.MATCH_EVENTS, json).payload()).isEqualTo(event);
    }

    @Test
    void aJoinPastTheExpiryIsRefusedEvenBeforeTheTimerFires() {
      // Given a match nobody joined, its expiry timer late
      table.apply(create(SETTINGS));
      table.now = T0.plusSeconds(600);

      // Then a join at the expiry is refused and changes nothing; one just before it is taken
      assertRejected(table.apply(join("ann")), 409, "the match has expired");
      assertThat(table.state.status()).isEqualTo(Status.WAITING);
      table.now = T0.plusSeconds(599);
      assertAccepted(table.apply(join("ann")), "player.join");
    }

    @Test
    void aQuickPlayLobbyThatAHumanJoinedStartsEvenWhenItIsOld() {
      // Given a quick-play match created at T0 that nobody joined for 100 s
      table.apply(create(QuickPlayLobby.QUICK));
      table.now = T0.plusSeconds(100);
      table.apply(join("ann"));

      // Then it waits for its lobby (10 s after ann), and starts then
      assertThat(machine.deadline(table.state)).contains(new Deadline(MATCH, 0, null, T0.plusSeconds(110)));
      table.deadline();
      assertThat(table.state.status()).isEqualTo(Status.RUNNING);

      // Given another quick-play match whose first human came 5 s before it would have expired
      Table late = new Table(machine);
      late.apply(create(QuickPlayLobby.QUICK));
      late.now = T0.plusSeconds(595);
      late.apply(join("ann"));

      // Then it does not expire under her: its lobby closes 10 s later and the match starts
      assertThat(machine.deadline(late.state)).contains(new Deadline(MATCH, 0, null, T0.plusSeconds(605)));
      late.now = T0.plusSeconds(605);
      Step started = late.deadline();
      assertThat(eventTypes(started)).contains(MatchEvent.Started.class).doesNotContain(MatchEvent.Expired.class);
      assertThat(late.state.status()).isEqualTo(Status.RUNNING);
    }

    @Test
    void aStaleLobbyTimerAfterTheExpiryDoesNothing() {
      // Given a match that expired
      table.apply(create(SETTINGS));
      Deadline expiry = machine.deadline(table.state).orElseThrow();
      table.deadline();
      MatchState expired = table.state;

      // When the same timer goes off again (a timer from before a recovery)
      Step again = machine.onDeadline(expired, expiry, expiry.at().plusSeconds(1));

      // Then nothing happens: no second match.expired
      assertIgnored(again);
    }

    @Test
    void aRecoveredWaitingMatchReArmsTheSameExpiry() {
      // Given a waiting match read back from the state topic
      table.apply(create(SETTINGS));
      table.apply(join("ann"));
      String json = Json.write(Envelope.of("match.state", "test", MATCH, table.state, null, null));
      MatchState recovered = (MatchState) EventCodec.decode(Topic.MATCH_STATE, json).payload();

      // Then the deadline derived from it is the same instant, and it expires the match when it fires
      Deadline deadline = machine.deadline(recovered).orElseThrow();
      assertThat(deadline).isEqualTo(machine.deadline(table.state).orElseThrow());
      assertThat(machine.onDeadline(recovered, deadline, deadline.at()).state().status()).isEqualTo(Status.EXPIRED);
    }
  }

  @Nested
  class StaleAndDuplicateInputs {

    @Test
    void aRedeliveredJoinIsAcceptedAgainWithoutChange() {
      table.apply(create(SETTINGS));
      table.apply(join("ann"));
      MatchState before = table.state;

      Step again = table.apply(join("ann"));

      assertThat(again.changed()).isFalse();
      assertThat(again.events()).isEmpty();
      assertThat(again.reply()).isEqualTo(new MatchEvent.CommandAccepted(MATCH, "player.join", before.version()));
      assertThat(table.state.players()).hasSize(1);
    }

    @Test
    void assignmentsForAnotherRequestOrADuplicateAreIgnored() {
      // Given round 1 waits for request req-1
      List<AssignedRobot> robots = playUntilRoundOneWaitsForRobots();
      MatchEvent.RobotsNeeded need = table.robotsNeeded();

      // Then a stale request id, a wrong round, and robots behind the wrong letters are ignored
      assertIgnored(table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1, robots, "old-request")));
      assertIgnored(table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 2, robots, need.correlationId())));
      assertIgnored(table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1,
          List.of(new AssignedRobot("r1", table.letterOf("ann"), "t"), robots.get(1)), need.correlationId())));
      assertIgnored(table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1,
          List.of(new AssignedRobot("r1", need.identities().get(0), "t"),
              new AssignedRobot("r1", need.identities().get(1), "t")), need.correlationId())));
      assertIgnored(table.apply(new OrchestrationEvent.RobotsUnavailable(MATCH, 1, 2, 1, "old-request")));
      assertIgnored(machine.apply(null, new OrchestrationEvent.RobotsAssigned("unknown", 1, robots,
          need.correlationId()), T0, T0));

      // When the right assignment comes twice
      MatchEvent.RoundStarted started = event(
          table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1, robots, need.correlationId())),
          MatchEvent.RoundStarted.class);
      assertThat(started.round()).isEqualTo(1);

      // Then the second one does nothing
      assertIgnored(table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1, robots, need.correlationId())));
      assertIgnored(table.apply(new OrchestrationEvent.RobotsUnavailable(MATCH, 1, 2, 1, need.correlationId())));
    }

    @Test
    void aRobotAnswerThatComesBeforeItsRoundsAssignmentIsReadAgainLaterNotDropped() {
      // Given round 1 waits for its robots (a new owner of the match read the state from before the assignment)
      List<AssignedRobot> robots = playUntilRoundOneWaitsForRobots();
      MatchEvent.RobotsNeeded need = table.robotsNeeded();
      RobotResponse.ResponseSubmitted answer = new RobotResponse.ResponseSubmitted(MATCH, 1, "r1",
          robots.get(0).identity(), "toast, always toast", "c");

      // When the robot's answer comes first, it is early: nothing changes and it is not dropped
      Step early = table.apply(answer);
      assertThat(early.early()).isTrue();
      assertThat(early.changed()).isFalse();

      // Then once the assignment is read, the same answer is taken
      table.apply(new OrchestrationEvent.RobotsAssigned(MATCH, 1, robots, need.correlationId()));
      table.apply(answer);
      assertThat(table.round().responses()).containsEntry("r1", "toast, always toast");
    }

    @Test
    void aRobotVoteThatComesBeforeItsRoundsVotingIsReadAgainLaterNotDropped() {
      // Given round 1 has one answer to go (a new owner of the match read the state from before the last answer,
      // whose step started voting)
      playUntilRoundOneIsOpen(SETTINGS);
      table.answer(token("ann"), "a");
      table.robotAnswer("r1", "b");
      table.robotAnswer("r2", "c");

      // When r1's vote comes first, it is early: nothing changes and it is not dropped
      Step early = table.robotVote("r1", "ann");
      assertThat(early.early()).isTrue();
      assertThat(early.changed()).isFalse();

      // Then once the last answer is read again, the same vote is taken
      table.answer(token("bob"), "d");
      table.robotVote("r1", "ann");
      assertThat(table.round().votes()).containsEntry("r1", table.letterOf("ann"));
    }

    @Test
    void aRobotVoteWaitsOnlyWhileItsRoundIsAboutToVoteAndNotLongerThanAHandover() {
      // Given round 1 has three answers to go
      playUntilRoundOneIsOpen(SETTINGS);
      table.answer(token("ann"), "a");
      RobotResponse.VoteSubmitted vote = new RobotResponse.VoteSubmitted(MATCH, 1, "r1", table.letterOf("r1"),
          table.letterOf("ann"), "c");
      Instant due = table.round().deadline();

      // When the vote comes before the answer deadline, it is ignored: nothing would turn the round soon
      assertIgnored(table.apply(vote));

      // Then once the deadline passed (its timer turns the round at once) it waits, unless older than a handover
      assertThat(machine.apply(table.state, vote, due, due).early()).isTrue();
      assertIgnored(machine.apply(table.state, vote, due.minus(MatchMachine.VOTE_HOLD).minusSeconds(1), due));
    }

    @Test
    void robotAnswersAndVotesThatDoNotFitAreIgnored() {
      playUntilRoundOneIsOpen(SETTINGS);
      String r1 = table.letterOf("r1");
      String r2 = table.letterOf("r2");

      // Wrong identity, wrong round, unknown robot, a robot claiming a human's id, a blank text
      assertIgnored(table.apply(new RobotResponse.ResponseSubmitted(MATCH, 1, "r1", r2, "hi", "c")));
      assertIgnored(table.apply(new RobotResponse.ResponseSubmitted(MATCH, 2, "r1", r1, "hi", "c")));
      assertIgnored(table.apply(new RobotResponse.ResponseSubmitted(MATCH, 1, "r9", r1, "hi", "c")));
      assertIgnored(table.apply(new RobotResponse.ResponseSubmitted(MATCH, 1, "ann", table.letterOf("ann"), "hi",
          "c")));
      assertIgnored(table.robotAnswer("r1", "   "));
      assertIgnored(table.robotAnswer("r1", "\u200b\n\u2066"));
      // A vote while answers are still open
      assertIgnored(table.robotVote("r1", "ann"));

      // A long answer is cut to 280; a second answer is ignored
      table.robotAnswer("r1", "y".repeat(300));
      assertThat(table.round().responses().get("r1")).hasSize(280);
      assertIgnored(table.robotAnswer("r1", "again"));

      // Votes: for itself, for an unknown letter, twice
      table.deadline();
      assertIgnored(table.robotVote("r1", "r1"));
      assertIgnored(table.apply(new RobotResponse.VoteSubmitted(MATCH, 1, "r1", r1, "Z", "c")));
      assertIgnored(table.apply(new RobotResponse.VoteSubmitted(MATCH, 1, "r1", r1, null, "c")));
      table.robotVote("r1", "ann");
      assertIgnored(table.robotVote("r1", "bob"));
      assertThat(table.round().votes()).containsExactly(Map.entry("r1", table.letterOf("ann")));
    }

    @Test
    void staleDeadlinesDoNothing() {
      // Given voting opened early because everyone answered
      playUntilRoundOneIsOpen(SETTINGS);
      Deadline answersDue = machine.deadline(table.state).orElseThrow();
      table.answer(token("ann"), "a");
      table.answer(token("bob"), "b");
      table.robotAnswer("r1", "c");
      table.robotAnswer("r2", "d");
      assertThat(table.round().phase()).isEqualTo(Phase.VOTING);

      // When the old answer deadline goes off anyway
      Step step = machine.onDeadline(table.state, answersDue, answersDue.at());

      // Then nothing happens; nor for an unknown match
      assertIgnored(step);
      assertIgnored(machine.onDeadline(null, answersDue, answersDue.at()));
    }

    @Test
    void recordsThisServiceDoesNotUseAreIgnored() {
      table.apply(create(SETTINGS));
      Event released = new OrchestrationEvent.RobotReleased("r1", MATCH, 1,
          OrchestrationEvent.RobotReleased.Reason.ROUND_OVER);
      assertThat(MatchMachine.uses(released)).isFalse();
      assertThat(MatchMachine.uses(join("ann"))).isTrue();
      assertIgnored(table.apply(released));
    }
  }

  @Nested
  class VisibleVersion {

    @Test
    void aHumanAnswerMovesTheVersionByOne() {
      // Given round 1 is taking answers
      playUntilRoundOneIsOpen(SETTINGS);
      long before = table.state.version();

      // When a human answers
      table.answer(token("ann"), "Freshly cut grass.");

      // Then the version moved by exactly one
      assertThat(table.state.version()).isEqualTo(before + 1);
    }

    @Test
    void aRobotAnswerWithItsUsageReportMovesTheVersionByOneLikeAHumans() {
      // Given round 1 is taking answers
      playUntilRoundOneIsOpen(SETTINGS);
      long before = table.state.version();

      // When a robot reports its LLM usage, then submits its answer, as robots do
      Step reported = table.robotDone("r1", "cmd-r1-1", "response", 400, 30, 0.0012);
      table.robotAnswer("r1", "Rain on hot asphalt");

      // Then the usage is stored without a version of its own, and the answer moved the version by exactly one
      assertThat(reported.changed()).isTrue();
      assertThat(reported.state().version()).isEqualTo(before);
      assertThat(table.state.version()).isEqualTo(before + 1);
      assertThat(table.state.usage().total().calls()).isEqualTo(1);
    }

    @Test
    void aRobotVoteWithItsUsageReportMovesTheVersionByOne() {
      // Given voting is open
      playUntilRoundOneIsOpen(SETTINGS);
      table.deadline();
      long before = table.state.version();

      // When a robot reports its vote's usage, then votes
      table.apply(done("r1", 1, "cmd-r1-1v", "vote", false, 500, 5, 0.0008));
      table.robotVote("r1", "ann");

      // Then the version moved by exactly one, as for a human's vote
      assertThat(table.state.version()).isEqualTo(before + 1);
      table.vote(token("ann"), "bob");
      assertThat(table.state.version()).isEqualTo(before + 2);
    }
  }

  @Nested
  class LlmUsageTotals {

    @Test
    void usageAddsUpAcrossRobotsAndRounds() {
      // Given round 1 is taking answers
      playUntilRoundOneIsOpen(SETTINGS);

      // When both robots report their answers, one of them a fallback that called no model
      Step reported = table.robotDone("r1", "cmd-r1-1", "response", 400, 30, 0.0012);
      table.apply(done("r2", 1, "cmd-r2-1", "response", true, 0, 0, 0));

      // And, once round 2 is open, r1 reports its vote of round 1 late and its answer of round 2
      table.deadline();
      table.deadline();
      table.deadline();
      table.seat("r1", "r2");
      table.apply(done("r1", 1, "cmd-r1-1v", "vote", false, 500, 5, 0.0008));
      table.robotDone("r1", "cmd-r1-2", "response", 450, 40, 0.0013);

      // Then each report is a change stored under the same version, with no events, and the state holds the sum
      assertThat(reported.changed()).isTrue();
      assertThat(reported.events()).isEmpty();
      assertThat(reported.reply()).isNull();
      LlmUsage total = table.state.usage().total();
      assertThat(total.calls()).isEqualTo(4);
      assertThat(total.fallbacks()).isEqualTo(1);
      assertThat(total.inputTokens()).isEqualTo(1350);
      assertThat(total.outputTokens()).isEqualTo(75);
      assertThat(total.costUsd()).isCloseTo(0.0033, within(1e-12));
      assertThat(table.state.usage().counted())
          .containsExactly("cmd-r1-1/response", "cmd-r2-1/response", "cmd-r1-1v/vote", "cmd-r1-2/response");
    }

    @Test
    void aRedeliveredReportIsNotCountedTwice() {
      // Given r1's answer was counted
      playUntilRoundOneIsOpen(SETTINGS);
      table.robotDone("r1", "cmd-r1-1", "response", 400, 30, 0.0012);
      MatchState counted = table.state;

      // When the same report is delivered again, even in a later phase
      table.deadline();
      MatchState voting = table.state;
      Step again = table.robotDone("r1", "cmd-r1-1", "response", 400, 30, 0.0012);

      // Then nothing changes
      assertIgnored(again);
      assertThat(table.state).isSameAs(voting);
      assertThat(table.state.usage()).isEqualTo(counted.usage());
    }

    @Test
    void reportsForAnUnknownMatchOrWithoutACommandAreIgnored() {
      // Given no match m1, a report for it is read but changes nothing
      RobotResponse.ResponseComplete forNoMatch = done("r1", 1, "cmd-r1-1", "response", false, 400, 30, 0.0012);
      assertThat(MatchMachine.uses(forNoMatch)).isTrue();
      assertIgnored(machine.apply(null, forNoMatch, T0, T0));

      // Given then a match that has seen no robot work yet
      playUntilRoundOneIsOpen(SETTINGS);

      // When a report names no command, it cannot be told from a re-delivery: it is not counted
      assertIgnored(table.robotDone("r1", null, "response", 400, 30, 0.0012));
      assertThat(table.state.usage()).isEqualTo(MatchState.Usage.NONE);
    }

    @Test
    void theCompletedEventCarriesTheTotalsAndLaterReportsStillCount() {
      // Given a one-round match where both robots reported their answers
      playUntilRoundOneIsOpen(new MatchSettings(4, 2, 1, 60, 30, 0));
      table.robotDone("r1", "cmd-r1-1", "response", 400, 30, 0.0012);
      table.robotDone("r2", "cmd-r2-1", "response", 300, 20, 0.0009);
      LlmUsage beforeTheEnd = table.state.usage().total();

      // When it completes
      table.deadline();
      Step end = table.deadline();

      // Then match.completed carries what had been spent
      assertThat(event(end, MatchEvent.Completed.class).llmUsage()).isEqualTo(beforeTheEnd);
      assertThat(beforeTheEnd.calls()).isEqualTo(2);

      // When r1's vote is reported once the match is over (robots report just after submitting)
      Step late = table.apply(done("r1", 1, "cmd-r1-1v", "vote", false, 500, 5, 0.0008));

      // Then the state counts it too, still completed, with no new events or deadline
      assertThat(late.events()).isEmpty();
      assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
      assertThat(table.state.usage().total().calls()).isEqualTo(3);
      assertThat(table.state.usage().total().costUsd()).isCloseTo(0.0029, within(1e-12));
      assertThat(machine.deadline(table.state)).contains(forgetting(table.state));

      // And the state with its usage survives the trip through the state topic's codec
      String json = Json.write(Envelope.of("match.state", "test", MATCH, table.state, null, null));
      assertThat(EventCodec.decode(Topic.MATCH_STATE, json).payload()).isEqualTo(table.state);
    }
  }

  @Test
  void aRoundStartAppliedTwiceToTheSameStateDecidesTheSame() {
    // Given a match that waits for its last human
    table.apply(create(SETTINGS));
    table.apply(join("ann"));
    MatchState before = table.state;

    // When the join that starts round 1 is applied twice to the same stored state (a failed write, a redelivery)
    Step first = machine.apply(before, join("bob"), T0, T0);
    Step again = machine.apply(before, join("bob"), T0, T0);

    // Then both steps are identical: the same letters, prompt and robots request id
    assertThat(again).isEqualTo(first);
    assertThat(event(first, MatchEvent.RobotsNeeded.class).correlationId()).isEqualTo(MATCH + "/round-1");
  }

  @Test
  void aRoundWaitingForItsRobotsAsksAgainAndIsCancelledAtTheMaximum() {
    // Given round 1 waiting for its robots (robotWaitSeconds 10, robotWaitMaxSeconds 60)
    table.apply(create(SETTINGS));
    table.apply(join("ann"));
    table.apply(join("bob"));
    MatchEvent.RobotsNeeded first = table.robotsNeeded();
    assertThat(machine.deadline(table.state)).contains(new Deadline(MATCH, 1, Phase.STARTING, T0.plusSeconds(10)));

    // When no robots come by its deadline, then the same request goes out again, each time after as long again as
    // the round has waited (10, 20, 40 s): a backlog at the orchestrator is not fed a re-send every 10 s per round
    for (int second : new int[] {10, 20, 40}) {
      Step again = table.deadline();
      assertThat(table.now).isEqualTo(T0.plusSeconds(second));
      assertThat(again.events()).containsExactly(new Step.Outgoing(first, first.correlationId()));
      assertThat(table.state.status()).isEqualTo(Status.RUNNING);
      assertThat(table.round().phase()).isEqualTo(Phase.STARTING);
    }

    // When robotWaitMaxSeconds have passed, then the match is cancelled, with a reason, and waits only to be forgotten
    Step cancelled = table.deadline();
    assertThat(table.now).isEqualTo(T0.plusSeconds(60));
    assertThat(cancelled.events()).extracting(Step.Outgoing::event)
        .containsExactly(new MatchEvent.Cancelled(MATCH, "no robots came within 60 s"));
    assertThat(table.state.status()).isEqualTo(Status.CANCELLED);
    assertThat(table.state.completedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(machine.deadline(table.state)).contains(forgetting(table.state));

    // And robots that come late are not seated, and nobody can join or answer
    assertIgnored(table.seat("r1", "r2"));
    assertRejected(table.apply(join("cat")), 409, "the match is already over");
  }

  @Test
  void robotsThatComeAfterARequestWasSentAgainAreSeated() {
    // Given round 1 that asked for its robots twice
    table.apply(create(SETTINGS));
    table.apply(join("ann"));
    table.apply(join("bob"));
    table.deadline();

    // When the (one) assignment arrives, then the round starts
    table.seat("r1", "r2");
    assertThat(table.round().phase()).isEqualTo(Phase.RESPONDING);
  }

  @Test
  void everyWaitingOrRunningStateHasADeadline() {
    // Given a match walked through every phase: lobby, robots, answers, votes, intermission, to the end
    table.apply(create(SETTINGS));
    assertThat(machine.deadline(table.state)).as("lobby").isPresent();
    table.apply(join("ann"));
    assertThat(machine.deadline(table.state)).as("lobby").isPresent();
    table.apply(join("bob"));
    for (int round = 1; round <= SETTINGS.rounds(); round++) {
      assertThat(machine.deadline(table.state)).as("round %d waiting for robots", round).isPresent();
      table.seat("r1", "r2");
      assertThat(machine.deadline(table.state)).as("round %d answers", round).isPresent();
      table.deadline();
      assertThat(table.round().phase()).isEqualTo(Phase.VOTING);
      assertThat(machine.deadline(table.state)).as("round %d votes", round).isPresent();
      table.deadline();
      assertThat(table.round().phase()).isEqualTo(Phase.SCORED);
      assertThat(machine.deadline(table.state)).as("round %d intermission", round).isPresent();
      table.deadline();
    }
    // Then the finished match waits only to be forgotten
    assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
    assertThat(machine.deadline(table.state)).contains(forgetting(table.state));
  }

  @Test
  void aRoundFromBeforeTheWaitWasKeptAsksAgainAtOnce() {
    // Given a round stored before its wait start was kept: waiting for robots with no deadline
    table.apply(create(SETTINGS));
    table.apply(join("ann"));
    table.apply(join("bob"));
    Round old = table.round();
    table.state = MatchStates.withCurrentRound(table.state, new Round(old.number(), old.phase(), old.prompt(), null,
        old.letters(), "old-request", old.responses(), old.votes(), old.points()));

    // When its deadline comes (the match's creation: at once), then it asks again under its stored request id
    Step again = table.deadline();
    assertThat(event(again, MatchEvent.RobotsNeeded.class).correlationId()).isEqualTo("old-request");

    // And from then on it is cancelled robotWaitMaxSeconds later
    assertThat(machine.deadline(table.state).orElseThrow().at()).isEqualTo(T0.plusSeconds(10));
  }

  @Nested
  class Forgetting {

    @Test
    void aCompletedMatchIsForgottenRetainMinutesAfterItEnded() {
      // Given a one-round match that completed
      playUntilRoundOneIsOpen(new MatchSettings(4, 2, 1, 60, 30, 0));
      table.deadline();
      table.deadline();
      assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
      Deadline forget = machine.deadline(table.state).orElseThrow();
      assertThat(forget).isEqualTo(forgetting(table.state));
      assertThat(forget.at()).isEqualTo(table.state.completedAt().plusSeconds(3600));

      // When a timer for another instant goes off, then nothing happens
      assertIgnored(machine.onDeadline(table.state, new Deadline(MATCH, 1, null, forget.at().minusSeconds(1), true),
          forget.at()));

      // When its retention is up, then the step says forget it: no new state, no events, no reply
      Step step = machine.onDeadline(table.state, forget, forget.at());
      assertThat(step).isEqualTo(Step.forgotten());
      assertThat(step.forget()).isTrue();
      assertThat(step.changed()).isFalse();
    }

    @Test
    void expiredAndCancelledMatchesAreForgottenToo() {
      // Given a match that expired in its lobby
      table.apply(create(SETTINGS));
      table.deadline();
      assertThat(table.state.status()).isEqualTo(Status.EXPIRED);

      // Then it is forgotten an hour later
      assertThat(table.deadline().forget()).isTrue();
      assertThat(table.now).isEqualTo(T0.plusSeconds(600 + 3600));

      // Given a match cancelled because its robots never came
      Table other = new Table(machine);
      other.apply(create(SETTINGS));
      other.apply(join("ann"));
      other.apply(join("bob"));
      while (other.state.status() == Status.RUNNING) {
        other.deadline();
      }
      assertThat(other.state.status()).isEqualTo(Status.CANCELLED);

      // Then it is forgotten an hour after it was cancelled
      Instant cancelledAt = other.state.completedAt();
      assertThat(other.deadline().forget()).isTrue();
      assertThat(other.now).isEqualTo(cancelledAt.plusSeconds(3600));
    }

    @Test
    void aForgottenMatchAnswersCommandsWith404AndAReplayedCreateWith410() {
      // Given a match that was played, forgotten, and is no longer held (the service holds null for it)
      Instant issued = T0;
      Instant later = T0.plusSeconds(2 * 3600);

      // Then joins, answers and votes for it are 404, robots' records are ignored
      assertRejected(machine.apply(null, join("ann"), later, later), 404, "no such match");
      assertRejected(machine.apply(null, new MatchCommand.SubmitResponse(MATCH, token("ann"), 1, "hi"), later, later),
          404, "no such match");
      assertRejected(machine.apply(null, new MatchCommand.SubmitVote(MATCH, token("ann"), 1, "A"), later, later),
          404, "no such match");
      assertIgnored(machine.apply(null, done("r1", 1, "cmd", "vote", false, 1, 1, 0), later, later));

      // And its create, delivered again hours after it was issued, does not bring it back
      assertRejected(machine.apply(null, create(SETTINGS), issued, later), 410,
          "this create is older than match.retainMinutes (60 min): its match may be over and forgotten");

      // While a create that waited less than match.retainMinutes (a broker outage) still creates its match
      Step late = machine.apply(null, create(SETTINGS), later.minusSeconds(3599), later);
      assertThat(late.state().status()).isEqualTo(Status.WAITING);
    }
  }

  @Nested
  class AppliedTwice {

    /** Applies {@code input}, then the same again as a redelivery: the second must change nothing. */
    Step twice(Event input) {
      Step first = table.apply(input);
      MatchState after = table.state;
      Step again = machine.apply(after, input, table.now, table.now);
      assertThat(again.changed()).as("%s applied again changes the state", input).isFalse();
      assertThat(again.events()).as("%s applied again emits", input).isEmpty();
      assertThat(again.forget()).isFalse();
      assertThat(again.reply()).as("%s applied again is answered as before", input).isEqualTo(first.reply());
      return first;
    }

    /** The deadline goes off, then the same timer once more: the second does nothing. */
    void deadlineTwice() {
      Deadline deadline = machine.deadline(table.state).orElseThrow();
      table.deadline();
      assertIgnored(machine.onDeadline(table.state, deadline, table.now));
    }

    @Test
    void everyInputOfAWholeMatchAppliedTwiceChangesNothing() {
      // Given every input of a two-round match, each delivered twice
      assertAccepted(twice(create(SETTINGS)), "match.create");
      twice(join("ann"));
      twice(join("bob"));
      for (int round = 1; round <= SETTINGS.rounds(); round++) {
        MatchEvent.RobotsNeeded need = table.robotsNeeded();
        twice(new OrchestrationEvent.RobotsAssigned(MATCH, round, List.of(
            new AssignedRobot("r1", need.identities().get(0), "t1"),
            new AssignedRobot("r2", need.identities().get(1), "t2")), need.correlationId()));
        twice(new MatchCommand.SubmitResponse(MATCH, token("ann"), round, "Toast " + round));
        twice(done("r1", round, "answer-r1-" + round, "response", false, 400, 30, 0.001));
        twice(new RobotResponse.ResponseSubmitted(MATCH, round, "r1", table.letterOf("r1"), "Rain " + round, "c"));
        twice(new RobotResponse.ResponseSubmitted(MATCH, round, "r2", table.letterOf("r2"), "Snow " + round, "c"));
        twice(new MatchCommand.SubmitResponse(MATCH, token("bob"), round, "Tea " + round));
        assertThat(table.round().phase()).isEqualTo(Phase.VOTING);
        twice(new MatchCommand.SubmitVote(MATCH, token("ann"), round, table.letterOf("r1")));
        twice(done("r2", round, "vote-r2-" + round, "vote", false, 500, 5, 0.002));
        twice(new RobotResponse.VoteSubmitted(MATCH, round, "r2", table.letterOf("r2"), table.letterOf("ann"), "c"));
        twice(new RobotResponse.VoteSubmitted(MATCH, round, "r1", table.letterOf("r1"), table.letterOf("bob"), "c"));
        twice(new MatchCommand.SubmitVote(MATCH, token("bob"), round, table.letterOf("r2")));
        assertThat(table.round().phase()).isEqualTo(Phase.SCORED);
        // The round transitions: the intermission's end fired twice
        deadlineTwice();
      }

      // Then the match completed with each action counted once
      assertThat(table.state.status()).isEqualTo(Status.COMPLETED);
      assertThat(table.state.usage().total().calls()).isEqualTo(4);
      assertThat(table.state.scores().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(table.state.rounds().stream().flatMap(r -> r.points().values().stream())
              .mapToInt(Integer::intValue).sum());
      // And even the forgetting, fired twice, forgets once: the second finds nothing (the verticle holds null)
      Deadline forget = machine.deadline(table.state).orElseThrow();
      assertThat(machine.onDeadline(table.state, forget, forget.at()).forget()).isTrue();
      assertIgnored(machine.onDeadline(null, forget, forget.at()));
    }

    @Test
    void phaseEndsAndRetriesFiredTwiceChangeNothing() {
      // Given a round that waits for its robots: its retry fires twice
      table.apply(create(SETTINGS));
      table.apply(join("ann"));
      table.apply(join("bob"));
      deadlineTwice();
      // When its robots come, answers and votes close at their deadlines, each timer firing twice
      table.seat("r1", "r2");
      deadlineTwice();
      assertThat(table.round().phase()).isEqualTo(Phase.VOTING);
      deadlineTwice();
      assertThat(table.round().phase()).isEqualTo(Phase.SCORED);
      deadlineTwice();
      // Then round 2 started once
      assertThat(table.state.rounds()).hasSize(2);
      assertThat(table.round().phase()).isEqualTo(Phase.STARTING);
    }
  }
}
