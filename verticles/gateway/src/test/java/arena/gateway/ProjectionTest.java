package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.LlmUsage;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  private final Projection projection = new Projection();

  @Test
  void theNewestVersionWins() {
    // Given version 10 of a match
    projection.apply(Matches.running(Phase.VOTING));

    // When an older version arrives late, then a newer one
    boolean older = projection.apply(Matches.withVersion(Matches.waiting(), 3));
    boolean newer = projection.apply(Matches.completed());

    // Then the late one is ignored and the newer one kept
    assertThat(older).isFalse();
    assertThat(newer).isTrue();
    assertThat(projection.match(Matches.MATCH)).map(MatchState::version).contains(20L);
    assertThat(projection.match("other")).isEmpty();
  }

  @Test
  void aUsageOnlyChangeUnderTheSameVersionIsNeitherKeptNorPushed() {
    // Given version 10 of a running match, as pushed to its players
    MatchState seen = Matches.running(Phase.VOTING);
    assertThat(projection.apply(seen)).isTrue();

    // When the Match Service stores a robot's usage report: same version, more usage
    MatchState usage = new MatchState(seen.matchId(), seen.settings(), seen.status(), seen.version(),
        seen.createdAt(), seen.completedAt(), seen.players(), seen.robots(), seen.rounds(), seen.scores(),
        seen.promptsUsed(), new MatchState.Usage(new LlmUsage(7, 1, 4600, 410, 0.0135),
            List.of("cmd-1/response", "cmd-7/vote")));

    // Then the projection keeps its copy and reports no change, so the gateway pushes nothing
    assertThat(projection.apply(usage)).isFalse();
    assertThat(projection.match(Matches.MATCH)).containsSame(seen);

    // And had it been pushed, no view would differ: usage is not in any view
    for (Optional<String> who : List.of(Optional.<String>empty(), Optional.of(Matches.ANN.playerId()))) {
      assertThat(PlayerView.of(usage, who, Matches.NOW)).isEqualTo(PlayerView.of(seen, who, Matches.NOW));
    }
  }

  /** A quick-play lobby {@code id}, created {@code age} seconds before NOW, at {@code version}. */
  static MatchState lobby(String id, int age, long version, MatchState.Status status, MatchState.Player... joined) {
    MatchState q = Matches.quickPlayWaiting(joined);
    return new MatchState(id, q.settings(), status, version, Matches.NOW.minusSeconds(age), null, q.players(),
        q.robots(), q.rounds(), q.scores(), q.promptsUsed(), q.usage());
  }

  @Test
  void quickPlayFindsTheOldestOpenLobbyFromAnIndexOfOpenLobbiesOnly() {
    // Given four quick-play lobbies (the oldest one's wait over: ann joined it 300 s ago), a private match
    // waiting for its humans, and a running quick-play match
    projection.apply(lobby("q-new", 5, 1, MatchState.Status.WAITING));
    projection.apply(lobby("q-closed", 400, 2, MatchState.Status.WAITING, Matches.ANN));
    projection.apply(lobby("q-old", 50, 1, MatchState.Status.WAITING));
    projection.apply(lobby("q-mid", 20, 1, MatchState.Status.WAITING));
    projection.apply(Matches.waiting(Matches.ANN));
    projection.apply(lobby("q-running", 90, 9, MatchState.Status.RUNNING, Matches.ANN));

    // Then only the quick-play lobbies with a free seat are indexed, oldest first
    assertThat(projection.openLobbies()).containsExactly("q-closed", "q-old", "q-mid", "q-new");

    // And quick play takes the oldest still open, or the next one when it was tried already; the closed one
    // is passed over while the Match Service starts it
    assertThat(projection.openQuickPlay(Set.of(), Matches.NOW)).map(MatchState::matchId).contains("q-old");
    assertThat(projection.openQuickPlay(Set.of("q-old"), Matches.NOW)).map(MatchState::matchId).contains("q-mid");
    assertThat(projection.openQuickPlay(Set.of("q-old", "q-mid", "q-new"), Matches.NOW)).isEmpty();

    // And before its wait was over, the oldest was the one to join
    assertThat(projection.openQuickPlay(Set.of(), Matches.ANN.joinedAt().plusSeconds(9)))
        .map(MatchState::matchId).contains("q-closed");
  }

  @Test
  void aLobbyLeavesTheIndexWhenItFillsStartsExpiresOrCompletes() {
    // Given four open lobbies
    projection.apply(lobby("fills", 40, 1, MatchState.Status.WAITING));
    projection.apply(lobby("starts", 30, 1, MatchState.Status.WAITING));
    projection.apply(lobby("expires", 20, 1, MatchState.Status.WAITING));
    projection.apply(lobby("completes", 10, 1, MatchState.Status.WAITING));

    // When the first fills its three human seats, the second starts, the third expires, the last completes
    projection.apply(lobby("fills", 40, 2, MatchState.Status.WAITING, Matches.ANN, Matches.BOB,
        new MatchState.Player("p-cat", "Cat", "h-cat", Matches.NOW)));
    projection.apply(lobby("starts", 30, 2, MatchState.Status.RUNNING, Matches.ANN));
    projection.apply(lobby("expires", 20, 2, MatchState.Status.EXPIRED));
    projection.apply(lobby("completes", 10, 2, MatchState.Status.COMPLETED, Matches.ANN));

    // Then none is left to join, and a late, older copy of a lobby does not bring it back
    assertThat(projection.openLobbies()).isEmpty();
    assertThat(projection.apply(lobby("starts", 30, 1, MatchState.Status.WAITING))).isFalse();
    assertThat(projection.openLobbies()).isEmpty();
    assertThat(projection.openQuickPlay(Set.of(), Matches.NOW)).isEmpty();
  }

  @Test
  void aWaiterIsReleasedOnceTheVersionArrives() {
    // Given someone waiting for version 11
    Promise<Void> waiter = Promise.promise();
    projection.apply(Matches.running(Phase.VOTING));
    projection.whenAtVersion(Matches.MATCH, 11, waiter);
    assertThat(waiter.future().isComplete()).isFalse();

    // When version 11 arrives
    projection.apply(Matches.withVersion(Matches.running(Phase.SCORED), 11));

    // Then the waiter is released and forgotten
    assertThat(waiter.future().succeeded()).isTrue();
    assertThat(projection.waiting()).isZero();
  }

  @Test
  void aWaiterForAVersionAlreadyHeldIsReleasedAtOnce() {
    projection.apply(Matches.running(Phase.VOTING));
    Promise<Void> waiter = Promise.promise();

    projection.whenAtVersion(Matches.MATCH, 10, waiter);

    assertThat(waiter.future().succeeded()).isTrue();
  }

  @Test
  void aWaiterThatGivesUpIsForgotten() {
    // Given someone waiting for a match not seen yet
    Promise<Void> waiter = Promise.promise();
    projection.whenAtVersion("new-match", 1, waiter);
    assertThat(projection.waiting()).isEqualTo(1);

    // When it times out elsewhere
    waiter.fail("timeout");

    // Then nothing is kept for it
    assertThat(projection.waiting()).isZero();
  }

  @Test
  void aForgottenMatchLeavesTheProjectionAndTheQuickPlayIndex() {
    // Given a finished match, and an open quick-play lobby someone waits on
    projection.apply(Matches.completed());
    projection.apply(lobby("q-1", 5, 2, MatchState.Status.WAITING, Matches.ANN));
    Promise<Void> waiter = Promise.promise();
    projection.whenAtVersion("q-1", 3, waiter);

    // When the Match Service forgets both (tombstones on match-state)
    boolean finished = projection.drop(Matches.MATCH);
    boolean lobby = projection.drop("q-1");

    // Then neither is known any more, quick play finds no lobby, and the waiter learns the match is gone
    assertThat(finished).isTrue();
    assertThat(lobby).isTrue();
    assertThat(projection.match(Matches.MATCH)).isEmpty();
    assertThat(projection.match("q-1")).isEmpty();
    assertThat(projection.openLobbies()).isEmpty();
    assertThat(projection.openQuickPlay(Set.of(), Matches.NOW)).isEmpty();
    assertThat(waiter.future().failed()).isTrue();
    assertThat(((ApiError) waiter.future().cause()).status()).isEqualTo(404);
    assertThat(projection.waiting()).isZero();

    // And forgetting a match it never knew changes nothing
    assertThat(projection.drop("never-seen")).isFalse();
  }
}
