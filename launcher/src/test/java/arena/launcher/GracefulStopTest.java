package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.gateway.BridgeClient;
import arena.shared.kafka.Topic;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (or Ctrl-C) on the game's JVM: it stops taking commands, lets running ones finish, undeploys its roles in
 * order (each commits what it handled), and exits 0 within the grace period.
 */
class GracefulStopTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int GRACE_SECONDS = 20;

  @Test
  void aStoppingGatewayRefusesNewRequestsAndBridgeCommandsAndSaysItIsDown() {
    Vertx vertx = Vertx.vertx();
    WebSocketClient sockets = vertx.createWebSocketClient();
    try (TestArena arena = TestArena.start()) {
      // Given Ann seated in a match, with her browser on the bridge
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 2).put("rounds", 1));
      JsonObject ann = arena.api.join(matchId, "Ann");
      int port = arena.config.getJsonObject("http").getInteger("port");
      BridgeClient browser = BridgeClient.connect(vertx, sockets, port);
      assertThat(arena.api.send("GET", "/health", null, null).status()).isEqualTo(200);

      // When the JVM starts its orderly stop
      arena.drain();

      // Then requests get 503 with a JSON error, /health on both ports says DOWN, and a bridge command is refused
      GameApi.Response view = arena.api.view(matchId, ann.getString("token"));
      assertThat(view.status()).isEqualTo(503);
      assertThat(view.json().getString("error")).isEqualTo("the server is stopping: try again");
      assertThat(arena.api.send("POST", "/api/matches/" + matchId + "/players", null, "{\"name\":\"Bob\"}").status())
          .isEqualTo(503);
      GameApi.Response health = arena.api.send("GET", "/health", null, null);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json()).isEqualTo(new JsonObject().put("status", "DOWN"));
      GameApi.Response detailed = arena.admin.send("GET", "/health", null, null);
      assertThat(detailed.status()).isEqualTo(503);
      assertThat(detailed.body()).contains("\"stopping\":true");
      String reply = browser.send("arena.player.commands", ann.getString("token"), new JsonObject()
          .put("matchId", matchId).put("action", "response").put("round", 1).put("text", "Too late."));
      assertThat(browser.awaitAt(reply, WAIT).getInteger("failureCode")).isEqualTo(503);
      browser.close();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aRequestRunningWhenTheStopBeginsGetsItsAnswerBeforeTheGatewayCloses() throws Exception {
    // Given a gateway whose Match Service (in another JVM) is slow: no answer within the 3 s reply timeout
    try (TestArena arena = TestArena.start(c -> c.put("roles", TestArena.roles("gateway"))
        .getJsonObject("gateway").put("replyTimeoutMs", 3000))) {
      CompletableFuture<GameApi.Response> create = CompletableFuture.supplyAsync(() ->
          arena.api.send("POST", "/api/matches", null, "{}"));
      Instant deadline = Instant.now().plus(WAIT);
      while (arena.running() == 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertThat(arena.running()).as("the create is running").isEqualTo(1);

      // When the JVM stops while the create waits
      boolean clean = arena.stopGracefully(Duration.ofSeconds(GRACE_SECONDS));

      // Then the create got its whole answer (here: the timeout's 503), not a closed connection, and the stop was clean
      GameApi.Response answer = create.get(0, TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.json().getString("error")).isEqualTo("the match service did not answer in time, try again");
      assertThat(clean).isTrue();
    }
  }

  @Test
  void sigtermStopsInOrderCommitsAndExitsZeroWithinTheGracePeriod() throws Exception {
    // Given the game in a JVM of its own on the broker, with Kafka properties holding secrets (unused by a
    // PLAINTEXT broker, but handed to every client), and Kafka's own client logging on
    Path dir = Files.createTempDirectory("arena-stop");
    String password = "pw-" + UUID.randomUUID();
    String truststorePassword = "ts-" + UUID.randomUUID();
    Path properties = dir.resolve("kafka.properties");
    Files.writeString(properties, "sasl.mechanism=PLAIN\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"arena\" "
        + "password=\"" + password + "\";\n"
        + "ssl.truststore.password=" + truststorePassword + "\n");
    Path logging = dir.resolve("logback.xml");
    Files.writeString(logging, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    String prefix = "stop" + UUID.randomUUID().toString().substring(0, 8) + ".";
    int httpPort = FreePorts.next();
    GameApi api = new GameApi("http://127.0.0.1:" + httpPort);
    File log = new File("target/graceful-stop.log");
    Process game = launch(dir, properties, logging, prefix, httpPort, log);
    try {
      api.awaitHealthy(game, "target/graceful-stop.log");

      // And a few commands: matches created and joined (all waiting for a second human, so no robot is busy)
      for (int i = 0; i < 3; i++) {
        String matchId = api.createMatch(new JsonObject().put("seats", 3).put("humans", 2).put("rounds", 1));
        api.join(matchId, "Ann");
      }

      // When it gets SIGTERM
      Instant signalled = Instant.now();
      game.destroy();

      // Then it exits 0 within the grace period
      assertThat(game.waitFor(GRACE_SECONDS + 10, TimeUnit.SECONDS)).as("exited; see " + log).isTrue();
      Duration took = Duration.between(signalled, Instant.now());
      assertThat(game.exitValue()).as("exit code; see " + log).isZero();
      assertThat(took).isLessThan(Duration.ofSeconds(GRACE_SECONDS));

      // And it logged an orderly stop: no new commands first, then the gateway, the robots, the Match Service and
      // the orchestrator, one after the other
      String output = Files.readString(log.toPath());
      assertThat(output).contains("SIGTERM: stopping").contains("taking no new commands")
          .contains("Turing Arena stopped").doesNotContain("not cleanly");
      assertThat(List.of(output.indexOf("taking no new commands"), output.indexOf("gateway stopped"),
          output.indexOf("robot stopped"), output.indexOf("match stopped"), output.indexOf("orchestrator stopped"),
          output.indexOf("Vert.x stopped"))).doesNotContain(-1).isSorted();

      // And no secret of the Kafka properties was ever logged, by the game or by Kafka's clients (which mask them)
      assertThat(output).contains("Kafka client properties for every client:").contains("sasl.jaas.config")
          .contains("sasl.jaas.config = [hidden]")
          .doesNotContain(password).doesNotContain(truststorePassword);

      // And every record its Match Service and orchestrator consumed is committed: a restart redoes nothing
      // (needs EventConsumer.stop to commit what it handled)
      assertCommittedToTheEnd("match-service", prefix,
          List.of(Topic.MATCH_COMMANDS, Topic.ROBOT_ORCHESTRATION_EVENTS, Topic.ROBOT_RESPONSES));
      assertCommittedToTheEnd("robot-orchestrator", prefix, List.of(Topic.MATCH_EVENTS, Topic.ROBOT_RESPONSES));
    } finally {
      game.destroyForcibly().waitFor();
    }
  }

  private static void assertCommittedToTheEnd(String group, String prefix, List<Topic> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestArena.bootstrap()))) {
      List<String> names = topics.stream().map(t -> t.name(prefix)).toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
          d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> ours = new HashMap<>();
      ends.keySet().forEach(tp -> ours.put(tp, committed.containsKey(tp) ? committed.get(tp).offset() : 0L));
      assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).as(group + " had records").isPositive();
      // A topic the orchestrator writes in transactions ends with a commit marker, which is no record to redo.
      assertThat(recordsAfter(ours, ends)).as("records after the offsets committed by " + group).isEmpty();
    }
  }

  /** The records a read_committed reader finds from {@code from} to {@code ends}: what a restart would redo. */
  private static List<String> recordsAfter(Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends) {
    List<String> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestArena.bootstrap(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long deadline = System.currentTimeMillis() + 20_000;
      while (from.keySet().stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
          && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> found.add(r.topic() + "-" + r.partition() + "@"
            + r.offset()));
      }
      assertThat(from.keySet()).allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }
    return found;
  }

  private static Process launch(Path dir, Path properties, Path logging, String prefix, int httpPort, File log)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Dlogback.configurationFile=" + logging,
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--kafka", TestArena.bootstrap(),
        "--topic-prefix", prefix, "--kafka-properties", properties.toString(), "--http-port",
        String.valueOf(httpPort), "--admin-port", String.valueOf(FreePorts.next())));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log);
    pb.environment().put("ARENA_SHUTDOWN_GRACE_SECONDS", String.valueOf(GRACE_SECONDS));
    pb.environment().put("ARENA_ROBOT_PROVIDER", "scripted");
    pb.environment().put("ARENA_KAFKA_PARTITIONS", "3");
    pb.environment().remove("OPENAI_API_KEY");
    pb.environment().remove("ANTHROPIC_API_KEY");
    pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    pb.environment().remove("KAFKA_PROPERTIES_FILE");
    return pb.start();
  }
}
