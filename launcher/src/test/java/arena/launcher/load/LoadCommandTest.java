package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
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
  void durationsReadSecondsMinutesAndMilliseconds() {
    LoadCommand.Durations d = new LoadCommand.Durations();

    assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(d.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(d.convert("15")).isEqualTo(Duration.ofSeconds(15));
  }
}
