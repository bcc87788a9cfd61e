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
  public void fit(double[][] x, boolean[] human) {
    Integer[] order = new Integer[x.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i][feature]));
    int humans = 0;
    for (boolean h : human) {
      humans += h ? 1 : 0;
    }
    int robots = x.length - humans;
    if (humans == 0 || robots == 0) {
      return;
    }
    double best = 0.5;
    int humansBelow = 0;
    int robotsBelow = 0;
    for (int k = 0; k + 1 < order.length; k++) {
      if (human[order[k]]) {
        humansBelow++;
      } else {
        robotsBelow++;
      }
      double here = x[order[k]][feature];
      double next = x[order[k + 1]][feature];
      if (here == next) {
        continue;
      }
      // Humans above the cut: recall of humans above, of robots below; the mirror for humans below.
      double above = ((double) (humans - humansBelow) / humans + (double) robotsBelow / robots) / 2;
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
