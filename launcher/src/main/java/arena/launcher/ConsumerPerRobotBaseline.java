package arena.launcher;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The seed's robot design read literally, for comparison with ours: every robot has its own Kafka consumer on the
 * robot commands (its own group, so it sees every command) and keeps those with its id. The robots only answer (no
 * model), so what is measured is what the design itself costs. Sizes double until a wave of one command per robot is
 * not answered in time, or the robots cannot even join; the last size that kept time is what one JVM holds.
 * Favourable to the baseline: robots filter on the record key without decoding, and share one producer.
 * Not a test: nothing is asserted, figures are printed.
 */
@Command(name = "consumer-per-robot", mixinStandardHelpOptions = true,
    description = "How many robots one JVM holds when each robot has its own Kafka consumer (the baseline).")
public final class ConsumerPerRobotBaseline implements Callable<Integer> {

  @Option(names = "--kafka", description = "Bootstrap servers of a running cluster (default: an embedded broker "
      + "in this JVM).")
  String kafka;

  @Option(names = "--start", description = "Robots in the first step (default ${DEFAULT-VALUE}).")
  int start = 50;

  @Option(names = "--max", description = "Largest step tried (default ${DEFAULT-VALUE}).")
  int max = 3200;

  @Option(names = "--deadline-ms", description = "A wave keeps time when every robot's answer is written within this "
      + "(default ${DEFAULT-VALUE}: what a 60 s answer phase leaves after a slow model and human-like typing).")
  long deadlineMs = 10_000;

  @Option(names = "--join-seconds", description = "How long the robots of a step may take to join (default "
      + "${DEFAULT-VALUE}).")
  int joinSeconds = 120;

  @Option(names = "--waves", description = "Waves per step, each one command per robot (default ${DEFAULT-VALUE}).")
  int waves = 2;

  /** One step's figures. */
  record Step(int robots, boolean joined, double joinSeconds, int answered, int waves, Histogram latency,
      long heapMiB, int threads) {
    boolean keptTime(long deadlineMs) {
      return joined && answered == robots * waves && latency.getMaxValue() <= deadlineMs;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConsumerPerRobotBaseline()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (start < 1 || max < start || deadlineMs < 1 || waves < 1) {
      System.err.println("need 1 <= --start <= --max, --deadline-ms >= 1 and --waves >= 1");
      return 2;
    }
    EmbeddedKafka broker = kafka == null
        ? EmbeddedKafka.start(Files.createTempDirectory("arena-baseline"), FreePorts.next(), FreePorts.next())
        : null;
    try {
      JsonObject json = ArenaConfig.defaults();
      json.getJsonObject("kafka").put("bootstrapServers", broker != null ? broker.bootstrapServers() : kafka);
      ArenaConfig config = ArenaConfig.of(json);
      System.out.printf("consumer-per-robot baseline: %d cores, max heap %d MiB, deadline %d ms, %s%n",
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024), deadlineMs,
          broker != null ? "embedded broker in this JVM" : "cluster " + kafka);
      int held = 0;
      for (int robots = start; robots <= max; robots *= 2) {
        Step step = step(config, robots);
        System.out.printf("%5d robots | joined %s in %.1f s | answered %d/%d | command to answer p50 %d ms p99 %d ms "
                + "max %d ms | heap %d MiB | threads %d | %s%n", robots, step.joined() ? "all" : "NOT all",
            step.joinSeconds(), step.answered(), robots * waves, step.latency().getValueAtPercentile(50),
            step.latency().getValueAtPercentile(99), step.latency().getMaxValue(), step.heapMiB(), step.threads(),
            step.keptTime(deadlineMs) ? "on time" : "MISSED");
        if (!step.keptTime(deadlineMs)) {
          break;
        }
        held = robots;
      }
      System.out.printf("one JVM holds %s robots with a consumer each%n",
          held == 0 ? "fewer than " + start : held >= max ? "at least " + held : held);
      return 0;
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private Step step(ArenaConfig config, int robots) throws Exception {
    // Fresh topics per step: no robot sees an earlier step's commands.
    String commands = "baseline.robot-commands-" + robots + "-" + System.nanoTime();
    String answers = commands.replace("commands", "responses");
    int partitions = config.integer("kafka.partitions");
    try (Admin admin = Admin.create(new HashMap<>(KafkaClients.admin(config, "baseline")))) {
      admin.createTopics(List.of(new NewTopic(commands, partitions, (short) 1), new NewTopic(answers, partitions,
          (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Vertx vertx = Vertx.vertx();
    List<KafkaConsumer<String, String>> consumers = new ArrayList<>(robots);
    Recorder latency = new Recorder(3);
    CountDownLatch joined = new CountDownLatch(robots);
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producer(config, "baseline"));
    try {
      CountDownLatch[] wave = {new CountDownLatch(robots)};
      long joinStart = System.nanoTime();
      for (int i = 0; i < robots; i++) {
        String robotId = "robot-" + i;
        KafkaConsumer<String, String> robot = KafkaConsumer.create(vertx,
            KafkaClients.consumer(config, "baseline-" + commands + "-" + robotId, robotId));
        robot.partitionsAssignedHandler(assigned -> joined.countDown());
        robot.handler(record -> {
          if (robotId.equals(record.key())) {
            long sent = Long.parseLong(record.value());
            CountDownLatch mine = wave[0];
            producer.send(KafkaProducerRecord.create(answers, robotId, record.value())).onSuccess(ack -> {
              latency.recordValue(Math.max(0, System.currentTimeMillis() - sent));
              mine.countDown();
            });
          }
        });
        robot.subscribe(commands);
        consumers.add(robot);
      }
      boolean allJoined = joined.await(joinSeconds, TimeUnit.SECONDS);
      double joinTook = (System.nanoTime() - joinStart) / 1e9;
      int answered = 0;
      Histogram all = new Histogram(3);
      for (int w = 0; allJoined && w < waves; w++) {
        wave[0] = new CountDownLatch(robots);
        latency.reset();
        for (int i = 0; i < robots; i++) {
          producer.send(KafkaProducerRecord.create(commands, "robot-" + i, String.valueOf(System.currentTimeMillis())));
        }
        // Bounded: a wave that has not finished well past its deadline is counted as it stands.
        wave[0].await(deadlineMs * 3, TimeUnit.MILLISECONDS);
        answered += robots - (int) wave[0].getCount();
        all.add(latency.getIntervalHistogram());
      }
      return new Step(robots, allJoined, joinTook, answered, waves, all,
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024),
          ManagementFactory.getThreadMXBean().getThreadCount());
    } finally {
      List<Future<Void>> closing = new ArrayList<>();
      consumers.forEach(c -> closing.add(c.close()));
      closing.add(producer.close());
      Future.join(closing).toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(120).toSeconds(),
          TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try (Admin admin = Admin.create(new HashMap<>(KafkaClients.admin(config, "baseline")))) {
        admin.deleteTopics(List.of(commands, answers)).all().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
