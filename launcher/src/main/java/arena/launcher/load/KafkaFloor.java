package arena.launcher.load;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What Kafka itself does on this machine and broker: {@code EndToEndLatency} (one record at a time, produced with
 * acks=1 and consumed back: one hop) and {@code ProducerPerformance} (as fast as it can), both from kafka-tools of
 * the broker's version, each in a JVM of its own started from this jar, against the broker of the run, before the
 * matches start (an idle broker).
 *
 * @param hopAvgMs        a hop's mean latency
 * @param hopP50Ms        its median (whole milliseconds, as the tool prints)
 * @param hopP99Ms        its 99th percentile
 * @param hopP999Ms       its 99.9th percentile
 * @param recordsPerSecond the producer's throughput
 * @param produceP50Ms    a produced record's median latency at that throughput
 * @param produceP99Ms    its 99th percentile
 */
public record KafkaFloor(double hopAvgMs, long hopP50Ms, long hopP99Ms, long hopP999Ms, double recordsPerSecond,
    long produceP50Ms, long produceP99Ms) {

  /**
   * Sequential Kafka hops in a round, when every participant acts: the Match Service asks for robots and the
   * orchestrator answers (2); in each of the two phases the robots' commands and their replies (robot-commands,
   * robot-responses), or the humans' view and action (match-state, match-commands), 2 each (4).
   */
  public static final int HOPS_PER_ROUND = 6;

  private static final Pattern E2E = Pattern.compile(
      "Avg latency: ([0-9.]+) ms\\s+Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");
  private static final Pattern PRODUCER = Pattern.compile(
      "\\d+ records sent, ([0-9.]+) records/sec \\([0-9.]+ MB/sec\\), [0-9.]+ ms avg latency, [0-9.]+ ms max latency, "
          + "(\\d+) ms 50th, \\d+ ms 95th, (\\d+) ms 99th");

  /** The figures in the two tools' output; throws when either has none (the tool failed: its output says why). */
  static KafkaFloor parse(String endToEnd, String producer) {
    Matcher e = E2E.matcher(endToEnd);
    if (!e.find()) {
      throw new IllegalStateException("EndToEndLatency printed no figures: " + tail(endToEnd));
    }
    Matcher p = PRODUCER.matcher(producer);
    if (!p.find()) {
      throw new IllegalStateException("ProducerPerformance printed no figures: " + tail(producer));
    }
    return new KafkaFloor(Double.parseDouble(e.group(1)), Long.parseLong(e.group(2)), Long.parseLong(e.group(3)),
        Long.parseLong(e.group(4)), Double.parseDouble(p.group(1)), Long.parseLong(p.group(2)),
        Long.parseLong(p.group(3)));
  }

  /**
   * How many times the floor of its hops a round's overhead is: {@code overheadMs} over {@link #HOPS_PER_ROUND} hops
   * of {@code hopMs} (at least 1 ms: the tool prints whole milliseconds).
   */
  public static double multiple(long overheadMs, double hopMs) {
    return Math.round(overheadMs / (HOPS_PER_ROUND * Math.max(1.0, hopMs)) * 10) / 10.0;
  }

  JsonObject json() {
    return new JsonObject().put("hopAvgMs", hopAvgMs).put("hopP50Ms", hopP50Ms).put("hopP99Ms", hopP99Ms)
        .put("hopP999Ms", hopP999Ms).put("producerRecordsPerSecond", Math.round(recordsPerSecond))
        .put("producerP50Ms", produceP50Ms).put("producerP99Ms", produceP99Ms).put("hopsPerRound", HOPS_PER_ROUND);
  }

  /** Runs both tools against the cluster of {@code adminConfig}, on topics of their own named with {@code prefix}. */
  static KafkaFloor measure(Map<String, String> adminConfig, String prefix) throws Exception {
    String latencyTopic = prefix + "floor-latency";
    String throughputTopic = prefix + "floor-throughput";
    String bootstrap = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    Properties admin = new Properties();
    admin.putAll(adminConfig);
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(latencyTopic, 1, (short) -1), new NewTopic(throughputTopic, 6, (short) -1)))
          .all().get(30, TimeUnit.SECONDS);
    }
    String endToEnd = tool("org.apache.kafka.tools.EndToEndLatency", bootstrap, latencyTopic, "2000", "1", "200");
    String producer = tool("org.apache.kafka.tools.ProducerPerformance", "--topic", throughputTopic,
        "--num-records", "200000", "--record-size", "200", "--throughput", "-1", "--producer-props",
        "bootstrap.servers=" + bootstrap, "acks=1", "linger.ms=1");
    return parse(endToEnd, producer);
  }

  /** Runs {@code main} of a kafka-tools class in a JVM of its own, from this class path; its output. */
  private static String tool(String mainClass, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(mainClass + " did not end within 5 minutes");
    }
    return out;
  }

  private static String tail(String s) {
    return s.length() <= 600 ? s : "…" + s.substring(s.length() - 600);
  }
}
