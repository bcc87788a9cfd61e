package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/ without a Docker engine: the compose file's commands are ones the launcher accepts, every role runs, Prometheus
 * scrapes exactly the admin listeners, the Dockerfile builds the web client and checks readiness, and the Grafana
 * dashboard stands on the issue's metrics.
 */
class DockerFilesTest {
  private static final Path DOCKER = Path.of(System.getProperty("user.dir")).getParent().resolve("docker");

  /** The metrics the dashboard may use: the issue's list (consumer lag from Micrometer's Kafka client binder). */
  private static final Set<String> METRICS = Set.of("arena_matches_active", "arena_matches_completed_total",
      "arena_round_duration_seconds", "arena_pool_robots", "arena_pool_utilization",
      "arena_assignment_latency_seconds", "arena_pool_scaled_total", "arena_robot_response_seconds",
      "arena_robot_errors_total", "arena_llm_cost_usd_total", "arena_action_visible_seconds",
      "arena_kafka_consumer_lag", "arena_records_dead_lettered_total");
  /** What a Prometheus histogram or timer adds to its name. */
  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

  @Test
  void everyServiceRunsACommandTheLauncherAccepts() {
    // Given the compose file's services built from the Dockerfile
    Map<String, Map<String, Object>> arena = arenaServices();
    assertThat(arena).isNotEmpty();

    for (var service : arena.entrySet()) {
      // When its command is parsed by the launcher's own options
      Main main = parse(service.getKey(), service.getValue());

      // Then it names known roles, talks to the compose broker, and counts instances only of its own roles
      assertThat(main.roles).as(service.getKey() + " --roles").isNotEmpty();
      Set<ArenaNode.Role> roles = roles(main);
      if (main.instances != null) {
        main.instances.keySet().forEach(role -> assertThat(roles).as(service.getKey() + " --instances " + role)
            .contains(ArenaNode.Role.parse(role)));
      }
      if (ArenaNode.usesKafka(List.copyOf(roles))) {
        assertThat(main.game.kafka).as(service.getKey() + " --kafka").isEqualTo("kafka:9092");
      }
    }
  }

