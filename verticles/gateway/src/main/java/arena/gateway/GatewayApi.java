package arena.gateway;

import arena.gateway.ClientLimits.Kind;
import arena.gateway.ClientLimits.Reservation;
import arena.shared.config.ArenaConfig;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.Drain;
import arena.shared.state.MatchState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, the event-bus bridge at /eventbus, and the web page. What players may do is decided in
 * {@link PlayerActions}; this class only maps it to HTTP, with per-client limits ({@link ClientLimits}) and the
 * headers that keep other sites out. Operator data (metrics, detailed health) is not here: see the launcher's
 * admin listener.
 */
public final class GatewayApi {
  private static final Logger log = LoggerFactory.getLogger(GatewayApi.class);
  static final int BODY_LIMIT = 16 * 1024;
  private static final String JSON = "application/json; charset=utf-8";
  // Only the game's own origin: its scripts, styles, images, XHRs and its WebSocket; nothing may frame it.
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'%s; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  // A Host header that could break out of the policy gets no WebSocket source (the page then falls back to XHR).
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\[\\]:-]{1,255}");
  // The game calls itself only: no cross-origin reads, and none with credentials (SockJS would allow both).
  private static final List<String> CORS = List.of("access-control-allow-origin", "access-control-allow-credentials",
      "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age",
      "access-control-expose-headers");

  private record Reply(int status, Object body, Map<String, String> headers) {
    Reply(int status, Object body) {
      this(status, body, Map.of());
    }
  }

  /** Marks an events answer that holds only the match's earliest events (see {@code gateway.events.maxEntries}). */
  static final String TRUNCATED = "Events-Truncated";

  /** Marks a response that repeats an earlier call's outcome (same Idempotency-Key). */
  static final String REPLAYED = "Idempotent-Replayed";
  private static final String TICKET = "idempotency.ticket";

  private final Vertx vertx;
  private final PlayerActions actions;
  private final EventLog events;
  private final Clock clock;
  private final Bridge bridge;
  private final ClientLimits limits;
  private final Idempotency idempotency;

  public GatewayApi(Vertx vertx, PlayerActions actions, EventLog events, Clock clock, Bridge bridge,
      ClientLimits limits, Idempotency idempotency) {
    this.vertx = vertx;
    this.actions = actions;
    this.events = events;
    this.clock = clock;
    this.bridge = bridge;
    this.limits = limits;
    this.idempotency = idempotency;
  }

  /** The player port's server: bridge frames over the size limit are refused before anything parses them. */
  public static HttpServerOptions serverOptions(ArenaConfig cfg) {
    int frameBytes = LimitSettings.of(cfg).frameBytes();
    return new HttpServerOptions().setMaxWebSocketFrameSize(frameBytes).setMaxWebSocketMessageSize(frameBytes);
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(GatewayApi::headers);
    router.route().failureHandler(this::failure);
    router.route().handler(this::admit);
    router.route("/api/*").handler(this::caughtUp);
    router.post("/api/*").handler(GatewayApi::requireJson);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    // SockJS's xhr transports post their frames: they need a body, no larger than a WebSocket frame.
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(limits.settings().frameBytes()));
    router.route("/eventbus/*").subRouter(bridge.router());
    // A replay does no work, so it comes before the limits and takes nothing from them.
    router.post("/api/*").handler(this::idempotent);
    router.post("/api/quickplay").handler(limited(Kind.QUICK_PLAY)).handler(handle(this::quickPlay));
    router.post("/api/matches").handler(limited(Kind.CREATE)).handler(handle(this::create));
    router.post("/api/matches/:matchId/players").handler(limited(Kind.JOIN)).handler(handle(this::join));
    router.get("/api/matches/:matchId").handler(handle(this::view));
    router.post("/api/matches/:matchId/response").handler(limited(Kind.ACTION)).handler(handle(this::respond));
    router.post("/api/matches/:matchId/vote").handler(limited(Kind.ACTION)).handler(handle(this::vote));
    router.get("/api/matches/:matchId/events").handler(handle(this::events));
    router.get("/health").handler(this::health);
    router.get("/favicon.ico").handler(ctx -> ctx.reroute("/favicon.svg"));
    router.route().handler(StaticHandler.create("webroot"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.request().method() + " "
        + ctx.request().path()));
    return router;
  }

  private Future<Reply> create(RoutingContext ctx) {
    Reservation robots = limits.reserveCreate(client(ctx), body(ctx));
    return held(robots, () -> actions.create(body(ctx))).map(created -> new Reply(201, created));
  }

  private Future<Reply> join(RoutingContext ctx) {
    return actions.join(ctx.pathParam("matchId"), body(ctx)).map(seat -> new Reply(201, seat));
  }

  private Future<Reply> quickPlay(RoutingContext ctx) {
    Reservation robots = limits.reserveQuickPlay(client(ctx));
    return held(robots, () -> actions.quickPlay(body(ctx))).map(seat -> new Reply(201, seat));
  }

  /** The reserved robots belong to the match made (or joined), or are freed when none was, refused or failed. */
  private Future<JsonObject> held(Reservation robots, Supplier<Future<JsonObject>> make) {
    return PlayerActions.attempt(make).onSuccess(reply -> limits.settle(robots, reply.getString("matchId")))
        .onFailure(e -> limits.cancel(robots));
  }

  /**
   * While the JVM stops (see {@link Drain}), new requests get 503 so clients go to another gateway, and /health says
   * DOWN; requests already admitted are counted until they end, so the launcher waits for them. Bridge connections
   * live on and are not counted; their commands are (see {@link BridgeCommands}).
   */
  private void admit(RoutingContext ctx) {
    String path = ctx.request().path();
    if ("/health".equals(path)) {
      ctx.next();
      return;
    }
    Drain drain = Drain.of(vertx);
    boolean bridge = path.startsWith("/eventbus");
    if (bridge ? drain.draining() : !drain.admit()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      error(ctx, 503, "the server is stopping: try again");
      return;
    }
    if (!bridge) {
      ctx.addEndHandler(v -> drain.done());
    }
    ctx.next();
  }

  /**
   * The player port's health, for balancers: the readiness, up or down and nothing more (the checks' details are on
   * the admin port).
   */
  private void health(RoutingContext ctx) {
    ArenaHealth.readiness(vertx).checkStatus().onComplete(ar -> {
      boolean up = !Drain.of(vertx).draining() && ar.succeeded() && Boolean.TRUE.equals(ar.result().getUp());
      ctx.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
    });
  }

  /**
   * Until the projection has caught up after a start, a match it does not know may exist: 503 with Retry-After
   * rather than a wrong 404 (or a quick play that misses the open lobbies).
   */
  private void caughtUp(RoutingContext ctx) {
    if (actions.ready()) {
      ctx.next();
    } else {
      ctx.fail(ApiError.unavailable(Projection.CATCHING_UP, Projection.RETRY_SECONDS));
    }
  }

  /** Refuses with 429 and Retry-After once the client's bucket for {@code kind} is empty. */
  private Handler<RoutingContext> limited(Kind kind) {
    return ctx -> {
      OptionalLong wait = limits.take(client(ctx), kind);
      if (wait.isEmpty()) {
        ctx.next();
        return;
      }
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(wait.getAsLong()));
      error(ctx, 429, "too many requests: try again in " + wait.getAsLong() + " s");
    };
  }

  /**
   * With an Idempotency-Key: the first call under the key runs and its outcome is kept; a repeat gets that outcome
   * (waiting for it while the first still runs), or runs itself when the first's outcome was not kept.
   */
  private void idempotent(RoutingContext ctx) {
    String key = ctx.request().getHeader(Idempotency.HEADER);
    if (key == null) {
      ctx.next();
      return;
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String caller = client(ctx) + "\n" + (authorization == null ? "" : authorization);
    String request = ctx.request().method() + " " + ctx.request().path() + "\n" + (body(ctx) == null ? "" : body(ctx));
    Idempotency.Verdict verdict;
    try {
      verdict = idempotency.check(key, caller, request);
    } catch (ApiError e) {
      ctx.fail(e);
      return;
    }
    if (verdict instanceof Idempotency.Run run) {
      ctx.put(TICKET, run.ticket());
      // Refused by the limits, failed or cut off before an outcome: forget the key, so that a retry runs.
      ctx.addEndHandler(v -> idempotency.settle(run.ticket(), null));
      ctx.next();
      return;
    }
    Context here = vertx.getOrCreateContext();
    ((Idempotency.Replay) verdict).outcome().onComplete(ar -> here.runOnContext(v -> {
      Idempotency.Outcome outcome = ar.result();
      if (outcome == null) {
        idempotent(ctx);
      } else if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().setStatusCode(outcome.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .putHeader(REPLAYED, "true").end(outcome.body());
      }
    }));
  }

  private static String client(RoutingContext ctx) {
    return ClientLimits.client(ctx.request().remoteAddress());
  }

  /** A POST must say it is JSON: a plain HTML form on another site cannot, so it cannot act for a visitor. */
  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String media = type == null ? "" : type.split(";", 2)[0].strip();
    if ("application/json".equalsIgnoreCase(media)) {
      ctx.next();
    } else {
      error(ctx, 415, "Content-Type must be application/json");
    }
  }

  /** Security headers on every response, and no CORS headers, whoever wrote them. */
  private static void headers(RoutingContext ctx) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
    String sockets = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
    ctx.addHeadersEndHandler(v -> {
      HttpServerResponse response = ctx.response();
      CORS.forEach(response.headers()::remove);
      response.putHeader("Content-Security-Policy", String.format(CSP, sockets))
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      // Assets carry a content hash in their URL and may be cached; the pages naming them must be revalidated.
      String type = response.headers().get(HttpHeaders.CONTENT_TYPE);
      if (type != null && type.startsWith("text/html")) {
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      }
    });
    ctx.next();
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
    if (!match.status().over()) {
      throw ApiError.conflict("the match is not over yet: its events are shown once it is COMPLETED, EXPIRED or "
          + "CANCELLED");
    }
    return events.of(match).map(trail -> new Reply(200, trail.events(),
        trail.truncated() ? Map.of(TRUNCATED, "true") : Map.of()));
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

  private Handler<RoutingContext> handle(Function<RoutingContext, Future<Reply>> action) {
    return ctx -> {
      Future<Reply> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      Idempotency.Ticket ticket = ctx.get(TICKET);
      result.onSuccess(reply -> {
        String body = reply.body() instanceof JsonObject o ? o.encode() : ((JsonArray) reply.body()).encode();
        if (ticket != null) {
          idempotency.settle(ticket, new Idempotency.Outcome(reply.status(), body));
        }
        if (!ctx.response().ended() && !ctx.response().closed()) {
          reply.headers().forEach(ctx.response()::putHeader);
          ctx.response().setStatusCode(reply.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
        }
      }).onFailure(e -> {
        if (ticket != null && e instanceof ApiError refused) {
          idempotency.settle(ticket, new Idempotency.Outcome(refused.status(), errorBody(refused.getMessage())));
        }
        ctx.fail(e);
      });
    };
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError e) {
      if (e.retryAfterSeconds() > 0 && !ctx.response().headWritten()) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
      }
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
      case 413 -> "request body too large";
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
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(errorBody(message));
  }

  private static String errorBody(String message) {
    return new JsonObject().put("error", message).encode();
  }
}
