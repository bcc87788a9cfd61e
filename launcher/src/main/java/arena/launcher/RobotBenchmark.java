package arena.launcher;

import arena.launcher.load.LoadCommand;
import arena.shared.config.ArenaConfig;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many robots answering at once in one JVM, through the real path: commands on Kafka (an embedded broker), the
 * robot workers, the LLM provider over HTTP against the fake LLM with a fixed latency, answers back on Kafka.
 * Prints what the robots add on top of the model's own latency, how many calls were in flight, heap and threads.
 * Not a test: nothing is asserted, figures are printed.
 */
@Command(name = "robot-benchmark", mixinStandardHelpOptions = true,
    description = "N robots answer concurrently against the fake LLM; prints added latency, concurrency, heap, threads.")
public final class RobotBenchmark implements Callable<Integer> {
  private static final String KEY = "bench-key-not-a-secret";
  private static final int MAX_WARM_UPS = 3;
  private static final String[] PERSONAS = {"curious-student", "skeptical-scientist", "creative-artist"};
  private static final List<String> PROMPTS = List.of("What is the best smell in the world?",
      "Describe your ideal Sunday in one sentence.", "Which invention would you uninvent, and why?",
      "What did you have for breakfast, honestly?");

  @Option(names = "--robots", description = "Robots answering at once (default ${DEFAULT-VALUE}).")
  int robots = 1000;

  @Option(names = "--latency-ms", description = "The fake model's fixed latency; with --fake-url, the one it was started "
      + "with (default ${DEFAULT-VALUE}).")
  long latencyMs = 1000;

  @Option(names = "--provider", description = "openai or anthropic (default ${DEFAULT-VALUE}).")
  String provider = "openai";

  @Option(names = "--stream", description = "Ask for streamed replies.")
  boolean stream;

  @Option(names = "--instances", description = "Robot verticle instances (default ${DEFAULT-VALUE}).")
  int instances = 1;

  @Option(names = "--fake-url", paramLabel = "URL", description = "A fake LLM already running in a process of its own "
      + "(e.g. http://127.0.0.1:11435 from `--roles fake-llm`, its latency set there), so the two do not share a "
      + "JVM (default: one in this JVM with --latency-ms).")
  String fakeUrl;

  @Option(names = "--waves", description = "Measured waves of N answers, after warm-up waves until the robots' "
      + "connections to the fake stop growing, at most " + MAX_WARM_UPS + " (default ${DEFAULT-VALUE}).")
  int waves = 2;

  @Option(names = "--steady", paramLabel = "DURATION", converter = LoadCommand.Durations.class, description = "Instead "
      + "of waves, commands spread evenly over time at --in-flight per model latency, so that many calls stay in "
      + "flight; figures over this window (e.g. 60s) after --warm-up.")
  Duration steady;

  @Option(names = "--in-flight", description = "With --steady: calls kept in flight, sent at this many per "
      + "--latency-ms, to robots taken in turn (default: --robots).")
  Integer inFlight;

  @Option(names = "--warm-up", paramLabel = "DURATION", converter = LoadCommand.Durations.class, defaultValue = "15s",
      description = "With --steady: the same flow before the measured window, not counted (default ${DEFAULT-VALUE}).")
  Duration warmUpTime;

  /** What one answer measured: its command's id and when the command was sent. */
  private interface Tally {
    void answered(RobotResponse.ResponseComplete done, long sentAtMs);
  }

  /** Where answers are counted: the burst's waves or the steady window. */
  private volatile Tally tally = (done, sent) -> { };

