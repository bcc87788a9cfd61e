package arena.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS event-bus bridge the web page talks to (mounted at /eventbus). Browsers listen to views pushed per
 * match and per player, and send their answers and votes to {@link BridgeRules#COMMANDS}. Every frame a browser
 * sends is checked here, before it reaches the bus: a per-socket rate limit, then {@link BridgeRules}. A refused
 * frame gets an error frame addressed to its reply address (or to the address it tried to listen at), so the page's
 * callback learns why: {"type":"err","address","failureCode","failureType","message"}.
 */
public final class Bridge {
  private static final Logger log = LoggerFactory.getLogger(Bridge.class);
  public static final int BURST = 10;
  public static final double PER_SECOND = 5;
  public static final String TOO_FAST = "Slow down: too many messages";
  // A player just seated through another gateway instance may reach us a moment before our copy of the match.
  static final long GRACE_STEP_MS = 200;
  static final int GRACE_STEPS = 5;

  private final Vertx vertx;
  private final Projection projection;
  private final LongSupplier nanoTime;
  // Sockets of one bridge live on the event loop that opened them; concurrent maps cost little and keep it safe.
  private final Map<SockJSSocket, TokenBucket> buckets = new ConcurrentHashMap<>();

  public Bridge(Vertx vertx, Projection projection) {
    this(vertx, projection, System::nanoTime);
  }

  Bridge(Vertx vertx, Projection projection, LongSupplier nanoTime) {
    this.vertx = vertx;
    this.projection = projection;
    this.nanoTime = nanoTime;
  }

  public static SockJSBridgeOptions options() {
    return new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(BridgeRules.COMMANDS))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeRules.UPDATES_REGEX))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeRules.PLAYER_REGEX));
  }

  public Router router() {
    return SockJSHandler.create(vertx).bridge(options(), this::handle);
  }

  void handle(BridgeEvent event) {
    switch (event.type()) {
      case SOCKET_CREATED -> {
        buckets.put(event.socket(), new TokenBucket(BURST, PER_SECOND, nanoTime));
        event.tryComplete(true);
      }
      case SOCKET_CLOSED -> {
        buckets.remove(event.socket());
        event.tryComplete(true);
      }
      case SEND, PUBLISH, REGISTER, UNREGISTER -> inbound(event);
      default -> event.tryComplete(true);
    }
  }

  private void inbound(BridgeEvent event) {
    JsonObject frame = event.getRawMessage() == null ? new JsonObject() : event.getRawMessage();
    TokenBucket bucket = buckets.computeIfAbsent(event.socket(), s -> new TokenBucket(BURST, PER_SECOND, nanoTime));
    if (!bucket.tryTake()) {
      refuse(event, frame, new ApiError(429, TOO_FAST));
      return;
    }
    String address = frame.getValue("address") instanceof String a ? a : null;
    String token = BridgeRules.token(frame);
    Future<Void> verdict = switch (event.type()) {
      case REGISTER -> withGrace(() -> BridgeRules.register(address, token, projection), GRACE_STEPS);
      case SEND -> withGrace(() -> BridgeRules.command(address, token, frame.getValue("body"), projection),
          GRACE_STEPS);
      case PUBLISH -> Future.failedFuture(new ApiError(403, "browsers may not publish"));
      default -> Future.succeededFuture();
    };
    verdict.onComplete(ar -> {
      if (ar.succeeded()) {
        event.tryComplete(true);
      } else {
        refuse(event, frame, ar.cause());
      }
    });
  }

  /**
   * A refusal for an unknown token or match may only mean our copy of the match lags behind the instance that
   * seated the player: look again a few times before refusing for good.
   */
  private Future<Void> withGrace(Supplier<Optional<ApiError>> check, int stepsLeft) {
    Optional<ApiError> refusal = check.get();
    if (refusal.isEmpty()) {
      return Future.succeededFuture();
    }
    int status = refusal.get().status();
    if (stepsLeft == 0 || (status != 401 && status != 404)) {
      return Future.failedFuture(refusal.get());
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(GRACE_STEP_MS, id -> withGrace(check, stepsLeft - 1).onComplete(later));
    return later.future();
  }

  private static void refuse(BridgeEvent event, JsonObject frame, Throwable why) {
    ApiError error = why instanceof ApiError e ? e : new ApiError(500, "internal error");
    if (!(why instanceof ApiError)) {
      log.error("bridge check failed", why);
    }
    log.debug("refused {} to {}: {} {}", event.type(), frame.getValue("address"), error.status(), error.getMessage());
    // Tell the page's callback why; the bridge itself then adds a bare {"type":"err","body":"rejected"}.
    Object to = switch (event.type()) {
      case SEND -> frame.getValue("replyAddress");
      case REGISTER -> frame.getValue("address");
      default -> null;
    };
    if (to instanceof String address) {
      event.socket().write(new JsonObject().put("type", "err").put("address", address)
          .put("failureCode", error.status()).put("failureType", "RECIPIENT_FAILURE")
          .put("message", error.getMessage()).toBuffer());
    }
    event.tryComplete(false);
  }
}
