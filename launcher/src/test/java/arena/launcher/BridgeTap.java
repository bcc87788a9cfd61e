package arena.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A browser's end of the event-bus bridge that hands every frame on the moment it arrives, with its
 * {@link System#nanoTime()}: the adversary test times pushes to the millisecond (BridgeClient keeps frames, not
 * their arrival times).
 */
final class BridgeTap implements AutoCloseable {
  interface Frames {
    void arrived(long nanos, JsonObject frame);
  }

  private final Vertx vertx;
  private final WebSocket ws;
  private final long pinger;

  private BridgeTap(Vertx vertx, WebSocket ws, Frames frames) {
    this.vertx = vertx;
    this.ws = ws;
    // A view past the gateway's frame size arrives in fragments: parse the message once its last one is in.
    Buffer[] message = {Buffer.buffer()};
    ws.frameHandler(frame -> {
      if (!frame.isText() && !frame.isBinary() && !frame.isContinuation()) {
        return;
      }
      message[0].appendBuffer(frame.binaryData());
      if (frame.isFinal()) {
        Buffer whole = message[0];
        message[0] = Buffer.buffer();
        frames.arrived(System.nanoTime(), new JsonObject(whole));
      }
    });
    // The bridge closes sockets that stay silent longer than its ping timeout.
    this.pinger = vertx.setPeriodic(5000, id -> write(new JsonObject().put("type", "ping")));
  }

  /** {@code sockets} must be held by the caller: a client nobody refers to may be collected, closing its sockets. */
  static BridgeTap connect(Vertx vertx, WebSocketClient sockets, int port, Frames frames) {
    return new BridgeTap(vertx, sockets.connect(port, "127.0.0.1", "/eventbus/websocket")
        .timeout(10, TimeUnit.SECONDS).await(), frames);
  }

  void register(String address, String token) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    write(frame);
  }

  /** Sends {@code body} with {@code token}, asking for a reply; returns the address the reply will come to. */
  String send(String address, String token, JsonObject body) {
    return send(address, new JsonObject().put("token", token), body);
  }

  /** As {@link #send(String, String, JsonObject)}, with the frame's {@code headers} as given. */
  String send(String address, JsonObject headers, JsonObject body) {
    String replyAddress = UUID.randomUUID().toString();
    write(new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress).put("headers", headers));
    return replyAddress;
  }

  private void write(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    ws.close();
  }
}
