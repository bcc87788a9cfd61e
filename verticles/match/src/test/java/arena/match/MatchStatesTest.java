package arena.match;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.LlmUsage;
import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchStatesTest {
  static final MatchState V3 = new MatchState("m1", new MatchSettings(4, 1, 1, 60, 30, 5), Status.RUNNING, 3,
      Instant.parse("2026-01-01T12:00:00Z"), null, List.of(), List.of(), List.of(), Map.of(), List.of(), Usage.NONE);

  @Test
  void aRestoredStateReplacesAnOlderOneAndKeepsUsageCountedUnderTheSameVersion() {
    // Given version 3 with one usage report folded in (a report keeps the version)
    MatchState counted = MatchStates.withUsage(V3,
        new Usage(new LlmUsage(1, 0, 400, 30, 0.0012), List.of("cmd-1/response")));

    // Then the state with the usage supersedes the one without at the same version, never the other way round
    assertThat(MatchStates.supersedes(counted, V3)).isTrue();
    assertThat(MatchStates.supersedes(V3, counted)).isFalse();
    assertThat(MatchStates.supersedes(counted, counted)).isTrue();

    // And any newer version supersedes, any older one does not
    assertThat(MatchStates.supersedes(MatchStates.withVersion(V3, 4), counted)).isTrue();
    assertThat(MatchStates.supersedes(MatchStates.withVersion(counted, 2), V3)).isFalse();
  }
}
