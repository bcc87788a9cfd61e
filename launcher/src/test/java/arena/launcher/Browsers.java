package arena.launcher;

import arena.gateway.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.List;

/** Browsers on the event-bus bridge for a test, each on a socket of its own; closed all together. */
final class Browsers implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  // Held for the whole test: a client nobody refers to may be collected, and its sockets closed with it.
  private final WebSocketClient sockets = vertx.createWebSocketClient();
  private final List<BridgeClient> open = new ArrayList<>();

  /** A new browser on the bridge of the gateway at {@code port}. */
  BridgeClient open(int port) {
    BridgeClient browser = BridgeClient.connect(vertx, sockets, port);
    open.add(browser);
    return browser;
  }

  @Override
  public void close() {
    open.forEach(BridgeClient::close);
    vertx.close().await();
  }
}
