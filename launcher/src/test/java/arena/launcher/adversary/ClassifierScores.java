package arena.launcher.adversary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How well each classifier tells humans from robots out of sample: a threshold on each feature alone, and a
 * logistic regression on all of them.
 */
public record ClassifierScores(List<Score> scores) {
  public static final String LOGISTIC = "logistic regression (all features)";

  public record Score(String classifier, double balancedAccuracy) {}

  public static ClassifierScores of(Dataset data, int folds, long seed) {
    List<Score> scores = new ArrayList<>();
    for (int j = 0; j < data.names().size(); j++) {
      int feature = j;
      scores.add(new Score(data.names().get(j), CrossValidation.balancedAccuracy(
          () -> new ThresholdClassifier(feature), data, folds, seed)));
    }
    scores.sort(Comparator.comparingDouble(Score::balancedAccuracy).reversed().thenComparing(Score::classifier));
    scores.add(0, new Score(LOGISTIC, CrossValidation.balancedAccuracy(
        () -> new LogisticRegression(0.5, 300, 1e-3), data, folds, seed)));
    return new ClassifierScores(List.copyOf(scores));
  }

  public double best() {
    return scores.stream().mapToDouble(Score::balancedAccuracy).max().orElse(0.5);
  }

  /** One line per classifier: the logistic regression first, then the features, best first. */
  public String table() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-48s %s%n", "classifier", "accuracy"));
    for (Score s : scores) {
      out.append(String.format(Locale.ROOT, "%-48s %6.1f%%%n", s.classifier().equals(LOGISTIC) ? s.classifier()
          : "threshold on " + s.classifier(), 100 * s.balancedAccuracy()));
    }
    return out.toString();
  }
}
