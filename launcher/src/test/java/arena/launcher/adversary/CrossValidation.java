package arena.launcher.adversary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Stratified k-fold cross-validation by match: every row is guessed once by a classifier trained on other matches
 * only, and the guesses are scored by balanced accuracy (the mean of the weighted recall of humans and of robots),
 * so always guessing one class scores 50% whatever the share of humans. A match's rows stay together, so a
 * classifier cannot learn one match's quirks from its other rounds, and what is common to a whole match or round
 * gets one guess for all its letters.
 */
public final class CrossValidation {
  private CrossValidation() {}

  public static double balancedAccuracy(Supplier<Classifier> classifier, Dataset data, int k, long seed) {
    return balancedAccuracy(classifier, data.x(), data.human(), data.weight(), data.match(), k, seed);
  }

  public static double balancedAccuracy(Supplier<Classifier> classifier, double[][] x, boolean[] human,
      double[] weight, String[] group, int k, long seed) {
    int[] fold = folds(human, group, k, seed);
    boolean[] guess = new boolean[x.length];
    for (int f = 0; f < k; f++) {
      List<Integer> train = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        if (fold[i] != f) {
          train.add(i);
        }
      }
      double[][] tx = new double[train.size()][];
      boolean[] ty = new boolean[train.size()];
      double[] tw = new double[train.size()];
      for (int t = 0; t < train.size(); t++) {
        tx[t] = x[train.get(t)];
        ty[t] = human[train.get(t)];
        tw[t] = weight[train.get(t)];
      }
      Classifier c = classifier.get();
      c.fit(tx, ty, tw);
      for (int i = 0; i < x.length; i++) {
        if (fold[i] == f) {
          guess[i] = c.human(x[i]);
        }
      }
    }
    return balancedAccuracy(guess, human, weight);
  }

  /**
   * The fold of each row: the groups shuffled (seeded), lined up by their share of humans and dealt round the folds,
   * so each fold has its share of each kind of group; with one row per group, each fold has its share of each class.
   */
  static int[] folds(boolean[] human, String[] group, int k, long seed) {
    Map<String, double[]> members = new LinkedHashMap<>(); // group -> {humans, rows}
    for (int i = 0; i < human.length; i++) {
      double[] count = members.computeIfAbsent(group[i], g -> new double[2]);
      count[0] += human[i] ? 1 : 0;
      count[1]++;
    }
    List<String> groups = new ArrayList<>(members.keySet());
    Collections.shuffle(groups, new Random(seed));
    groups.sort(Comparator.comparingDouble(g -> members.get(g)[0] / members.get(g)[1]));
    Map<String, Integer> foldOf = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      foldOf.put(groups.get(g), g % k);
    }
    int[] fold = new int[human.length];
    for (int i = 0; i < human.length; i++) {
      fold[i] = foldOf.get(group[i]);
    }
    return fold;
  }

  public static double balancedAccuracy(boolean[] guess, boolean[] human, double[] weight) {
    double tp = 0;
    double humans = 0;
    double tn = 0;
    double robots = 0;
    for (int i = 0; i < human.length; i++) {
      if (human[i]) {
        humans += weight[i];
        tp += guess[i] ? weight[i] : 0;
      } else {
        robots += weight[i];
        tn += guess[i] ? 0 : weight[i];
      }
    }
    double recallHumans = humans == 0 ? 0.5 : tp / humans;
    double recallRobots = robots == 0 ? 0.5 : tn / robots;
    return (recallHumans + recallRobots) / 2;
  }
}
