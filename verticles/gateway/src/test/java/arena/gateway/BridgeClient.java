package arena.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A browser's end of the event-bus bridge, speaking its JSON frames over /eventbus/websocket and keeping every frame
 * it receives. For tests, here and in the launcher's (shared through the gateway's test jar).
 */
public final class BridgeClient implements AutoCloseable {
  private final Vertx vertx;
  private final WebSocket ws;
  private final long pinger;
  private final List<JsonObject> frames = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private BridgeClient(Vertx vertx, WebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    if (ws.isClosed()) {
      // Turned away before we could listen (too many sockets): nothing will arrive.
      closed.countDown();
    } else {
      ws.closeHandler(v -> closed.countDown());
      ws.handler(data -> {
        synchronized (frames) {
          frames.add(new JsonObject(data));
          frames.notifyAll();
        }
      });
    }
    // The bridge closes sockets that stay silent longer than its ping timeout.
    this.pinger = vertx.setPeriodic(5000, id -> write(new JsonObject().put("type", "ping")));
  }

  /** {@code sockets} must be held by the caller: a client nobody refers to may be collected, closing its sockets. */
  public static BridgeClient connect(Vertx vertx, WebSocketClient sockets, int port) {
    // Listen as the connection completes, on its event loop, before the gateway can send or close anything.
    return sockets.connect(port, "127.0.0.1", "/eventbus/websocket").map(ws -> new BridgeClient(vertx, ws)).await();
  }

  public void write(JsonObject frame) {
    writeText(frame.encode());
  }

  /** Any text, as one WebSocket message; nothing once the gateway closed the socket (the frames say why). */
  public void writeText(String text) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(text);
    }
  }

  /** Whether the gateway closed the socket within {@code timeout}. */
  public boolean awaitClosed(Duration timeout) {
    try {
      return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void register(String address, String token) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    write(frame);
  }

  /** Sends {@code body} asking for a reply; returns the reply address to await. */
  public String send(String address, String token, Object body) {
    String replyAddress = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    write(frame);
    return replyAddress;
  }

  public void publish(String address, Object body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  /** The first frame received (so far or within {@code timeout}) that {@code test} accepts. */
  public JsonObject await(Predicate<JsonObject> test, Duration timeout) {
    List<JsonObject> found = awaitAll(test, 1, timeout);
    if (found.isEmpty()) {
      throw new AssertionError("no such frame within " + timeout + "; received: " + frames());
    }
    return found.get(0);
  }

  /** The frames {@code test} accepts, once there are {@code count} of them or {@code timeout} passed. */
  public List<JsonObject> awaitAll(Predicate<JsonObject> test, int count, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        List<JsonObject> found = frames.stream().filter(test).toList();
        long left = end - System.nanoTime();
        if (found.size() >= count || left <= 0) {
          return found;
        }
        try {
          frames.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The frame sent to {@code address}: a view pushed there, a reply, or an error. */
  public JsonObject awaitAt(String address, Duration timeout) {
    return await(f -> address.equals(f.getString("address")), timeout);
  }

  /**
   * A view pushed to {@code address} that {@code test} accepts. Registering is not acknowledged, so a change
   * made just before it took effect may be missed: like the page, look at {@code current} (a GET of the view)
   * when no push has been heard for a second.
   */
  public JsonObject awaitView(String address, Predicate<JsonObject> test, Supplier<JsonObject> current,
      Duration timeout) {
    Predicate<JsonObject> pushed = f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
        && test.test(f.getJsonObject("body"));
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      List<JsonObject> found = awaitAll(pushed, 1, Duration.ofSeconds(1));
      if (!found.isEmpty()) {
        return found.get(0).getJsonObject("body");
      }
      JsonObject view = current == null ? null : current.get();
      if (view != null && test.test(view)) {
        return view;
      }
    }
    throw new AssertionError("no view at " + address + " matched within " + timeout + "; received: " + frames());
  }

  public List<JsonObject> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    ws.close();
  }
}
