package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.tracing.TracingPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Pushes a match's views to the browsers listening on the bridge after every change: the public view to
 * {@code match.<id>.updates}, each player's own view to {@code match.<id>.player.<playerId>}. Every gateway
 * instance of a JVM sees every change and all their bridges share one event bus, so only one of them pushes: the
 * one holding the JVM-wide flag {@value #FLAG}. Views are whole snapshots, so a push lost or repeated while the
 * flag changes hands does no harm.
 */
public final class Pusher {
  static final String FLAG = "arena.gateway.pusher";
  private static final String HOLDER = "holder";
  // Each JVM pushes to its own browsers; another JVM's gateway pushes to its own. Untraced: the bridge hands a
  // message's headers to the browser, and a traceparent there would tell a player what caused the change.
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true)
      .setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final String instance;
  private final Clock clock;

  public Pusher(Vertx vertx, String instance, Clock clock) {
    this.vertx = vertx;
    this.instance = instance;
    this.clock = clock;
  }

  /** Called with every state the projection kept. */
  public void changed(MatchState state) {
    if (!pushing()) {
      return;
    }
    EventBus bus = vertx.eventBus();
    Instant now = clock.instant();
    bus.publish(BridgeRules.updates(state.matchId()), PlayerView.of(state, Optional.empty(), now), LOCAL);
    for (MatchState.Player p : state.players()) {
      bus.publish(BridgeRules.player(state.matchId(), p.playerId()),
          PlayerView.of(state, Optional.of(p.playerId()), now), LOCAL);
    }
    ActionVisibility.pushed(state);
  }

  /** Whether this instance pushes: it holds the flag, or takes it because nobody does. */
  public boolean pushing() {
    String holder = flag().putIfAbsent(HOLDER, instance);
    return holder == null || holder.equals(instance);
  }

  /** Hands the flag back, so another instance takes it on its next change. */
  public void release() {
    flag().removeIfPresent(HOLDER, instance);
  }

  private LocalMap<String, String> flag() {
    return vertx.sharedData().getLocalMap(FLAG);
  }
}
