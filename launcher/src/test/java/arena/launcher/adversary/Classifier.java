package arena.launcher.adversary;

/** Learns to tell humans from robots on some rows, then guesses for others. */
public interface Classifier {
  void fit(double[][] x, boolean[] human);

  boolean human(double[] row);
}
