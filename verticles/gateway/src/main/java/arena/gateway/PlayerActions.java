package arena.gateway;

import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a player can do, whether asked over HTTP or over the event-bus bridge. Checks what it can locally (request
 * shape, tokens, and game rules that a lagging projection can only confirm, never contradict), then leaves the
 * verdict to the Match Service. Every refusal is an {@link ApiError}, thrown or as a failed future.
 */
public final class PlayerActions {
  static final Pattern MATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int QUICK_PLAY_ATTEMPTS = 3;
  public static final String RESPONSE = "response";
  public static final String VOTE = "vote";
  /** Finished matches are forgotten some time after they end (match.retainMinutes), so unknown is not never. */
  public static final String NO_SUCH_MATCH =
      "no such match: it never existed, or it ended a while ago and is no longer kept";

  private final Requests requests;
  private final Projection projection;
  private final Commands commands;
  private final Clock clock;

  public PlayerActions(Requests requests, Projection projection, Commands commands, Clock clock) {
    this.requests = requests;
    this.projection = projection;
    this.commands = commands;
    this.clock = clock;
  }

  /** {"matchId"} of a new private match. */
  public Future<JsonObject> create(String body) {
    return create(requests.settings(body)).map(matchId -> new JsonObject().put("matchId", matchId));
  }

  private Future<String> create(MatchSettings settings) {
    String matchId = UUID.randomUUID().toString();
    return commands.send(matchId, new MatchCommand.Create(matchId, settings))
        .map(answer -> outcome(answer, matchId));
  }

  /** {"playerId","token"} of a new seat in {@code matchId}. */
  public Future<JsonObject> join(String matchId, String body) {
    return join(matchId(matchId), requests.name(body), new HashSet<>());
  }

  private Future<JsonObject> join(String matchId, String name, Set<String> tried) {
    // A match the projection does not know yet may still exist: the Match Service says 404 if not.
    projection.match(matchId).ifPresent(match -> {
      if (match.status() == Status.EXPIRED) {
        throw ApiError.conflict("the match has expired");
      }
      if (match.status().over()) {
        throw ApiError.conflict("the match is over");
      }
      if (match.status() == Status.RUNNING) {
        throw ApiError.conflict("the match has already started");
      }
      if (match.players().size() >= match.settings().humans()) {
        throw ApiError.conflict("the match is full");
      }
    });
    tried.add(matchId);
    String playerId = UUID.randomUUID().toString();
    String token = Tokens.newToken();
    return commands.send(matchId, new MatchCommand.Join(matchId, playerId, name, Tokens.hash(token)))
        .map(answer -> outcome(answer, new JsonObject().put("playerId", playerId).put("token", token)));
  }

  /**
   * {"matchId","playerId","token"}: a seat in the oldest open quick-play match, or in a new one. A match that
   * fills up or starts under our feet (409) sends us to another, a bounded number of times.
   */
  public Future<JsonObject> quickPlay(String body) {
    return quickPlay(requests.name(body), new HashSet<>(), 1);
  }

  private Future<JsonObject> quickPlay(String name, Set<String> tried, int attempt) {
    Optional<MatchState> open = projection.openQuickPlay(tried, clock.instant());
    Future<String> matchId = open.isPresent()
        ? Future.succeededFuture(open.get().matchId())
        : create(requests.quickPlay());
    return matchId
        .compose(id -> attempt(() -> join(id, name, tried)).map(seat -> new JsonObject().put("matchId", id)
            .mergeIn(seat)))
        .recover(e -> e instanceof ApiError a && a.status() == 409 && attempt < QUICK_PLAY_ATTEMPTS
            ? quickPlay(name, tried, attempt + 1)
            : Future.failedFuture(e));
  }

  /** {"accepted":true} once the answer is in the Match Service's state. */
  public Future<JsonObject> respond(String matchId, String token, String body) {
    MatchState match = known(matchId);
    Player player = player(match, token);
    Requests.Answer answer = requests.answer(body);
    checkRound(match, player, RESPONSE, answer.round(), answer.text());
    ActionVisibility.accepted(match.matchId(), player.playerId(), RESPONSE, answer.round());
    return commands.send(match.matchId(),
            new MatchCommand.SubmitResponse(match.matchId(), player.tokenHash(), answer.round(), answer.text()))
        .map(reply -> outcome(reply, accepted()))
        .onFailure(e -> ActionVisibility.refused(match.matchId(), player.playerId(), RESPONSE, answer.round()));
  }

