package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.OrchestratorVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code turing-arena experiment}: the report from an admin listener, printed; every way it can fail, said. */
class ExperimentCommandTest {
  static final JsonObject REPORT = new JsonObject("""
      {"strategies":["random","best-disguise"],"running":true,"confidence":0.95,
       "arms":{
        "random":{"robotRounds":300,"humanVotes":600,"passedAsHuman":120,
          "passRate":{"value":0.2,"low":0.1695,"high":0.2346},
          "costUsd":{"mean":0.001,"low":0.00098,"high":0.00102,"total":0.6,"answersAndVotes":600},
          "latencyMs":{"mean":598.0,"low":590.0,"high":606.0,"answers":300}},
        "best-disguise":{"robotRounds":303,"humanVotes":606,"passedAsHuman":180,
          "passRate":{"value":0.297,"low":0.2622,"high":0.3345},
          "costUsd":{"mean":null,"low":null,"high":null,"total":0.0,"answersAndVotes":0},
          "latencyMs":{"mean":870.5,"low":860.1,"high":880.9,"answers":303}}},
       "comparison":{},
       "summary":["pass rate: best-disguise 0.297 vs random 0.200: significant at 95% (p = 0.0001)"]}""");
  private Vertx vertx;
  private String url;

  @BeforeEach
  void listen() {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(AdminServer.router(vertx, null)).listen(0, "127.0.0.1")
        .await();
    url = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void printsBothArmsWithTheirIntervalsThenTheVerdicts() {
    // Given an orchestrator with a report
    vertx.eventBus().localConsumer(OrchestratorVerticle.EXPERIMENT_ADDRESS, msg -> msg.reply(REPORT));

    // When the command asks its admin listener
    Run run = run("experiment", "--admin", url);

    // Then it prints a line per arm, with intervals, and the summary
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("A/B experiment: random vs best-disguise (running, 95% confidence)")
        .containsPattern("random +300 +600 +0\\.200 \\[0\\.170, 0\\.235\\] +0\\.001000 \\[0\\.000980, 0\\.001020\\]"
            + " +598 \\[590, 606\\]")
        .containsPattern("best-disguise +303 +606 +0\\.297 \\[0\\.262, 0\\.335\\] +- +871 \\[860, 881\\]")
        .contains("pass rate: best-disguise 0.297 vs random 0.200: significant at 95% (p = 0.0001)");
  }

  @Test
  void printsTheJsonAsItIsAndPassesTheConfidenceOn() {
    // Given an orchestrator that answers with the level it was asked for
    vertx.eventBus().localConsumer(OrchestratorVerticle.EXPERIMENT_ADDRESS,
        msg -> msg.reply(REPORT.copy().put("confidence", msg.body())));

    // When the command asks for JSON at 99%
    Run run = run("experiment", "--admin", url, "--confidence", "0.99", "--json");

    // Then it prints the report, at that level
    assertThat(run.code()).isZero();
    assertThat(new JsonObject(run.out()).getDouble("confidence")).isEqualTo(0.99);
  }

  @Test
  void saysWhenNoOrchestratorRunsThere() {
    Run run = run("experiment", "--admin", url);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("answered 404: no robot orchestrator runs in this process");
  }

  @Test
  void saysWhenTheLevelIsNotOffered() {
    vertx.eventBus().localConsumer(OrchestratorVerticle.EXPERIMENT_ADDRESS,
        msg -> msg.fail(400, "confidence must be one of 0.9, 0.95, 0.99, not 0.5"));
    Run run = run("experiment", "--admin", url, "--confidence", "0.5");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("answered 400: confidence must be one of 0.9, 0.95, 0.99, not 0.5");
  }

  @Test
  void saysWhenTheAdminListenerCannotBeReached() {
    Run run = run("experiment", "--admin", "http://127.0.0.1:" + FreePorts.next());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the admin listener at http://127.0.0.1:");
  }
}
