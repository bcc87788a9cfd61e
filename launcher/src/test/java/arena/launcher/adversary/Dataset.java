package arena.launcher.adversary;

import java.util.List;
import java.util.TreeSet;

/** Rows as a matrix: one column per feature any row has; a row without it gets {@link Features#MISSING}. */
public record Dataset(List<String> names, double[][] x, boolean[] human) {

  public static Dataset of(List<Row> rows) {
    TreeSet<String> names = new TreeSet<>();
    rows.forEach(r -> names.addAll(r.features().keySet()));
    List<String> columns = List.copyOf(names);
    double[][] x = new double[rows.size()][columns.size()];
    boolean[] human = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      for (int j = 0; j < columns.size(); j++) {
        x[i][j] = row.features().getOrDefault(columns.get(j), Features.MISSING);
      }
      human[i] = row.human();
    }
    return new Dataset(columns, x, human);
  }

  public int humans() {
    int n = 0;
    for (boolean h : human) {
      n += h ? 1 : 0;
    }
    return n;
  }

  public int size() {
    return human.length;
  }
}
