package arena.match;

import static arena.match.MatchStates.withCurrentRound;
import static arena.match.MatchStates.withLetters;
import static arena.match.MatchStates.withNewRound;
import static arena.match.MatchStates.withPhase;
import static arena.match.MatchStates.withPlayer;
import static arena.match.MatchStates.withPoints;
import static arena.match.MatchStates.withResponse;
import static arena.match.MatchStates.withRobot;
import static arena.match.MatchStates.withScores;
import static arena.match.MatchStates.withSettings;
import static arena.match.MatchStates.withStatus;
import static arena.match.MatchStates.withUsage;
import static arena.match.MatchStates.withVersion;
import static arena.match.MatchStates.withVote;
import static arena.match.MatchStates.withWaitSince;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.game.MatchRules;
import arena.shared.game.Text;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Robot;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole game, as a pure function: (state, input, when it was issued, now) to {@link Step}. No Kafka, no
 * timers: the verticle publishes what a step says and arms the timer for {@link #deadline(MatchState)}, which
 * for a match that is over is when to forget it. Every input applied again to the state it produced (a
 * redelivery) changes nothing, and a command is answered as the first time.
 *
 * <p>Until the orchestrator seats the robots, {@link Round#letters()} holds only the humans; the robots'
 * letters are the rest of the first {@code seats} letters (see {@link #robotLetters}), so no placeholder keys
 * are ever stored. Every step that changes what a player or spectator can see increments the version exactly
 * once; a robot's usage report changes only the secret {@link MatchState#usage()}, so it is stored under the same
 * version (otherwise a robot's answer would move the version by two and a human's by one).
 */
public final class MatchMachine {
  private static final Logger log = LoggerFactory.getLogger(MatchMachine.class);

  public static final String CREATE = "match.create";
  public static final String JOIN = "player.join";
  public static final String RESPOND = "response.submit";
  public static final String VOTE = "vote.submit";
  /** How long after it was written a robot's vote may wait for its round's voting: see {@link #votingOnItsWay}. */
  static final Duration VOTE_HOLD = Duration.ofSeconds(30);

  private final Ruleset ruleset;
  private final PromptDeck deck;
  private final RandomGenerator random;
  private final MatchRules rules;

  /**
   * {@code random} draws each new match's seed, nothing else: what a round deals comes from that seed, so a step
   * applied again to the same stored state (a failed write, a redelivery, a handover) decides the same.
   */
  public MatchMachine(Ruleset ruleset, PromptDeck deck, RandomGenerator random, MatchRules rules) {
    this.ruleset = ruleset;
    this.deck = deck;
    this.random = random;
    this.rules = rules;
    if (deck.size() < rules.limits().maxRounds()) {
      throw new IllegalArgumentException("the prompt deck holds " + deck.size() + " prompts, fewer than "
          + "match.limits.maxRounds (" + rules.limits().maxRounds() + "): a match would repeat a prompt");
    }
  }

  /** The kinds of record the match service acts on at all. */
  public static final Set<Class<? extends Event>> USES = Set.of(MatchCommand.Create.class, MatchCommand.Join.class,
      MatchCommand.SubmitResponse.class, MatchCommand.SubmitVote.class, OrchestrationEvent.RobotsAssigned.class,
      OrchestrationEvent.RobotsUnavailable.class, RobotResponse.ResponseSubmitted.class,
      RobotResponse.VoteSubmitted.class, RobotResponse.ResponseComplete.class);

  public static boolean uses(Event input) {
    return USES.contains(input.getClass());
  }

  /**
   * @param state    the match as it is now, or null if this service does not hold it (never seen, or forgotten)
   * @param issuedAt when the input was written (its envelope's time)
   */
  public Step apply(MatchState state, Event input, Instant issuedAt, Instant now) {
    if (input instanceof MatchCommand.Create c) {
      return create(state, c, issuedAt, now);
    } else if (input instanceof MatchCommand.Join c) {
      return join(state, c, now);
    } else if (input instanceof MatchCommand.SubmitResponse c) {
      return submitResponse(state, c, now);
    } else if (input instanceof MatchCommand.SubmitVote c) {
      return submitVote(state, c, now);
    } else if (input instanceof OrchestrationEvent.RobotsAssigned e) {
      return robotsAssigned(state, e, now);
    } else if (input instanceof OrchestrationEvent.RobotsUnavailable e) {
      return robotsUnavailable(state, e, now);
    } else if (input instanceof RobotResponse.ResponseSubmitted e) {
      return robotAnswer(state, e, now);
    } else if (input instanceof RobotResponse.VoteSubmitted e) {
      return robotVote(state, e, issuedAt, now);
    } else if (input instanceof RobotResponse.ResponseComplete e) {
      return robotWorkDone(state, e);
    }
    return Step.ignored();
  }

  /**
   * The inputs that came together for a match (in the order they were read), applied in turn, each to the state the
   * one before made, as one step: one state for them all. An input that cannot be applied is poison, one that came
   * before what it follows from is early; either is left out, and the rest go on without it.
   */
  public Fold fold(MatchState state, List<Envelope<Event>> inputs, Instant now) {
    MatchState folded = state;
    List<Fold.Out> events = new ArrayList<>();
    List<Fold.Out> replies = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    Map<Integer, RuntimeException> failed = new HashMap<>();
    int changing = 0;
    String correlationId = null;
    for (int i = 0; i < inputs.size(); i++) {
      Envelope<Event> in = inputs.get(i);
      Step step;
      try {
        step = apply(folded, in.payload(), in.occurredAt(), now);
      } catch (RuntimeException e) {
        // A function of the state and the input: what it cannot apply now it never will.
        failed.put(i, new PoisonRecordException("cannot apply " + in.eventType() + ": " + e, e));
        continue;
      }
      if (step.early()) {
        // Transient, not poison: its partition reads it again after a backoff, when what it follows has come.
        failed.put(i, new IllegalStateException(in.eventType() + " came before what it follows from; read again "
            + "later"));
        continue;
      }
      taken.add(in.eventId());
      for (Step.Outgoing out : step.events()) {
        events.add(new Fold.Out(out.event(), out.correlationId() != null ? out.correlationId() : in.correlationId(),
            in.eventId()));
      }
      if (step.reply() != null) {
        replies.add(new Fold.Out(step.reply(), in.correlationId(), in.eventId()));
      }
      if (step.changed()) {
        folded = step.state();
        changing = taken.size();
        correlationId = in.correlationId();
      }
    }
    return new Fold(changing == 0 ? null : folded, events, replies, taken.subList(0, changing), correlationId,
        failed);
  }

  /** The deadline {@code state} waits for, if any: the verticle arms a timer for it. */
  public Optional<Deadline> deadline(MatchState state) {
    return Deadline.of(state, rules);
  }

  /**
   * A timer went off: end the phase (or the lobby) it was armed for, if that is still what the match waits for.
   * A lobby deadline that is the match's expiry expires it; otherwise the quick-play lobby closes and it starts.
   * A match over for {@code match.retainMinutes} is forgotten: its trail stays in the event topics.
   */
  public Step onDeadline(MatchState state, Deadline deadline, Instant now) {
    if (!deadline(state).map(deadline::equals).orElse(false)) {
      log.debug("{}: stale deadline {}", deadline.matchId(), deadline);
      return Step.ignored();
    }
    if (deadline.forget()) {
      log.info("{}: {} {} min ago, forgotten", state.matchId(), state.status(), rules.retainMinutes());
      return Step.forgotten();
    }
    Changes ch = new Changes(state);
    if (deadline.lobby()) {
      if (rules.expiresAt(state).filter(at -> !at.isAfter(deadline.at())).isPresent()) {
        expire(ch, now);
      } else {
        closeLobby(ch, now);
      }
      return ch.commit();
    }
    switch (deadline.phase()) {
      case STARTING -> robotsLate(ch, now);
      case RESPONDING -> startVoting(ch, now);
      case VOTING -> scoreRound(ch, now);
      case SCORED -> afterIntermission(ch, now);
      default -> {
        return Step.ignored();
      }
    }
    return ch.commit();
  }

  // --- commands -------------------------------------------------------------------------------------------

  private Step create(MatchState state, MatchCommand.Create c, Instant issuedAt, Instant now) {
    if (blank(c.matchId())) {
      return Step.rejected(c.matchId(), CREATE, 400, "a match needs an id");
    }
    if (state != null) {
      // Match ids are the gateway's fresh UUIDs: the same id and settings is the same create delivered again.
      return state.settings().equals(c.settings())
          ? Step.replied(new MatchEvent.CommandAccepted(c.matchId(), CREATE, state.version()))
          : Step.rejected(c.matchId(), CREATE, 409, "match " + c.matchId() + " already exists");
    }
    // A match may have been played and forgotten since: a create this old cannot be told from its replay.
    if (issuedAt.plus(Duration.ofMinutes(rules.retainMinutes())).isBefore(now)) {
      return Step.rejected(c.matchId(), CREATE, 410, "this create is older than match.retainMinutes ("
          + rules.retainMinutes() + " min): its match may be over and forgotten");
    }
    String problem = rules.problemWith(c.settings());
    if (problem != null) {
      return Step.rejected(c.matchId(), CREATE, 400, problem);
    }
    Changes ch = new Changes(new MatchState(c.matchId(), c.settings(), Status.WAITING, 0, now, null,
        List.of(), List.of(), List.of(), Map.of(), List.of(), Usage.NONE, random.nextLong()));
    ch.emit(new MatchEvent.Created(c.matchId(), c.settings(), now));
    return ch.accept(CREATE);
  }

  private Step join(MatchState state, MatchCommand.Join c, Instant now) {
    if (state == null) {
      return Step.rejected(c.matchId(), JOIN, 404, "no such match");
    }
    if (blank(c.playerId()) || blank(c.tokenHash())) {
      return Step.rejected(c.matchId(), JOIN, 400, "a player needs an id and a token");
    }
    String name = Text.normalize(c.name());
    String badName = rules.nameProblem(name);
    if (badName != null) {
      return Step.rejected(c.matchId(), JOIN, 400, badName);
    }
    Player already = state.players().stream().filter(p -> p.playerId().equals(c.playerId())).findFirst()
        .orElse(null);
    if (already != null) {
      // The same join delivered again: answer it again, change nothing.
      return already.tokenHash().equals(c.tokenHash())
          ? Step.replied(new MatchEvent.CommandAccepted(c.matchId(), JOIN, state.version()))
          : Step.rejected(c.matchId(), JOIN, 409, "player " + c.playerId() + " has already joined");
    }
    if (state.status() == Status.COMPLETED || state.status() == Status.CANCELLED) {
      return Step.rejected(c.matchId(), JOIN, 409, "the match is already over");
    }
    // Past its expiry, a timer that has not fired yet must not let one more player in.
    if (state.status() == Status.EXPIRED || rules.expiresAt(state).filter(at -> !now.isBefore(at)).isPresent()) {
      return Step.rejected(c.matchId(), JOIN, 409, "the match has expired");
    }
    int needed = state.settings().humans();
    if (state.status() == Status.RUNNING) {
      return Step.rejected(c.matchId(), JOIN, 409, "the match has already started");
    }
    if (state.players().size() >= needed) {
      return Step.rejected(c.matchId(), JOIN, 409, "the match is full");
    }
    if (state.playerByTokenHash(c.tokenHash()).isPresent()) {
      return Step.rejected(c.matchId(), JOIN, 409, "that token already belongs to a player");
    }
    Changes ch = new Changes(withPlayer(state, new Player(c.playerId(), name, c.tokenHash(), now)));
    int joined = ch.state.players().size();
    ch.emit(new MatchEvent.PlayerJoined(c.matchId(), c.playerId(), joined, needed));
    if (joined == needed) {
      startMatch(ch, now);
    }
    return ch.accept(JOIN);
  }

  private Step submitResponse(MatchState state, MatchCommand.SubmitResponse c, Instant now) {
    if (state == null) {
      return Step.rejected(c.matchId(), RESPOND, 404, "no such match");
    }
    Player player = state.playerByTokenHash(c.tokenHash()).orElse(null);
    if (player == null) {
      return Step.rejected(c.matchId(), RESPOND, 401, "not a player of this match");
    }
    String text = Text.normalize(c.text());
    if (text.equals(given(state, c.round(), Round::responses, player.playerId()))) {
      // Delivered again, maybe after the answer closed the phase (or the match): accepted again, nothing changes.
      return Step.replied(new MatchEvent.CommandAccepted(c.matchId(), RESPOND, state.version()));
    }
    Round round = openRound(state, c.round());
    if (round == null) {
      return Step.rejected(c.matchId(), RESPOND, 409, "round " + c.round() + " is not open");
    }
    if (round.phase() != Phase.RESPONDING) {
      return Step.rejected(c.matchId(), RESPOND, 409, "round " + c.round() + " is not taking answers now");
    }
    if (round.responses().containsKey(player.playerId())) {
      return Step.rejected(c.matchId(), RESPOND, 409, "already answered");
    }
    String badText = rules.answerProblem(text);
    if (badText != null) {
      return Step.rejected(c.matchId(), RESPOND, 400, badText);
    }
    Changes ch = new Changes(state);
    answer(ch, player.playerId(), text, now);
    return ch.accept(RESPOND);
  }

  private Step submitVote(MatchState state, MatchCommand.SubmitVote c, Instant now) {
    if (state == null) {
      return Step.rejected(c.matchId(), VOTE, 404, "no such match");
    }
    Player player = state.playerByTokenHash(c.tokenHash()).orElse(null);
    if (player == null) {
      return Step.rejected(c.matchId(), VOTE, 401, "not a player of this match");
    }
    if (c.identity() != null && c.identity().equals(given(state, c.round(), Round::votes, player.playerId()))) {
      // Delivered again, maybe after the vote closed the round (or the match): accepted again, nothing changes.
      return Step.replied(new MatchEvent.CommandAccepted(c.matchId(), VOTE, state.version()));
    }
    Round round = openRound(state, c.round());
    if (round == null) {
      return Step.rejected(c.matchId(), VOTE, 409, "round " + c.round() + " is not open");
    }
    if (round.phase() != Phase.VOTING) {
      return Step.rejected(c.matchId(), VOTE, 409, "round " + c.round() + " is not taking votes now");
    }
    if (round.votes().containsKey(player.playerId())) {
      return Step.rejected(c.matchId(), VOTE, 409, "already voted");
    }
    if (c.identity() == null || !round.letters().containsValue(c.identity())) {
      return Step.rejected(c.matchId(), VOTE, 400, "unknown letter " + c.identity());
    }
    if (c.identity().equals(round.letters().get(player.playerId()))) {
      return Step.rejected(c.matchId(), VOTE, 400, "you cannot vote for yourself");
    }
    Changes ch = new Changes(state);
    vote(ch, player.playerId(), c.identity(), now);
    return ch.accept(VOTE);
  }

  // --- orchestration and robots ---------------------------------------------------------------------------

  private Step robotsAssigned(MatchState state, OrchestrationEvent.RobotsAssigned e, Instant now) {
    Round round = waitingForRobots(state, e.round(), e.correlationId());
    if (round == null) {
      log.debug("{}: ignoring stale or duplicate robots assignment {}", e.matchId(), e.correlationId());
      return Step.ignored();
    }
    Set<String> wanted = new HashSet<>(robotLetters(state, round));
    List<OrchestrationEvent.AssignedRobot> robots = e.robots() == null ? List.of() : e.robots();
    Set<String> given = robots.stream().map(OrchestrationEvent.AssignedRobot::identity).collect(Collectors.toSet());
    long distinctIds = robots.stream().map(OrchestrationEvent.AssignedRobot::id).filter(id -> !blank(id))
        .filter(id -> !state.isHuman(id)).distinct().count();
    if (robots.size() != wanted.size() || !given.equals(wanted) || distinctIds != robots.size()) {
      log.warn("{}: ignoring robots assignment {} that does not fit round {} (wanted letters {}, got {})",
          e.matchId(), e.correlationId(), round.number(), wanted, robots);
      return Step.ignored();
    }
    Changes ch = new Changes(state);
    Map<String, String> letters = new LinkedHashMap<>(round.letters());
    for (OrchestrationEvent.AssignedRobot robot : robots) {
      letters.put(robot.id(), robot.identity());
      ch.state = withRobot(ch.state, new Robot(robot.id(), robot.type()));
    }
    Instant deadline = now.plusSeconds(state.settings().responseSeconds());
    Round seated = withPhase(withLetters(round, letters), Phase.RESPONDING, deadline);
    ch.state = withCurrentRound(ch.state, seated);
    ch.emit(new MatchEvent.RoundStarted(state.matchId(), round.number(), sortedLetters(seated), round.prompt(),
        deadline));
    return ch.commit();
  }

  private Step robotsUnavailable(MatchState state, OrchestrationEvent.RobotsUnavailable e, Instant now) {
    if (waitingForRobots(state, e.round(), e.correlationId()) == null) {
      log.debug("{}: ignoring stale robots-unavailable {}", e.matchId(), e.correlationId());
      return Step.ignored();
    }
    log.warn("{}: round {} needs {} robots but the pool has only {}; ending the match now", e.matchId(), e.round(),
        e.requested(), e.poolSize());
    Changes ch = new Changes(state);
    complete(ch, now);
    return ch.commit();
  }

  private Step robotAnswer(MatchState state, RobotResponse.ResponseSubmitted e, Instant now) {
    Round waiting = state == null || state.isHuman(e.robotId()) ? null : openRound(state, e.round());
    if (waiting != null && waiting.phase() == Phase.STARTING) {
      // Robots answer only once a round started: its assignment is on its way to this service (a new owner of the
      // match, which read an older state, reads it again), and the answer must not be lost meanwhile.
      log.debug("{}: answer of {} for round {} came before its seat; reading it again later", e.matchId(),
          e.robotId(), e.round());
      return Step.tooEarly();
    }
    Round round = robotSeat(state, e.round(), e.robotId(), e.identity(), Phase.RESPONDING);
    // The same cleaning as a human's answer, so nothing but the words tells them apart.
    String text = Text.cut(Text.normalize(e.text()), rules.answerMaxChars());
    if (round == null || round.responses().containsKey(e.robotId()) || text.isEmpty()) {
      log.debug("{}: ignoring answer of {} as {} for round {}", e.matchId(), e.robotId(), e.identity(), e.round());
      return Step.ignored();
    }
    Changes ch = new Changes(state);
    answer(ch, e.robotId(), text, now);
    return ch.commit();
  }

  private Step robotVote(MatchState state, RobotResponse.VoteSubmitted e, Instant issuedAt, Instant now) {
    if (votingOnItsWay(robotSeat(state, e.round(), e.robotId(), e.identity(), Phase.RESPONDING), issuedAt, now)) {
      log.debug("{}: vote of {} for round {} came before its voting; reading it again later", e.matchId(),
          e.robotId(), e.round());
      return Step.tooEarly();
    }
    Round round = robotSeat(state, e.round(), e.robotId(), e.identity(), Phase.VOTING);
    if (round == null || round.votes().containsKey(e.robotId()) || e.vote() == null
        || !round.letters().containsValue(e.vote()) || e.vote().equals(e.identity())) {
      log.debug("{}: ignoring vote of {} as {} for {} in round {}", e.matchId(), e.robotId(), e.identity(),
          e.vote(), e.round());
      return Step.ignored();
    }
    Changes ch = new Changes(state);
    vote(ch, e.robotId(), e.vote(), now);
    return ch.commit();
  }

  /**
   * Whether voting in {@code responding} (a round still taking answers, null if not) may be on its way, so that a
   * robot's vote for it is read again later rather than dropped. Robots vote only once voting started: a new owner
   * of the match that restored the state from before it turns the round again itself, by its deadline timer (armed
   * as the state was restored, due at once if the deadline passed) or by the round's last answer (an input not
   * committed, read again right after the restore). Only these two states wait, and only for a vote younger than a
   * handover takes (a dead owner's session times out after 10 s, then its states are read back): anything else is
   * ignored at once, because a vote held back holds every match of its partition.
   */
  private static boolean votingOnItsWay(Round responding, Instant issuedAt, Instant now) {
    if (responding == null || issuedAt.plus(VOTE_HOLD).isBefore(now)) {
      return false;
    }
    boolean due = responding.deadline() != null && !now.isBefore(responding.deadline());
    return due || responding.responses().size() >= responding.letters().size() - 1;
  }

  /**
   * Adds a robot's finished answer or vote to the match's LLM usage, in any phase and after the match completed
   * too: a robot reports just before submitting, but one that missed its deadline still reports what it cost,
   * possibly once the match is over. Each is counted once, by command and kind.
   */
  private Step robotWorkDone(MatchState state, RobotResponse.ResponseComplete e) {
    String key = e.commandId() + "/" + e.kind();
    if (state == null || blank(e.commandId()) || state.usage().counted().contains(key)) {
      log.debug("{}: not counting {} of {}: unknown match, no command, or counted already", e.matchId(), key,
          e.robotId());
      return Step.ignored();
    }
    List<String> counted = new ArrayList<>(state.usage().counted());
    counted.add(key);
    Usage usage = new Usage(state.usage().total().plus(e), List.copyOf(counted));
    return new Changes(withUsage(state, usage)).commitUnseen();
  }

  // --- transitions ----------------------------------------------------------------------------------------

  private void startMatch(Changes ch, Instant now) {
    ch.state = withStatus(ch.state, Status.RUNNING, null);
    ch.emit(new MatchEvent.Started(ch.state.matchId(), ch.state.settings().rounds()));
    startRound(ch, now);
  }

  /**
   * Nobody else came in time: the humans who joined play, and robots take every other seat. Recording them as
   * the match's humans keeps every later check (joins, views) consistent with who actually plays.
   */
  private void closeLobby(Changes ch, Instant now) {
    MatchSettings s = ch.state.settings();
    int joined = ch.state.players().size();
    log.info("{}: lobby closed with {} of {} humans; robots take the other {} seats", ch.state.matchId(), joined,
        s.humans(), s.seats() - joined);
    ch.state = withSettings(ch.state, new MatchSettings(s.seats(), joined, s.rounds(), s.responseSeconds(),
        s.voteSeconds(), s.intermissionSeconds(), s.lobbySeconds(), s.quickPlay()));
    startMatch(ch, now);
  }

  /** Nobody (or not everyone) came in time: the match ends without a round; no robot was ever seated. */
  private void expire(Changes ch, Instant now) {
    MatchState s = ch.state;
    log.info("{}: expired in its lobby with {} of {} humans", s.matchId(), s.players().size(),
        s.settings().humans());
    ch.state = withStatus(s, Status.EXPIRED, now);
    ch.emit(new MatchEvent.Expired(s.matchId(), s.players().size(), s.settings().humans()));
  }

  /**
   * Deals round {@code n} from the match's seed and {@code n} alone, and asks for its robots under the id
   * {@code <matchId>/round-<n>}: the same state always starts the same round with the same request.
   */
  private void startRound(Changes ch, Instant now) {
    MatchState s = ch.state;
    MatchSettings settings = s.settings();
    int number = s.rounds().size() + 1;
    RandomGenerator deal = new SplittableRandom(s.seed() ^ s.matchId().hashCode() ^ number * 0x9E3779B97F4A7C15L);
    int promptIndex = deck.pick(s.promptsUsed(), deal);
    List<String> shuffled = Letters.shuffled(settings.seats(), deal);
    Map<String, String> letters = new LinkedHashMap<>();
    for (int i = 0; i < s.players().size(); i++) {
      letters.put(s.players().get(i).playerId(), shuffled.get(i));
    }
    String request = s.matchId() + "/round-" + number;
    Instant wait = now.plusSeconds(rules.robotWaitSeconds());
    Round round = new Round(number, Phase.STARTING, deck.get(promptIndex), wait, Map.of(), request, Map.of(),
        Map.of(), Map.of(), now);
    ch.state = withNewRound(s, withLetters(round, letters), promptIndex);
    ch.emit(new MatchEvent.RoundStarting(s.matchId(), number));
    askForRobots(ch);
  }

  /**
   * The robots did not come in time: ask again with the very same request (the orchestrator answers a known one
   * with its assignment again, in case that was lost), next after as long again as the round has waited (at least
   * {@code robotWaitSeconds}: 10, 20, 40 s), until {@code robotWaitMaxSeconds} after the round began to wait; then
   * the match is cancelled. Doubling keeps an orchestrator that is behind from being fed a re-send per waiting round
   * every few seconds. A round stored before its wait start was kept starts waiting now.
   */
  private void robotsLate(Changes ch, Instant now) {
    Round round = current(ch.state);
    Instant since = Instant.EPOCH.equals(round.since()) ? now : round.since();
    Instant giveUp = since.plusSeconds(rules.robotWaitMaxSeconds());
    if (!now.isBefore(giveUp)) {
      cancel(ch, "no robots came within " + rules.robotWaitMaxSeconds() + " s", now);
      return;
    }
    Instant next = now.plusSeconds(Math.max(rules.robotWaitSeconds(), Duration.between(since, now).toSeconds()));
    log.warn("{}: round {} still waits for robots; asking again ({})", ch.state.matchId(), round.number(),
        round.robotsRequest());
    ch.state = withCurrentRound(ch.state, withWaitSince(withPhase(round, Phase.STARTING,
        next.isBefore(giveUp) ? next : giveUp), since));
    askForRobots(ch);
  }

  /** The robots request of the current round, from the state alone. */
  private void askForRobots(Changes ch) {
    MatchState s = ch.state;
    Round round = current(s);
    List<String> identities = robotLetters(s, round).stream().sorted().toList();
    List<String> previousRobots = s.rounds().size() < 2 ? List.of()
        : s.rounds().get(s.rounds().size() - 2).letters().keySet().stream().filter(id -> !s.isHuman(id)).sorted()
            .toList();
    ch.emit(new MatchEvent.RobotsNeeded(s.matchId(), round.number(), identities.size(), previousRobots, identities,
        round.robotsRequest()), round.robotsRequest());
  }

  /** The match cannot go on: it ends without a reveal, and the orchestrator releases whatever robots it holds. */
  private void cancel(Changes ch, String reason, Instant now) {
    MatchState s = ch.state;
    log.warn("{}: cancelled: {}", s.matchId(), reason);
    Round round = current(s);
    ch.state = withStatus(withCurrentRound(s, withPhase(round, round.phase(), null)), Status.CANCELLED, now);
    ch.emit(new MatchEvent.Cancelled(s.matchId(), reason));
  }

  private void answer(Changes ch, String participantId, String text, Instant now) {
    Round round = withResponse(current(ch.state), participantId, text);
    ch.state = withCurrentRound(ch.state, round);
    if (round.responses().keySet().containsAll(round.letters().keySet())) {
      startVoting(ch, now);
    }
  }

  private void vote(Changes ch, String participantId, String letter, Instant now) {
    Round round = withVote(current(ch.state), participantId, letter);
    ch.state = withCurrentRound(ch.state, round);
    if (round.votes().keySet().containsAll(round.letters().keySet())) {
      scoreRound(ch, now);
    }
  }

  private void startVoting(Changes ch, Instant now) {
    Round round = current(ch.state);
    Instant deadline = now.plusSeconds(ch.state.settings().voteSeconds());
    ch.state = withCurrentRound(ch.state, withPhase(round, Phase.VOTING, deadline));
    Map<String, String> byLetter = new TreeMap<>();
    round.responses().forEach((participant, text) -> byLetter.put(round.letters().get(participant), text));
    ch.emit(new MatchEvent.VotingStarted(ch.state.matchId(), round.number(), round.prompt(), new LinkedHashMap<>(byLetter),
        deadline));
  }

  private void scoreRound(Changes ch, Instant now) {
    MatchState s = ch.state;
    Round round = current(s);
    Set<String> humans = s.players().stream().map(Player::playerId).collect(Collectors.toSet());
    Map<String, Integer> points = ruleset.score(round.letters(), round.responses().keySet(), round.votes(), humans);
    Map<String, Integer> scores = new LinkedHashMap<>(s.scores());
    points.forEach((participant, gained) -> scores.merge(participant, gained, Integer::sum));
    int pause = s.settings().intermissionSeconds();
    Round scored = withPoints(withPhase(round, Phase.SCORED, pause > 0 ? now.plusSeconds(pause) : null), points);
    ch.state = withScores(withCurrentRound(s, scored), scores);
    Map<String, String> votes = new TreeMap<>();
    round.votes().forEach((voter, letter) -> votes.put(round.letters().get(voter), letter));
    ch.emit(new MatchEvent.RoundCompleted(s.matchId(), round.number(), new LinkedHashMap<>(votes),
        new LinkedHashMap<>(points), new LinkedHashMap<>(scores)));
    if (pause <= 0) {
      afterIntermission(ch, now);
    }
  }

  private void afterIntermission(Changes ch, Instant now) {
    if (current(ch.state).number() >= ch.state.settings().rounds()) {
      complete(ch, now);
    } else {
      startRound(ch, now);
    }
  }

  private void complete(Changes ch, Instant now) {
    MatchState s = ch.state;
    if (!s.rounds().isEmpty()) {
      Round round = current(s);
      s = withCurrentRound(s, withPhase(round, round.phase(), null));
    }
    ch.state = withStatus(s, Status.COMPLETED, now);
    List<MatchEvent.Reveal> reveal = new ArrayList<>();
    s.players().forEach(p -> reveal.add(new MatchEvent.Reveal(p.playerId(), p.name(), true, null)));
    s.robots().forEach(r -> reveal.add(new MatchEvent.Reveal(r.robotId(), r.type(), false, r.type())));
    ch.emit(new MatchEvent.Completed(s.matchId(), new LinkedHashMap<>(s.scores()), reveal, s.usage().total()));
  }

  // --- lookups --------------------------------------------------------------------------------------------

  /** The current round if it is round {@code number} of a running match. */
  private static Round openRound(MatchState state, int number) {
    if (state.status() != Status.RUNNING) {
      return null;
    }
    return state.currentRound().filter(r -> r.number() == number).orElse(null);
  }

  /** What {@code participantId} answered or voted in round {@code number}, whatever came since; null if nothing. */
  private static String given(MatchState state, int number, Function<Round, Map<String, String>> what,
      String participantId) {
    return state.rounds().stream().filter(r -> r.number() == number).findFirst()
        .map(r -> what.apply(r).get(participantId)).orElse(null);
  }

  /** The current round if it still waits for the robots of request {@code correlationId}. */
  private static Round waitingForRobots(MatchState state, int number, String correlationId) {
    if (state == null) {
      return null;
    }
    Round round = openRound(state, number);
    return round != null && round.phase() == Phase.STARTING
        && Objects.equals(round.robotsRequest(), correlationId) ? round : null;
  }

  /** The current round if robot {@code robotId} sits behind {@code identity} in it and it is in {@code phase}. */
  private static Round robotSeat(MatchState state, int number, String robotId, String identity, Phase phase) {
    if (state == null || robotId == null || state.isHuman(robotId)) {
      return null;
    }
    Round round = openRound(state, number);
    return round != null && round.phase() == phase && identity != null
        && identity.equals(round.letters().get(robotId)) ? round : null;
  }

  /** The letters of this round that the robots will sit behind (all of them until seated). */
  static List<String> robotLetters(MatchState state, Round round) {
    List<String> letters = new ArrayList<>(Letters.first(state.settings().seats()));
    state.players().forEach(p -> letters.remove(round.letters().get(p.playerId())));
    return letters;
  }

  private static List<String> sortedLetters(Round round) {
    return round.letters().values().stream().sorted().toList();
  }

  private static Round current(MatchState state) {
    return state.currentRound().orElseThrow();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The state being worked on and the events so far, within one step. */
  private static final class Changes {
    private MatchState state;
    private final List<Step.Outgoing> events = new ArrayList<>();

    Changes(MatchState state) {
      this.state = state;
    }

    void emit(MatchEvent event) {
      emit(event, null);
    }

    void emit(MatchEvent event, String correlationId) {
      events.add(new Step.Outgoing(event, correlationId));
    }

    Step commit() {
      return new Step(withVersion(state, state.version() + 1), events, null);
    }

    /** Stores a change nobody outside the service can see, under the same version: views stay as they were. */
    Step commitUnseen() {
      return new Step(state, events, null);
    }

    Step accept(String command) {
      Step step = commit();
      return new Step(step.state(), events,
          new MatchEvent.CommandAccepted(state.matchId(), command, step.state().version()));
    }
  }
}
