package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.ops.Tracing;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.opentelemetry.context.Context;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** --log-format: JSON lines or the plain pattern, both carrying a record's log context. */
class LogFormatTest {
  private static final Logger log = LoggerFactory.getLogger("arena.logformat");
  private final PrintStream console = System.out;

  @AfterEach
  void restore() throws Exception {
    System.setOut(console);
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    logback.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logback);
    configurator.doConfigure(LogFormatTest.class.getClassLoader().getResource("logback-test.xml"));
  }

  @Test
  void jsonLinesCarryTheRecordsCorrelationMatchAndTrace() {
    // Given the launcher started with --log-format json
    ByteArrayOutputStream out = capture();
    Main.useLogFormat(Main.commandLine().parseArgs("--roles", "match", "--log-format", "json"));

    // When a line is written while a record of round 1 of m-1 is handled, and one outside any record
    Context record = Tracing.withLog(Context.root().with(Tracing.round("m-1", 1)), "corr-1", "m-1");
    Tracing.within(record, () -> {
      log.info("handling a record");
      return null;
    });
    log.info("between records");

    // Then each line is a JSON object, and the first one names the record's correlation, match and trace
    List<JsonObject> lines = out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
    JsonObject handling = lines.stream().filter(l -> "handling a record".equals(l.getString("message")))
        .findFirst().orElseThrow();
    assertThat(handling.getString("level")).isEqualTo("INFO");
    assertThat(handling.getString("correlationId")).isEqualTo("corr-1");
    assertThat(handling.getString("matchId")).isEqualTo("m-1");
    assertThat(handling.getString("traceId")).isEqualTo(Tracing.round("m-1", 1).getSpanContext().getTraceId());
    JsonObject between = lines.stream().filter(l -> "between records".equals(l.getString("message")))
        .findFirst().orElseThrow();
    assertThat(between.containsKey("matchId")).isFalse();
  }

  @Test
  void thePlainPatternAddsTheLogContextOnlyWhenThereIsOne() {
    // Given the default format
    ByteArrayOutputStream out = capture();
    Main.useLogFormat(Main.commandLine().parseArgs("--log-format", "plain"));

    // When a line is written inside a record and one outside
    Tracing.within(Tracing.withLog(Context.root(), "corr-2", "m-2"), () -> {
      log.info("inside");
      return null;
    });
    log.info("outside");

    // Then only the first carries the keys, compactly
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("{correlationId=corr-2, matchId=m-2} - inside"));
    assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("arena.logformat - outside"));
  }

  @Test
  void everySubcommandTakesTheOption() {
    // Given the launcher's command line, When its subcommands are listed, Then each accepts --log-format
    CommandLine line = Main.commandLine();
    assertThat(line.getSubcommands()).isNotEmpty();
    line.getSubcommands().forEach((name, sub) ->
        assertThat(sub.getCommandSpec().findOption("--log-format")).as(name).isNotNull());
  }

  @Test
  void aSubcommandsLinesAreJsonToo() {
    // Given the kafka subcommand with --log-format json after it
    ByteArrayOutputStream out = capture();
    Main.useLogFormat(Main.commandLine().parseArgs("kafka", "--node-id", "1", "--port", "1", "--controller-port",
        "2", "--voters", "1@127.0.0.1:2", "--data-dir", "x", "--log-format", "json"));

    // When a line is written, Then it is JSON
    log.info("a broker line");
    assertThat(new JsonObject(out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow())
        .getString("message")).isEqualTo("a broker line");
  }

  @Test
  void anUnknownFormatIsRefused() {
    // Given a format that does not exist, When it is parsed, Then the launcher refuses it
    assertThat(Main.commandLine().execute("--log-format", "xml")).isEqualTo(2);
  }

  private static ByteArrayOutputStream capture() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    return out;
  }
}
