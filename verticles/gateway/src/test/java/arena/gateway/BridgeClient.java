package arena.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** A browser's end of the event-bus bridge, speaking its JSON frames over /eventbus/websocket. For tests. */
final class BridgeClient implements AutoCloseable {
  private final Vertx vertx;
  private final WebSocket ws;
  private final long pinger;
  private final List<JsonObject> frames = new ArrayList<>();

  private BridgeClient(Vertx vertx, WebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    ws.handler(data -> {
      synchronized (frames) {
        frames.add(new JsonObject(data));
        frames.notifyAll();
      }
    });
    // The bridge closes sockets that stay silent longer than its ping timeout.
    this.pinger = vertx.setPeriodic(5000, id -> write(new JsonObject().put("type", "ping")));
  }

  /** {@code sockets} must be held by the caller: a client nobody refers to may be collected, closing its sockets. */
  static BridgeClient connect(Vertx vertx, WebSocketClient sockets, int port) {
    return new BridgeClient(vertx, sockets.connect(port, "127.0.0.1", "/eventbus/websocket").await());
  }

  void write(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  void register(String address, String token) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    write(frame);
  }

  /** Sends {@code body} asking for a reply; returns the reply address to await. */
  String send(String address, String token, Object body) {
    String replyAddress = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    write(frame);
    return replyAddress;
  }

  void publish(String address, Object body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  /** The first frame received (so far or within {@code timeout}) that {@code test} accepts. */
  JsonObject await(Predicate<JsonObject> test, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonObject f : frames) {
          if (test.test(f)) {
            return f;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no such frame within " + timeout + "; received: " + frames);
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
  JsonObject awaitAt(String address, Duration timeout) {
    return await(f -> address.equals(f.getString("address")), timeout);
  }

  List<JsonObject> frames() {
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
