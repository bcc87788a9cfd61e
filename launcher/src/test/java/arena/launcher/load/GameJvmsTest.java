package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.launcher.ArenaNode;
import arena.launcher.FreePorts;
import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A --target run's game JVMs, seen through their admin listeners' /metrics. */
class GameJvmsTest {
  /** What a game JVM's /metrics says, in part: two heap pools, threads, two GC causes, CPU of a 2-core machine. */
  private static String metrics(double gcSeconds) {
    return """
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E8
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 5.24288E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 7.0E7
        jvm_threads_live_threads 42.0
        jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 10
        jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} %s
        jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 1
        jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.05
        jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.01
        process_cpu_usage 0.35
        system_cpu_count 2.0
        vertx_http_server_active_connections 3.0
        """.formatted(gcSeconds);
  }

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void await(String what, BooleanSupplier done) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(end);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void aMetricsTextGivesHeapThreadsGcAndCpu() {
    // When the text of a game JVM's /metrics is read
    GameJvms.Sample s = GameJvms.parse(metrics(0.25));

    // Then the heap is its heap pools' sum (150 MB, not the metaspace), GC pauses those of every cause, and CPU the
    // process's share of the machine in % of one core
    assertThat(s).isEqualTo(new GameJvms.Sample(150, 42, 0.3, 11, 70.0));
  }

  @Test
  void aMetricsTextWithoutHeapIsAFailedScrapeSayingWhy() {
    assertThatThrownBy(() -> GameJvms.parse("vertx_http_server_active_connections 3.0\n"))
        .hasMessageContaining("jvm_memory_used_bytes").hasMessageContaining("exports no JVM figures");
  }

  @Test
  void aGameJvmIsScrapedOnceASecondAndReportedWithItsPeaksAndGcTimeOverTheRun() throws Exception {
    // Given an admin listener whose GC pause time grows by 0.1 s per scrape
    int[] served = {0};
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      int n = served[0]++;
      if ("/metrics".equals(req.path())) {
        req.response().putHeader("Content-Type", "text/plain").end(metrics(0.2 + 0.1 * n));
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    URI admin = URI.create("http://127.0.0.1:" + server.actualPort());
    Tally tally = new Tally();
    GameJvms games = new GameJvms(vertx, List.of(admin), tally);

    // When scraped three times, the sampler ticking after the first and the third
    games.start();
    await("a first scrape", () -> games.json().getJsonObject(0).getLong("scrapes") >= 1);
    Map<String, Number> first = games.sample();
    await("three scrapes", () -> games.json().getJsonObject(0).getLong("scrapes") >= 3);
    Map<String, Number> tick = games.sample();
    games.stop();

    // Then its series are named after its listener, and its report has the peaks and the GC pause time from the
    // first scrape to the last (0.1 s a scrape), without any error
    String at = "@127.0.0.1:" + server.actualPort();
    assertThat(games.names()).containsExactly("heapMb" + at, "threads" + at, "gcMs" + at, "cpuPercent" + at);
    assertThat(tick.get("heapMb" + at)).isEqualTo(150L);
    assertThat(tick.get("threads" + at)).isEqualTo(42L);
    assertThat(tick.get("cpuPercent" + at)).isEqualTo(70L);
    // (GC time per tick: none before the first tick, then what the pauses grew by since the tick before)
    assertThat(first.get("gcMs" + at)).isEqualTo(0L);
    assertThat(tick.get("gcMs" + at).longValue()).isPositive();
    JsonObject jvm = games.json().getJsonObject(0);
    long scrapes = jvm.getLong("scrapes");
    assertThat(scrapes).isGreaterThanOrEqualTo(2);
    assertThat(jvm.getString("admin")).isEqualTo(admin.toString());
    assertThat(jvm.getLong("failed")).isZero();
    assertThat(jvm.getLong("peakHeapMb")).isEqualTo(150);
    assertThat(jvm.getLong("peakThreads")).isEqualTo(42);
    assertThat(jvm.getLong("peakCpuPercent")).isEqualTo(70);
    assertThat(jvm.getLong("gcPauseMs")).isEqualTo((scrapes - 1) * 100);
    assertThat(jvm.getLong("gcPauses")).isZero();
    assertThat(tally.errors.get()).isZero();
    assertThat(games.progress()).contains("game JVM 127.0.0.1:" + server.actualPort() + ": heap 150 MB, 42 threads");
  }

  @Test
  void anUnreachableAdminListenerIsAnErrorOfItsOwnKindAndTheRunGoesOn() {
    // Given an admin listener where nothing listens
    int port = FreePorts.next();
    Tally tally = new Tally();
    GameJvms games = new GameJvms(vertx, List.of(URI.create("http://127.0.0.1:" + port)), tally);

    // When scraped
    games.start();
    await("a failed scrape", () -> tally.errors.get() >= 1);
    games.stop();

    // Then each failed scrape is an error of one kind naming the listener, the JVM has no figures, and its series
    // have gaps (no value), not zeros
    assertThat(tally.kinds()).hasSize(1);
    assertThat(tally.kinds().keySet().iterator().next())
        .startsWith("game JVM admin http://N.N.N.N:N/metrics: scrape failed: ");
    JsonObject jvm = games.json().getJsonObject(0);
    assertThat(jvm.getLong("failed")).isEqualTo(jvm.getLong("scrapes")).isPositive();
    assertThat(jvm.containsKey("peakHeapMb")).isFalse();
    assertThat(games.sample().values()).containsOnlyNulls();
    assertThat(games.progress()).contains("no figures yet");
  }

  @Test
  void anAdminListenerAnsweringWithAnErrorStatusIsAFailedScrape() throws Exception {
    // Given a listener that answers 500
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(500).end())
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Tally tally = new Tally();
    GameJvms games = new GameJvms(vertx, List.of(URI.create("http://127.0.0.1:" + server.actualPort())), tally);

    // When scraped
    games.start();
    await("a failed scrape", () -> tally.errors.get() >= 1);
    games.stop();

    // Then the error says what it got
    assertThat(tally.messages().get(0)).endsWith("/metrics: scrape failed: HTTP 500");
  }

  @Test
  void aGameJvmsOwnAdminListenerExportsItsHeapThreadsGcAndCpu() throws Exception {
    // Given a game JVM (here the fake LLM role alone, no Kafka needed) with its admin listener on a known port
    JsonObject json = ArenaConfig.load(null, Map.of());
    int adminPort = FreePorts.next();
    json.put("roles", new JsonArray().add("fake-llm"));
    json.getJsonObject("fakeLlm").put("port", FreePorts.next());
    json.getJsonObject("kafka").put("bootstrapServers", "");
    json.getJsonObject("admin").put("port", adminPort);
    ArenaNode node = ArenaNode.start(json, Map.of()).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Tally tally = new Tally();
    GameJvms games = new GameJvms(vertx, List.of(URI.create("http://127.0.0.1:" + adminPort)), tally);
    try {
      // When scraped
      games.start();
      await("a scrape", () -> games.json().getJsonObject(0).getLong("scrapes") >= 1);
    } finally {
      games.stop();
      node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // Then its /metrics carries the JVM's own figures under the names the load tool reads
    assertThat(tally.messages()).isEmpty();
    JsonObject jvm = games.json().getJsonObject(0);
    assertThat(jvm.getLong("peakHeapMb")).isPositive();
    assertThat(jvm.getLong("peakThreads")).isPositive();
    assertThat(jvm.getValue("peakCpuPercent")).isNotNull();
  }
}
