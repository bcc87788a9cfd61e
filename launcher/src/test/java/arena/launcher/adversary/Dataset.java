package arena.launcher.adversary;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rows as a matrix: one column per feature any row has; a row without it gets {@link Features#MISSING}.
 *
 * @param weight each row's weight: 1 / (rows of its class in its match), so within every match the humans count as
 *               much as the robots, and every match as much as any other. What is common to a whole match or round
 *               (its seats, its number of humans, its robots' provider) then cannot tell anyone apart: a guess made
 *               from it alone scores exactly 50%.
 * @param match  each row's match: cross-validation keeps a match's rows in one fold
 */
public record Dataset(List<String> names, double[][] x, boolean[] human, double[] weight, String[] match) {

  public static Dataset of(List<Row> rows) {
    TreeSet<String> names = new TreeSet<>();
    rows.forEach(r -> names.addAll(r.features().keySet()));
    List<String> columns = List.copyOf(names);
    double[][] x = new double[rows.size()][columns.size()];
    boolean[] human = new boolean[rows.size()];
    double[] weight = new double[rows.size()];
    String[] match = new String[rows.size()];
    Map<String, Integer> inClass = new HashMap<>();
    rows.forEach(r -> inClass.merge(r.matchId() + "/" + r.human(), 1, Integer::sum));
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      for (int j = 0; j < columns.size(); j++) {
        x[i][j] = row.features().getOrDefault(columns.get(j), Features.MISSING);
      }
      human[i] = row.human();
      weight[i] = 1.0 / inClass.get(row.matchId() + "/" + row.human());
      match[i] = row.matchId();
    }
    return new Dataset(columns, x, human, weight, match);
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
