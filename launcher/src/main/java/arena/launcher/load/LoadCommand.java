package arena.launcher.load;

import arena.launcher.ArenaNode;
import arena.launcher.EmbeddedKafka;
import arena.launcher.FreePorts;
import arena.launcher.GameConfigOptions;
import arena.launcher.TopicSetup;
import arena.shared.config.ArenaConfig;
import arena.shared.game.HumanTiming;
import arena.shared.game.MatchRules;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code load}: many matches at once, played by simulated humans through the real gateway (HTTP and the event-bus
 * bridge, as the page plays) while robots answer through the fake LLM server with the OpenAI provider. The game runs
 * in this JVM (on an embedded broker, or on {@code --kafka}), or elsewhere ({@code --target}). Prints a progress line
 * every few seconds and a report at the end, also written as JSON and as one HTML page. Exit 0: no error, no lost
 * action, no missed deadline; 1 otherwise; 2 for bad arguments.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Load test: simulated humans play many matches through the gateway; robots answer through the fake "
        + "LLM. Reports latencies (HdrHistogram), throughput, heap/GC/threads, missed deadlines and errors as JSON and "
        + "HTML. Exit 0: no error, lost action or missed deadline; 1: some; 2: bad arguments.")
public final class LoadCommand implements Callable<Integer> {
  private static final String KEY = "load-key-not-a-secret";
  private static final long PROGRESS_MS = 5000;
  private static final String ASSIGNMENT = "assignment (robots_needed→assigned)";
  private static final String ACCEPTED_VISIBLE = "action accepted→visible to others";
  private static final String SENT_VISIBLE = "action sent→visible to others";
  private static final String REQUESTS = "action request→202 (all requests)";
  private static final String LLM = "LLM latency seen by robots";
  private static final String LLM_ADDED = "LLM added latency (over the fake)";

  /** Every latency line of the report, defined in one sentence (the page shows it beside the line). */
  static final Map<String, String> DEFINITIONS = definitions();

