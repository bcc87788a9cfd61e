package arena.launcher.adversary;

/** Learns to tell humans from robots on some rows, then guesses for others. */
public interface Classifier {
  /** {@code weight}: how much each row counts (see {@link Dataset#weight()}). */
  void fit(double[][] x, boolean[] human, double[] weight);

  boolean human(double[] row);
}
