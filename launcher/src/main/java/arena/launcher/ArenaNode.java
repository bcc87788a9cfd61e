package arena.launcher;

import arena.fakellm.FakeLlmVerticle;
import arena.gateway.GatewayVerticle;
import arena.match.MatchVerticle;
import arena.orchestrator.OrchestratorVerticle;
import arena.robot.RobotVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.kafka.KafkaClients;
import arena.shared.ops.ArenaHealth;
import arena.shared.ops.ArenaMetrics;
import arena.shared.ops.ContextMdc;
import arena.shared.ops.Drain;
import arena.shared.ops.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.admin.ClusterDescription;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM's share of the game: a Vert.x instance running the configured roles, each with its own number of
 * verticle instances, plus the admin listener with its health checks and metrics ({@link AdminServer}). Topics
 * must exist (see {@link TopicSetup}).
 */
public final class ArenaNode {
  private static final Logger log = LoggerFactory.getLogger(ArenaNode.class);

  /**
   * The services, in the order they start: the fake LLM first, so robots find it, and the gateway last, so HTTP
   * opens on a ready game. Each makes its verticle from the process environment (robots read API keys there).
   */
  public enum Role {
    FAKE_LLM(env -> new FakeLlmVerticle(), false),
    ORCHESTRATOR(env -> new OrchestratorVerticle(), true),
    MATCH(env -> new MatchVerticle(), true),
    ROBOT(RobotVerticle::new, true),
    GATEWAY(env -> new GatewayVerticle(), true);

    final Function<Map<String, String>, Deployable> verticle;
    final boolean usesKafka;

    Role(Function<Map<String, String>, Deployable> verticle, boolean usesKafka) {
      this.verticle = verticle;
      this.usesKafka = usesKafka;
    }

    /** The name in conf/ and on the command line: "fake-llm", "match", … */
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Role parse(String name) {
      for (Role role : values()) {
        if (role.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return role;
        }
      }
      throw new IllegalArgumentException("unknown role '" + name + "' (roles: "
          + String.join(", ", Arrays.stream(values()).map(Role::configName).toList()) + ")");
    }
  }

  private final Vertx vertx;
  private final Map<Role, String> deployments;
  private final KafkaAdminClient admin;
  private HttpServer adminServer;
  private Future<ClusterDescription> lastCluster;
  private long lastClusterAt;
  /** The OpenTelemetry SDK this node installed, or null. */
  private OpenTelemetrySdk sdk;

