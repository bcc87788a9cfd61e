package arena.gateway;

import arena.shared.ops.ArenaMetrics;
import arena.shared.state.MatchState;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long a human's answer or vote takes from the gateway accepting it to the push of the first view that holds
 * it ({@code arena_action_visible_seconds}): the whole way through Kafka, the Match Service and match-state back.
 * JVM-wide, since any gateway instance may accept an action and another one pushes. Only humans act here, and the
 * figure stays on the admin listener.
 */
final class ActionVisibility {
  /** Actions the Match Service never takes (a refusal we did not hear of) are dropped after this long. */
  private static final long STALE_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final Timer VISIBLE = ArenaMetrics.duration("arena.action.visible",
      "a human's answer or vote, from the gateway accepting it to the push of a view that holds it")
      .register(Metrics.globalRegistry);
  /** Match id → (player, kind, round) → when accepted (System.nanoTime). */
  private static final Map<String, Map<Action, Long>> PENDING = new ConcurrentHashMap<>();

  private record Action(String playerId, String kind, int round) {}

  private ActionVisibility() {}

  static void accepted(String matchId, String playerId, String kind, int round) {
    PENDING.computeIfAbsent(matchId, m -> new ConcurrentHashMap<>())
        .put(new Action(playerId, kind, round), System.nanoTime());
  }

  /** The Match Service refused it: it will never be seen. */
  static void refused(String matchId, String playerId, String kind, int round) {
    Map<Action, Long> actions = PENDING.get(matchId);
    if (actions != null) {
      actions.remove(new Action(playerId, kind, round));
    }
  }

  /** Called as the views of {@code state} are pushed: times every action they now hold. */
  static void pushed(MatchState state) {
    Map<Action, Long> actions = PENDING.get(state.matchId());
    if (actions == null) {
      return;
    }
    long now = System.nanoTime();
    actions.entrySet().removeIf(e -> {
      if (holds(state, e.getKey())) {
        VISIBLE.record(now - e.getValue(), TimeUnit.NANOSECONDS);
        return true;
      }
      return now - e.getValue() > STALE_NANOS;
    });
    if (actions.isEmpty() || state.status().over()) {
      PENDING.remove(state.matchId());
    }
  }

  private static boolean holds(MatchState state, Action action) {
    return state.rounds().stream().filter(r -> r.number() == action.round()).anyMatch(r -> {
      Map<String, String> given = PlayerActions.RESPONSE.equals(action.kind()) ? r.responses() : r.votes();
      return given != null && given.containsKey(action.playerId());
    });
  }
}
