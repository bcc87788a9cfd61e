package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import arena.launcher.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad arguments end the command before anything starts, with exit code 2 and a message naming the option. */
class LoadCommandTest {

  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new LoadCommand());
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Outcome(code, err.toString());
  }

  @Test
  void seatsBeyondTheGamesLimitExitWith2AndSayWhy() {
    // When asked for 30 seats
    Outcome o = run("--seats", "30", "--matches", "1");

    // Then nothing runs: exit 2, naming the limit
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("seats").contains("match.limits");
  }

  @Test
  void aTargetThatIsNoUrlExitsWith2() {
    Outcome o = run("--target", "localhost:8080");

    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--target must be an http(s) URL");
  }

  @Test
  void aDurationThatIsNoDurationExitsWith2() {
    Outcome o = run("--duration", "soon");

    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("'soon' is not a duration");
  }

  @Test
  void anUnknownOptionExitsWith2() {
    Outcome o = run("--robots", "5");

    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("'--robots'");
  }

  @Test
  void aRunWhoseRequestsFailExitsWith1AndSaysSoInItsReport(@TempDir Path dir) throws Exception {
    // Given a target where no gateway listens
    int port = FreePorts.next();

    // When one match is to be played against it
    Outcome o = run("--target", "http://127.0.0.1:" + port, "--matches", "1", "--ramp-up", "0s", "--duration", "1s",
        "--out", dir.toString());

    // Then the run fails (exit 1), and its report counts the error and names it
    assertThat(o.code()).isEqualTo(1);
    JsonObject totals = new JsonObject(Files.readString(dir.resolve("load-report.json"))).getJsonObject("totals");
    assertThat(totals.getLong("errors")).isEqualTo(1);
    assertThat(totals.getString("verdict")).startsWith("FAIL");
    assertThat(totals.getJsonArray("errorMessages").getString(0)).startsWith("create: ");
  }

  @Test
  void aTargetAdminThatIsNoUrlExitsWith2() {
    Outcome o = run("--target", "http://127.0.0.1:8080", "--target-admin", "localhost:9090");

    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--target-admin must be an http(s) URL");
  }

  @Test
  void aTargetAdminWithoutATargetExitsWith2() {
    Outcome o = run("--target-admin", "http://127.0.0.1:9090");

    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--target-admin needs --target");
  }

  @Test
  void anUnreachableTargetAdminIsAnErrorKindOfTheReportAndTheRunEnds(@TempDir Path dir) throws Exception {
    // Given a target and a game JVM admin listener where nothing listens
    int port = FreePorts.next();
    int admin = FreePorts.next();

    // When one match is to be played against it
    Outcome o = run("--target", "http://127.0.0.1:" + port, "--target-admin", "http://127.0.0.1:" + admin,
        "--matches", "1", "--ramp-up", "0s", "--duration", "1s", "--out", dir.toString());

    // Then the run ends with its report (exit 1): the failed scrapes are an error kind of their own, and the game
    // JVM is listed without figures
    assertThat(o.code()).isEqualTo(1);
    JsonObject totals = new JsonObject(Files.readString(dir.resolve("load-report.json"))).getJsonObject("totals");
    assertThat(totals.getJsonObject("errorKinds").fieldNames())
        .anyMatch(kind -> kind.startsWith("game JVM admin http://N.N.N.N:N/metrics: scrape failed"));
    JsonObject game = totals.getJsonArray("gameJvms").getJsonObject(0);
    assertThat(game.getString("admin")).isEqualTo("http://127.0.0.1:" + admin);
    assertThat(game.getLong("failed")).isPositive();
    assertThat(game.containsKey("peakHeapMb")).isFalse();
  }

  @Test
  void durationsReadSecondsMinutesAndMilliseconds() {
    LoadCommand.Durations d = new LoadCommand.Durations();

    assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(d.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(d.convert("15")).isEqualTo(Duration.ofSeconds(15));
  }
}