  /** {@code admin} is null when no role of this node uses Kafka. */
  private ArenaNode(Vertx vertx, Map<Role, String> deployments, KafkaAdminClient admin) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.admin = admin;
  }

  /** Starts the roles listed in {@code roles} of the configuration, with {@code instances} per role. */
  public static Future<ArenaNode> start(JsonObject json) {
    return start(json, System.getenv());
  }

  /** As {@link #start(JsonObject)}, with {@code env} standing for the process environment (tests pass keys here). */
  public static Future<ArenaNode> start(JsonObject json, Map<String, String> env) {
    ArenaConfig config = ArenaConfig.of(json);
    List<Role> roles = new ArrayList<>();
    for (Role role : Role.values()) {
      if (config.strings("roles").stream().map(Role::parse).anyMatch(r -> r == role)) {
        roles.add(role);
      }
    }
    ContextMdc.install();
    Optional<OpenTelemetrySdk> sdk = Telemetry.fromEnvironment(env, config.strings("roles"));
    // The JVM's own figures too (heap, GC pauses, threads, CPU): the operator's and the load tool's --target-admin.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true)).setEventLoopPoolSize(eventLoops(config, roles));
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(ArenaMetrics.prometheus()));
    if (Tracing.on()) {
      // HTTP server, event bus and Kafka producer spans; the producer writes the traceparent header.
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(Tracing.openTelemetry()));
    }
    Vertx vertx = builder.with(options).build();
    KafkaAdminClient admin = usesKafka(roles)
        ? KafkaAdminClient.create(vertx, KafkaClients.admin(config, "arena-health")) : null;
    Map<Role, String> deployments = new LinkedHashMap<>();
    ArenaNode node = new ArenaNode(vertx, deployments, admin);
    node.sdk = sdk.orElse(null);
    node.registerHealthChecks(roles);
    // First, so a taken admin port stops the start before any role runs.
    Future<Void> chain = AdminServer.start(vertx, config).map(server -> {
      node.adminServer = server;
      log.info("admin (health, metrics) on http://{}:{}", config.string("admin.host"), server.actualPort());
      return null;
    });
    for (Role role : roles) {
      int instances = instances(config, role);
      chain = chain.compose(v -> vertx.deployVerticle(() -> role.verticle.apply(env),
              new DeploymentOptions().setConfig(json).setInstances(instances))
          .map(id -> {
            deployments.put(role, id);
            log.info("{} started ({} instance{})", role.configName(), instances, instances == 1 ? "" : "s");
            return null;
          }));
    }
    return chain.map(v -> node).recover(t -> node.stop().transform(x -> Future.failedFuture(t)));
  }

  /**
   * Twice the event loops the roles' instances (and the fake LLM's servers) take, and never fewer than Vert.x's
   * default: contexts get their loops in turn, so with fewer two busy verticles could share one thread, and that one
   * thread would cap both at a single core while the other cores idle (seen: the gateway and the orchestrator on one
   * loop at 1,500 matches, nearly half the samples on that thread).
   */
  static int eventLoops(ArenaConfig config, List<Role> roles) {
    int loops = 0;
    for (Role role : roles) {
      loops += role == Role.FAKE_LLM ? config.integer("fakeLlm.eventLoops") : instances(config, role);
    }
    return Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, 2 * (loops + 1)); // + 1: the admin listener
  }

  static boolean usesKafka(List<Role> roles) {
    return roles.stream().anyMatch(r -> r.usesKafka);
  }

  static int instances(ArenaConfig config, Role role) {
    JsonObject counts = config.object("instances");
    int n = counts.getInteger(role.configName(), 1);
    if (n < 1) {
      throw new IllegalArgumentException("instances of " + role.configName() + " must be at least 1");
    }
    if (role == Role.ORCHESTRATOR && n != 1) {
      // One is active and the others stand by (OrchestratorVerticle); standbys guard against a JVM's death only
      // when they run in other JVMs.
      log.warn("the orchestrator runs as a single instance per JVM (run standbys in other JVMs); ignoring instances={}",
          n);
      return 1;
    }
    return n;
  }

  private void registerHealthChecks(List<Role> roles) {
    if (admin != null) {
      registerKafkaCheck();
    }
    registerRolesCheck(roles);
  }

  /** Kafka and the roles count for both liveness and readiness. */
  private void registerKafkaCheck() {
    for (HealthChecks checks : List.of(ArenaHealth.of(vertx), ArenaHealth.readiness(vertx))) {
      checks.register("kafka", 3000, this::kafkaStatus);
    }
  }

  private void kafkaStatus(Promise<Status> promise) {
    cluster()
        .onSuccess(cluster -> promise.complete(Status.OK(new JsonObject()
            .put("nodes", cluster.getNodes().size()).put("clusterId", cluster.getClusterId()))))
        .onFailure(t -> promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(t.getMessage())))));
  }

  /**
   * One look at the cluster serves both /health and /ready (and a burst of probes): a call in flight or answered
   * within the last second is shared.
   */
  private synchronized Future<ClusterDescription> cluster() {
    long now = System.nanoTime();
    if (lastCluster == null || now - lastClusterAt > TimeUnit.SECONDS.toNanos(1)) {
      lastCluster = admin.describeCluster().timeout(2, TimeUnit.SECONDS);
      lastClusterAt = now;
    }
    return lastCluster;
  }

  private void registerRolesCheck(List<Role> roles) {
    for (HealthChecks checks : List.of(ArenaHealth.of(vertx), ArenaHealth.readiness(vertx))) {
      checks.register("roles", promise -> rolesStatus(roles, promise));
    }
  }

  private void rolesStatus(List<Role> roles, Promise<Status> promise) {
    JsonObject detail = new JsonObject();
    boolean all = true;
    for (Role role : roles) {
      String id = deployments.get(role);
      boolean up = id != null && vertx.deploymentIDs().contains(id);
      detail.put(role.configName(), up ? "UP" : "DOWN");
      all &= up;
    }
    if (Drain.of(vertx).draining()) {
      detail.put("stopping", true);
      all = false;
    }
    promise.complete(all ? Status.OK(detail) : Status.KO(detail));
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The port the admin listener took (the configured one, or the free one picked for port 0). */
  public int adminPort() {
    return adminServer.actualPort();
  }

  /** Takes one role out of this JVM (its health check then reports it DOWN). */
  Future<Void> undeploy(Role role) {
    String id = deployments.get(role);
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** Stops taking commands: the gateway answers 503 and /health says DOWN; what is running goes on. */
  void drain() {
    Drain.of(vertx).start();
  }

  /**
   * The orderly stop, blocking (the launcher's thread, never an event loop): stop taking commands, let the requests
   * and bridge commands already admitted finish (at most half the grace), then undeploy the roles one by one in the
   * reverse order of their start (gateway, robots, Match Service, orchestrator, fake LLM; each consumer commits what
   * it has handled), then close Vert.x. Returns false if any step did not finish within {@code grace}; the steps after
   * it still run, in what time is left.
   */
  public boolean stop(Duration grace) {
    long start = System.nanoTime();
    long deadline = start + grace.toNanos();
    Drain drain = Drain.of(vertx);
    drain.start();
    log.info("stopping within {} s: taking no new commands, {} running", grace.toSeconds(), drain.running());
    long drainDeadline = start + grace.toNanos() / 2;
    while (drain.running() > 0 && System.nanoTime() < drainDeadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    boolean clean = drain.running() == 0;
    if (!clean) {
      log.warn("{} requests or commands still running after {} ms; stopping anyway", drain.running(),
          TimeUnit.NANOSECONDS.toMillis(drainDeadline - start));
    }
    List<Role> order = new ArrayList<>(deployments.keySet());
    Collections.reverse(order);
    for (Role role : order) {
      clean &= await(role.configName(), undeploy(role), deadline);
    }
    clean &= await("admin listener", adminServer == null ? Future.succeededFuture() : adminServer.close(), deadline);
    clean &= await("Kafka admin client", admin == null ? Future.succeededFuture() : admin.close(), deadline);
    clean &= await("Vert.x", vertx.close(), deadline);
    if (sdk != null) {
      // Exports the spans still buffered.
      clean &= sdk.shutdown().join(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).isSuccess();
    }
    log.info("stopped {}in {} ms", clean ? "" : "(not cleanly) ",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return clean;
  }

  /** Waits for one step of the stop until the deadline; logs it either way. */
  private static boolean await(String step, Future<?> done, long deadline) {
    try {
      done.toCompletionStage().toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS);
      log.info("{} stopped", step);
      return true;
    } catch (TimeoutException e) {
      log.warn("{} did not stop within the grace period", step);
    } catch (ExecutionException e) {
      log.warn("{} stopped with an error: {}", step, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while {} stopped", step);
    }
    return false;
  }

  /** Undeploys every role (consumers close, offsets are committed) and closes Vert.x. */
  public Future<Void> stop() {
    // Not composed on a Vert.x context: the event loops are gone by the time the close completes.
    Promise<Void> closed = Promise.promise();
    Future<Void> adminClosed = admin == null ? Future.succeededFuture() : admin.close();
    adminClosed.onComplete(ignored -> vertx.close().onComplete(closed));
    return closed.future();
  }
}
