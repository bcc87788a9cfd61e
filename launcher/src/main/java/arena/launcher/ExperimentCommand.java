package arena.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar turing-arena.jar experiment --admin http://127.0.0.1:9090}: the A/B report of a running
 * orchestrator, as a table. It asks the orchestrator's admin listener rather than reading Kafka: the orchestrator
 * already holds the folded stats and the experiment's configuration, so the command needs no broker credentials and
 * shows exactly what {@code GET /api/robots/experiment} shows.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Prints the A/B report of the selection experiment (pool.selection.experiment) of a running "
        + "orchestrator: pass rate, cost and latency per strategy, with confidence intervals and significance.")
final class ExperimentCommand implements Callable<Integer> {

  @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:9090",
      description = "The admin listener of the JVM that runs the orchestrator (default: ${DEFAULT-VALUE}).")
  URI admin;

  @Option(names = "--confidence", paramLabel = "LEVEL",
      description = "Confidence level: 0.9, 0.95 or 0.99 (default: pool.selection.experiment.confidence).")
  Double confidence;

  @Option(names = "--json", description = "Print the report as JSON, as the admin listener answers it.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri = admin.resolve("/api/robots/experiment" + (confidence == null ? "" : "?confidence=" + confidence));
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("cannot reach the admin listener at " + admin + ": " + e);
      return 1;
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (DecodeException e) {
      err.println(uri + " answered " + response.statusCode() + " without JSON");
      return 1;
    }
    if (response.statusCode() != 200) {
      err.println(uri + " answered " + response.statusCode() + ": " + body.getString("error"));
      return 1;
    }
    if (json) {
      out.println(body.encodePrettily());
    } else {
      print(body, out);
    }
    out.flush();
    return 0;
  }

  static void print(JsonObject report, PrintWriter out) {
    double level = report.getDouble("confidence");
    String ci = String.format(Locale.ROOT, "%.0f%%", level * 100);
    out.printf(Locale.ROOT, "A/B experiment: %s (%s, %s confidence)%n",
        String.join(" vs ", report.getJsonArray("strategies").stream().map(String::valueOf).toList()),
        report.getBoolean("running") ? "running" : "not running", ci);
    JsonObject arms = report.getJsonObject("arms");
    if (!arms.isEmpty()) {
      out.printf(Locale.ROOT, "%-20s %12s %12s  %-26s %-34s %s%n", "strategy", "robot rounds", "human votes",
          "pass rate [" + ci + "]", "cost per answer/vote USD [" + ci + "]", "answer latency ms [" + ci + "]");
      for (String name : arms.fieldNames()) {
        JsonObject arm = arms.getJsonObject(name);
        out.printf(Locale.ROOT, "%-20s %12d %12d  %-26s %-34s %s%n", name, arm.getLong("robotRounds"),
            arm.getLong("humanVotes"), range(arm.getJsonObject("passRate"), "value", "%.3f"),
            range(arm.getJsonObject("costUsd"), "mean", "%.6f"), range(arm.getJsonObject("latencyMs"), "mean", "%.0f"));
      }
    }
    report.getJsonArray("summary").forEach(line -> out.println(line));
  }

  private static String range(JsonObject m, String value, String format) {
    if (m.getValue(value) == null) {
      return "-";
    }
    return String.format(Locale.ROOT, format + " [" + format + ", " + format + "]", m.getDouble(value),
        m.getDouble("low"), m.getDouble("high"));
  }
}
