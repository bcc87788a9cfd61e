package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.LlmUsage;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Optional;
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
}
