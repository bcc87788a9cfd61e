package arena.launcher.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The adversary's classifiers on synthetic rows: a separating feature is found, noise scores chance. */
class ClassifiersTest {
  private static final int ROWS = 1000;

  /** Column 0 separates (humans high), column 1 is noise, column 2 is constant; a quarter of rows are human. */
  private static double[][] rows(boolean[] human, Random random, boolean humansHigh) {
    double[][] x = new double[human.length][];
    for (int i = 0; i < human.length; i++) {
      human[i] = random.nextDouble() < 0.25;
      double signal = (human[i] == humansHigh ? 5 : 0) + random.nextDouble();
      x[i] = new double[] {signal, random.nextGaussian(), Features.MISSING};
    }
    return x;
  }

  @Test
  void aSeparatingFeatureScoresAboutAHundredPercentEitherWayRound() {
    for (boolean humansHigh : new boolean[] {true, false}) {
      // Given rows where feature 0 alone tells humans (high, or low) from robots
      boolean[] human = new boolean[ROWS];
      double[][] x = rows(human, new Random(1), humansHigh);

      // When each classifier is cross-validated
      double threshold = CrossValidation.balancedAccuracy(() -> new ThresholdClassifier(0), x, human, 5, 7);
      double logistic = CrossValidation.balancedAccuracy(() -> new LogisticRegression(0.5, 300, 1e-3), x, human, 5,
          7);

      // Then both find it
      assertThat(threshold).isGreaterThan(0.99);
      assertThat(logistic).isGreaterThan(0.99);
    }
  }

  @Test
  void noiseAndConstantsScoreChance() {
    // Given rows whose features 1 (noise) and 2 (constant) say nothing, over several seeds
    double noise = 0;
    double logistic = 0;
    int seeds = 5;
    for (int seed = 0; seed < seeds; seed++) {
      boolean[] human = new boolean[ROWS];
      double[][] x = rows(human, new Random(100 + seed), true);
      double[][] blind = new double[ROWS][];
      for (int i = 0; i < ROWS; i++) {
        blind[i] = new double[] {x[i][1], x[i][2]};
      }

      // When the threshold classifiers and the regression are cross-validated
      double constant = CrossValidation.balancedAccuracy(() -> new ThresholdClassifier(1), blind, human, 5, seed);
      assertThat(constant).isEqualTo(0.5);
      noise += CrossValidation.balancedAccuracy(() -> new ThresholdClassifier(0), blind, human, 5, seed);
      logistic += CrossValidation.balancedAccuracy(() -> new LogisticRegression(0.5, 300, 1e-3), blind, human, 5,
          seed);
    }

    // Then they score chance, within the sampling noise of a thousand rows
    assertThat(noise / seeds).isCloseTo(0.5, within(0.03));
    assertThat(logistic / seeds).isCloseTo(0.5, within(0.03));
  }

  @Test
  void balancedAccuracyIsFiftyPercentForAConstantGuessWhateverTheShareOfHumans() {
    boolean[] human = {true, false, false, false, false, false, false, false, false, false};
    assertThat(CrossValidation.balancedAccuracy(new boolean[10], human)).isEqualTo(0.5);
    boolean[] all = new boolean[10];
    java.util.Arrays.fill(all, true);
    assertThat(CrossValidation.balancedAccuracy(all, human)).isEqualTo(0.5);
    assertThat(CrossValidation.balancedAccuracy(human.clone(), human)).isEqualTo(1.0);
  }

  @Test
  void foldsAreStratifiedAndSeeded() {
    // Given 100 humans and 400 robots
    boolean[] human = new boolean[500];
    for (int i = 0; i < 100; i++) {
      human[i * 5] = true;
    }

    // When they are dealt into five folds
    int[] folds = CrossValidation.folds(human, 5, 42);

    // Then each fold holds 20 humans and 80 robots, and the same seed deals the same folds
    for (int f = 0; f < 5; f++) {
      int humans = 0;
      int robots = 0;
      for (int i = 0; i < human.length; i++) {
        if (folds[i] == f) {
          humans += human[i] ? 1 : 0;
          robots += human[i] ? 0 : 1;
        }
      }
      assertThat(humans).isEqualTo(20);
      assertThat(robots).isEqualTo(80);
    }
    assertThat(CrossValidation.folds(human, 5, 42)).isEqualTo(folds);
  }
}
