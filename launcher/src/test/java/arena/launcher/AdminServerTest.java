package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.MatchVerticle;
import arena.orchestrator.OrchestratorVerticle;
import arena.shared.kafka.DeadLetters;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.ArenaMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
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
    HttpServer server = vertx.createHttpServer().requestHandler(AdminServer.router(vertx, null)).listen(0, "127.0.0.1")
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
    assertThat(report.getValue("matches")).isNull();
    assertThat(absent.getString("matches")).isEqualTo("no Match Service runs in this process");
    assertThat(report.getValue("deadLetters")).isNull();
    assertThat(absent.getString("deadLetters")).isEqualTo("no Kafka in this process");
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
    // Built as the Match Service builds it: a histogram under the same name as a plain timer breaks the Prometheus
    // scrape of every later test in this JVM.
    ArenaMetrics.duration("arena.round.duration", "how long rounds stay in each phase").tag("phase", "responding")
        .register(Metrics.globalRegistry).record(Duration.ofSeconds(2));
    Counter.builder("arena.pool.scaled").tag("reason", "queue").register(Metrics.globalRegistry).increment();
    Counter.builder("arena.records.dead_lettered").tag("consumer", "match-service").tag("topic", "match-commands")
        .register(Metrics.globalRegistry).increment();
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
    JsonObject parked = report.getJsonObject("meters").getJsonObject("deadLetters");
    assertThat(parked.getJsonObject("by").getDouble("match-commands")).isGreaterThanOrEqualTo(1.0);
    assertThat(report.getJsonObject("providers")).isEqualTo(providers);
    assertThat(report.getJsonObject("health").getString("llm")).isEqualTo("UP");
    assertThat(report.getJsonObject("absent").fieldNames()).doesNotContain("pool", "providers", "roundDuration");
  }

  @Test
  void theOpsReportCarriesTheMatchServicesActiveMatches() {
    // Given a Match Service here answering its summary
    JsonObject summary = new JsonObject().put("active", 1).put("byPhase", new JsonObject().put("voting", 1))
        .put("matches", new JsonArray().add(new JsonObject().put("matchId", "m1").put("phase", "voting")));
    vertx.eventBus().localConsumer(MatchVerticle.SUMMARY_ADDRESS, msg -> msg.reply(summary));

    // When the dashboard asks, then the summary is there as the service gave it
    JsonObject report = admin.send("GET", "/api/ops", null, null).json();
    assertThat(report.getJsonObject("matches")).isEqualTo(summary);
    assertThat(report.getJsonObject("absent").fieldNames()).doesNotContain("matches");
  }

  @Test
  void theDeadLettersComeFromTheLastReadOfTheTopicWhichNoRequestWaitsFor() {
    // Given a JVM with Kafka whose dead-letter topic holds one letter, read slowly
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch slow = new CountDownLatch(1);
    GameApi ops = adminWith(new RecentDeadLetters(vertx, () -> {
      reads.incrementAndGet();
      slow.await(5, TimeUnit.SECONDS);
      return List.of(new DeadLetters.Parked("match-service", "match-commands", "2", "17", "not JSON",
          "arena.shared.kafka.PoisonRecordException", "2026-12-01T03:00:00Z", "m1", 1L));
    }));

    // When the dashboard asks while the first read runs, then the answer does not wait: the letters are on their way
    JsonObject first = ops.send("GET", "/api/ops", null, null).json();
    assertThat(first.getValue("deadLetters")).isNull();
    assertThat(first.getJsonObject("absent").getString("deadLetters")).isEqualTo("reading the dead-letter topic");
    slow.countDown();

    // And once the read is done, the next report lists the letter with where it came from and why
    JsonObject letters = poll(ops, r -> r.getJsonObject("deadLetters") != null).getJsonObject("deadLetters");
    JsonObject letter = letters.getJsonArray("letters").getJsonObject(0);
    assertThat(letter).isEqualTo(new JsonObject().put("consumer", "match-service").put("topic", "match-commands")
        .put("partition", "2").put("offset", "17").put("reason", "not JSON")
        .put("cause", "arena.shared.kafka.PoisonRecordException").put("time", "2026-12-01T03:00:00Z").put("key", "m1"));
    // And more reports within the refresh interval read the topic no more
    ops.send("GET", "/api/ops", null, null);
    ops.send("GET", "/api/ops", null, null);
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void aDeadLetterTopicThatCannotBeReadIsAbsentWithTheReason() {
    // Given a JVM whose Kafka cannot be reached
    GameApi ops = adminWith(new RecentDeadLetters(vertx, () -> {
      throw new TimeoutException("Timeout expired while fetching topic metadata");
    }));

    // When the dashboard asks (again, once the read has failed), then the report says why there are none
    JsonObject report = poll(ops, r -> r.getJsonObject("absent").getString("deadLetters", "").contains("could not"));
    assertThat(report.getValue("deadLetters")).isNull();
    assertThat(report.getJsonObject("absent").getString("deadLetters"))
        .isEqualTo("the dead-letter topic could not be read: Timeout expired while fetching topic metadata");
  }

  private GameApi adminWith(RecentDeadLetters deadLetters) {
    HttpServer server = vertx.createHttpServer().requestHandler(AdminServer.router(vertx, deadLetters))
        .listen(0, "127.0.0.1").await();
    return new GameApi("http://127.0.0.1:" + server.actualPort());
  }

  /** The first ops report that {@code done} accepts, asked for every 50 ms for at most 10 s. */
  private static JsonObject poll(GameApi ops, Predicate<JsonObject> done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject report = ops.send("GET", "/api/ops", null, null).json();
    while (!done.test(report)) {
      assertThat(System.nanoTime()).as("ops report never got there: " + report).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      report = ops.send("GET", "/api/ops", null, null).json();
    }
    return report;
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
