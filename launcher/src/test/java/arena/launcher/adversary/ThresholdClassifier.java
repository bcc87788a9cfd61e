package arena.launcher.adversary;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One feature, one cut: the side of the cut (either side) that holds the humans, chosen for the best balanced
 * accuracy on the training rows. A feature that separates nothing says "robot" for everyone (50%).
 */
public final class ThresholdClassifier implements Classifier {
  private final int feature;
  private double cut = Double.POSITIVE_INFINITY;
  private boolean humanAbove = true;

  public ThresholdClassifier(int feature) {
    this.feature = feature;
  }

  @Override
  public void fit(double[][] x, boolean[] human, double[] weight) {
    Integer[] order = new Integer[x.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i][feature]));
    double humans = 0;
    double robots = 0;
    for (int i = 0; i < x.length; i++) {
      if (human[i]) {
        humans += weight[i];
      } else {
        robots += weight[i];
      }
    }
    if (humans == 0 || robots == 0) {
      return;
    }
    double best = 0.5;
    double humansBelow = 0;
    double robotsBelow = 0;
    for (int k = 0; k + 1 < order.length; k++) {
      int i = order[k];
      if (human[i]) {
        humansBelow += weight[i];
      } else {
        robotsBelow += weight[i];
      }
      double here = x[i][feature];
      double next = x[order[k + 1]][feature];
      if (here == next) {
        continue;
      }
      // Humans above the cut: recall of humans above, of robots below; the mirror for humans below.
      double above = ((humans - humansBelow) / humans + robotsBelow / robots) / 2;
      double below = 1 - above;
      if (above > best || below > best) {
        best = Math.max(above, below);
        cut = (here + next) / 2;
        humanAbove = above >= below;
      }
    }
  }

  @Override
  public boolean human(double[] row) {
    return row[feature] > cut == humanAbove;
  }
}
