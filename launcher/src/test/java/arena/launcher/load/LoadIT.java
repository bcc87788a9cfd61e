package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small load run, part of {@code mvn -B verify} (after the jar is packaged, with the fault suite's *IT run): 50
 * matches of 2 simulated humans and 4 robots (200 robots), 2 rounds, the game and the embedded broker in the jar's
 * own JVM, after measuring Kafka's floor on its broker. It fails on errors, lost actions or missed deadlines, never on
 * speed: no figure is checked.
 */
class LoadIT {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void fiftyMatchesWithTwoHundredRobotsRunWithoutErrorLostActionOrMissedDeadline() throws Exception {
    // Given the packaged jar
    Path jar = Path.of(System.getProperty("arena.jar", "target/turing-arena.jar"));
    assertThat(jar).exists();
    Path out = Path.of("target", "load", "it");

    // When it runs the load command: 50 matches at once for 30 s, then until they finish
    Process load = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "load", "--matches", "50", "--humans", "2", "--seats", "6", "--rounds", "2",
        "--response-seconds", "20", "--vote-seconds", "15", "--ramp-up", "10s", "--duration", "30s",
        "--out", out.toString()))
        .inheritIO().start();
    boolean ended = load.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      load.destroyForcibly();
    }

    // Then it exited 0 (no error, no lost action, no missed deadline) and wrote its report, which agrees
    assertThat(ended).as("the load run ended within 5 minutes").isTrue();
    JsonObject report = new JsonObject(Files.readString(out.resolve("load-report.json")));
    JsonObject totals = report.getJsonObject("totals");
    assertThat(load.exitValue()).as(totals.encodePrettily()).isZero();
    assertThat(totals.getLong("errors")).isZero();
    assertThat(totals.getLong("lostActions")).isZero();
    assertThat(totals.getLong("missedDeadlines")).isZero();
    // And every accepted action was pushed to the other listeners of its match (the bridge works end to end)
    assertThat(totals.getLong("actionsNotSeenByOthers")).isZero();
    assertThat(report.getJsonObject("latenciesMs").getJsonObject("action sent→visible to others").getLong("count"))
        .isEqualTo(totals.getLong("actionsAccepted")).isPositive();
    assertThat(totals.getLong("matchesFinished")).isEqualTo(totals.getLong("matchesStarted")).isGreaterThanOrEqualTo(50);
    // And the game's records timed every round (the tool reads only the kinds it uses: none of those was skipped)
    JsonObject latencies = report.getJsonObject("latenciesMs");
    for (String timed : new String[] {"assignment (robots_needed→assigned)", "transition: last answer→voting pushed",
        "transition: last vote→scores pushed", "LLM latency seen by robots"}) {
      assertThat(latencies.getJsonObject(timed).getLong("count")).as(timed).isGreaterThanOrEqualTo(50);
    }
    assertThat(Files.readString(out.resolve("load-report.html"))).contains("uPlot");
  }
}
