package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DelayModelTest {
  private static final long START = 1_000_000L;
  private static final long FAR = START + 600_000L;

  private final Random random = new Random(1);

  @Test
  void reading_and_typing_take_time_within_min_and_max() {
    // Given: 10 ms per read char, 100 ms per typed char, no jitter
    DelayModel model = new DelayModel(1000, 8000, 10, 100, 0, 1000);

    // When / Then
    assertThat(model.delayMs(100, 20, null, START, FAR, random)).isEqualTo(100 * 10 + 20 * 100);
    assertThat(model.delayMs(0, 1, null, START, FAR, random)).isEqualTo(1000);
    assertThat(model.delayMs(1000, 500, null, START, FAR, random)).isEqualTo(8000);
  }

  @Test
  void the_personas_typing_speed_replaces_the_default() {
    // Given a persona typing 10 characters a second
    DelayModel model = new DelayModel(0, 60_000, 0, 100, 0, 0);

    // When
    long delay = model.delayMs(0, 50, TestPersonas.plain(), START, FAR, random);

    // Then
    assertThat(delay).isEqualTo(5000);
  }

  @Test
  void jitter_adds_at_most_jitterMs() {
    // Given
    DelayModel model = new DelayModel(0, 60_000, 0, 100, 500, 0);

    // When / Then
    for (int i = 0; i < 100; i++) {
      assertThat(model.delayMs(0, 20, null, START, FAR, random)).isBetween(2000L, 2500L);
    }
  }

  @Test
  void the_reply_lands_before_the_deadline_less_the_margin() {
    // Given a deadline 5 s away and a 1.5 s margin
    DelayModel model = new DelayModel(1000, 60_000, 10, 100, 0, 1500);

    // When a long answer would take 20 s to type
    long delay = model.delayMs(100, 200, null, START, START + 5000, random);

    // Then
    assertThat(delay).isEqualTo(3500);
  }

  @Test
  void never_instant_even_when_the_deadline_is_close() {
    // Given a deadline inside the margin
    DelayModel model = new DelayModel(0, 60_000, 0, 0, 0, 1500);

    // When / Then
    assertThat(model.delayMs(10, 10, null, START, START + 1000, random)).isEqualTo(DelayModel.FLOOR_MS);
    assertThat(model.delayMs(0, 0, null, START, FAR, random)).isEqualTo(DelayModel.FLOOR_MS);
  }

  @Test
  void the_providers_latency_counts_toward_the_delay() {
    // Given a 3 s human delay
    // When the provider answered after 1 s, the robot waits the remaining 2 s
    assertThat(DelayModel.remainingWait(START, 3000, START + 1000)).isEqualTo(2000);
    // When the provider took 5 s, the robot submits at once
    assertThat(DelayModel.remainingWait(START, 3000, START + 5000)).isZero();
  }

  @Test
  void reads_its_settings_from_the_config() {
    // Given
    ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());

    // When
    DelayModel model = DelayModel.from(cfg);

    // Then
    assertThat(model.deadlineMarginMs()).isEqualTo(cfg.longValue("robot.delay.deadlineMarginMs"));
    assertThat(model.delayMs(0, 0, null, START, FAR, random))
        .isBetween(cfg.longValue("robot.delay.minMs"), cfg.longValue("robot.delay.maxMs"));
  }
}
