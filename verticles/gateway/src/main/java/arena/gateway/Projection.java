package arena.gateway;

import arena.shared.game.MatchRules;
import arena.shared.state.MatchState;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The JVM's copy of every match, fed from the compacted match-state topic by the gateway instances, each reading its
 * share of the partitions (so each match is changed on one event loop); read and awaited from any instance's loop. The
 * newest version of a match wins, so a late or replayed record never rolls a match back.
 */
public final class Projection {
  /** A promise of the waiting instance's context: completing it from another loop runs its listeners there. */
  private record Waiter(long version, Promise<Void> promise) {}

  /** A quick-play lobby in the order quick play fills them: oldest first. */
  private record Lobby(Instant createdAt, String matchId) {}

  private static final Comparator<Lobby> OLDEST_FIRST =
      Comparator.comparing(Lobby::createdAt).thenComparing(Lobby::matchId);

  private final Map<String, MatchState> matches = new ConcurrentHashMap<>();
  // Quick play looks only here, never through every match the gateway has seen.
  private final NavigableSet<Lobby> openLobbies = new ConcurrentSkipListSet<>(OLDEST_FIRST);
  private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
  /** The shares of match-state's partitions still reading up to where it ended at the start. */
  private final Set<Integer> catchingUp = ConcurrentHashMap.newKeySet();

  /** What a gateway still catching up answers about matches, with Retry-After: {@value #RETRY_SECONDS}. */
  public static final String CATCHING_UP =
      "this gateway has just started and is catching up with the matches: try again in a moment";
  public static final long RETRY_SECONDS = 1;

  /** A projection that knows every match there is: for tests, and for what starts from nothing. */
  public Projection() {
    this(0);
  }

  private Projection(int shares) {
    for (int share = 0; share < shares; share++) {
      catchingUp.add(share);
    }
  }

  /**
   * A projection that is still reading match-state after a start, in {@code shares} shares: until each has
   * {@link #caughtUp(int) caught up}, a match it does not know may exist all the same.
   */
  public static Projection catchingUp(int shares) {
    return new Projection(shares);
  }

  /** Whether a match unknown here is unknown indeed. */
  public boolean ready() {
    return catchingUp.isEmpty();
  }

  /** Share {@code share} has read match-state as far as it went when the gateway started. */
  public void caughtUp(int share) {
    catchingUp.remove(share);
  }

  public Optional<MatchState> match(String matchId) {
    return Optional.ofNullable(matches.get(matchId));
  }

  /**
   * The oldest waiting quick-play match with a free human seat whose lobby is still open at {@code now},
   * leaving out {@code tried}.
   */
  public Optional<MatchState> openQuickPlay(Set<String> tried, Instant now) {
    for (Lobby lobby : openLobbies) {
      MatchState m = matches.get(lobby.matchId());
      if (m != null && !tried.contains(m.matchId()) && open(m)
          && MatchRules.lobbyDeadline(m).map(now::isBefore).orElse(true)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** A waiting quick-play match with a free human seat. */
  private static boolean open(MatchState m) {
    return m.status() == MatchState.Status.WAITING && m.settings().quickPlay()
        && m.players().size() < m.settings().humans();
  }

  /** The ids of the indexed open lobbies, oldest first. */
  List<String> openLobbies() {
    return openLobbies.stream().map(Lobby::matchId).toList();
  }

  /** Keeps {@code state} if it is newer than what we hold; returns whether it was kept. */
  public boolean apply(MatchState state) {
    MatchState held = matches.get(state.matchId());
    if (held != null && held.version() >= state.version()) {
      return false;
    }
    matches.put(state.matchId(), state);
    Lobby lobby = new Lobby(state.createdAt(), state.matchId());
    if (open(state)) {
      openLobbies.add(lobby);
    } else {
      openLobbies.remove(lobby);
    }
    // Kept first, waiters looked at next: one added meanwhile sees the new version itself (whenAtVersion).
    Set<Waiter> waiting = waiters.get(state.matchId());
    if (waiting != null) {
      for (Waiter w : waiting) {
        if (w.version() <= state.version()) {
          w.promise().tryComplete();
        }
      }
    }
    return true;
  }

  /**
   * Forgets a match the Match Service forgot (a tombstone on match-state, some time after it ended): its state, its
   * place in the quick-play index, and anyone waiting on it, who learns it is gone. Returns whether it was known.
   */
  public boolean drop(String matchId) {
    MatchState held = matches.remove(matchId);
    Set<Waiter> waiting = waiters.remove(matchId);
    if (waiting != null) {
      waiting.forEach(w -> w.promise().tryFail(ApiError.notFound(PlayerActions.NO_SUCH_MATCH)));
    }
    if (held == null) {
      return false;
    }
    openLobbies.remove(new Lobby(held.createdAt(), matchId));
    return true;
  }

  /**
   * Completes {@code waiter} once the match is at {@code version} or newer; from any thread, so {@code waiter} should
   * be a promise of the caller's context. A waiter completed elsewhere (a timeout failing it) is forgotten at once.
   */
  public void whenAtVersion(String matchId, long version, Promise<Void> waiter) {
    if (atVersion(matchId, version)) {
      waiter.tryComplete();
      return;
    }
    Waiter w = new Waiter(version, waiter);
    waiters.compute(matchId, (id, waiting) -> {
      Set<Waiter> set = waiting == null ? ConcurrentHashMap.newKeySet() : waiting;
      set.add(w);
      return set;
    });
    waiter.future().onComplete(ar -> waiters.computeIfPresent(matchId, (id, waiting) -> {
      waiting.remove(w);
      return waiting.isEmpty() ? null : waiting;
    }));
    // The version may have come while we were adding ourselves, after apply looked at the waiters.
    if (atVersion(matchId, version)) {
      waiter.tryComplete();
    }
  }

  private boolean atVersion(String matchId, long version) {
    MatchState held = matches.get(matchId);
    return held != null && held.version() >= version;
  }

  /** How many matches are kept. */
  public int size() {
    return matches.size();
  }

  int waiting() {
    return waiters.values().stream().mapToInt(Set::size).sum();
  }
}
