package arena.gateway;

import arena.shared.state.MatchState;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This gateway instance's copy of every match, fed from the compacted match-state topic. The newest
 * version of a match wins, so a late or replayed record never rolls a match back. Changed and awaited on one
 * event loop only; read from any (a SockJS session may be served by another instance's event loop).
 */
public final class Projection {
  private record Waiter(long version, Promise<Void> promise) {}

  private final Map<String, MatchState> matches = new ConcurrentHashMap<>();
  private final Map<String, List<Waiter>> waiters = new HashMap<>();

  public Optional<MatchState> match(String matchId) {
    return Optional.ofNullable(matches.get(matchId));
  }

  /**
   * The oldest waiting quick-play match with a free human seat whose lobby is still open at {@code now},
   * leaving out {@code tried}.
   */
  public Optional<MatchState> openQuickPlay(Set<String> tried, Instant now) {
    return matches.values().stream()
        .filter(m -> m.status() == MatchState.Status.WAITING && m.settings().quickPlay())
        .filter(m -> m.players().size() < m.settings().humans())
        .filter(m -> !tried.contains(m.matchId()))
        .filter(m -> PlayerView.lobbyDeadline(m).map(now::isBefore).orElse(true))
        .min(Comparator.comparing(MatchState::createdAt).thenComparing(MatchState::matchId));
  }

  /** Keeps {@code state} if it is newer than what we hold; returns whether it was kept. */
  public boolean apply(MatchState state) {
    MatchState held = matches.get(state.matchId());
    if (held != null && held.version() >= state.version()) {
      return false;
    }
    matches.put(state.matchId(), state);
    List<Waiter> waiting = waiters.get(state.matchId());
    if (waiting != null) {
      for (Waiter w : List.copyOf(waiting)) {
        if (w.version() <= state.version()) {
          w.promise().tryComplete();
        }
      }
    }
    return true;
  }

  /**
   * Completes {@code waiter} once the match is at {@code version} or newer. A waiter completed elsewhere
   * (a timeout failing it) is forgotten at once.
   */
  public void whenAtVersion(String matchId, long version, Promise<Void> waiter) {
    MatchState held = matches.get(matchId);
    if (held != null && held.version() >= version) {
      waiter.tryComplete();
      return;
    }
    Waiter w = new Waiter(version, waiter);
    List<Waiter> waiting = waiters.computeIfAbsent(matchId, k -> new ArrayList<>());
    waiting.add(w);
    waiter.future().onComplete(ar -> {
      waiting.remove(w);
      if (waiting.isEmpty()) {
        waiters.remove(matchId, waiting);
      }
    });
  }

  int waiting() {
    return waiters.values().stream().mapToInt(List::size).sum();
  }
}