  /** {"accepted":true} once the vote is in the Match Service's state. */
  public Future<JsonObject> vote(String matchId, String token, String body) {
    MatchState match = known(matchId);
    Player player = player(match, token);
    Requests.Vote vote = requests.vote(body);
    checkRound(match, player, VOTE, vote.round(), vote.identity());
    currentRound(match, vote.round()).filter(round -> round.phase() == Phase.VOTING).ifPresent(round -> {
      Map<String, String> letters = nz(round.letters());
      if (!letters.containsValue(vote.identity())) {
        throw ApiError.badRequest("unknown letter " + vote.identity());
      }
      if (vote.identity().equals(letters.get(player.playerId()))) {
        throw ApiError.badRequest("you cannot vote for yourself");
      }
    });
    ActionVisibility.accepted(match.matchId(), player.playerId(), VOTE, vote.round());
    return commands.send(match.matchId(),
            new MatchCommand.SubmitVote(match.matchId(), player.tokenHash(), vote.round(), vote.identity()))
        .map(reply -> outcome(reply, accepted()))
        .onFailure(e -> ActionVisibility.refused(match.matchId(), player.playerId(), VOTE, vote.round()));
  }

  /**
   * Whether {@code player} may still give an answer ({@link #RESPONSE}) or a vote ({@link #VOTE}) in {@code round}:
   * the right round, in the right phase, not given yet. Only what our copy of the match can vouch for is refused
   * (409): a copy that lags behind leaves the verdict to the Match Service. The same answer or letter as the one
   * given ({@code again}, null when unknown) is a retry whose reply was lost: the Match Service accepts it again.
   * Pure.
   */
  public static void checkRound(MatchState match, Player player, String action, int asked, String again) {
    currentRound(match, asked).ifPresent(round -> {
      if (RESPONSE.equals(action)) {
        if (round.phase() == Phase.VOTING || round.phase() == Phase.SCORED) {
          throw ApiError.conflict("round " + asked + " is not open for answers");
        }
        String given = nz(round.responses()).get(player.playerId());
        if (given != null && !given.equals(again)) {
          throw ApiError.conflict("already answered");
        }
        return;
      }
      if (round.phase() == Phase.SCORED) {
        throw ApiError.conflict("round " + asked + " is not open for votes");
      }
      // Before VOTING our copy may simply lag behind: the Match Service decides whether voting has opened.
      String given = nz(round.votes()).get(player.playerId());
      if (round.phase() == Phase.VOTING && given != null && !given.equals(again)) {
        throw ApiError.conflict("already voted");
      }
    });
  }

  /** Whether the projection has caught up: until then, nothing about a match can be answered. */
  public boolean ready() {
    return projection.ready();
  }

  /** The match as the projection holds it; 404 when unknown. */
  public MatchState known(String matchId) {
    return projection.match(matchId(matchId)).orElseThrow(() -> ApiError.notFound(NO_SUCH_MATCH));
  }

  /** The player of {@code match} that {@code token} belongs to; 401 otherwise. */
  public static Player player(MatchState match, String token) {
    if (token == null) {
      throw ApiError.unauthorized("a token is required");
    }
    return match.playerByTokenHash(Tokens.hash(token))
        .orElseThrow(() -> ApiError.unauthorized("this token does not belong to a player of this match"));
  }

  /** Runs {@code action}, turning a thrown refusal into a failed future. */
  public static <T> Future<T> attempt(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  static String matchId(String id) {
    if (id == null || !MATCH_ID.matcher(id).matches()) {
      throw ApiError.notFound(NO_SUCH_MATCH);
    }
    return id;
  }

  /**
   * The current round if it is the one asked about; a past round is closed for good. A later round than the
   * projection knows is left to the Match Service, which may simply be ahead of us.
   */
  private static Optional<Round> currentRound(MatchState match, int asked) {
    if (match.status() == Status.EXPIRED) {
      throw ApiError.conflict("the match has expired");
    }
    if (match.status().over()) {
      throw ApiError.conflict("the match is over");
    }
    Optional<Round> current = match.currentRound();
    if (current.isPresent() && asked < current.get().number()) {
      throw ApiError.conflict("round " + asked + " is not open");
    }
    return current.filter(r -> r.number() == asked);
  }

  private static <T> T outcome(MatchEvent answer, T ok) {
    if (answer instanceof MatchEvent.CommandRejected rejected) {
      int status = rejected.status() >= 400 && rejected.status() <= 599 ? rejected.status() : 400;
      throw new ApiError(status, rejected.message() == null ? "rejected" : rejected.message());
    }
    return ok;
  }

  private static JsonObject accepted() {
    return new JsonObject().put("accepted", true);
  }

  private static <K, V> Map<K, V> nz(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
