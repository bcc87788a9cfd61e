package arena.launcher.adversary;

/**
 * Logistic regression on every feature at once: standardised on the training rows, rows weighted so that both
 * classes count alike (what balanced accuracy scores), fitted by full-batch gradient descent with an L2 penalty.
 */
public final class LogisticRegression implements Classifier {
  private final double rate;
  private final int iterations;
  private final double l2;
  private double[] mean;
  private double[] scale;
  private double[] w;
  private double b;

  public LogisticRegression(double rate, int iterations, double l2) {
    this.rate = rate;
    this.iterations = iterations;
    this.l2 = l2;
  }

  @Override
  public void fit(double[][] x, boolean[] human, double[] weight) {
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    mean = new double[d];
    scale = new double[d];
    for (int j = 0; j < d; j++) {
      double sum = 0;
      double squares = 0;
      for (double[] row : x) {
        sum += row[j];
        squares += row[j] * row[j];
      }
      mean[j] = sum / n;
      double sd = Math.sqrt(Math.max(0, squares / n - mean[j] * mean[j]));
      scale[j] = sd > 1e-12 ? 1 / sd : 0; // a constant feature is left out
    }
    // Each class weighs half of the rows, shared out by the rows' own weights.
    double humans = 0;
    double robots = 0;
    for (int i = 0; i < n; i++) {
      if (human[i]) {
        humans += weight[i];
      } else {
        robots += weight[i];
      }
    }
    double[] counts = new double[n];
    for (int i = 0; i < n; i++) {
      double total = human[i] ? humans : robots;
      counts[i] = total == 0 ? 0 : weight[i] * n / (2 * total);
    }
    double[][] z = new double[n][];
    for (int i = 0; i < n; i++) {
      z[i] = standardise(x[i]);
    }
    w = new double[d];
    b = 0;
    for (int it = 0; it < iterations; it++) {
      double[] gw = new double[d];
      double gb = 0;
      for (int i = 0; i < n; i++) {
        double error = (sigmoid(dot(z[i])) - (human[i] ? 1 : 0)) * counts[i];
        for (int j = 0; j < d; j++) {
          gw[j] += error * z[i][j];
        }
        gb += error;
      }
      for (int j = 0; j < d; j++) {
        w[j] -= rate * (gw[j] / n + l2 * w[j]);
      }
      b -= rate * gb / n;
    }
  }

  @Override
  public boolean human(double[] row) {
    return dot(standardise(row)) > 0;
  }

  private double[] standardise(double[] row) {
    double[] z = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      z[j] = (row[j] - mean[j]) * scale[j];
    }
    return z;
  }

  private double dot(double[] z) {
    double s = b;
    for (int j = 0; j < z.length; j++) {
      s += w[j] * z[j];
    }
    return s;
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }
}
