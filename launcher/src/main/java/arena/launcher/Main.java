package arena.launcher;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code java -jar turing-arena.jar}: with no arguments, an embedded Kafka broker and all four roles in one JVM.
 */
@Command(name = "turing-arena", mixinStandardHelpOptions = true, version = "Turing Arena 0.1.0",
    subcommands = {KafkaNodeCommand.class, arena.launcher.faults.FaultSuite.class, ExperimentCommand.class,
        ReplayCommand.class, arena.launcher.load.LoadCommand.class},
    description = "Runs Turing Arena: Match Service, Robot Orchestration, robot workers and the gateway over Kafka.")
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Mixin
  GameConfigOptions game;

  @Option(names = "--roles", split = ",", paramLabel = "ROLE",
      description = "Roles to run in this JVM: match, orchestrator, robot, gateway (default: these four), and "
          + "fake-llm, an OpenAI/Anthropic-compatible fake server for offline runs and load tests.")
  List<String> roles;

  @Option(names = "--instances", split = ",", paramLabel = "ROLE=N",
      description = "Verticle instances per role, e.g. match=2,robot=4.")
  Map<String, Integer> instances;

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

  /** Every subcommand takes it too; see {@link #useLogFormat}. */
  @Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
      description = "plain (default) or json: one JSON object per line, with correlationId, matchId and traceId "
          + "fields while a record is handled.")
  LogFormat logFormat;

  public static void main(String[] args) {
    // Always exit: threads a role or the broker left behind must not keep a stopped game alive.
    System.exit(commandLine().execute(args));
  }

  /** The launcher's command line: the log format is set before any command runs, so all its lines are in it. */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Main());
    line.setExecutionStrategy(parsed -> {
      useLogFormat(parsed);
      return new CommandLine.RunLast().execute(parsed);
    });
    return line;
  }

  /** Switches Logback to the --log-format given anywhere on the command line (the last one wins). */
  static void useLogFormat(CommandLine.ParseResult parsed) {
    LogFormat format = null;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      format = p.matchedOptionValue("--log-format", format);
    }
    if (format != null) {
      format.use();
    }
  }

  /** Stops the node, then the embedded broker (the roles' last commits go to it), once, within the grace period. */
  private static final class Stopper {
    private final ArenaNode node;
    private final EmbeddedKafka broker;
    private final Duration grace;
    private Boolean clean;

    Stopper(ArenaNode node, EmbeddedKafka broker, Duration grace) {
      this.node = node;
      this.broker = broker;
      this.grace = grace;
    }

    synchronized boolean stop() {
      if (clean == null) {
        long deadline = System.nanoTime() + grace.toNanos();
        clean = node.stop(grace);
        if (broker != null) {
          clean &= closeBroker(deadline);
        }
        log.info(clean ? "Turing Arena stopped" : "Turing Arena stopped, not cleanly (see the warnings above)");
      }
      return clean;
    }

    private boolean closeBroker(long deadline) {
      Thread closing = new Thread(broker::close, "arena-broker-stop");
      closing.setDaemon(true);
      closing.start();
      try {
        closing.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (closing.isAlive()) {
        log.warn("the embedded broker did not stop within the grace period");
        return false;
      }
      log.info("embedded broker stopped");
      return true;
    }
  }

  @Override
  public Integer call() throws Exception {
    JsonObject json = game.load(System.getenv());
    JsonObject kafkaConf = json.getJsonObject("kafka");
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
    if (!kafkaConf.getJsonObject("properties").isEmpty()) {
      // Names only: values may be passwords.
      log.info("Kafka client properties for every client: {}", kafkaConf.getJsonObject("properties").fieldNames());
    }
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

    Duration grace = Duration.ofSeconds(arena.integer("shutdown.graceSeconds"));
    Stopper stopper = new Stopper(node, broker, grace);
    CountDownLatch stopAsked = new CountDownLatch(1);
    // SIGTERM (docker stop, Kubernetes, Process.destroy) and Ctrl-C stop in order and exit 0; without these handlers
    // the JVM would run its shutdown hooks and exit 143. A second signal stops at once.
    for (String signal : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(signal), s -> {
          if (stopAsked.getCount() == 0) {
            log.warn("SIG{} again: stopping at once", s.getName());
            Runtime.getRuntime().halt(1);
          }
          log.info("SIG{}: stopping", s.getName());
          stopAsked.countDown();
        });
      } catch (IllegalArgumentException taken) {
        // Reserved (java -Xrs) or ignored by the parent: the shutdown hook below still stops in order.
        log.info("SIG{} is not ours to handle ({}); it will stop the JVM through its shutdown hooks", signal,
            taken.getMessage());
      }
    }
    // Any other way out (SIGHUP, System.exit) still stops in order.
    Runtime.getRuntime().addShutdownHook(new Thread(stopper::stop, "arena-shutdown"));
    stopAsked.await();
    return stopper.stop() ? 0 : 1;
  }
}