  private static Map<String, String> definitions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(ASSIGNMENT, "round.robots_needed → robots.assigned (the first of each), every round: how long a round "
        + "waits for the pool.");
    d.putAll(RoundParts.SPLIT);
    d.putAll(RoundParts.TRANSITIONS);
    d.put(ACCEPTED_VISIBLE, "A human's 202 → the first push, to another human or the public address, of a state "
        + "version that holds the action (a push before the 202 counts 0); on a round's path only for a phase's last "
        + "action, whose push is that phase's transition.");
    d.put(SENT_VISIBLE, "The same, from the request being sent.");
    d.put(REQUESTS, "Every request of a simulated human (create, join, answer, vote) → its reply.");
    d.put(LLM, "The model latency each robot reported (robot.response_complete).");
    d.put(LLM_ADDED, "That latency less the fake LLM's fixed latency: what the provider path adds.");
    return Map.copyOf(d);
  }

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--matches", description = "Matches running at once (default ${DEFAULT-VALUE}).")
  int matches = 50;

  @Option(names = "--humans", description = "Simulated humans per match (default ${DEFAULT-VALUE}).")
  int humans = 2;

  @Option(names = "--seats", description = "Seats per match; the others are robots (default ${DEFAULT-VALUE}).")
  int seats = 6;

  @Option(names = "--rounds", description = "Rounds per match (default ${DEFAULT-VALUE}).")
  int rounds = 2;

  @Option(names = "--response-seconds", description = "Answering phase (default ${DEFAULT-VALUE}).")
  int responseSeconds = 30;

  @Option(names = "--vote-seconds", description = "Voting phase (default ${DEFAULT-VALUE}).")
  int voteSeconds = 20;

  @Option(names = "--pool", description = "Robots in the pool, in this JVM (default 0: the robot seats of --matches matches).")
  int pool;

  @Option(names = "--llm-median-ms", description = "The fake LLM's median latency, in this JVM (default ${DEFAULT-VALUE}).")
  long llmMedianMs = 1000;

  @Option(names = "--llm-p99-ms",
      description = "Its 99th percentile, log-normal in between (default: the median, a fixed latency).")
  Long llmP99Ms;

  @Option(names = "--ramp-up", description = "Time over which the first matches start, e.g. 10s (default ${DEFAULT-VALUE}).",
      defaultValue = "10s", converter = Durations.class)
  Duration rampUp;

  @Option(names = "--duration", description = "How long new matches start, one for each that ends; running ones then "
      + "finish, e.g. 60s, 2m (default ${DEFAULT-VALUE}).", defaultValue = "60s", converter = Durations.class)
  Duration duration;

  @Option(names = "--deadline-tolerance-ms", description = "A phase ending more than this after its deadline missed "
      + "it (default ${DEFAULT-VALUE}).")
  long toleranceMs = 1000;

  /** --kafka: the game's cluster (default: an embedded broker, unless --target); --config, --kafka-properties. */
  @Mixin
  GameConfigOptions game;

  @Option(names = "--target", paramLabel = "URL",
      description = "A running game's gateway (e.g. http://host:8080); its rate limits must be off (gateway.limits). "
          + "Round figures need --kafka and --topic-prefix of that game.")
  URI target;

  @Option(names = "--topic-prefix", description = "Topic prefix of the --target game (default: none).")
  String topicPrefix = "";

  @Option(names = "--target-admin", paramLabel = "URL",
      description = "With --target: a game JVM's admin listener (e.g. http://host:9090), repeatable; its /metrics is "
          + "scraped once a second for that JVM's heap, GC pauses, threads and CPU, reported beside this JVM's. A "
          + "failed scrape counts as an error.")
  List<URI> targetAdmins = new ArrayList<>();

  @Option(names = "--out", description = "Where the report goes (default ${DEFAULT-VALUE}).")
  Path out = Path.of("load-report");

  @Option(names = "--floor", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Measure Kafka's own floor first (kafka-tools EndToEndLatency and ProducerPerformance against the "
          + "run's broker, in this JVM's runs only) and report round overhead as a multiple of it (default on; "
          + "--no-floor skips it).")
  boolean floor;

  /** Kafka's floor, once measured. */
  private KafkaFloor.Floor kafkaFloor;

  @Option(names = "--seed", description = "Seed of the humans' choices (default ${DEFAULT-VALUE}).")
  long seed = 1;

  /** Parses 90s, 2m, 500ms, or a number of seconds. */
  public static final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 2m, 500ms)");
      }
    }
  }

  LoadPlan plan() {
    return new LoadPlan(matches, humans, seats, rounds, responseSeconds, voteSeconds, pool, llmMedianMs,
        llmP99Ms == null ? llmMedianMs : llmP99Ms, rampUp, duration, toleranceMs);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    JsonObject json;
    try {
      json = game.load(System.getenv());
    } catch (RuntimeException e) {
      err.println("load: cannot read the configuration: " + e.getMessage());
      err.flush();
      return 2;
    }
    ArenaConfig arena = ArenaConfig.of(json);
    LoadPlan plan = plan();
    List<String> problems = new ArrayList<>(plan.problems(MatchRules.of(arena)));
    if (target != null && !httpUrl(target)) {
      problems.add("--target must be an http(s) URL of a gateway, e.g. http://localhost:8080, got " + target);
    }
    for (URI admin : targetAdmins) {
      if (!httpUrl(admin)) {
        problems.add("--target-admin must be an http(s) URL of a game JVM's admin listener, e.g. "
            + "http://localhost:9090, got " + admin);
      }
    }
    if (!targetAdmins.isEmpty() && target == null) {
      problems.add("--target-admin needs --target: without it the game runs in this JVM, whose figures are reported");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("load: " + p));
      err.println("see: load --help");
      err.flush();
      return 2;
    }
    // The humans play as the robots are timed by default (robot.timing); in-process robots then answer at once.
    HumanTiming timing = new HumanTiming(arena.bind("robot.timing", HumanTiming.Settings.class));
    return target == null ? inProcess(json, plan, timing) : against(json, plan, timing);
  }

  private static boolean httpUrl(URI uri) {
    return uri.getScheme() != null && uri.getScheme().matches("https?") && uri.getHost() != null;
  }

  /** The game in this JVM: an embedded broker (or --kafka), the fake LLM and the four roles. */
  private int inProcess(JsonObject json, LoadPlan plan, HumanTiming timing) throws Exception {
    Path dir = Files.createTempDirectory("arena-load");
    EmbeddedKafka broker = null;
    try {
      String kafka = json.getJsonObject("kafka").getString("bootstrapServers", "");
      if (kafka.isBlank()) {
        broker = EmbeddedKafka.start(dir, FreePorts.next(), FreePorts.next());
      }
      int fakePort = FreePorts.next();
      int httpPort = FreePorts.next();
      configure(json, plan, broker == null ? kafka : broker.bootstrapServers(), fakePort, httpPort);
      ArenaConfig cfg = ArenaConfig.of(json);
      TopicSetup.ensureTopics(cfg);
      if (floor) {
        System.out.println("load: measuring Kafka's floor (EndToEndLatency, ProducerPerformance) on the idle broker");
        kafkaFloor = KafkaFloor.measure(cfg, new KafkaFloor.Plan(2000, 200_000, 300, Duration.ofMinutes(5)));
        System.out.printf("load: Kafka's floor: a hop p50 %.0f ms, p99 %.0f ms (mean %.2f ms); a producer %.0f "
                + "records/s%n", kafkaFloor.hop().p50Ms(), kafkaFloor.hop().p99Ms(), kafkaFloor.hop().avgMs(),
            kafkaFloor.throughput().recordsPerSecond());
      }
      Map<String, String> env = Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", "http://127.0.0.1:" + fakePort + "/v1");
      ArenaNode node = ArenaNode.start(json, env).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try {
        return drive(cfg, plan, timing, URI.create("http://127.0.0.1:" + httpPort), EventConsumer.Start.EARLIEST,
            true);
      } finally {
        node.stop(Duration.ofSeconds(cfg.integer("shutdown.graceSeconds")));
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** A game running elsewhere: only its gateway (and, with --kafka, its records) are seen. */
  private int against(JsonObject json, LoadPlan plan, HumanTiming timing) throws Exception {
    if (!json.getJsonObject("kafka").getString("bootstrapServers", "").isBlank()) {
      json.getJsonObject("kafka").put("topicPrefix", topicPrefix);
    }
    return drive(ArenaConfig.of(json), plan, timing, target, EventConsumer.Start.LATEST, false);
  }

  /**
   * What a load run needs of the game, over the configuration: the pool and the provider's concurrency sized for the
   * run, the fake LLM's latency, the robots answering as soon as the model does (so their model latency is all their
   * think time), no per-client rate limits (every simulated human comes from this host), fresh topics.
   */
  static void configure(JsonObject json, LoadPlan plan, String bootstrap, int fakePort, int httpPort) {
    json.put("roles", new JsonArray().add("fake-llm").add("match").add("orchestrator").add("robot").add("gateway"));
    json.getJsonObject("kafka").put("bootstrapServers", bootstrap)
        .put("topicPrefix", "load-" + Long.toString(System.currentTimeMillis(), 36) + ".");
    json.getJsonObject("http").put("port", httpPort).put("host", "127.0.0.1");
    json.getJsonObject("admin").put("port", 0);
    json.getJsonObject("gateway").getJsonObject("limits").put("enabled", false);
    json.getJsonObject("fakeLlm").put("port", fakePort)
        .put("latency", new JsonObject().put("medianMs", plan.llmMedianMs()).put("p99Ms", plan.llmP99Ms()));
    JsonObject pool = json.getJsonObject("pool");
    JsonObject types = pool.getJsonObject("robots");
    int perType = (plan.poolSize() + types.size() - 1) / types.size();
    for (String type : types.fieldNames()) {
      types.put(type, perType);
    }
    JsonObject scaling = pool.getJsonObject("scaling");
    scaling.put("maxTotal", Math.max(scaling.getInteger("maxTotal"), perType * types.size()));
    JsonObject robot = json.getJsonObject("robot");
    robot.put("provider", "openai");
    JsonObject t = robot.getJsonObject("timing");
    for (String action : new String[] {"answer", "vote"}) {
      t.getJsonObject(action).put("thinkMedianMs", 0).put("msPerChar", 0).put("missRate", 0.0);
    }
    t.put("floorMs", 0).put("jitterMs", 0);
    robot.getJsonObject("providers").getJsonObject("openai").put("maxConcurrent", Math.max(16, plan.poolSize()));
  }

  private int drive(ArenaConfig cfg, LoadPlan plan, HumanTiming timing, URI base, EventConsumer.Start from,
      boolean sameJvm) throws Exception {
    PrintStream console = System.out;
    Vertx vertx = Vertx.vertx();
    Records records = null;
    EventConsumer consumer = null;
    EventPublisher deadLetters = null;
    try {
      boolean withRecords = sameJvm || !cfg.bootstrapServers().isBlank();
      if (withRecords) {
        Records r = new Records(plan.fixedLatency() ? plan.llmMedianMs() : -1);
        records = r;
        deadLetters = EventPublisher.create(vertx, cfg, "load");
        Map<Topic, EventConsumer.Start> topics = Map.of(Topic.MATCH_EVENTS, from,
            Topic.ROBOT_ORCHESTRATION_EVENTS, from, Topic.ROBOT_RESPONSES, from);
        consumer = EventConsumer.everyPartition(vertx, cfg, "load-records", topics, deadLetters, received -> {
          r.add(received.envelope());
          return Future.succeededFuture();
        }).only(Records.USES);
        consumer.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      int sockets = plan.matches() * plan.humans() * 2 + 100;
      LoadMatch.Clients clients = new LoadMatch.Clients(
          WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(Math.min(2000, plan.matches() * plan.humans() + 50))),
          vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets)), base);
      return run(vertx, clients, plan, timing, records, console, sameJvm);
    } finally {
      if (consumer != null) {
        consumer.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      if (deadLetters != null) {
        deadLetters.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private int run(Vertx vertx, LoadMatch.Clients clients, LoadPlan plan, HumanTiming timing, Records records,
      PrintStream console, boolean sameJvm) throws Exception {
    Tally tally = new Tally();
    Set<String> matchIds = ConcurrentHashMap.newKeySet();
    GameJvms games = new GameJvms(vertx, sameJvm ? List.of() : targetAdmins, tally);
    Sampler sampler = new Sampler(tally, records, plan.deadlineToleranceMs(), matchIds, games);
    games.start();
    long startNanos = System.nanoTime();
    long endOfStarts = startNanos + plan.duration().toNanos();
    AtomicLong seeds = new AtomicLong(seed);
    console.printf("load: %d matches at once (%d humans, %d robots each, %d rounds), ramp-up %ds, duration %ds, "
            + "against %s%n", plan.matches(), plan.humans(), plan.robotSeats(), plan.rounds(),
        plan.rampUp().toSeconds(), plan.duration().toSeconds(), sameJvm ? "this JVM (" + clients.base() + "), pool "
            + plan.poolSize() + ", fake LLM " + plan.llmMedianMs() + "–" + plan.llmP99Ms() + " ms" : clients.base());

    Runnable[] startOne = new Runnable[1];
    startOne[0] = () -> {
      tally.started.incrementAndGet();
      tally.running.incrementAndGet();
      LoadMatch match = new LoadMatch(vertx.getOrCreateContext(), clients, plan, timing, tally, records,
          seeds.getAndIncrement());
      match.play().onComplete(ar -> {
        tally.running.decrementAndGet();
        tally.completed.incrementAndGet();
        if (match.matchId() != null) {
          matchIds.add(match.matchId());
        }
        // One that could not even be created is not replaced: that would only repeat the failure, fast.
        if (System.nanoTime() < endOfStarts && match.matchId() != null) {
          startOne[0].run();
        }
      });
    };
    // Started from a thread of our own: each match gets its own event-loop context, round robin.
    for (int i = 0; i < plan.matches(); i++) {
      long at = startNanos + plan.rampUp().toNanos() * i / plan.matches();
      waitUntil(at, sampler, console);
      startOne[0].run();
    }
    waitUntil(endOfStarts, sampler, console);
    // Running matches finish: at most a whole match's phases plus the robots' waits and a minute.
    long longest = (long) plan.rounds() * (plan.responseSeconds() + plan.voteSeconds() + 30) + 60;
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(longest);
    while (tally.running.get() > 0 && System.nanoTime() < drainEnd) {
      waitUntil(Math.min(drainEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)), sampler, console);
    }
    long stuck = tally.running.get();
    if (stuck > 0) {
      tally.error(stuck + " matches did not finish within " + longest + " s after the last start");
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (records != null) {
      awaitEndings(records, matchIds);
    }
    sampler.sample();
    games.stop();
    return report(plan, tally, records, matchIds, sampler, games, seconds, console, sameJvm);
  }

  /** The records of the last matches may still be on their way. */
  private static void awaitEndings(Records records, Set<String> matchIds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < end && matchIds.stream().anyMatch(m -> records.ending(m) == null)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private void waitUntil(long nanos, Sampler sampler, PrintStream console) {
    while (true) {
      long now = System.nanoTime();
      if (sampler.due(now)) {
        String line = sampler.sample();
        if (line != null) {
          console.println(line);
        }
      }
      if (now >= nanos) {
        return;
      }
      LockSupport.parkNanos(Math.min(nanos - now, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  private int report(LoadPlan plan, Tally tally, Records records, Set<String> matchIds, Sampler sampler,
      GameJvms games, double seconds, PrintStream console, boolean sameJvm) throws Exception {
    Map<String, Histogram> latencies = new LinkedHashMap<>();
    List<String> late = new ArrayList<>();
    Histogram overheadHistogram = null;
    JsonObject split = null;
    long overheadRounds = 0;
    long rounds = 0;
    if (records != null) {
      latencies.put(ASSIGNMENT, records.assignment(matchIds));
      RoundParts parts = new RoundParts();
      for (RoundTimes r : records.rounds(matchIds)) {
        rounds++;
        if (r.overheadMs() >= 0) {
          overheadRounds++;
        }
        parts.add(r);
        r.late(plan.deadlineToleranceMs()).forEach(l -> late.add(l.phase() + " " + l.lateMs() + " ms late"));
      }
      // Only where our configuration has the robots answer as soon as the model does: elsewhere their own think
      // times would count as overhead.
      if (sameJvm) {
        latencies.putAll(parts.split());
        overheadHistogram = parts.split().get(RoundParts.OVERHEAD);
        split = parts.shares();
      }
      latencies.putAll(parts.transitions());
      for (String m : matchIds) {
        String ending = records.ending(m);
        if (ending == null) {
          tally.error(m + ": the records never told how it ended");
        } else if (!"COMPLETED".equals(ending)) {
          tally.error(m + " ended " + ending);
        }
      }
      records.problems().forEach(tally::error);
    }
    latencies.put(ACCEPTED_VISIBLE, tally.visible());
    latencies.put(SENT_VISIBLE, tally.sentVisible());
    latencies.put(REQUESTS, tally.request());
    if (records != null) {
      latencies.put(LLM, records.llm());
      if (sameJvm && plan.fixedLatency()) {
        latencies.put(LLM_ADDED, records.llmAdded());
      }
    }
    String verdict = tally.errors.get() == 0 && late.isEmpty()
        ? "PASS: no error, no lost action, no missed deadline"
        : "FAIL: " + tally.errors.get() + " errors (" + tally.lost.get() + " lost actions), " + late.size()
            + " missed deadlines";
    JsonObject totals = new JsonObject()
        .put("verdict", verdict)
        .put("seconds", Math.round(seconds))
        .put("matchesStarted", tally.started.get())
        .put("matchesFinished", tally.completed.get())
        .put("actionsAccepted", tally.actions.get())
        .put("actionsPerSecond", Math.round(tally.actions.get() / seconds * 10) / 10.0)
        .put("matchesPerMinute", Math.round(tally.completed.get() / seconds * 600) / 10.0)
        .put("rounds", rounds)
        .put("roundsWithOverhead", overheadRounds)
        .put("actionsNotSeenByOthers", tally.unseen.get())
        .put("viewsFetched", tally.looks.get())
        .put("errors", tally.errors.get())
        .put("lostActions", tally.lost.get())
        .put("missedDeadlines", late.size())
        .put("peakHeapMb", sampler.peakHeapMb())
        .put("peakThreads", sampler.peakThreads())
        .put("peakCpuPercent", sampler.peakCpuPercent())
        .put("gcMs", sampler.gcMs())
        .put("gameJvms", games.json())
        .put("kafkaFloor", kafkaFloor == null ? null : kafkaFloor.json())
        .put("roundOverheadOverFloor", overFloor(overheadHistogram))
        .put("roundOverheadSplit", split)
        .put("errorKinds", new JsonObject(new LinkedHashMap<>(tally.kinds())))
        .put("errorMessages", new JsonArray(tally.messages()))
        .put("missed", new JsonArray(late.stream().limit(50).toList()));
    JsonObject meta = new JsonObject()
        .put("arguments", String.join(" ", spec.root().commandLine().getParseResult().originalArgs()))
        .put("at", Instant.now().toString())
        .put("matchesAtOnce", plan.matches()).put("humansPerMatch", plan.humans()).put("seats", plan.seats())
        .put("robotsAtOnce", plan.matches() * plan.robotSeats()).put("rounds", plan.rounds())
        .put("responseSeconds", plan.responseSeconds()).put("voteSeconds", plan.voteSeconds())
        .put("pool", sameJvm ? plan.poolSize() : null)
        .put("llmMedianMs", sameJvm ? plan.llmMedianMs() : null).put("llmP99Ms", sameJvm ? plan.llmP99Ms() : null)
        .put("rampUpSeconds", plan.rampUp().toSeconds()).put("durationSeconds", plan.duration().toSeconds())
        .put("deadlineToleranceMs", plan.deadlineToleranceMs())
        .put("game", sameJvm ? "this JVM" : String.valueOf(target))
        .put("gameAdmins", sameJvm ? null : new JsonArray(targetAdmins.stream().map(URI::toString).toList()))
        .put("jvm", sameJvm ? "load tool and game, one JVM" : "load tool only")
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
    JsonObject json = LoadReport.json(meta, latencies, DEFINITIONS, totals, sampler.series());
    Files.createDirectories(out);
    Files.writeString(out.resolve("load-report.json"), json.encodePrettily());
    Files.writeString(out.resolve("load-report.html"), LoadReport.html(json));
    console.println();
    console.print(LoadReport.table(latencies));
    console.printf("matches: %d started, %d finished in %.0f s (%.1f per minute); actions: %d accepted (%.1f/s), "
            + "%d not seen by others; %d views fetched over HTTP%n", tally.started.get(), tally.completed.get(), seconds,
        totals.getDouble("matchesPerMinute"), tally.actions.get(), totals.getDouble("actionsPerSecond"),
        tally.unseen.get(), tally.looks.get());
    console.printf("rounds: %d, %d closed early (everyone acted) and give the overhead%n", rounds, overheadRounds);
    console.printf("heap: peak %d MB, threads: peak %d, GC: %d ms in all, CPU: peak %d %% of a core (%s)%n",
        sampler.peakHeapMb(), sampler.peakThreads(), sampler.gcMs(), sampler.peakCpuPercent(), meta.getString("jvm"));
    for (Object o : totals.getJsonArray("gameJvms")) {
      JsonObject g = (JsonObject) o;
      console.printf("game JVM %s: %s%n", g.getString("admin"), g.containsKey("peakHeapMb")
          ? String.format("heap: peak %d MB, threads: peak %d, GC pauses: %d ms (%d), CPU: peak %s %% of a core "
              + "(%d scrapes, %d failed)", g.getLong("peakHeapMb"), g.getLong("peakThreads"), g.getLong("gcPauseMs"),
              g.getLong("gcPauses"), g.getValue("peakCpuPercent"), g.getLong("scrapes"), g.getLong("failed"))
          : String.format("no figures (%d scrapes, %d failed)", g.getLong("scrapes"), g.getLong("failed")));
    }
    if (split != null) {
      console.println("round overhead, mean of the " + split.getLong("rounds") + " rounds that closed early: "
          + parts(split));
    }
    if (totals.getJsonObject("roundOverheadOverFloor") != null) {
      console.printf("round overhead over Kafka's floor (%d hops): p50 %.1f×, p99 %.1f×%n", KafkaFloor.HOPS_PER_ROUND,
          totals.getJsonObject("roundOverheadOverFloor").getDouble("p50"),
          totals.getJsonObject("roundOverheadOverFloor").getDouble("p99"));
    }
    tally.kinds().forEach((kind, n) -> console.printf("errors: %6d × %s%n", n, kind));
    tally.messages().stream().limit(10).forEach(m -> console.println("error: " + m));
    late.stream().limit(20).forEach(m -> console.println("missed deadline: " + m));
    console.println(verdict);
    console.println("report: " + out.resolve("load-report.html").toAbsolutePath() + " and load-report.json");
    return tally.errors.get() == 0 && late.isEmpty() ? 0 : 1;
  }

  /** "overhead 2131 ms = seating less assignment 12 ms (0.6 %) + …; unexplained 5 ms (0.2 %)", from the split. */
  static String parts(JsonObject split) {
    JsonObject mean = split.getJsonObject("meanMs");
    JsonObject percent = split.getJsonObject("percentOfOverhead");
    List<String> terms = new ArrayList<>();
    for (String part : mean.fieldNames()) {
      if (!"overhead".equals(part) && !"unexplained".equals(part)) {
        terms.add(String.format("%s %.0f ms (%.1f %%)", part, mean.getDouble(part), percent.getDouble(part)));
      }
    }
    return String.format("overhead %.0f ms = %s; unexplained %.0f ms (%.1f %%)", mean.getDouble("overhead"),
        String.join(" + ", terms), mean.getDouble("unexplained"), percent.getDouble("unexplained"));
  }

  /** Round overhead p50 over the floor's mean hop, p99 over its p99 hop, each times the hops of a round. */
  private JsonObject overFloor(Histogram overhead) {
    if (kafkaFloor == null || overhead == null || overhead.getTotalCount() == 0) {
      return null;
    }
    return new JsonObject().put("p50", KafkaFloor.multiple(overhead.getValueAtPercentile(50), kafkaFloor.hop().avgMs()))
        .put("p99", KafkaFloor.multiple(overhead.getValueAtPercentile(99), kafkaFloor.hop().p99Ms()));
  }

  /** JMX samples of this JVM and the run's counts, every second; a progress line every few seconds. */
  static final class Sampler {
    private final Tally tally;
    private final Records records;
    private final long toleranceMs;
    private final Set<String> matchIds;
    private final GameJvms games;
    private final long start = System.nanoTime();
    private final Map<String, List<Number>> series = new LinkedHashMap<>();
    private long next = System.nanoTime();
    private long nextLine = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS);
    private long lastActions;
    private long lastAt = System.nanoTime();
    private long lastGc;
    private long peakHeap;
    private long peakThreads;
    private long peakCpu;

    Sampler(Tally tally, Records records, long toleranceMs, Set<String> matchIds, GameJvms games) {
      this.tally = tally;
      this.records = records;
      this.toleranceMs = toleranceMs;
      this.matchIds = matchIds;
      this.games = games;
      this.lastGc = gcTotal();
      for (String s : List.of("seconds", "heapMb", "threads", "gcMs", "cpuPercent", "running", "completed",
          "actionsPerSecond", "errors", "missed")) {
        series.put(s, new ArrayList<>());
      }
      games.names().forEach(name -> series.put(name, new ArrayList<>()));
    }

    boolean due(long now) {
      return now >= next;
    }

    /** Takes a sample; returns the progress line when one is due, else null. */
    String sample() {
      long now = System.nanoTime();
      next = now + TimeUnit.SECONDS.toNanos(1);
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      long gc = gcTotal();
      long actions = tally.actions.get();
      double rate = (actions - lastActions) / Math.max(1e-3, (now - lastAt) / 1e9);
      long missed = missed();
      long cpu = cpuPercent();
      peakHeap = Math.max(peakHeap, heap);
      peakThreads = Math.max(peakThreads, threads);
      peakCpu = Math.max(peakCpu, cpu);
      series.get("seconds").add(Math.round((now - start) / 1e8) / 10.0);
      series.get("heapMb").add(heap);
      series.get("threads").add(threads);
      series.get("gcMs").add(gc - lastGc);
      series.get("cpuPercent").add(cpu < 0 ? null : cpu);
      games.sample().forEach((name, value) -> series.get(name).add(value));
      series.get("running").add(tally.running.get());
      series.get("completed").add(tally.completed.get());
      series.get("actionsPerSecond").add(Math.round(rate * 10) / 10.0);
      series.get("errors").add(tally.errors.get());
      series.get("missed").add(missed);
      lastGc = gc;
      lastActions = actions;
      lastAt = now;
      if (now < nextLine) {
        return null;
      }
      nextLine = now + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS);
      return String.format("[%4ds] matches: %d running, %d completed | actions: %.1f/s | errors: %d | missed "
              + "deadlines: %d | heap %d MB, %d threads%s", TimeUnit.NANOSECONDS.toSeconds(now - start),
          tally.running.get(), tally.completed.get(), rate, tally.errors.get(), missed, heap, threads,
          games.progress());
    }

    /** Missed deadlines so far, over the matches that finished (the others' rounds may still be open). */
    private long missed() {
      if (records == null) {
        return 0;
      }
      return records.rounds(matchIds).stream().mapToLong(r -> r.late(toleranceMs).size()).sum();
    }

    /** This process's CPU since the last call, in % of one core; -1 where the JVM does not tell. */
    private static long cpuPercent() {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        double load = os.getProcessCpuLoad();
        return load < 0 ? -1 : Math.round(load * Runtime.getRuntime().availableProcessors() * 100);
      }
      return -1;
    }

    private static long gcTotal() {
      long total = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        total += Math.max(0, gc.getCollectionTime());
      }
      return total;
    }

    long peakHeapMb() {
      return peakHeap;
    }

    long peakThreads() {
      return peakThreads;
    }

    long peakCpuPercent() {
      return peakCpu;
    }

    long gcMs() {
      return series.get("gcMs").stream().mapToLong(Number::longValue).sum();
    }

    Map<String, List<Number>> series() {
      return series;
    }
  }
}