  public static void main(String[] args) {
    System.exit(new CommandLine(new RobotBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("arena-bench");
    int fakePort = FreePorts.next();
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, FreePorts.next(), FreePorts.next())) {
      JsonObject json = config(broker.bootstrapServers(), fakePort);
      ArenaConfig cfg = ArenaConfig.of(json);
      TopicSetup.ensureTopics(cfg);
      String base = fakeUrl != null ? fakeUrl.replaceAll("/+$", "") : "http://127.0.0.1:" + fakePort;
      Map<String, String> env = provider.equals("anthropic")
          ? Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", base)
          : Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", base + "/v1");
      ArenaNode node = ArenaNode.start(json, env).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try {
        return run(node, cfg, base);
      } finally {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private JsonObject config(String bootstrap, int fakePort) {
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.put("roles", fakeUrl != null ? new JsonArray().add("robot") : new JsonArray().add("fake-llm").add("robot"));
    json.getJsonObject("instances").put("robot", instances);
    json.getJsonObject("kafka").put("bootstrapServers", bootstrap).put("topicPrefix", "bench.").put("partitions", 6);
    // Any free admin port: a game may be running on this machine.
    json.getJsonObject("admin").put("port", 0);
    json.getJsonObject("fakeLlm").put("port", fakePort)
        .put("latency", new JsonObject().put("medianMs", latencyMs).put("p99Ms", latencyMs));
    JsonObject robot = json.getJsonObject("robot");
    robot.put("provider", provider);
    // No human typing delay on top: the reply is submitted as soon as the model answered.
    JsonObject timing = robot.getJsonObject("timing");
    for (String action : new String[] {"answer", "vote"}) {
      timing.getJsonObject(action).put("thinkMedianMs", 0).put("msPerChar", 0).put("missRate", 0.0);
    }
    timing.put("floorMs", 0).put("jitterMs", 0);
    // A steady flow's limit above its calls in flight: at the flow's own figure every jitter would queue calls for a
    // connection, and the queue would measure the limit, not the path.
    int limit = steady != null ? Math.max(robots, 2 * flight()) : robots;
    robot.getJsonObject("providers").getJsonObject(provider).put("maxConcurrent", limit).put("stream", stream)
        .put("timeoutMs", 30_000 + latencyMs);
    return json;
  }

  private int run(ArenaNode node, ArenaConfig cfg, String fakeBase) throws Exception {
    EventPublisher publisher = EventPublisher.create(node.vertx(), cfg, "robot-benchmark");
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    EventConsumer answers = EventConsumer.group(node.vertx(), cfg, "robot-benchmark", Set.of(Topic.ROBOT_RESPONSES),
        publisher, received -> {
          if (received.payload() instanceof RobotResponse.ResponseComplete done && "response".equals(done.kind())) {
            Long sent = sentAt.remove(done.commandId());
            if (sent != null) {
              tally.answered(done, sent);
            }
          }
          return Future.succeededFuture();
        });
    answers.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
        0, 50, TimeUnit.MILLISECONDS);
    HttpClient http = HttpClient.newHttpClient();
    try {
      System.out.printf("robot benchmark: %d robots, provider %s%s, fake latency %d ms, %d robot verticle instance(s); "
              + "%d cores, max heap %d MiB; the broker%s runs in this JVM too%n",
          robots, provider, stream ? " (streaming)" : "", latencyMs, instances,
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024),
          fakeUrl != null ? " (the fake LLM at " + fakeUrl + " does not)" : " and the fake LLM");
      Fake fake = new Fake(http, fakeBase);
      return steady != null ? steady(publisher, sentAt, fake, peakHeap) : waves(publisher, sentAt, fake, peakHeap);
    } finally {
      sampler.shutdownNow();
      answers.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      publisher.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int flight() {
    return inFlight != null ? inFlight : robots;
  }

  /** The fake LLM's own figures: calls in flight at most, its lateness, connections opened, since the last reset. */
  private record Fake(HttpClient http, String base) {
    void reset() throws Exception {
      http.send(HttpRequest.newBuilder(URI.create(base + "/fake/stats")).DELETE().build(),
          HttpResponse.BodyHandlers.discarding());
    }

    JsonObject stats() throws Exception {
      return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/fake/stats")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }
  }

  private RobotCommand.GenerateResponse command(String commandId, int robot, String matchId, Instant deadline) {
    return new RobotCommand.GenerateResponse(commandId, "robot-bench-" + robot, PERSONAS[robot % PERSONAS.length],
        matchId, 1, String.valueOf((char) ('A' + robot % 3)), PROMPTS.get(robot % PROMPTS.size()), deadline, List.of());
  }

  /** Bursts: every robot gets one command at once, wave after wave. */
  private int waves(EventPublisher publisher, Map<String, Long> sentAt, Fake fake, AtomicLong peakHeap)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, CountDownLatch> waveDone = new ConcurrentHashMap<>();
    // Recorders take values from the consumer's event loop without a lock; each wave reads its own interval.
    Recorder providerAdded = new Recorder(3);
    Recorder commandToAnswer = new Recorder(3);
    AtomicLong fallbacks = new AtomicLong();
    tally = (done, sent) -> {
      CountDownLatch wave = waveDone.get(done.matchId().substring(0, done.matchId().indexOf('/')));
      if (wave != null) {
        providerAdded.recordValue(Math.max(0, done.latencyMs() - latencyMs));
        commandToAnswer.recordValue(Math.max(0, System.currentTimeMillis() - sent - latencyMs));
        if (done.fallback()) {
          fallbacks.incrementAndGet();
        }
        wave.countDown();
      }
    };
    boolean warmUp = true;
    int warmUps = 0;
    // A wave's ids are its round's: warm-ups and measured waves alike.
    for (int round = 0, wave = 0; wave <= waves; round++) {
      providerAdded.reset();
      commandToAnswer.reset();
      fallbacks.set(0);
      fake.reset();
      String waveId = "w" + round;
      CountDownLatch done = new CountDownLatch(robots);
      waveDone.put(waveId, done);
      Map<Long, Long> cpuBefore = cpuByThread(threads);
      long start = System.nanoTime();
      List<Future<?>> sends = new ArrayList<>(robots);
      Instant deadline = Instant.now().plusSeconds(60 + latencyMs / 1000);
      for (int i = 0; i < robots; i++) {
        RobotCommand.GenerateResponse command = command(waveId + "-c" + i, i, waveId + "/match-" + (i / 3), deadline);
        sentAt.put(command.commandId(), System.currentTimeMillis());
        sends.add(publisher.publish(command.robotId(), command, command.commandId(), null));
      }
      Future.all(sends).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      boolean complete = done.await(120 + latencyMs / 1000, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      JsonObject stats = fake.stats();
      Histogram added = providerAdded.getIntervalHistogram();
      Histogram answered = commandToAnswer.getIntervalHistogram();
      JsonObject late = stats.getJsonObject("late", new JsonObject());
      String line = String.format("%-8s answers %d/%d in %.1f s | max in flight at the fake %d | added by the provider "
              + "path p50 %d ms p99 %d ms max %d ms | of which the fake's own lateness p50 %.0f ms p99 %.0f ms, "
              + "connections opened %d | command to answer on Kafka, less the model, p50 %d ms p99 %d "
              + "ms | fallbacks %d | heap peak %d MiB | threads %d (peak %d)",
          warmUp ? "warm-up" : "wave " + wave, robots - done.getCount(), robots, seconds,
          stats.getLong("maxInFlight", -1L), added.getValueAtPercentile(50), added.getValueAtPercentile(99),
          added.getMaxValue(), late.getDouble("p50Ms", -1.0), late.getDouble("p99Ms", -1.0),
          stats.getLong("connections", -1L), answered.getValueAtPercentile(50), answered.getValueAtPercentile(99),
          fallbacks.get(), peakHeap.get() / (1024 * 1024), threads.getThreadCount(), threads.getPeakThreadCount());
      System.out.println(line);
      System.out.println("         busiest threads (CPU ms this wave): " + busiest(threads, cpuBefore, 3));
      if (!complete) {
        System.out.println("not every robot answered in time; stopping");
        return 1;
      }
      peakHeap.set(0);
      if (warmUp) {
        // Measured waves should not pay for connecting: the pool grows only as far as the calls in flight took it.
        warmUps++;
        warmUp = stats.getLong("connections", 0L) > 0 && warmUps < MAX_WARM_UPS;
      }
      if (!warmUp) {
        wave++;
      }
    }
    return 0;
  }

  /**
   * A steady flow: commands sent evenly spaced at {@code inFlight} per model latency (robots taken in turn), so about
   * that many calls are in flight at any time, unlike a burst whose replies all come back in the same milliseconds.
   * Counts the answers to the commands sent within the window after the warm-up, waiting for the last of them.
   */
  private int steady(EventPublisher publisher, Map<String, Long> sentAt, Fake fake, AtomicLong peakHeap)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int flight = flight();
    double perMs = (double) flight / latencyMs;
    long warmUpMs = warmUpTime.toMillis();
    long windowMs = steady.toMillis();
    Recorder providerAdded = new Recorder(3);
    Recorder commandToAnswer = new Recorder(3);
    LongAdder fallbacks = new LongAdder();
    LongAdder answered = new LongAdder();
    LongAdder allAnswered = new LongAdder();
    long start = System.currentTimeMillis();
    long windowStart = start + warmUpMs;
    long windowEnd = windowStart + windowMs;
    tally = (done, sent) -> {
      allAnswered.increment();
      if (sent >= windowStart) {
        providerAdded.recordValue(Math.max(0, done.latencyMs() - latencyMs));
        commandToAnswer.recordValue(Math.max(0, System.currentTimeMillis() - sent - latencyMs));
        if (done.fallback()) {
          fallbacks.increment();
        }
        answered.increment();
      }
    };
    System.out.printf("steady flow: %d calls in flight (%.0f commands/s over %d robots), warm-up %d s, window %d s%n",
        flight, perMs * 1000, robots, warmUpMs / 1000, windowMs / 1000);
    // The sender runs on a thread of its own: every few milliseconds it sends what is due by then.
    AtomicLong sent = new AtomicLong();
    AtomicLong sentInWindow = new AtomicLong();
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    sender.scheduleAtFixedRate(() -> {
      long now = System.currentTimeMillis();
      if (now >= windowEnd) {
        return;
      }
      long due = (long) ((now - start) * perMs);
      Instant deadline = Instant.ofEpochMilli(now).plusSeconds(60 + latencyMs / 1000);
      for (long i = sent.get(); i < due; i = sent.incrementAndGet()) {
        RobotCommand.GenerateResponse command = command("s-c" + i, (int) (i % robots), "s/match-" + i / 3, deadline);
        sentAt.put(command.commandId(), now);
        publisher.publish(command.robotId(), command, command.commandId(), null);
        if (now >= windowStart) {
          sentInWindow.incrementAndGet();
        }
      }
    }, 0, 5, TimeUnit.MILLISECONDS);
    try {
      Thread.sleep(warmUpMs);
      fake.reset();
      peakHeap.set(0);
      Histogram added = new Histogram(3);
      Histogram toAnswer = new Histogram(3);
      providerAdded.reset();
      commandToAnswer.reset();
      long cpuAtStart = processCpuNanos();
      long answersAtStart = allAnswered.sum();
      // A line per ten seconds, to show how the figures swing within the window, then the whole window.
      for (long at = windowStart; at < windowEnd; at += 10_000) {
        Map<Long, Long> cpuBefore = cpuByThread(threads);
        long cpuBeforeNs = processCpuNanos();
        long answersBefore = allAnswered.sum();
        long until = Math.min(at + 10_000, windowEnd);
        Thread.sleep(Math.max(0, until - System.currentTimeMillis()));
        Histogram a = providerAdded.getIntervalHistogram();
        Histogram c = commandToAnswer.getIntervalHistogram();
        added.add(a);
        toAnswer.add(c);
        System.out.printf("%5d s  answers %d | added by the provider path p50 %d p90 %d p99 %d max %d ms | command to "
                + "answer less the model p50 %d p90 %d p99 %d max %d ms | JVM CPU per answer %.2f ms | busiest "
                + "threads (CPU ms): %s%n",
            (until - windowStart) / 1000, a.getTotalCount(), a.getValueAtPercentile(50), a.getValueAtPercentile(90),
            a.getValueAtPercentile(99), a.getMaxValue(), c.getValueAtPercentile(50), c.getValueAtPercentile(90),
            c.getValueAtPercentile(99), c.getMaxValue(),
            cpuPerAnswerMs(processCpuNanos() - cpuBeforeNs, allAnswered.sum() - answersBefore),
            busiest(threads, cpuBefore, 3));
      }
      JsonObject stats = fake.stats();
      long heap = peakHeap.get();
      double cpuPerAnswer = cpuPerAnswerMs(processCpuNanos() - cpuAtStart, allAnswered.sum() - answersAtStart);
      sender.shutdown();
      // The window's last commands are answered after it: wait for them, but take no figure of the drain.
      long drainBy = System.currentTimeMillis() + 30_000 + 2 * latencyMs;
      while (answered.sum() < sentInWindow.get() && System.currentTimeMillis() < drainBy) {
        Thread.sleep(50);
      }
      added.add(providerAdded.getIntervalHistogram());
      toAnswer.add(commandToAnswer.getIntervalHistogram());
      JsonObject late = stats.getJsonObject("late", new JsonObject());
      System.out.printf("steady   answers %d/%d sent in %d s | max in flight at the fake %d | added by the provider "
              + "path p50 %d p90 %d p99 %d max %d ms | of which the fake's own lateness p50 %.0f ms p99 %.0f ms, "
              + "connections opened %d | command to answer on Kafka, less the model, p50 %d p90 %d p99 %d max %d ms "
              + "| fallbacks %d | JVM CPU per answer %.2f ms | heap peak %d MiB | threads %d (peak %d)%n",
          answered.sum(), sentInWindow.get(), windowMs / 1000, stats.getLong("maxInFlight", -1L),
          added.getValueAtPercentile(50), added.getValueAtPercentile(90), added.getValueAtPercentile(99),
          added.getMaxValue(), late.getDouble("p50Ms", -1.0), late.getDouble("p99Ms", -1.0),
          stats.getLong("connections", -1L), toAnswer.getValueAtPercentile(50), toAnswer.getValueAtPercentile(90),
          toAnswer.getValueAtPercentile(99), toAnswer.getMaxValue(), fallbacks.sum(), cpuPerAnswer, heap / (1024 * 1024),
          threads.getThreadCount(), threads.getPeakThreadCount());
      if (answered.sum() < sentInWindow.get()) {
        System.out.println("not every command of the window was answered in time");
        return 1;
      }
      return 0;
    } finally {
      sender.shutdownNow();
    }
  }

  /** This JVM's CPU time: per answer, a figure the other processes on a shared machine do not inflate. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double cpuPerAnswerMs(long cpuNanos, long answers) {
    return answers == 0 ? 0 : cpuNanos / 1e6 / answers;
  }

  private static Map<Long, Long> cpuByThread(ThreadMXBean threads) {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      cpu.put(id, threads.getThreadCpuTime(id));
    }
    return cpu;
  }

  /**
   * The {@code n} threads that used the most CPU since {@code before}: a figure the other processes on a shared
   * machine do not inflate, unlike the latencies (a robot event loop near a whole core is the bottleneck).
   */
  private static String busiest(ThreadMXBean threads, Map<Long, Long> before, int n) {
    Map<Long, Long> now = cpuByThread(threads);
    return now.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<Long, Long> e) -> before.getOrDefault(e.getKey(), 0L)
            - e.getValue()))
        .limit(n)
        .map(e -> {
          ThreadInfo info = threads.getThreadInfo(e.getKey());
          return (info == null ? "?" : info.getThreadName()) + " "
              + (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1_000_000;
        })
        .collect(Collectors.joining(", "));
  }
}
