package arena.orchestrator;

import arena.shared.state.RobotTally;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The A/B report: per arm (strategy) the pass rate with its Wilson interval, the mean cost per answer or vote and
 * the mean answer latency with normal intervals; then the second arm against the first, each difference with a
 * two-sided z-test (pooled two-proportion for the pass rate, Welch for the means) and whether it is significant at
 * the confidence level. Human votes in one round are not independent (the same answers), so read a p-value near
 * the line with care.
 */
final class ExperimentReport {
  private ExperimentReport() {}

  static JsonObject of(Selection selection, RobotStats stats, double confidence) {
    double z = Statistics.z(confidence, "confidence");
    List<String> strategies = selection.experiment();
    JsonObject report = new JsonObject().put("strategies", new JsonArray(strategies))
        .put("running", selection.running()).put("confidence", confidence);
    if (strategies.isEmpty()) {
      return report.put("arms", new JsonObject()).put("comparison", new JsonObject())
          .put("summary", new JsonArray().add("no experiment is configured (pool.selection.experiment)"));
    }
    String a = strategies.get(0);
    String b = strategies.get(1);
    RobotTally ta = stats.arms().getOrDefault(a, RobotTally.of(a));
    RobotTally tb = stats.arms().getOrDefault(b, RobotTally.of(b));
    Statistics.Mean costA = Statistics.mean(ta.costUsd(), ta.costSquaresUsd(), ta.work(), z);
    Statistics.Mean costB = Statistics.mean(tb.costUsd(), tb.costSquaresUsd(), tb.work(), z);
    Statistics.Mean latencyA = Statistics.mean(ta.latencySumMs(), ta.latencySquaresMs(), ta.answers(), z);
    Statistics.Mean latencyB = Statistics.mean(tb.latencySumMs(), tb.latencySquaresMs(), tb.answers(), z);
    Statistics.Test pass = Statistics.twoProportions(ta.passedAsHuman(), ta.humanVotes(), tb.passedAsHuman(),
        tb.humanVotes(), confidence);
    Statistics.Test cost = Statistics.welch(costA, costB, confidence);
    Statistics.Test latency = Statistics.welch(latencyA, latencyB, confidence);
    JsonObject arms = new JsonObject()
        .put(a, arm(ta, costA, latencyA, z))
        .put(b, arm(tb, costB, latencyB, z));
    JsonObject comparison = new JsonObject()
        .put("passRate", test(pass, "two-proportion z-test"))
        .put("costUsd", test(cost, "Welch z-test"))
        .put("latencyMs", test(latency, "Welch z-test"));
    JsonArray summary = new JsonArray()
        .add(sentence("pass rate", a, b, ta.passRate(), tb.passRate(), pass, "%.3f", confidence))
        .add(sentence("cost per answer or vote (USD)", a, b, value(costA), value(costB), cost, "%.6f", confidence))
        .add(sentence("answer latency (ms)", a, b, value(latencyA), value(latencyB), latency, "%.0f", confidence));
    return report.put("arms", arms).put("comparison", comparison).put("summary", summary);
  }

  private static JsonObject arm(RobotTally t, Statistics.Mean cost, Statistics.Mean latency, double z) {
    Statistics.Interval pass = Statistics.wilson(t.passedAsHuman(), t.humanVotes(), z);
    return new JsonObject().put("robotRounds", t.rounds()).put("humanVotes", t.humanVotes())
        .put("passedAsHuman", t.passedAsHuman())
        .put("passRate", new JsonObject().put("value", t.passRate()).put("low", pass == null ? null : pass.low())
            .put("high", pass == null ? null : pass.high()))
        .put("costUsd", mean(cost).put("total", t.costUsd()).put("answersAndVotes", t.work()))
        .put("latencyMs", mean(latency).put("answers", t.answers()));
  }

  private static JsonObject mean(Statistics.Mean m) {
    return new JsonObject().put("mean", m == null ? null : m.value()).put("low", m == null ? null : m.low())
        .put("high", m == null ? null : m.high());
  }

  private static JsonObject test(Statistics.Test t, String name) {
    JsonObject json = new JsonObject().put("test", name);
    if (t == null) {
      return json.put("difference", null).put("z", null).put("pValue", null).put("significant", false);
    }
    return json.put("difference", t.difference()).put("z", t.z()).put("pValue", t.pValue())
        .put("significant", t.significant());
  }

  private static Double value(Statistics.Mean m) {
    return m == null ? null : m.value();
  }

  /** "pass rate: best-disguise 0.412 vs random 0.203: significant at 95% (p = 0.0001)". */
  private static String sentence(String what, String a, String b, Double va, Double vb, Statistics.Test t,
      String format, double confidence) {
    String level = String.format(Locale.ROOT, "%.0f%%", confidence * 100);
    String values = what + ": " + b + " " + show(vb, format) + " vs " + a + " " + show(va, format);
    if (t == null) {
      return values + ": not enough data to compare";
    }
    return values + (t.significant() ? ": significant at " : ": not significant at ") + level
        + String.format(Locale.ROOT, " (p = %.4f)", t.pValue());
  }

  private static String show(Double v, String format) {
    return v == null ? "-" : String.format(Locale.ROOT, format, v);
  }
}
