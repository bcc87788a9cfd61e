package arena.gateway;

import arena.shared.ops.ArenaHealth;
import arena.shared.ops.ArenaMetrics;
import arena.shared.state.MatchState;
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
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, the event-bus bridge at /eventbus, and the web page. What players may do is decided in
 * {@link PlayerActions}; this class only maps it to HTTP.
 */
public final class GatewayApi {
  private static final Logger log = LoggerFactory.getLogger(GatewayApi.class);
  static final int BODY_LIMIT = 16 * 1024;
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private record Reply(int status, Object body) {}

  private final Vertx vertx;
  private final PlayerActions actions;
  private final EventLog events;
  private final Clock clock;
  private final Bridge bridge;

  public GatewayApi(Vertx vertx, PlayerActions actions, EventLog events, Clock clock, Bridge bridge) {
    this.vertx = vertx;
    this.actions = actions;
    this.events = events;
    this.clock = clock;
    this.bridge = bridge;
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().failureHandler(this::failure);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    // SockJS's xhr transports post their frames: they need a body, small like the API's.
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.route("/eventbus/*").subRouter(bridge.router());
    router.post("/api/quickplay").handler(handle(this::quickPlay));
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
    // Assets carry a content hash in their URL and may be cached; the pages naming them must be revalidated.
    router.route().handler(ctx -> {
      ctx.addHeadersEndHandler(v -> {
        String type = ctx.response().headers().get(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith("text/html")) {
          ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        }
      });
      ctx.next();
    });
    router.route().handler(StaticHandler.create("webroot"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.request().method() + " "
        + ctx.request().path()));
    return router;
  }

  private Future<Reply> create(RoutingContext ctx) {
    return actions.create(body(ctx)).map(created -> new Reply(201, created));
  }

  private Future<Reply> join(RoutingContext ctx) {
    return actions.join(ctx.pathParam("matchId"), body(ctx)).map(seat -> new Reply(201, seat));
  }

  private Future<Reply> quickPlay(RoutingContext ctx) {
    return actions.quickPlay(body(ctx)).map(seat -> new Reply(201, seat));
  }

  private Future<Reply> view(RoutingContext ctx) {
    MatchState match = actions.known(ctx.pathParam("matchId"));
    Optional<String> token = Tokens.fromAuthorization(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    Optional<String> playerId = token.map(t -> PlayerActions.player(match, t).playerId());
    return Future.succeededFuture(new Reply(200, PlayerView.of(match, playerId, clock.instant())));
  }

  private Future<Reply> respond(RoutingContext ctx) {
    String token = requiredToken(ctx);
    return actions.respond(ctx.pathParam("matchId"), token, body(ctx)).map(GatewayApi::accepted);
  }

  private Future<Reply> vote(RoutingContext ctx) {
    String token = requiredToken(ctx);
    return actions.vote(ctx.pathParam("matchId"), token, body(ctx)).map(GatewayApi::accepted);
  }

  private Future<Reply> events(RoutingContext ctx) {
    MatchState match = actions.known(ctx.pathParam("matchId"));
    if (match.status() != Status.COMPLETED && match.status() != Status.EXPIRED) {
      throw ApiError.conflict("the match is not over yet: its events are shown once it is COMPLETED or EXPIRED");
    }
    return events.of(match).map(list -> new Reply(200, list));
  }

  private static Reply accepted(JsonObject body) {
    return new Reply(202, body);
  }

  private static String requiredToken(RoutingContext ctx) {
    return Tokens.fromAuthorization(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .orElseThrow(() -> ApiError.unauthorized("a bearer token is required: Authorization: Bearer <token>"));
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
}
