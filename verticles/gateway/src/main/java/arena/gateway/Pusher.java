package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.tracing.TracingPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes a match's views to the browsers listening on the bridge after every change: the public view to
 * {@code match.<id>.updates}, each player's own view to {@code match.<id>.player.<playerId>}. Each change is read by
 * one gateway instance of the JVM (the one whose share holds the match's partition), which pushes it; all their
 * bridges share one event bus. Changes of a match read together (a gateway behind, catching up) are pushed once, as
 * the latest: it shows everything the others did, and the work of catching up no longer grows with how far behind it is.
 */
public final class Pusher {
  // Each JVM pushes to its own browsers; another JVM's gateway pushes to its own. Untraced: the bridge hands a
  // message's headers to the browser, and a traceparent there would tell a player what caused the change.
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true)
      .setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final Clock clock;
  /** The latest state of each match changed in the records being handled, in the order they first changed. */
  private final Map<String, MatchState> waiting = new LinkedHashMap<>();

  public Pusher(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /**
   * Called on the reading instance's event loop with every state the projection kept: pushed once the records read
   * with it are handled (the next turn of the loop).
   */
  public void changed(MatchState state) {
    if (waiting.isEmpty()) {
      vertx.getOrCreateContext().runOnContext(v -> pushWaiting());
    }
    waiting.put(state.matchId(), state);
  }

  private void pushWaiting() {
    List<MatchState> states = List.copyOf(waiting.values());
    waiting.clear();
    states.forEach(this::push);
  }

  private void push(MatchState state) {
    EventBus bus = vertx.eventBus();
    Instant now = clock.instant();
    bus.publish(BridgeRules.updates(state.matchId()), PlayerView.of(state, Optional.empty(), now), LOCAL);
    for (MatchState.Player p : state.players()) {
      bus.publish(BridgeRules.player(state.matchId(), p.playerId()),
          PlayerView.of(state, Optional.of(p.playerId()), now), LOCAL);
    }
    ActionVisibility.pushed(state);
  }
}
