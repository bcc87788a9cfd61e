package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.tracing.TracingPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Pushes a match's views to the browsers listening on the bridge after every change: the public view to
 * {@code match.<id>.updates}, each player's own view to {@code match.<id>.player.<playerId>}. Each change is read by
 * one gateway instance of the JVM (the one whose share holds the match's partition), which pushes it; all their
 * bridges share one event bus.
 */
public final class Pusher {
  // Each JVM pushes to its own browsers; another JVM's gateway pushes to its own. Untraced: the bridge hands a
  // message's headers to the browser, and a traceparent there would tell a player what caused the change.
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true)
      .setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final Clock clock;

  public Pusher(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Called with every state the projection kept. */
  public void changed(MatchState state) {
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