  @Test
  void everyRoleRunsAndTheOrchestratorHasAStandby() {
    // Given the roles of every service and how many replicas each runs
    Map<ArenaNode.Role, Integer> replicas = new LinkedHashMap<>();
    arenaServices().forEach((name, service) -> roles(parse(name, service))
        .forEach(role -> replicas.merge(role, replicas(service), Integer::sum)));

    // Then every role runs somewhere, and at least two orchestrators run so one can take over
    assertThat(replicas.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(ArenaNode.Role.class));
    assertThat(replicas.get(ArenaNode.Role.ORCHESTRATOR)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theBrokerKeepsTransactionsOnItsSingleNode() {
    // Given the Kafka service
    Map<String, Object> kafka = service("kafka");

    // Then it is the official image in KRaft mode, and its transaction log fits one node (the orchestrator uses
    // transactions)
    assertThat((String) kafka.get("image")).startsWith("apache/kafka:3.9.");
    Map<String, Object> env = env(kafka);
    assertThat(env.get("KAFKA_PROCESS_ROLES")).hasToString("broker,controller");
    assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).hasToString("1");
    assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).hasToString("1");
    assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).hasToString("1");
  }

  @Test
  void prometheusScrapesEveryAdminListenerAndNothingElse() {
    // Given every arena service's admin port and every target Prometheus scrapes
    Map<String, Integer> adminPorts = new LinkedHashMap<>();
    arenaServices().forEach((name, service) -> {
      // The admin listener must be reachable from the Prometheus container
      assertThat(env(service).get("ARENA_ADMIN_HOST")).as(name + " ARENA_ADMIN_HOST").hasToString("0.0.0.0");
      adminPorts.put(name, adminPort(name, service));
    });
    Set<String> scraped = new TreeSet<>(prometheusTargets());

    // Then each scraped target is an arena service's admin listener, and each arena service is scraped
    Set<String> expected = adminPorts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(scraped).isEqualTo(expected);
  }

  @Test
  void theImageBuildsTheWebClientAndRunsAsNobodyWithAReadinessCheck() throws IOException {
    // Given the Dockerfile's stages
    List<List<String>> stages = dockerfileStages();
    assertThat(stages).hasSizeGreaterThanOrEqualTo(2);
    List<String> build = stages.stream().filter(s -> s.get(0).matches("(?i)FROM .* AS build")).findFirst()
        .orElseThrow(() -> new AssertionError("no stage named build"));
    List<String> runtime = stages.get(stages.size() - 1);

    // Then the build stage has JDK 17, Maven, node and npm, and builds the fat jar as the README says
    assertThat(build.get(0)).contains("17");
    assertThat(String.join("\n", build)).contains("mvn").containsPattern("\\bnode\\b").containsPattern("\\bnpm\\b");
    assertThat(build).anyMatch(line -> line.startsWith("RUN") && line.contains("npm --version"));
    assertThat(build).anyMatch(line -> line.startsWith("RUN")
        && line.contains("mvn -B -q package -DskipTests -Dskip.e2e"));

    // And the runtime stage is a JRE 17 image, runs as a user other than root, and its HEALTHCHECK asks /ready
    // with java itself (a JRE image need not have curl)
    assertThat(runtime.get(0)).containsPattern("FROM \\S*17\\S*-jre");
    List<String> users = runtime.stream().filter(line -> line.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    assertThat(users.get(users.size() - 1).substring(5).trim()).isNotIn("root", "0", "0:0", "root:root");
    String healthcheck = runtime.stream().filter(line -> line.startsWith("HEALTHCHECK")).findFirst()
        .orElseThrow(() -> new AssertionError("no HEALTHCHECK"));
    assertThat(healthcheck).contains("CMD").contains("java").contains("ReadyCheck");
    assertThat(String.join("\n", build)).contains("ReadyCheck.java");
    assertThat(String.join("\n", runtime)).contains("ARENA_ADMIN_PORT");
  }

  @Test
  void theReadinessCheckPassesOnlyOn200FromReady() throws Exception {
    // Given the image's readiness check compiled, and an admin listener that answers /ready with a chosen status
    Path classes = Files.createDirectories(Path.of("target", "ready-check"));
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
        classes.toString(), DOCKER.resolve("ReadyCheck.java").toString());
    assertThat(compiled).isZero();
    int[] status = {200};
    List<String> asked = new ArrayList<>();
    HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    admin.createContext("/", exchange -> {
      asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      exchange.sendResponseHeaders(status[0], -1);
      exchange.close();
    });
    admin.start();
    try {
      int port = admin.getAddress().getPort();

      // When it runs against a ready listener, then a listener not ready yet
      int ready = readyCheck(classes, port);
      status[0] = 503;
      int notReady = readyCheck(classes, port);

      // Then it passes on 200 only, having asked GET /ready
      assertThat(ready).isZero();
      assertThat(notReady).isNotZero();
      assertThat(asked).containsOnly("GET /ready");
    } finally {
      admin.stop(0);
    }

    // And it fails when nothing listens
    assertThat(readyCheck(classes, FreePorts.next())).isNotZero();
  }

  @Test
  void grafanaShowsTheIssuesMetricsFromProvisionedFiles() throws IOException {
    // Given Grafana's service, its provisioned datasource and dashboard provider, and the dashboards they load
    Map<String, Object> grafana = service("grafana");
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object volume : list(grafana.get("volumes"))) {
      String[] parts = volume.toString().split(":");
      Path source = DOCKER.resolve(parts[0]).normalize();
      assertThat(source).as("mounted " + parts[0]).exists();
      mounts.put(parts[1], parts[0]);
    }
    Path provisioning = DOCKER.resolve(mounts.get("/etc/grafana/provisioning"));
    Map<String, Object> datasources = yaml(provisioning.resolve("datasources/prometheus.yml"));
    Map<String, Object> datasource = map(list(datasources.get("datasources")).get(0));
    Map<String, Object> providers = yaml(provisioning.resolve("dashboards/arena.yml"));
    String dashboardsPath = (String) map(map(list(providers.get("providers")).get(0)).get("options")).get("path");

    // Then the datasource is the compose Prometheus, the provider reads a mounted folder of dashboards
    assertThat(datasource.get("type")).isEqualTo("prometheus");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(service("prometheus")).isNotNull();
    assertThat(mounts).containsKey(dashboardsPath);
    List<Path> dashboards;
    try (var files = Files.list(DOCKER.resolve(mounts.get(dashboardsPath)))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).toList();
    }
    assertThat(dashboards).isNotEmpty();

    // And every dashboard parses, queries that datasource, and uses only the issue's metrics, all of them
    Set<String> used = new TreeSet<>();
    for (Path file : dashboards) {
      JsonObject dashboard = new JsonObject(Files.readString(file));
      for (Object p : dashboard.getJsonArray("panels", new JsonArray())) {
        JsonObject panel = (JsonObject) p;
        if ("row".equals(panel.getString("type"))) {
          continue;
        }
        assertThat(panel.getJsonObject("datasource").getString("uid")).as(panel.getString("title"))
            .isEqualTo(datasource.get("uid"));
        JsonArray targets = panel.getJsonArray("targets");
        assertThat(targets).as(panel.getString("title")).isNotEmpty();
        for (Object t : targets) {
          Matcher names = Pattern.compile("\\b(?:arena|kafka)_[a-z_]+").matcher(((JsonObject) t).getString("expr"));
          while (names.find()) {
            used.add(names.group());
          }
        }
      }
    }
    assertThat(used).allSatisfy(name -> assertThat(baseName(name)).as(name).isIn(METRICS));
    assertThat(used.stream().map(DockerFilesTest::baseName).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(METRICS);
  }

  private static String baseName(String metric) {
    if (METRICS.contains(metric)) {
      return metric;
    }
    return HISTOGRAM_SUFFIXES.stream().filter(metric::endsWith)
        .map(s -> metric.substring(0, metric.length() - s.length())).findFirst().orElse(metric);
  }

  private static int readyCheck(Path classes, int port) throws Exception {
    ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes.toString(), "ReadyCheck").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    java.environment().put("ARENA_ADMIN_PORT", String.valueOf(port));
    Process process = java.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  private static Main parse(String name, Map<String, Object> service) {
    List<String> command = list(service.get("command")).stream().map(Object::toString).toList();
    Main main = new Main();
    try {
      new CommandLine(main).parseArgs(command.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(name + ": the launcher refuses " + command + ": " + e.getMessage(), e);
    }
    return main;
  }

  private static Set<ArenaNode.Role> roles(Main main) {
    Set<ArenaNode.Role> roles = EnumSet.noneOf(ArenaNode.Role.class);
    main.roles.forEach(role -> roles.add(ArenaNode.Role.parse(role)));
    return roles;
  }

  private static int replicas(Map<String, Object> service) {
    Object deploy = service.get("deploy");
    return deploy == null ? 1 : ((Number) map(deploy).getOrDefault("replicas", 1)).intValue();
  }

  /** The port the service's admin listener opens: ARENA_ADMIN_PORT, --admin-port, else conf/arena.json's. */
  private static int adminPort(String name, Map<String, Object> service) {
    Main main = parse(name, service);
    Object env = env(service).get("ARENA_ADMIN_PORT");
    if (main.adminPort != null) {
      return main.adminPort;
    }
    if (env != null) {
      return Integer.parseInt(env.toString());
    }
    return new JsonObject(ArenaConfig.resource("conf/arena.json")).getJsonObject("admin").getInteger("port");
  }

  /** host:port of every target, static or found by DNS (one per replica). */
  private static List<String> prometheusTargets() {
    List<String> targets = new ArrayList<>();
    for (Object job : list(yaml(DOCKER.resolve("prometheus.yml")).get("scrape_configs"))) {
      Map<String, Object> scrape = map(job);
      for (Object config : list(scrape.getOrDefault("static_configs", List.of()))) {
        list(map(config).get("targets")).forEach(t -> targets.add(t.toString()));
      }
      for (Object config : list(scrape.getOrDefault("dns_sd_configs", List.of()))) {
        Map<String, Object> dns = map(config);
        assertThat(dns.get("type")).isEqualTo("A");
        list(dns.get("names")).forEach(n -> targets.add(n + ":" + dns.get("port")));
      }
    }
    return targets;
  }

  private static Map<String, Map<String, Object>> arenaServices() {
    Map<String, Map<String, Object>> arena = new LinkedHashMap<>();
    services().forEach((name, service) -> {
      Object build = service.get("build");
      if (build != null && "docker/Dockerfile".equals(map(build).get("dockerfile"))) {
        arena.put(name, service);
      }
    });
    return arena;
  }

  private static Map<String, Object> service(String name) {
    Map<String, Object> service = services().get(name);
    assertThat(service).as("service " + name).isNotNull();
    return service;
  }

  private static Map<String, Map<String, Object>> services() {
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    map(yaml(DOCKER.resolve("docker-compose.yml")).get("services")).forEach((k, v) -> services.put(k, map(v)));
    return services;
  }

  private static Map<String, Object> env(Map<String, Object> service) {
    Object env = service.get("environment");
    return env == null ? Map.of() : map(env);
  }

  /** FROM-started stages, each a list of instructions (continuation lines joined, comments dropped). */
  private static List<List<String>> dockerfileStages() throws IOException {
    String text = Files.readString(DOCKER.resolve("Dockerfile")).replaceAll("\\\\\\r?\\n", " ");
    List<List<String>> stages = new ArrayList<>();
    for (String raw : text.split("\\r?\\n")) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.regionMatches(true, 0, "FROM ", 0, 5)) {
        stages.add(new ArrayList<>());
      }
      if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).add(line.replaceAll("\\s+", " "));
      }
    }
    return stages;
  }

  private static Map<String, Object> yaml(Path file) {
    try {
      return new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object yaml) {
    return (Map<String, Object>) yaml;
  }

  private static List<?> list(Object yaml) {
    return yaml == null ? List.of() : (List<?>) yaml;
  }
}
