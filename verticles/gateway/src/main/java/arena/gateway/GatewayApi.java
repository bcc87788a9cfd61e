package arena.gateway;

import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.ArenaMetrics;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. Checks what it can locally (request shape, tokens, and game rules that a lagging projection
 * can only confirm, never contradict), then leaves the verdict to the Match Service.
 */
public final class GatewayApi {
  private static final Logger log = LoggerFactory.getLogger(GatewayApi.class);
  static final int BODY_LIMIT = 16 * 1024;
  private static final Pattern MATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private record Reply(int status, Object body) {}

  private final Vertx vertx;
  private final Requests requests;
  private final Projection projection;
  private final Commands commands;
  private final EventLog events;
  private final Clock clock;

  public GatewayApi(Vertx vertx, Requests requests, Projection projection, Commands commands, EventLog events,
      Clock clock) {
    this.vertx = vertx;
    this.requests = requests;
    this.projection = projection;
    this.commands = commands;
    this.events = events;
    this.clock = clock;
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().failureHandler(this::failure);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/api/matches").handler(handle(this::create));
    router.post("/api/matches/:matchId/players").handler(handle(this::join));
    router.get("/api/matches/:matchId").handler(handle(this::view));
    router.post("/api/matches/:matchId/response").handler(handle(this::respond));
    router.post("/api/matches/:matchId/vote").handler(handle(this::vote));
    router.get("/api/matches/:matchId/events").handler(handle(this::events));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(ArenaHealth.of(vertx)));
    router.get("/metrics").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS)
        .end(ArenaMetrics.prometheus().scrape()));
    router.get("/favicon.ico").handler(ctx -> ctx.reroute("/favicon.svg"));
    router.route().handler(StaticHandler.create("webroot"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.request().method() + " "
        + ctx.request().path()));
    return router;
  }

  private Future<Reply> create(RoutingContext ctx) {
    MatchSettings settings = requests.settings(body(ctx));
    String matchId = UUID.randomUUID().toString();
    return commands.send(matchId, new MatchCommand.Create(matchId, settings))
        .map(answer -> outcome(answer, new Reply(201, new JsonObject().put("matchId", matchId))));
  }

  private Future<Reply> join(RoutingContext ctx) {
    String matchId = matchId(ctx);
    String name = requests.name(body(ctx));
    // A match the projection does not know yet may still exist: the Match Service says 404 if not.
    projection.match(matchId).ifPresent(match -> {
      if (match.status() == Status.COMPLETED) {
        throw ApiError.conflict("the match is over");
      }
      if (match.status() == Status.RUNNING) {
        throw ApiError.conflict("the match has already started");
      }
      if (match.players().size() >= match.settings().humans()) {
        throw ApiError.conflict("the match is full");
      }
    });
    String playerId = UUID.randomUUID().toString();
    String token = Tokens.newToken();
    return commands.send(matchId, new MatchCommand.Join(matchId, playerId, name, Tokens.hash(token)))
        .map(answer -> outcome(answer, new Reply(201, new JsonObject().put("playerId", playerId).put("token", token))));
  }

  private Future<Reply> view(RoutingContext ctx) {
    MatchState match = known(matchId(ctx));
    Optional<String> token = Tokens.fromAuthorization(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    Optional<String> playerId = token.map(t -> player(match, t).playerId());
    return Future.succeededFuture(new Reply(200, PlayerView.of(match, playerId, clock.instant())));
  }

  private Future<Reply> respond(RoutingContext ctx) {
    String token = requiredToken(ctx);
    MatchState match = known(matchId(ctx));
    Player player = player(match, token);
    Requests.Answer answer = requests.answer(body(ctx));
    currentRound(match, answer.round()).ifPresent(round -> {
      if (round.phase() == Phase.VOTING || round.phase() == Phase.SCORED) {
        throw ApiError.conflict("round " + answer.round() + " is not open for answers");
      }
      if (nz(round.responses()).containsKey(player.playerId())) {
        throw ApiError.conflict("already answered");
      }
    });
    String tokenHash = Tokens.hash(token);
    return commands.send(match.matchId(),
            new MatchCommand.SubmitResponse(match.matchId(), tokenHash, answer.round(), answer.text()))
        .map(reply -> outcome(reply, accepted()));
  }

  private Future<Reply> vote(RoutingContext ctx) {
    String token = requiredToken(ctx);
    MatchState match = known(matchId(ctx));
    Player player = player(match, token);
    Requests.Vote vote = requests.vote(body(ctx));
    currentRound(match, vote.round()).ifPresent(round -> {
      if (round.phase() == Phase.SCORED) {
        throw ApiError.conflict("round " + vote.round() + " is not open for votes");
      }
      // Before VOTING our copy may simply lag behind: the Match Service decides whether voting has opened.
      if (round.phase() != Phase.VOTING) {
        return;
      }
      if (nz(round.votes()).containsKey(player.playerId())) {
        throw ApiError.conflict("already voted");
      }
      Map<String, String> letters = nz(round.letters());
      if (!letters.containsValue(vote.identity())) {
        throw ApiError.badRequest("unknown letter " + vote.identity());
      }
      if (vote.identity().equals(letters.get(player.playerId()))) {
        throw ApiError.badRequest("you cannot vote for yourself");
      }
    });
    String tokenHash = Tokens.hash(token);
    return commands.send(match.matchId(),
            new MatchCommand.SubmitVote(match.matchId(), tokenHash, vote.round(), vote.identity()))
        .map(reply -> outcome(reply, accepted()));
  }

  private Future<Reply> events(RoutingContext ctx) {
    MatchState match = known(matchId(ctx));
    if (match.status() != Status.COMPLETED) {
      throw ApiError.conflict("the match is not over yet: its events are shown once it is COMPLETED");
    }
    return events.of(match).map(list -> new Reply(200, list));
  }

  /**
   * The current round if it is the one asked about; a past round is closed for good. A later round than the
   * projection knows is left to the Match Service, which may simply be ahead of us.
   */
  private static Optional<Round> currentRound(MatchState match, int asked) {
    if (match.status() == Status.COMPLETED) {
      throw ApiError.conflict("the match is over");
    }
    Optional<Round> current = match.currentRound();
    if (current.isPresent() && asked < current.get().number()) {
      throw ApiError.conflict("round " + asked + " is not open");
    }
    return current.filter(r -> r.number() == asked);
  }

  private static Reply outcome(MatchEvent answer, Reply ok) {
    if (answer instanceof MatchEvent.CommandRejected rejected) {
      int status = rejected.status() >= 400 && rejected.status() <= 599 ? rejected.status() : 400;
      throw new ApiError(status, rejected.message() == null ? "rejected" : rejected.message());
    }
    return ok;
  }

  private static Reply accepted() {
    return new Reply(202, new JsonObject().put("accepted", true));
  }

  private MatchState known(String matchId) {
    return projection.match(matchId).orElseThrow(() -> ApiError.notFound("no such match"));
  }

  private static Player player(MatchState match, String token) {
    return match.playerByTokenHash(Tokens.hash(token))
        .orElseThrow(() -> ApiError.unauthorized("this token does not belong to a player of this match"));
  }

  private static String requiredToken(RoutingContext ctx) {
    return Tokens.fromAuthorization(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .orElseThrow(() -> ApiError.unauthorized("a bearer token is required: Authorization: Bearer <token>"));
  }

  private static String matchId(RoutingContext ctx) {
    String id = ctx.pathParam("matchId");
    if (id == null || !MATCH_ID.matcher(id).matches()) {
      throw ApiError.notFound("no such match");
    }
    return id;
  }

  private static String body(RoutingContext ctx) {
    return ctx.body() == null ? null : ctx.body().asString();
  }

  private static Handler<RoutingContext> handle(Function<RoutingContext, Future<Reply>> action) {
    return ctx -> {
      Future<Reply> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onSuccess(reply -> {
        if (!ctx.response().ended() && !ctx.response().closed()) {
          ctx.response().setStatusCode(reply.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
              .end(reply.body() instanceof JsonObject o ? o.encode() : ((JsonArray) reply.body()).encode());
        }
      }).onFailure(ctx::fail);
    };
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError e) {
      error(ctx, e.status(), e.getMessage());
    } else if (failure instanceof HttpException e) {
      error(ctx, e.getStatusCode(), message(e.getStatusCode()));
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, ctx.statusCode(), message(ctx.statusCode()));
    } else {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, 500, "internal error");
    }
  }

  private static String message(int status) {
    return switch (status) {
      case 413 -> "request body too large: at most " + BODY_LIMIT / 1024 + " KB";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 400 -> "bad request";
      default -> "request failed";
    };
  }

  private static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("error", message).encode());
  }

  private static <K, V> Map<K, V> nz(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
