package arena.launcher;

import arena.orchestrator.OrchestratorVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.kafka.DeadLetters;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.ArenaMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * The operator's door, in every JVM whatever its roles: Prometheus metrics, the detailed liveness ({@code /health})
 * and readiness ({@code /ready}) checks and, where
 * the orchestrator runs, the robots' performance ({@code /api/robots/stats}) and the A/B report
 * ({@code /api/robots/experiment}), and the operator dashboard ({@code /ops}, data at {@code /api/ops}). They
 * tell robots from humans (per-persona counters, LLM fallbacks), so they stay off the players' port, on
 * {@code admin.host} (127.0.0.1 unless opened) and {@code admin.port}.
 */
final class AdminServer {
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";

  /** The {@code admin} section of the configuration; port 0 takes any free port. */
  record Settings(int port, String host) {}

  private AdminServer() {}

  static Future<HttpServer> start(Vertx vertx, ArenaConfig config) {
    Settings settings = config.bind("admin", Settings.class);
    boolean kafka = ArenaNode.usesKafka(config.strings("roles").stream().map(ArenaNode.Role::parse).toList());
    RecentDeadLetters deadLetters = kafka ? new RecentDeadLetters(vertx,
        () -> DeadLetters.recent(config, RecentDeadLetters.COUNT, RecentDeadLetters.TIMEOUT)) : null;
    return vertx.createHttpServer().requestHandler(router(vertx, deadLetters)).listen(settings.port(), settings.host());
  }

  /** {@code deadLetters} null: this JVM has no Kafka, the dashboard says so. */
  static Router router(Vertx vertx, RecentDeadLetters deadLetters) {
    Router router = Router.router(vertx);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(ArenaHealth.of(vertx)));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(ArenaHealth.readiness(vertx)));
    router.get("/metrics").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS)
        .end(ArenaMetrics.prometheus().scrape()));
    router.get("/api/robots/stats").handler(ctx -> robotStats(vertx, ctx));
    router.get("/api/robots/experiment").handler(ctx -> experiment(vertx, ctx));
    // The operator dashboard: its page and script come from the gateway's web build (opsroot/, beside the players'
    // webroot/ but never served by the gateway), its data from what this JVM knows.
    router.get("/api/ops").handler(ctx -> OpsReport.of(vertx, ArenaMetrics.prometheus(), deadLetters)
        .onComplete(report -> {
          if (report.succeeded()) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(report.result().encode());
          } else {
            error(ctx, 500, "ops report failed: " + report.cause().getMessage());
          }
        }));
    // Vert.x matches /ops/ here too; only the bare /ops is sent on, so relative asset paths resolve.
    router.get("/ops").handler(ctx -> {
      if (ctx.request().path().equals("/ops")) {
        ctx.redirect("/ops/");
      } else {
        ctx.next();
      }
    });
    router.get("/ops/*").handler(StaticHandler.create("opsroot"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed"));
    return router;
  }

  /** The orchestrator's stats when it runs in this JVM; they tell robots apart, hence only here. */
  private static void robotStats(Vertx vertx, RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(OrchestratorVerticle.STATS_ADDRESS, null).onComplete(reply -> {
      if (reply.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(reply.result().body().encode());
      } else if (reply.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
        error(ctx, 404, "no robot orchestrator runs in this process");
      } else {
        error(ctx, 503, "robot stats unavailable: " + reply.cause().getMessage());
      }
    });
  }

  /** The A/B report of the orchestrator in this JVM, at {@code ?confidence=} 0.9, 0.95 or 0.99 if given. */
  private static void experiment(Vertx vertx, RoutingContext ctx) {
    String raw = ctx.queryParams().get("confidence");
    Double confidence = null;
    if (raw != null) {
      try {
        confidence = Double.valueOf(raw);
      } catch (NumberFormatException e) {
        error(ctx, 400, "confidence must be one of 0.9, 0.95, 0.99, not '" + raw + "'");
        return;
      }
    }
    vertx.eventBus().<JsonObject>request(OrchestratorVerticle.EXPERIMENT_ADDRESS, confidence).onComplete(reply -> {
      if (reply.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(reply.result().body().encode());
      } else if (reply.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
        error(ctx, 404, "no robot orchestrator runs in this process");
      } else if (reply.cause() instanceof ReplyException e && e.failureCode() == 400) {
        error(ctx, 400, e.getMessage());
      } else {
        error(ctx, 503, "experiment report unavailable: " + reply.cause().getMessage());
      }
    });
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("error", message).encode());
  }
}
