package arena.launcher;

import arena.shared.config.ArenaConfig;
import arena.shared.ops.Drain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A whole game for one test: all four roles in a fresh Vert.x, on the one real embedded broker that the test JVM
 * shares, with topics of its own (a unique prefix) so tests never see each other's matches or pools.
 */
final class TestArena implements AutoCloseable {
  private static EmbeddedKafka broker;

  final JsonObject config;
  final GameApi api;
  /** The admin listener: metrics and the detailed health. */
  final GameApi admin;
  private final Map<String, String> env;
  private ArenaNode node;

  private TestArena(JsonObject config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    this.api = new GameApi("http://127.0.0.1:" + config.getJsonObject("http").getInteger("port"));
    this.admin = new GameApi("http://127.0.0.1:" + config.getJsonObject("admin").getInteger("port"));
  }

  static synchronized String bootstrap() {
    if (broker == null) {
      try {
        Path dir = Files.createTempDirectory("arena-kafka-test");
        int port = FreePorts.next();
        broker = EmbeddedKafka.start(dir, port, FreePorts.next());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    }
    return broker.bootstrapServers();
  }

  /**
   * Fast timings: robots answer within a fraction of a second, a round's deadlines are a few seconds. Ports of its
   * own (tests may run side by side), and no per-client limits: every test plays from 127.0.0.1 and creates many
   * matches; the tests of the limits switch them on.
   */
  static JsonObject fastConfig() {
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", bootstrap())
        .put("topicPrefix", "t" + UUID.randomUUID().toString().substring(0, 8) + ".")
        .put("partitions", 3);
    json.getJsonObject("http").put("port", FreePorts.next()).put("host", "127.0.0.1");
    json.getJsonObject("admin").put("port", FreePorts.next());
    json.getJsonObject("gateway").getJsonObject("limits").put("enabled", false);
    json.getJsonObject("match").put("intermissionSeconds", 0);
    json.getJsonObject("match").getJsonObject("limits").put("minSeconds", 1);
    json.getJsonObject("match").getJsonObject("defaults").put("responseSeconds", 20).put("voteSeconds", 20);
    json.getJsonObject("robot").put("provider", "scripted");
    JsonObject timing = json.getJsonObject("robot").getJsonObject("timing");
    for (String action : new String[] {"answer", "vote"}) {
      timing.getJsonObject(action).put("thinkMedianMs", 60).put("thinkSigma", 0.5).put("msPerChar", 0.5)
          .put("msPerCharSigma", 0.2).put("missRate", 0.0);
    }
    timing.put("floorMs", 20).put("jitterMs", 50).put("deadlineMarginMs", 200);
    return json;
  }

  static TestArena start() {
    return start(c -> {});
  }

  static TestArena start(Consumer<JsonObject> tweak) {
    return start(tweak, Map.of());
  }

  /** {@code env} stands for the process environment of the roles (API keys, base URLs). */
  static TestArena start(Consumer<JsonObject> tweak, Map<String, String> env) {
    JsonObject json = fastConfig();
    tweak.accept(json);
    TestArena arena = new TestArena(json, env);
    arena.startNode();
    return arena;
  }

  static JsonObject pool(int perType) {
    return new JsonObject().put("curious-student", perType).put("skeptical-scientist", perType)
        .put("creative-artist", perType);
  }

  void startNode() {
    try {
      TopicSetup.ensureTopics(ArenaConfig.of(config));
      node = ArenaNode.start(config, env).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("arena did not start", e);
    }
  }

  /** Stops every verticle (as a crash of the services would), keeping the broker and its data. */
  void stopNode() {
    try {
      node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    node = null;
  }

  /** The node's orderly stop's first step: no new commands, /health DOWN. */
  void drain() {
    node.drain();
  }

  /** The node's Vert.x. */
  io.vertx.core.Vertx vertx() {
    return node.vertx();
  }

  /** Requests and bridge commands the node's gateway is still working on. */
  int running() {
    return Drain.of(node.vertx()).running();
  }

  /** The orderly stop, as on SIGTERM; true if it finished within {@code grace}. */
  boolean stopGracefully(Duration grace) {
    boolean clean = node.stop(grace);
    node = null;
    return clean;
  }

  void undeploy(ArenaNode.Role role) {
    try {
      node.undeploy(role).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  ArenaConfig arenaConfig() {
    return ArenaConfig.of(config);
  }

  static JsonArray roles(String... roles) {
    return new JsonArray(java.util.List.of(roles));
  }

  @Override
  public void close() {
    if (node != null) {
      stopNode();
    }
  }

}
