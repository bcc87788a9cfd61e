package arena.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * callback learns why: {"type":"err","address","failureCode","failureType","message"}. Per client (remote address)
 * only so many sockets may be open, and per socket only so many addresses listened at ({@link ClientLimits}).
 */
public final class Bridge {
  private static final Logger log = LoggerFactory.getLogger(Bridge.class);
  public static final int BURST = 10;
  public static final double PER_SECOND = 5;
  public static final String TOO_FAST = "Slow down: too many messages";
  // A player just seated through another gateway instance may reach us a moment before our copy of the match.
  static final long GRACE_STEP_MS = 200;
  static final int GRACE_STEPS = 5;
  // How long a frame may wait for a gateway that has just started to catch up: 5 s.
  static final int CATCH_UP_STEPS = 25;
  /** The sockjs-client library, served from the jar: SockJS's iframe page loads it from here, not from a CDN. */
  public static final String LIBRARY_URL = "/sockjs.min.js";
  public static final String TOO_MANY_SOCKETS = "too many connections from your address";
  public static final String TOO_MANY_REGISTRATIONS = "this connection listens at too many addresses";

  /** What the bridge keeps about an open socket: its rate limit, its client and where it listens. */
  private record Socket(TokenBucket bucket, String client, boolean counted, Set<String> registered) {}

  private final Vertx vertx;
  private final Projection projection;
  private final ClientLimits limits;
  private final LongSupplier nanoTime;
  // Sockets of one bridge live on the event loop that opened them; concurrent maps cost little and keep it safe.
  private final Map<SockJSSocket, Socket> sockets = new ConcurrentHashMap<>();

  public Bridge(Vertx vertx, Projection projection, ClientLimits limits) {
    this(vertx, projection, limits, System::nanoTime);
  }

  Bridge(Vertx vertx, Projection projection, ClientLimits limits, LongSupplier nanoTime) {
    this.vertx = vertx;
    this.projection = projection;
    this.limits = limits;
    this.nanoTime = nanoTime;
  }

  public static SockJSBridgeOptions options() {
    return new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(BridgeRules.COMMANDS))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeRules.UPDATES_REGEX))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(BridgeRules.PLAYER_REGEX));
  }

  /**
   * SockJS without what the page does not need: no JSONP or htmlfile transports (script and iframe tricks other
   * sites could use), no JSESSIONID cookie, and its iframe page loads the library from the jar.
   */
  public static SockJSHandlerOptions sockJsOptions() {
    return new SockJSHandlerOptions().setLibraryURL(LIBRARY_URL).setInsertJSESSIONID(false)
        .addDisabledTransport("JSON_P").addDisabledTransport("HTML_FILE");
  }

  public Router router() {
    return SockJSHandler.create(vertx, sockJsOptions()).bridge(options(), this::handle);
  }

  void handle(BridgeEvent event) {
    switch (event.type()) {
      case SOCKET_CREATED -> opened(event);
      case SOCKET_CLOSED -> {
        Socket socket = sockets.remove(event.socket());
        if (socket != null && socket.counted()) {
          limits.closeSocket(socket.client());
        }
        event.tryComplete(true);
      }
      case SEND, PUBLISH, REGISTER, UNREGISTER -> inbound(event);
      default -> event.tryComplete(true);
    }
  }

  private void opened(BridgeEvent event) {
    String client = ClientLimits.client(event.socket().remoteAddress());
    if (!limits.openSocket(client)) {
      log.debug("refused a socket: {}", TOO_MANY_SOCKETS);
      event.socket().write(new JsonObject().put("type", "err").put("failureCode", 429)
          .put("failureType", "RECIPIENT_FAILURE").put("message", TOO_MANY_SOCKETS).toBuffer());
      event.tryComplete(false);
      return;
    }
    sockets.put(event.socket(), new Socket(new TokenBucket(BURST, PER_SECOND, nanoTime), client, true,
        ConcurrentHashMap.newKeySet()));
    event.tryComplete(true);
  }

  private void inbound(BridgeEvent event) {
    JsonObject frame = event.getRawMessage() == null ? new JsonObject() : event.getRawMessage();
    // A socket we did not see open (refused, or opened before this bridge) is held to the same limits.
    Socket socket = sockets.computeIfAbsent(event.socket(), s -> new Socket(new TokenBucket(BURST, PER_SECOND,
        nanoTime), ClientLimits.client(s.remoteAddress()), false, ConcurrentHashMap.newKeySet()));
    if (!socket.bucket().tryTake()) {
      refuse(event, frame, new ApiError(429, TOO_FAST));
      return;
    }
    String address = frame.getValue("address") instanceof String a ? a : null;
    String token = BridgeRules.token(frame);
    Future<Void> verdict = switch (event.type()) {
      case REGISTER -> socket.registered().contains(address) || limits.mayRegister(socket.registered().size())
          ? afterCatchUp(() -> withGrace(() -> BridgeRules.register(address, token, projection), GRACE_STEPS),
              CATCH_UP_STEPS)
          : Future.failedFuture(new ApiError(429, TOO_MANY_REGISTRATIONS));
      case SEND -> afterCatchUp(() -> withGrace(() -> BridgeRules.command(address, token, frame.getValue("body"),
          projection), GRACE_STEPS), CATCH_UP_STEPS);
      case PUBLISH -> Future.failedFuture(new ApiError(403, "browsers may not publish"));
      default -> Future.succeededFuture();
    };
    verdict.onComplete(ar -> {
      if (ar.succeeded()) {
        if (event.type() == BridgeEventType.REGISTER) {
          socket.registered().add(address);
        } else if (event.type() == BridgeEventType.UNREGISTER && address != null) {
          socket.registered().remove(address);
        }
        event.tryComplete(true);
      } else {
        refuse(event, frame, ar.cause());
      }
    });
  }

  /**
   * A gateway that has just started may not know a match yet: the verdict waits until it has caught up, a few
   * seconds at most, and is a 503 after that, never a wrong "no such match".
   */
  private Future<Void> afterCatchUp(Supplier<Future<Void>> verdict, int stepsLeft) {
    if (projection.ready()) {
      return verdict.get();
    }
    if (stepsLeft == 0) {
      return Future.failedFuture(ApiError.unavailable(Projection.CATCHING_UP, Projection.RETRY_SECONDS));
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(GRACE_STEP_MS, id -> afterCatchUp(verdict, stepsLeft - 1).onComplete(later));
    return later.future();
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
