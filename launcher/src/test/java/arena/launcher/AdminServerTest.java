package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.OrchestratorVerticle;
import arena.shared.ops.ArenaHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener without a broker: liveness and readiness apart, and the robot stats with and without an
 * orchestrator here.
 */
class AdminServerTest {
  private Vertx vertx;
  private GameApi admin;

  @BeforeEach
  void listen() {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(AdminServer.router(vertx)).listen(0, "127.0.0.1")
        .await();
    admin = new GameApi("http://127.0.0.1:" + server.actualPort());
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void withoutAnOrchestratorInThisProcessTheStatsAreNotFound() {
    // Given no orchestrator in this JVM
    // When an operator asks for the robot stats
    GameApi.Response r = admin.send("GET", "/api/robots/stats", null, null);

    // Then a JSON 404 says why
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).startsWith("application/json");
    assertThat(r.json().getString("error")).isEqualTo("no robot orchestrator runs in this process");
  }

  @Test
  void anOrchestratorThatFailsToAnswerGivesA503() {
    // Given an orchestrator address that fails the request
    vertx.eventBus().localConsumer(OrchestratorVerticle.STATS_ADDRESS, msg -> msg.fail(500, "busy"));

    // When an operator asks for the robot stats
    GameApi.Response r = admin.send("GET", "/api/robots/stats", null, null);

    // Then a JSON 503 says so
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("error")).startsWith("robot stats unavailable");
  }

  @Test
  void theOrchestratorsAnswerIsServedAsItIs() {
    // Given an orchestrator answering its stats
    JsonObject stats = new JsonObject().put("robots", new JsonObject()).put("personas", new JsonObject());
    vertx.eventBus().localConsumer(OrchestratorVerticle.STATS_ADDRESS, msg -> msg.reply(stats));

    // When an operator asks for them, then they come back as JSON
    GameApi.Response r = admin.send("GET", "/api/robots/stats", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(stats);
  }

  @Test
  void theExperimentReportIsAskedAtTheConfidenceGiven() {
    // Given an orchestrator answering its report with the confidence it was asked for
    vertx.eventBus().<Object>localConsumer(OrchestratorVerticle.EXPERIMENT_ADDRESS,
        msg -> msg.reply(new JsonObject().put("confidence", msg.body())));

    // When an operator asks with and without a level, then the level reaches the orchestrator (null: its default)
    GameApi.Response at99 = admin.send("GET", "/api/robots/experiment?confidence=0.99", null, null);
    assertThat(at99.status()).isEqualTo(200);
    assertThat(at99.header("content-type")).startsWith("application/json");
    assertThat(at99.json().getDouble("confidence")).isEqualTo(0.99);
    assertThat(admin.send("GET", "/api/robots/experiment", null, null).json().getValue("confidence")).isNull();
  }

  @Test
  void aConfidenceThatIsNoNumberOrNotOfferedIsA400() {
    // Given an orchestrator that refuses levels it does not offer, as the real one does
    vertx.eventBus().<Object>localConsumer(OrchestratorVerticle.EXPERIMENT_ADDRESS,
        msg -> msg.fail(400, "confidence must be one of 0.9, 0.95, 0.99, not 0.5"));

    // When an operator asks for a level that is no number, or one not offered
    GameApi.Response text = admin.send("GET", "/api/robots/experiment?confidence=high", null, null);
    GameApi.Response half = admin.send("GET", "/api/robots/experiment?confidence=0.5", null, null);

    // Then both are a JSON 400 that says what is allowed
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.json().getString("error")).isEqualTo("confidence must be one of 0.9, 0.95, 0.99, not 'high'");
    assertThat(half.status()).isEqualTo(400);
    assertThat(half.json().getString("error")).isEqualTo("confidence must be one of 0.9, 0.95, 0.99, not 0.5");
  }

  @Test
  void withoutAnOrchestratorTheExperimentIsNotFound() {
    GameApi.Response r = admin.send("GET", "/api/robots/experiment", null, null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("error")).isEqualTo("no robot orchestrator runs in this process");
  }

  @Test
  void inAJvmWithoutRolesTheOpsReportSaysWhatIsAbsent() {
    // Given no orchestrator and no robots in this JVM
    // When an operator's dashboard asks for its data
    GameApi.Response r = admin.send("GET", "/api/ops", null, null);

    // Then it is JSON that names each missing part and why, instead of failing
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonObject report = r.json();
    assertThat(report.getValue("pool")).isNull();
    assertThat(report.getValue("providers")).isNull();
    JsonObject absent = report.getJsonObject("absent");
    assertThat(absent.getString("pool")).isEqualTo("no robot orchestrator runs in this process");
    assertThat(absent.getString("providers")).isEqualTo("no robots run in this process");
    assertThat(absent.getString("roundDuration")).startsWith("no meter arena.round.duration");
  }

  @Test
  void aStandingByOrchestratorLeavesThePoolAbsentWithItsReason() {
    // Given an orchestrator here that stands by, as a standby does
    vertx.eventBus().localConsumer(OrchestratorVerticle.POOL_ADDRESS,
        msg -> msg.fail(503, "this robot orchestrator stands by"));

    // When the dashboard asks, then the pool is absent and the page can say why
    JsonObject report = admin.send("GET", "/api/ops", null, null).json();
    assertThat(report.getValue("pool")).isNull();
    assertThat(report.getJsonObject("absent").getString("pool")).isEqualTo("this robot orchestrator stands by");
  }

  @Test
  void theOpsReportCarriesThePoolTheMetersAndTheProviders() {
    // Given an active orchestrator, a round timed, a scaling counted and a robot provider's health check
    JsonObject pool = new JsonObject().put("byType", new JsonObject().put("polite",
        new JsonObject().put("idle", 2).put("busy", 1)));
    vertx.eventBus().localConsumer(OrchestratorVerticle.POOL_ADDRESS, msg -> msg.reply(pool));
    Timer.builder("arena.round.duration").tag("phase", "answering").register(Metrics.globalRegistry)
        .record(Duration.ofSeconds(2));
    Counter.builder("arena.pool.scaled").tag("reason", "queue").register(Metrics.globalRegistry).increment();
    JsonObject providers = new JsonObject().put("openai", new JsonObject().put("breaker", "open").put("paused", true));
    ArenaHealth.of(vertx).register("llm", p -> p.complete(Status.OK(new JsonObject().put("providers", providers))));

    // When the dashboard asks
    JsonObject report = admin.send("GET", "/api/ops", null, null).json();

    // Then each is there, under the dashboard's own names
    assertThat(report.getJsonObject("pool")).isEqualTo(pool);
    JsonObject round = report.getJsonObject("meters").getJsonObject("roundDuration");
    assertThat(round.getLong("count")).isGreaterThanOrEqualTo(1);
    assertThat(round.getDouble("total")).isGreaterThanOrEqualTo(2.0);
    JsonObject scaled = report.getJsonObject("meters").getJsonObject("scaled");
    assertThat(scaled.getJsonObject("by").getDouble("queue")).isGreaterThanOrEqualTo(1.0);
    assertThat(report.getJsonObject("providers")).isEqualTo(providers);
    assertThat(report.getJsonObject("health").getString("llm")).isEqualTo("UP");
    assertThat(report.getJsonObject("absent").fieldNames()).doesNotContain("pool", "providers", "roundDuration");
  }

  @Test
  void theDashboardPageIsServedFromTheJar() {
    // Given the web build's opsroot on the class path
    // When an operator opens /ops
    GameApi.Response redirect = admin.send("GET", "/ops", null, null);
    GameApi.Response page = admin.send("GET", "/ops/", null, null);

    // Then the page comes with its bundled script and styles, no CDN
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(redirect.header("location")).isEqualTo("/ops/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body()).contains("/ops/ops.js").doesNotContain("https://");
    assertThat(admin.send("GET", "/ops/ops.js", null, null).status()).isEqualTo(200);
  }

  @Test
  void readyIs503WhileAStateIsRebuilt_200After_andLivenessIgnoresIt() {
    // Given a role rebuilding its state, alive all the while
    AtomicBoolean rebuilt = new AtomicBoolean();
    ArenaHealth.readiness(vertx).register("rebuild", p -> p.complete(rebuilt.get() ? Status.OK()
        : Status.KO(new JsonObject().put("rebuilding", true))));
    ArenaHealth.of(vertx).register("alive", p -> p.complete(Status.OK()));

    // When an operator (or a balancer) asks meanwhile, then /ready says not yet, with the check that holds it back
    GameApi.Response notYet = admin.send("GET", "/ready", null, null);
    assertThat(notYet.status()).isEqualTo(503);
    assertThat(notYet.json().getString("status")).isEqualTo("DOWN");
    assertThat(notYet.body()).contains("\"rebuild\"", "\"rebuilding\":true");
    // And /health, the liveness, is not held back by the rebuild
    GameApi.Response alive = admin.send("GET", "/health", null, null);
    assertThat(alive.status()).isEqualTo(200);
    assertThat(alive.body()).doesNotContain("rebuild");

    // When the rebuild is done, then /ready says so
    rebuilt.set(true);
    GameApi.Response ready = admin.send("GET", "/ready", null, null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("UP");
  }
}
