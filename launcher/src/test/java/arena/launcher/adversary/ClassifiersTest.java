package arena.launcher.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The adversary's classifiers on synthetic rows: a separating feature is found, noise scores chance. */
class ClassifiersTest {
  private static final int ROWS = 1000;

  /** Cross-validated balanced accuracy, five folds, every row weighing 1 and a group of its own. */
  private static double score(java.util.function.Supplier<Classifier> classifier, double[][] x, boolean[] human,
      long seed) {
    return CrossValidation.balancedAccuracy(classifier, x, human, ones(), singles(), 5, seed);
  }

  /** Every row a group of its own. */
  private static String[] singles() {
    String[] g = new String[ROWS];
    java.util.Arrays.setAll(g, String::valueOf);
    return g;
  }

  private static double[] ones() {
    double[] w = new double[ROWS];
    java.util.Arrays.fill(w, 1);
    return w;
  }

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
      double threshold = score(() -> new ThresholdClassifier(0), x, human, 7);
      double logistic = score(() -> new LogisticRegression(0.5, 300, 1e-3), x, human, 7);

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
      double constant = score(() -> new ThresholdClassifier(1), blind, human, seed);
      assertThat(constant).isEqualTo(0.5);
      noise += score(() -> new ThresholdClassifier(0), blind, human, seed);
      logistic += score(() -> new LogisticRegression(0.5, 300, 1e-3), blind, human, seed);
    }

    // Then they score chance, within the sampling noise of a thousand rows
    assertThat(noise / seeds).isCloseTo(0.5, within(0.03));
    assertThat(logistic / seeds).isCloseTo(0.5, within(0.03));
  }

  @Test
  void balancedAccuracyIsFiftyPercentForAConstantGuessWhateverTheShareOfHumans() {
    boolean[] human = {true, false, false, false, false, false, false, false, false, false};
    double[] ones = new double[10];
    java.util.Arrays.fill(ones, 1);
    assertThat(CrossValidation.balancedAccuracy(new boolean[10], human, ones)).isEqualTo(0.5);
    boolean[] all = new boolean[10];
    java.util.Arrays.fill(all, true);
    assertThat(CrossValidation.balancedAccuracy(all, human, ones)).isEqualTo(0.5);
    assertThat(CrossValidation.balancedAccuracy(human.clone(), human, ones)).isEqualTo(1.0);
  }

  @Test
  void whatIsCommonToAWholeMatchScoresChanceThoughTheMatchesHaveDifferentSharesOfHumans() {
    // Given 40 matches: half of them one human in five seats, seen as "0"; half two in four, seen as "1"
    List<Row> rows = new ArrayList<>();
    for (int m = 0; m < 40; m++) {
      boolean small = m % 2 == 0;
      for (int round = 1; round <= 10; round++) {
        for (int seat = 0; seat < (small ? 5 : 4); seat++) {
          rows.add(new Row("m" + m, round, String.valueOf((char) ('A' + seat)), seat < (small ? 1 : 2),
              Map.of("kind", small ? 0.0 : 1.0)));
        }
      }
    }
    Dataset data = Dataset.of(rows);

    // When a threshold is cross-validated on what tells the kinds of match apart
    double weighted = CrossValidation.balancedAccuracy(() -> new ThresholdClassifier(0), data, 5, 3);
    double[] ones = new double[data.size()];
    java.util.Arrays.fill(ones, 1);
    String[] rowByRow = new String[data.size()];
    java.util.Arrays.setAll(rowByRow, String::valueOf);
    double pooled = CrossValidation.balancedAccuracy(() -> new ThresholdClassifier(0), data.x(), data.human(), ones,
        rowByRow, 5, 3);

    // Then, each match weighing as much as any other and its humans as much as its robots, it scores chance, where
    // rows pooled alike would credit it with the difference in the share of humans
    assertThat(weighted).isCloseTo(0.5, within(1e-9));
    assertThat(pooled).isGreaterThan(0.6);
  }

  @Test
  void foldsAreStratifiedAndSeeded() {
    // Given 100 humans and 400 robots
    boolean[] human = new boolean[500];
    for (int i = 0; i < 100; i++) {
      human[i * 5] = true;
    }

    // When they are dealt into five folds, each row on its own
    String[] rows = new String[500];
    java.util.Arrays.setAll(rows, String::valueOf);
    int[] folds = CrossValidation.folds(human, rows, 5, 42);

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
    assertThat(CrossValidation.folds(human, rows, 5, 42)).isEqualTo(folds);

    // And rows of one match stay together
    String[] matches = new String[500];
    java.util.Arrays.setAll(matches, i -> "m" + i / 20);
    int[] byMatch = CrossValidation.folds(human, matches, 5, 42);
    for (int i = 0; i < 500; i++) {
      assertThat(byMatch[i]).isEqualTo(byMatch[i / 20 * 20]);
    }
  }
}
