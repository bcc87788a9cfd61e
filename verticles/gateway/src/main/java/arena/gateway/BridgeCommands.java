package arena.gateway;

import arena.shared.ops.Drain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers and votes sent by browsers over the bridge to {@link BridgeRules#COMMANDS}: checked and sent to the
 * Match Service exactly like POST .../response and .../vote. Replies {"status":202,"accepted":true}, or fails the
 * message with the HTTP status and message the API would have given. Every gateway instance listens; the event
 * bus hands each message to one of them.
 */
public final class BridgeCommands {
  private static final Logger log = LoggerFactory.getLogger(BridgeCommands.class);

  /** The bridge hands a reply's headers to the browser: no trace data may reach a player. */
  private static final DeliveryOptions UNTRACED = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final PlayerActions actions;

  public BridgeCommands(PlayerActions actions) {
    this.actions = actions;
  }

  public MessageConsumer<Object> listen(Vertx vertx) {
    Drain drain = Drain.of(vertx);
    return vertx.eventBus().consumer(BridgeRules.COMMANDS, message -> {
      // A stopping JVM takes no new command; one already admitted is counted until it is answered.
      if (!drain.admit()) {
        message.fail(503, "the server is stopping: try again");
        return;
      }
      handle(message).onComplete(v -> drain.done());
    });
  }

  Future<Void> handle(Message<Object> message) {
    return PlayerActions.attempt(() -> act(message)).andThen(ar -> {
      if (ar.succeeded()) {
        message.reply(new JsonObject().put("status", 202).mergeIn(ar.result()), UNTRACED);
      } else if (ar.cause() instanceof ApiError e) {
        message.fail(e.status(), e.getMessage());
      } else {
        log.error("a command from the bridge failed", ar.cause());
        message.fail(500, "internal error");
      }
    }).mapEmpty();
  }

  private Future<JsonObject> act(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body)) {
      throw ApiError.badRequest("body must be a JSON object");
    }
    String token = message.headers().get("token");
    if (token == null) {
      throw ApiError.unauthorized("a token header is required");
    }
    String matchId = body.getValue("matchId") instanceof String s ? s : null;
    Object action = body.getValue("action");
    if ("response".equals(action)) {
      return actions.respond(matchId, token, body.encode());
    }
    if ("vote".equals(action)) {
      return actions.vote(matchId, token, body.encode());
    }
    throw ApiError.badRequest("action must be response or vote");
  }
}
