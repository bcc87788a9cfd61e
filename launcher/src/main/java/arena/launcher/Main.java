package arena.launcher;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar turing-arena.jar}: with no arguments, an embedded Kafka broker and all four roles in one JVM.
 */
@Command(name = "turing-arena", mixinStandardHelpOptions = true, version = "Turing Arena 0.1.0",
    subcommands = {KafkaNodeCommand.class, arena.launcher.faults.FaultSuite.class},
    description = "Runs Turing Arena: Match Service, Robot Orchestration, robot workers and the gateway over Kafka.")
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
      description = "Use this Kafka cluster and start no broker (default: $KAFKA_BOOTSTRAP_SERVERS, else embedded).")
  String kafka;

  @Option(names = "--roles", split = ",", paramLabel = "ROLE",
      description = "Roles to run in this JVM: match, orchestrator, robot, gateway (default: these four), and "
          + "fake-llm, an OpenAI/Anthropic-compatible fake server for offline runs and load tests.")
  List<String> roles;

  @Option(names = "--instances", split = ",", paramLabel = "ROLE=N",
      description = "Verticle instances per role, e.g. match=2,robot=4.")
  Map<String, Integer> instances;

  @Option(names = "--config", paramLabel = "FILE", description = "A JSON file merged over the defaults in conf/.")
  Path config;

  @Option(names = "--http-port", description = "HTTP port of the gateway (default 8080).")
  Integer httpPort;

  @Option(names = "--admin-port",
      description = "Port of the admin listener: /metrics and the detailed /health (default 9090, on 127.0.0.1; "
          + "ARENA_ADMIN_HOST opens it to other hosts).")
  Integer adminPort;

  @Option(names = "--kafka-port", description = "Port of the embedded broker (default 9092).")
  Integer kafkaPort;

  @Option(names = "--data-dir", description = "Where the embedded broker keeps its data (default ./data/kafka).")
  Path dataDir;

  @Option(names = "--topic-prefix", description = "Prefix of every topic name, to run several games on one cluster.")
  String topicPrefix;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    JsonObject json = ArenaConfig.load(config, System.getenv());
    JsonObject kafkaConf = json.getJsonObject("kafka");
    if (kafka != null) {
      kafkaConf.put("bootstrapServers", kafka);
    }
    if (roles != null) {
      json.put("roles", new JsonArray(roles.stream().map(r -> ArenaNode.Role.parse(r).configName()).toList()));
    }
    if (instances != null) {
      instances.forEach((role, n) -> json.getJsonObject("instances").put(ArenaNode.Role.parse(role).configName(), n));
    }
    if (httpPort != null) {
      json.getJsonObject("http").put("port", httpPort);
    }
    if (adminPort != null) {
      json.getJsonObject("admin").put("port", adminPort);
    }
    if (kafkaPort != null) {
      kafkaConf.getJsonObject("embedded").put("port", kafkaPort);
      kafkaConf.getJsonObject("embedded").put("controllerPort", kafkaPort + 1);
    }
    if (dataDir != null) {
      kafkaConf.getJsonObject("embedded").put("dataDir", dataDir.toString());
    }
    if (topicPrefix != null) {
      kafkaConf.put("topicPrefix", topicPrefix);
    }

    ArenaConfig arena = ArenaConfig.of(json);
    boolean usesKafka = ArenaNode.usesKafka(arena.strings("roles").stream().map(ArenaNode.Role::parse).toList());
    EmbeddedKafka broker = null;
    if (usesKafka && kafkaConf.getString("bootstrapServers", "").isBlank()) {
      JsonObject embedded = kafkaConf.getJsonObject("embedded");
      broker = EmbeddedKafka.start(Path.of(embedded.getString("dataDir")), embedded.getInteger("port"),
          embedded.getInteger("controllerPort"));
      kafkaConf.put("bootstrapServers", broker.bootstrapServers());
    }
    if (usesKafka) {
      TopicSetup.ensureTopics(arena);
    }
    ArenaNode node = ArenaNode.start(json).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (arena.strings("roles").contains("gateway")) {
      log.info("Turing Arena is ready: http://localhost:{}/", arena.integer("http.port"));
    } else if (usesKafka) {
      log.info("Turing Arena roles {} are running against {}", arena.strings("roles"), arena.bootstrapServers());
    }

    CountDownLatch stopped = new CountDownLatch(1);
    EmbeddedKafka ownBroker = broker;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("stopping the roles: {}", e.toString());
      }
      if (ownBroker != null) {
        ownBroker.close();
      }
      stopped.countDown();
    }, "arena-shutdown"));
    stopped.await();
    return 0;
  }
}
