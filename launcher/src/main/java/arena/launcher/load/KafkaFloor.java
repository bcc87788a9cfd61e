package arena.launcher.load;

import arena.launcher.TopicSetup;
import arena.shared.config.ArenaConfig;
import arena.shared.kafka.KafkaClients;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What Kafka itself does on this machine and cluster, measured by its own tools (kafka-tools of the broker's version)
 * so the game's figures can be read against it: {@code EndToEndLatency} for one produce → consume hop,
 * {@code ProducerPerformance} for what one producer writes per second. Each runs in a JVM of its own on this
 * process's class path, against two topics of its own that keep as many copies as the game's, written with the
 * game's producer durability (acks from every in-sync replica, idempotent).
 */
public final class KafkaFloor {
  private static final Pattern HOP_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
  private static final Pattern HOP_PERCENTILES =
      Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");
  private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\([\\d.]+ "
      + "MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms "
      + "99th, (\\d+) ms 99\\.9th");

  /** One produce → consume hop, each record sent after the previous one came back (milliseconds). */
  public record Hop(int messages, double avgMs, double p50Ms, double p99Ms, double p999Ms) {}

  /** One producer sending as fast as it can: records per second and each send's latency (milliseconds). */
  public record Throughput(long records, int recordBytes, double recordsPerSecond, double avgMs, double p50Ms,
      double p99Ms, double p999Ms, double maxMs) {}

  public record Floor(Hop hop, Throughput throughput) {
    JsonObject json() {
      return new JsonObject().put("hopAvgMs", hop.avgMs()).put("hopP50Ms", hop.p50Ms()).put("hopP99Ms", hop.p99Ms())
          .put("hopP999Ms", hop.p999Ms()).put("producerRecordsPerSecond", Math.round(throughput.recordsPerSecond()))
          .put("producerP50Ms", throughput.p50Ms()).put("producerP99Ms", throughput.p99Ms())
          .put("hopsPerRound", HOPS_PER_ROUND);
    }
  }

  /**
   * Sequential Kafka hops in a round when every participant acts: the Match Service asks for robots and the
   * orchestrator answers (2); in each of the two phases the robots' commands and their replies (robot-commands,
   * robot-responses), or the humans' view and action (match-state, match-commands), 2 each (4).
   */
  public static final int HOPS_PER_ROUND = 6;

  /**
   * How many times the floor of its hops a round's overhead is: {@code overheadMs} over {@link #HOPS_PER_ROUND} hops
   * of {@code hopMs} (at least 1 ms: the tool prints whole milliseconds).
   */
  public static double multiple(long overheadMs, double hopMs) {
    return Math.round(overheadMs / (HOPS_PER_ROUND * Math.max(1.0, hopMs)) * 10) / 10.0;
  }

  /** How much to send, and how long each tool may take before it is stopped. */
  public record Plan(int hopMessages, long records, int recordBytes, Duration timeout) {
    public Plan {
      if (hopMessages < 1 || records < 1 || recordBytes < 1) {
        throw new IllegalArgumentException("the floor needs at least one message, one record and one byte");
      }
    }
  }

  private KafkaFloor() {}

  /** Runs both tools, one after the other, against the game's cluster with the operator's Kafka properties. */
  public static Floor measure(ArenaConfig config, Plan plan) throws IOException, InterruptedException {
    String latencyTopic = config.string("kafka.topicPrefix") + "floor-latency";
    String throughputTopic = config.string("kafka.topicPrefix") + "floor-throughput";
    createTopics(config, latencyTopic, throughputTopic);
    Path properties = clientProperties(config);
    try {
      String bootstrap = config.bootstrapServers();
      String e2e = run(plan.timeout(), "org.apache.kafka.tools.EndToEndLatency", bootstrap, latencyTopic,
          String.valueOf(plan.hopMessages()), "all", String.valueOf(plan.recordBytes()), properties.toString());
      String produced = run(plan.timeout(), "org.apache.kafka.tools.ProducerPerformance", "--topic", throughputTopic,
          "--num-records", String.valueOf(plan.records()), "--record-size", String.valueOf(plan.recordBytes()),
          "--throughput", "-1", "--producer.config", properties.toString(),
          "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all");
      return new Floor(hop(plan.hopMessages(), e2e), throughput(plan.recordBytes(), produced));
    } finally {
      Files.deleteIfExists(properties);
    }
  }

  /** EndToEndLatency's summary: its average and percentiles of one hop. */
  static Hop hop(int messages, String output) {
    Matcher avg = find(HOP_AVG, output, "EndToEndLatency");
    Matcher p = find(HOP_PERCENTILES, output, "EndToEndLatency");
    return new Hop(messages, Double.parseDouble(avg.group(1)), Double.parseDouble(p.group(1)),
        Double.parseDouble(p.group(2)), Double.parseDouble(p.group(3)));
  }

  /** ProducerPerformance's last line, the one with percentiles (the ones before it are progress). */
  static Throughput throughput(int recordBytes, String output) {
    Matcher m = find(PRODUCED, output, "ProducerPerformance");
    return new Throughput(Long.parseLong(m.group(1)), recordBytes, Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(7)),
        Double.parseDouble(m.group(8)), Double.parseDouble(m.group(4)));
  }

  private static Matcher find(Pattern pattern, String output, String tool) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException(tool + " printed no summary; its output ends with: "
          + output.substring(Math.max(0, output.length() - 500)));
    }
    return m;
  }

  private static void createTopics(ArenaConfig config, String... names) throws IOException, InterruptedException {
    try (Admin admin = Admin.create(new HashMap<>(KafkaClients.admin(config, "arena-floor")))) {
      int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      TopicSetup.Durability durability = TopicSetup.Durability.of(config.integer("kafka.replicationFactor"), brokers);
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, 1, durability.replicationFactor())
            .configs(Map.of("min.insync.replicas", String.valueOf(durability.minInsyncReplicas()))));
      }
      admin.createTopics(topics).values().values().forEach(created -> {
        try {
          created.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // Left from an earlier run: measuring again on it is as good.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create the floor's topics: " + e.getCause(), e.getCause());
          }
        } catch (Exception e) {
          throw new IllegalStateException("cannot create the floor's topics: " + e, e);
        }
      });
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot reach Kafka at " + config.bootstrapServers() + ": " + e.getCause(), e);
    }
  }

  /**
   * The operator's Kafka properties (security, timeouts) and the game's producer durability, in a file only this
   * user can read: it may hold credentials, so it is deleted after the run and never printed.
   */
  private static Path clientProperties(ArenaConfig config) throws IOException {
    Properties p = new Properties();
    KafkaClients.producer(config, "arena-floor").forEach((name, value) -> {
      if (!name.equals("bootstrap.servers") && !name.endsWith(".serializer")) {
        p.setProperty(name, value);
      }
    });
    Path file = Files.createTempFile("arena-floor", ".properties",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, null);
    }
    return file;
  }

  private static String run(Duration timeout, String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), tool));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("arena-floor", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IOException(tool + " did not finish within " + timeout.toSeconds() + " s");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(tool + " exited with " + process.exitValue() + ": "
            + output.substring(Math.max(0, output.length() - 500)));
      }
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
