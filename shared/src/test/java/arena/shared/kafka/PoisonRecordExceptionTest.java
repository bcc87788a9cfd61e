package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoisonRecordExceptionTest {

  @Test
  void poisonIsFoundAnywhereInTheCauseChain() {
    // Given poison wrapped twice, and a failure with no poison in it
    PoisonRecordException poison = new PoisonRecordException("robot command without ids");
    RuntimeException wrapped = new IllegalStateException("step failed", new RuntimeException("lane", poison));
    RuntimeException transientFailure = new IllegalStateException("broker away", new RuntimeException("timeout"));

    // When / Then
    assertThat(PoisonRecordException.in(wrapped)).containsSame(poison);
    assertThat(PoisonRecordException.in(poison)).containsSame(poison);
    assertThat(PoisonRecordException.in(transientFailure)).isEmpty();
    assertThat(PoisonRecordException.in(null)).isEmpty();
  }
}
