package arena.launcher.load;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The game JVMs of a {@code --target} run, as their admin listeners' {@code /metrics} (Prometheus text) tell them:
 * heap used, live threads, GC pause time and process CPU, scraped once a second with the load tool's Vert.x
 * WebClient (no thread waits on a scrape). A scrape that fails is an error of the run (of its own kind), never its end.
 */
final class GameJvms {
  private static final long PERIOD_MS = 1000;
  private static final long TIMEOUT_MS = 5000;

  /** One scrape's figures; {@code threads} and {@code cpuPercent} -1 when the text has none. */
  record Sample(long heapMb, long threads, double gcPauseSeconds, long gcPauses, double cpuPercent) {}

  /** One game JVM: its admin listener and what its scrapes gave. */
  private static final class Jvm {
    final URI admin;
    final String label;
    long scrapes;
    long failed;
    boolean busy;
    Sample first;
    Sample latest;
    /** The GC pause time at the sampler's last tick, to give its GC time per tick. */
    double sampledGcSeconds = -1;
    long peakHeapMb;
    long peakThreads;
    double peakCpuPercent;

    Jvm(URI admin) {
      this.admin = admin;
      this.label = admin.getHost() + ":" + port(admin);
    }
  }

  private final Vertx vertx;
  private final WebClient client;
  private final Tally tally;
  private final List<Jvm> jvms = new ArrayList<>();
  private long timer = -1;
  private boolean stopped;

  GameJvms(Vertx vertx, List<URI> admins, Tally tally) {
    this.vertx = vertx;
    this.client = admins.isEmpty() ? null : WebClient.create(vertx);
    this.tally = tally;
    admins.forEach(a -> jvms.add(new Jvm(a)));
  }

  /** Scrapes every admin listener now, then once a second until {@link #stop}. */
  void start() {
    if (jvms.isEmpty()) {
      return;
    }
    vertx.runOnContext(v -> scrapeAll());
    timer = vertx.setPeriodic(PERIOD_MS, id -> scrapeAll());
  }

