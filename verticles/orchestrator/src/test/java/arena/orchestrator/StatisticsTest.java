package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The report's statistics against values computed by hand (and published tables). */
class StatisticsTest {

  @Test
  void wilsonIntervalsMatchTheTextbook() {
    // Given 5 of 10, 0 of 10 and 10 of 10 at 95%
    // When their Wilson intervals are taken
    Statistics.Interval half = Statistics.wilson(5, 10, 1.959964);
    Statistics.Interval none = Statistics.wilson(0, 10, 1.959964);
    Statistics.Interval all = Statistics.wilson(10, 10, 1.959964);

    // Then they are the published 0.2366–0.7634, 0–0.2775 and 0.7225–1, never past 0 or 1
    assertThat(half.low()).isCloseTo(0.2366, within(1e-4));
    assertThat(half.high()).isCloseTo(0.7634, within(1e-4));
    assertThat(none.low()).isCloseTo(0.0, within(1e-12));
    assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
    assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
    assertThat(all.high()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void noTrialsGiveNoInterval() {
    assertThat(Statistics.wilson(0, 0, 1.96)).isNull();
  }

  @Test
  void theNormalDistributionIsRightInItsTails() {
    assertThat(Statistics.normalCdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(Statistics.normalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
    assertThat(Statistics.normalCdf(-2.575829)).isCloseTo(0.005, within(1e-6));
  }

  @Test
  void twoProportionsThatDifferEnoughAreSignificant() {
    // Given 45 of 100 against 30 of 100: pooled p 0.375, standard error 0.068465, z 2.1909
    Statistics.Test test = Statistics.twoProportions(30, 100, 45, 100, 0.95);

    // Then the difference is significant at 95% (p 0.0285) but not at 99%
    assertThat(test.difference()).isCloseTo(0.15, within(1e-12));
    assertThat(test.z()).isCloseTo(2.1909, within(1e-4));
    assertThat(test.pValue()).isCloseTo(0.0285, within(1e-4));
    assertThat(test.significant()).isTrue();
    assertThat(Statistics.twoProportions(30, 100, 45, 100, 0.99).significant()).isFalse();
  }

  @Test
  void equalProportionsAreNotSignificantAndNoVotesGiveNoTest() {
    assertThat(Statistics.twoProportions(20, 100, 20, 100, 0.95).significant()).isFalse();
    assertThat(Statistics.twoProportions(20, 100, 20, 100, 0.95).pValue()).isCloseTo(1.0, within(1e-9));
    assertThat(Statistics.twoProportions(0, 0, 20, 100, 0.95)).isNull();
    assertThat(Statistics.twoProportions(0, 10, 0, 10, 0.95)).isNull();
  }

  @Test
  void aMeanComesWithItsNormalInterval() {
    // Given latencies 100, 200, 300, 400 (sum 1000, squares 300000): mean 250, sample sd 129.10
    Statistics.Mean mean = Statistics.mean(1000, 300_000, 4, 1.959964);

    // Then the interval is 250 ± 1.96 × 129.10 / 2
    assertThat(mean.value()).isCloseTo(250, within(1e-9));
    assertThat(mean.variance()).isCloseTo(16666.667, within(1e-3));
    assertThat(mean.low()).isCloseTo(250 - 126.52, within(0.01));
    assertThat(mean.high()).isCloseTo(250 + 126.52, within(0.01));
    assertThat(Statistics.mean(0, 0, 0, 1.96)).isNull();
  }

  @Test
  void welchComparesTwoMeans() {
    // Given means 250 (variance 16666.7, n 4) and 500 (variance 16666.7, n 4): z = 250 / 91.29 = 2.7386
    Statistics.Test test = Statistics.welch(Statistics.mean(1000, 300_000, 4, 1.96),
        Statistics.mean(2000, 1_050_000, 4, 1.96), 0.95);

    // Then
    assertThat(test.difference()).isCloseTo(250, within(1e-9));
    assertThat(test.z()).isCloseTo(2.7386, within(1e-4));
    assertThat(test.significant()).isTrue();
    assertThat(Statistics.welch(null, Statistics.mean(2000, 1_050_000, 4, 1.96), 0.95)).isNull();
  }

  @Test
  void onlyTheUsualConfidenceLevelsAreOffered() {
    assertThat(Statistics.z(0.95, "confidence")).isCloseTo(1.959964, within(1e-6));
    assertThat(Statistics.z(0.99, "confidence")).isCloseTo(2.575829, within(1e-6));
    assertThatThrownBy(() -> Statistics.z(0.5, "confidence")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("confidence must be one of 0.9, 0.95, 0.99, not 0.5");
  }
}
