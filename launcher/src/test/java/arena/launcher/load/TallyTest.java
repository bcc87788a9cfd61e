package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyTest {

  @Test
  void errorsAreCountedByKindWithoutTheirIdsAndNumbers() {
    // Given two fallbacks of different robots in different matches and a refused answer
    Tally tally = new Tally();
    tally.error("76abaa94-faab-4bdb-84ef-19657d7a18df round 2: robot robot-busy-parent-17 fell back (no model reply)");
    tally.error("fd0e9d11-c638-4546-b4a9-9abd8dc742bd round 1: robot robot-dry-engineer-3 fell back (no model reply)");
    tally.error("fd0e9d11-c638-4546-b4a9-9abd8dc742bd: answer in round 1: 409 {\"error\":\"already answered\"}");

    // Then they make two kinds, each message is kept, and the count is 3
    assertThat(tally.kinds()).isEqualTo(Map.of(
        "<match> round N: robot <robot> fell back (no model reply)", 2L,
        "<match>: answer in round N: N {\"error\":\"already answered\"}", 1L));
    assertThat(tally.messages()).hasSize(3);
    assertThat(tally.errors.get()).isEqualTo(3);
  }
}