  /** No more scrapes; one still on its way counts no more. */
  synchronized void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (client != null) {
      client.close();
    }
  }

  private void scrapeAll() {
    for (Jvm jvm : jvms) {
      synchronized (this) {
        // A slow listener gets no second scrape on top of the first.
        if (stopped || jvm.busy) {
          continue;
        }
        jvm.busy = true;
      }
      URI metrics = jvm.admin.resolve("/metrics");
      client.get(port(jvm.admin), jvm.admin.getHost(), metrics.getRawPath()).ssl("https".equals(jvm.admin.getScheme()))
          .timeout(TIMEOUT_MS).send().onComplete(ar -> {
            String problem = null;
            Sample sample = null;
            if (ar.failed()) {
              problem = String.valueOf(ar.cause());
            } else if (ar.result().statusCode() != 200) {
              problem = "HTTP " + ar.result().statusCode();
            } else {
              try {
                sample = parse(ar.result().bodyAsString());
              } catch (IllegalArgumentException e) {
                problem = e.getMessage();
              }
            }
            scraped(jvm, metrics, sample, problem);
          });
    }
  }

  private void scraped(Jvm jvm, URI metrics, Sample sample, String problem) {
    synchronized (this) {
      jvm.busy = false;
      if (stopped) {
        return;
      }
      jvm.scrapes++;
      if (sample == null) {
        jvm.failed++;
      } else {
        jvm.first = jvm.first == null ? sample : jvm.first;
        jvm.latest = sample;
        jvm.peakHeapMb = Math.max(jvm.peakHeapMb, sample.heapMb());
        jvm.peakThreads = Math.max(jvm.peakThreads, sample.threads());
        jvm.peakCpuPercent = Math.max(jvm.peakCpuPercent, sample.cpuPercent());
      }
    }
    if (problem != null) {
      tally.error("game JVM admin " + metrics + ": scrape failed: " + problem);
    }
  }

  /** The series each game JVM adds to the report, as {@link #sample} names them. */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (Jvm jvm : jvms) {
      for (String figure : List.of("heapMb", "threads", "gcMs", "cpuPercent")) {
        names.add(figure + "@" + jvm.label);
      }
    }
    return names;
  }

  /**
   * Each game JVM's latest figures (null before its first scrape) for the sampler's tick: heap, threads, the GC pause
   * time since the previous tick, CPU (% of one core).
   */
  synchronized Map<String, Number> sample() {
    Map<String, Number> out = new LinkedHashMap<>();
    for (Jvm jvm : jvms) {
      Sample s = jvm.latest;
      out.put("heapMb@" + jvm.label, s == null ? null : s.heapMb());
      out.put("threads@" + jvm.label, s == null || s.threads() < 0 ? null : s.threads());
      Long gcMs = null;
      if (s != null) {
        gcMs = jvm.sampledGcSeconds < 0 ? 0 : Math.round((s.gcPauseSeconds() - jvm.sampledGcSeconds) * 1000);
        jvm.sampledGcSeconds = s.gcPauseSeconds();
      }
      out.put("gcMs@" + jvm.label, gcMs);
      out.put("cpuPercent@" + jvm.label, s == null || s.cpuPercent() < 0 ? null : Math.round(s.cpuPercent()));
    }
    return out;
  }

  /** A short line per game JVM for the progress line, empty without any. */
  synchronized String progress() {
    StringBuilder out = new StringBuilder();
    for (Jvm jvm : jvms) {
      out.append(" | game JVM ").append(jvm.label).append(": ");
      out.append(jvm.latest == null ? "no figures yet (" + jvm.failed + " scrapes failed)"
          : "heap " + jvm.latest.heapMb() + " MB, " + jvm.latest.threads() + " threads");
    }
    return out.toString();
  }

  /** Each game JVM over the run: scrapes, peaks, GC pause time and pauses from its first scrape to its last. */
  synchronized JsonArray json() {
    JsonArray out = new JsonArray();
    for (Jvm jvm : jvms) {
      JsonObject j = new JsonObject().put("admin", jvm.admin.toString()).put("scrapes", jvm.scrapes)
          .put("failed", jvm.failed);
      if (jvm.latest != null) {
        j.put("peakHeapMb", jvm.peakHeapMb).put("peakThreads", jvm.peakThreads)
            .put("gcPauseMs", Math.round((jvm.latest.gcPauseSeconds() - jvm.first.gcPauseSeconds()) * 1000))
            .put("gcPauses", jvm.latest.gcPauses() - jvm.first.gcPauses())
            .put("peakCpuPercent", jvm.peakCpuPercent < 0 ? null : Math.round(jvm.peakCpuPercent));
      }
      out.add(j);
    }
    return out;
  }

  /**
   * The figures of one {@code /metrics} text, as Micrometer's JVM binders name them: heap used (the sum of
   * {@code jvm_memory_used_bytes{area="heap"}}), {@code jvm_threads_live_threads}, GC pauses (the sums of
   * {@code jvm_gc_pause_seconds_sum} and {@code _count}), {@code process_cpu_usage} times {@code system_cpu_count}.
   *
   * @throws IllegalArgumentException when it holds no heap figure
   */
  static Sample parse(String text) {
    double heap = -1;
    double threads = -1;
    double gcSeconds = 0;
    double gcPauses = 0;
    double cpu = -1;
    double cpus = 1;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      if (space < 0) {
        continue;
      }
      boolean labelled = brace >= 0 && brace < space;
      int close = labelled ? line.lastIndexOf('}') : -1;
      if (labelled && close < 0) {
        continue;
      }
      String name = line.substring(0, labelled ? brace : space);
      String labels = labelled ? line.substring(brace + 1, close) : "";
      String[] rest = line.substring(labelled ? close + 1 : space).trim().split(" ");
      double value;
      try {
        value = Double.parseDouble(rest[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      switch (name) {
        case "jvm_memory_used_bytes" -> {
          if (labels.contains("area=\"heap\"")) {
            heap = Math.max(0, heap) + value;
          }
        }
        case "jvm_threads_live_threads" -> threads = value;
        case "jvm_gc_pause_seconds_sum" -> gcSeconds += value;
        case "jvm_gc_pause_seconds_count" -> gcPauses += value;
        case "process_cpu_usage" -> cpu = value;
        case "system_cpu_count" -> cpus = value;
        default -> { }
      }
    }
    if (heap < 0) {
      throw new IllegalArgumentException("no jvm_memory_used_bytes{area=\"heap\"} in its /metrics: the game JVM "
          + "exports no JVM figures");
    }
    return new Sample(Math.round(heap / (1 << 20)), Math.round(threads), gcSeconds, Math.round(gcPauses),
        cpu < 0 || Double.isNaN(cpu) ? -1 : cpu * cpus * 100);
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }
}
