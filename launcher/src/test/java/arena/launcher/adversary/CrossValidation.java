package arena.launcher.adversary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Stratified k-fold cross-validation: every row is guessed once by a classifier that never saw it, and the guesses
 * are scored by balanced accuracy (the mean of the recall of humans and of robots), so always guessing one class
 * scores 50% whatever the share of humans.
 */
public final class CrossValidation {
  private CrossValidation() {}

  public static double balancedAccuracy(Supplier<Classifier> classifier, double[][] x, boolean[] human, int k,
      long seed) {
    int[] fold = folds(human, k, seed);
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
      for (int t = 0; t < train.size(); t++) {
        tx[t] = x[train.get(t)];
        ty[t] = human[train.get(t)];
      }
      Classifier c = classifier.get();
      c.fit(tx, ty);
      for (int i = 0; i < x.length; i++) {
        if (fold[i] == f) {
          guess[i] = c.human(x[i]);
        }
      }
    }
    return balancedAccuracy(guess, human);
  }

  /** The fold of each row: each class shuffled (seeded) and dealt round the folds, so each fold has its share. */
  static int[] folds(boolean[] human, int k, long seed) {
    Random random = new Random(seed);
    int[] fold = new int[human.length];
    for (boolean cls : new boolean[] {true, false}) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < human.length; i++) {
        if (human[i] == cls) {
          members.add(i);
        }
      }
      Collections.shuffle(members, random);
      for (int m = 0; m < members.size(); m++) {
        fold[members.get(m)] = m % k;
      }
    }
    return fold;
  }

  public static double balancedAccuracy(boolean[] guess, boolean[] human) {
    int tp = 0;
    int humans = 0;
    int tn = 0;
    int robots = 0;
    for (int i = 0; i < human.length; i++) {
      if (human[i]) {
        humans++;
        tp += guess[i] ? 1 : 0;
      } else {
        robots++;
        tn += guess[i] ? 0 : 1;
      }
    }
    double recallHumans = humans == 0 ? 0.5 : (double) tp / humans;
    double recallRobots = robots == 0 ? 0.5 : (double) tn / robots;
    return (recallHumans + recallRobots) / 2;
  }
}
