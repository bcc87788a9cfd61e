package arena.launcher.faults;

import arena.launcher.TopicSetup;
import arena.orchestrator.OrchestratorVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar turing-arena.jar faults}: a 3-broker KRaft cluster and the game's JVMs as separate processes on
 * loopback, all from this jar; simulated humans play matches through every gateway while one fault per scenario is
 * injected; then what the game recorded is compared with what the humans were told. Exits 1 when any scenario
 * misses the target: every match completed (or cancelled with a reason), nothing lost, nothing duplicated, nothing
 * stuck, every role back by itself.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = "Runs the fault suite: real brokers and role JVMs as processes, faults injected, figures printed.")
public final class FaultSuite implements Callable<Integer> {
  static final String MATCH_GROUP = "match-service";
  static final String ROBOT_GROUP = "robot-workers";

  @Option(names = "--jar", description = "The game's jar to start the processes from (default: the one running, "
      + "else launcher/target/turing-arena.jar).")
  Path jar;

  @Option(names = "--scenario", split = ",", paramLabel = "NAME",
      description = "Scenarios to run, in this order (default all): baseline, match-kill, robot-kill, gateway-kill, "
          + "orchestrator-kill, orchestrator-failover, orchestrator-pause, broker-kill, cluster-stop, redelivery, "
          + "round-boundary.")
  List<String> scenarios;

  @Option(names = "--matches", description = "Matches per scenario (default ${DEFAULT-VALUE}).", defaultValue = "4")
  int matches;

  @Option(names = "--rounds", description = "Rounds per match (default ${DEFAULT-VALUE}).", defaultValue = "3")
  int rounds;

  @Option(names = "--humans", description = "Humans per match, of 4 seats (default ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int humans;

  @Option(names = "--jvms", split = ",", paramLabel = "ROLE[+ROLE]",
      description = "The game's JVMs, one entry each (default ${DEFAULT-VALUE}).",
      defaultValue = "match,match,robot,robot,orchestrator,orchestrator,gateway,gateway")
  List<String> layout;

  @Option(names = "--brokers", description = "Kafka nodes (default ${DEFAULT-VALUE}).", defaultValue = "3")
  int brokerCount;

  @Option(names = "--outage-seconds", description = "How long cluster-stop keeps every broker down (default "
      + "${DEFAULT-VALUE}).", defaultValue = "15")
  int outageSeconds;

  @Option(names = "--think-ms", description = "A simulated human's longest think before an answer or vote (default "
      + "${DEFAULT-VALUE}).", defaultValue = "3000")
  int thinkMs;

  @Option(names = "--redeliver", split = ",", paramLabel = "GROUP",
      description = "Consumer groups the redelivery scenario rewinds: match-service, robot-orchestrator, "
          + "robot-workers (default ${DEFAULT-VALUE}).", defaultValue = MATCH_GROUP)
  List<String> redeliver;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A JSON file merged over the suite's fast settings (faults.json in the jar) and the defaults.")
  Path config;

  @Option(names = "--out", description = "Where the logs of every process and the brokers' data go (default "
      + "target/faults/<time>).")
  Path out;

  private final PrintStream print = System.out;
  private Children children;
  private Brokers brokers;
  private RoleJvms roles;
  private Topics topics;
  private Gateways gateways;
  private Audit audit;
  private ArenaConfig arena;
  /** Every match of every scenario so far: redelivery checks that the finished ones stay as they were. */
  private final List<String> allMatches = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    quietKafkaClients();
    Path dir = out != null ? out : Path.of("target", "faults",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    Path jarFile = jar != null ? jar : runningJar();
    redeliver.forEach(g -> {
      if (!GROUP_ROLES.containsKey(g)) {
        throw new IllegalArgumentException("--redeliver: unknown group '" + g + "' (groups: " + GROUP_ROLES.keySet()
            + ")");
      }
    });
    List<Scenario> chosen = scenarios == null ? List.of(Scenario.values())
        : scenarios.stream().map(Scenario::parse).toList();
    print.println("fault suite: " + chosen.stream().map(Scenario::cliName).toList() + ", " + matches + " matches of "
        + rounds + " rounds each, JVMs " + layout + ", " + brokerCount + " brokers; logs in " + dir.toAbsolutePath());

    children = new Children(jarFile, dir.resolve("logs"));
    List<Figures> results = new ArrayList<>();
    try {
      brokers = new Brokers(children, brokerCount, dir.resolve("data"));
      JsonObject json = suiteConfig();
      Path configFile = dir.resolve("arena.json");
      Files.writeString(configFile, json.encodePrettily());
      // What the children will read: the defaults, this file, and the environment they inherit.
      JsonObject merged = ArenaConfig.load(configFile, System.getenv());
      merged.getJsonObject("kafka").put("bootstrapServers", brokers.bootstrap());
      arena = ArenaConfig.of(merged);
      Instant t0 = Instant.now();
      brokers.startAll();
      if (!brokers.awaitBrokers(brokerCount, Duration.ofSeconds(180))) {
        print.println("the cluster did not come up: see " + dir.resolve("logs"));
        return 2;
      }
      TopicSetup.ensureTopics(arena);
      roles = new RoleJvms(children, layout, brokers.bootstrap(), configFile.toAbsolutePath());
      roles.startMissing();
      List<RoleJvms.Jvm> late = roles.awaitHealthy(Duration.ofSeconds(240));
      if (!late.isEmpty()) {
        print.println("not healthy at start: " + late.stream().map(j -> j.child().name).toList() + "; see "
            + dir.resolve("logs"));
        return 2;
      }
      print.println("cluster and " + roles.jvms.size() + " JVMs up in " + Duration.between(t0, Instant.now())
          .toSeconds() + " s");
      topics = new Topics(brokers.bootstrap(), arena.string("kafka.topicPrefix"));
      gateways = new Gateways(roles.gateways());
      audit = new Audit(topics);
      for (Scenario scenario : chosen) {
        print.println("-- " + scenario.cliName() + ": " + scenario.description);
        Figures f = run(scenario);
        results.add(f);
        print.print(f.report());
        print.flush();
      }
    } finally {
      children.close();
    }
    print.println();
    print.println(String.format("%-18s %7s %9s %9s %5s %8s %5s %4s %4s %11s %4s %s", "scenario", "started",
        "completed", "cancelled", "stuck", "accepted", "found", "lost", "dup", "robot lost", "dead", "result"));
    for (Figures f : results) {
      print.println(String.format("%-18s %7d %9d %9d %5d %8d %5d %4d %4d %11s %4d %s", f.scenario, f.started,
          f.completed, f.cancelled, f.stuck.size(), f.accepted, f.found, f.lost.size(), f.duplicates.size(),
          f.robotLost.size() + "/" + f.robotCommanded, f.deadLettered.size(), f.ok() ? "PASS" : "FAIL"));
    }
    boolean ok = !results.isEmpty() && results.stream().allMatch(Figures::ok);
    print.println(ok ? "fault suite: every scenario met the target" : "fault suite: FAILED (logs in "
        + dir.resolve("logs").toAbsolutePath() + ")");
    return ok ? 0 : 1;
  }

  /** The suite's own clients expect brokers to go away; their reconnect warnings would bury the figures. */
  private static void quietKafkaClients() {
    if (org.slf4j.LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
      kafka.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private JsonObject suiteConfig() throws Exception {
    JsonObject json = new JsonObject(ArenaConfig.resource("faults.json"));
    if (config != null) {
      json.mergeIn(new JsonObject(Files.readString(config)), true);
    }
    return json;
  }

  private static Path runningJar() {
    try {
      Path self = Path.of(FaultSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (Exception e) {
      // not from a jar: fall back to the build's
    }
    return Path.of("launcher", "target", "turing-arena.jar");
  }

  private Figures run(Scenario scenario) throws Exception {
    Figures f = new Figures(scenario.cliName());
    Instant t0 = Instant.now();
    ensureUp(f);
    Map<TopicPartition, Long> deadLetters = topics.ends(Topic.DEAD_LETTERS);
    gateways.drainTransients();
    Map<String, List<String>> humansByMatch = new ConcurrentHashMap<>();
    Queue<Human.Action> ledger = new ConcurrentLinkedQueue<>();
    Map<String, MatchState> before = Map.of();
    Instant[] window = null;
    RobotCommand.GenerateResponse[] killedWork = new RobotCommand.GenerateResponse[1];
    Instant[] killedAt = new Instant[1];
    Set<Children.Child> faulted = ConcurrentHashMap.newKeySet();
    try (Watch watch = new Watch(topics)) {
      int response = arena.integer("match.defaults.responseSeconds");
      int vote = arena.integer("match.defaults.voteSeconds");
      Duration budget = Duration.ofSeconds((long) rounds * (response + vote + arena.integer("match.intermissionSeconds"))
          + arena.integer("match.robotWaitMaxSeconds") + outageSeconds + 90);
      Instant until = Instant.now().plus(budget);
      List<Thread> players = startMatches(f, humansByMatch, ledger, until, response);
      Set<String> ids = humansByMatch.keySet();
      int midRound = Math.min(2, rounds);
      Duration trigger = Duration.ofSeconds(90);
      switch (scenario) {
        case BASELINE -> {
          f.fault = "none";
          f.faultInjected = true;
        }
        case MATCH_KILL, ROUND_BOUNDARY -> {
          boolean boundary = scenario == Scenario.ROUND_BOUNDARY;
          Optional<Seen> seen = watch.await(s -> ids.contains(s.payload().matchId()) && (boundary
              ? s.payload() instanceof MatchEvent.RobotsNeeded needed && needed.round() == midRound
              : s.payload() instanceof MatchEvent.RoundStarted started && started.round() == midRound), trigger);
          seen.ifPresent(s -> killOwner(f, faulted, MATCH_GROUP, Topic.MATCH_COMMANDS, s,
              "right after " + s.type() + " of round " + midRound));
        }
        case ROBOT_KILL -> {
          Optional<Seen> seen = watch.await(s -> s.payload() instanceof RobotCommand.GenerateResponse c
              && ids.contains(c.matchId()) && c.round() == midRound, trigger);
          seen.ifPresent(s -> {
            killedAt[0] = Instant.now();
            killedWork[0] = (RobotCommand.GenerateResponse) s.payload();
            killOwner(f, faulted, ROBOT_GROUP, Topic.ROBOT_COMMANDS, s,
                "as it was given robot " + killedWork[0].robotId() + "'s answer");
          });
        }
        case GATEWAY_KILL -> midRound(watch, ids, midRound, trigger).ifPresent(s -> {
          RoleJvms.Jvm gateway = roles.with("gateway").get(0);
          gateway.child().kill();
          faulted.add(gateway.child());
          injected(f, "kill -9 " + gateway.child().name + " in round " + midRound + " (kept down)");
        });
        case ORCHESTRATOR_KILL -> midRound(watch, ids, midRound, trigger).ifPresent(s -> {
          RoleJvms.Jvm orchestrator = activeOrchestrator().orElseGet(() -> roles.with("orchestrator").get(0));
          orchestrator.child().kill();
          faulted.add(orchestrator.child());
          Pause.of(Duration.ofSeconds(5));
          orchestrator.child().start();
          injected(f, "kill -9 " + orchestrator.child().name + " in round " + midRound + ", started again 5 s later");
        });
        case ORCHESTRATOR_FAILOVER, ORCHESTRATOR_PAUSE -> {
          if (roles.with("orchestrator").size() < 2) {
            f.notes.add(scenario.cliName() + " needs two orchestrator JVMs in --jvms");
          } else {
            watch.await(s -> s.payload() instanceof MatchEvent.RobotsNeeded needed && needed.round() == midRound
                && ids.contains(needed.matchId()), trigger).ifPresent(s -> failover(f, faulted, s, watch,
                scenario == Scenario.ORCHESTRATOR_PAUSE));
          }
        }
        case BROKER_KILL -> {
          if (midRound(watch, ids, midRound, trigger).isPresent()) {
            Children.Child broker = brokers.busiestLeader(List.of(topics.name(Topic.MATCH_COMMANDS),
                topics.name(Topic.MATCH_EVENTS), topics.name(Topic.MATCH_STATE), topics.name(Topic.ROBOT_COMMANDS),
                topics.name(Topic.ROBOT_RESPONSES)));
            broker.kill();
            faulted.add(broker);
            injected(f, "kill -9 " + broker.name + " (the leader of the most partitions) in round " + midRound
                + " (kept down)");
          }
        }
        case CLUSTER_STOP -> {
          if (midRound(watch, ids, midRound, trigger).isPresent()) {
            window = clusterOutage(f, faulted);
          }
        }
        case REDELIVERY -> {
          if (midRound(watch, ids, midRound, trigger).isPresent()) {
            List<String> earlier = new ArrayList<>(allMatches);
            earlier.addAll(ids);
            before = audit.states(earlier);
            redeliver(f, faulted, midRound);
          }
        }
      }
      if (!f.faultInjected) {
        f.notes.add("the fault was never injected: its moment did not come within " + trigger.toSeconds() + " s");
      }
      for (Thread player : players) {
        player.join(Math.max(1, Duration.between(Instant.now(), until.plusSeconds(5)).toMillis()));
      }
    }
    recovered(f, faulted);
    f.transients = gateways.drainTransients();
    allMatches.addAll(humansByMatch.keySet());
    audit.measure(f, humansByMatch, ledger, before, window);
    audit.assignments(f);
    if (killedWork[0] != null) {
      healed(f, killedWork[0], killedAt[0]);
    }
    f.deadLettered.addAll(topics.deadLettersSince(deadLetters, Duration.ofSeconds(60)));
    f.took = Duration.between(t0, Instant.now());
    return f;
  }

  /** Everything is running and healthy before a scenario starts: what the last one killed is started again. */
  private void ensureUp(Figures f) {
    brokers.startAll();
    if (!brokers.awaitBrokers(brokerCount, Duration.ofSeconds(120))) {
      f.notes.add("the cluster was not whole before the scenario");
    }
    roles.startMissing();
    List<RoleJvms.Jvm> late = roles.awaitHealthy(Duration.ofSeconds(180));
    if (!late.isEmpty()) {
      f.notes.add("not healthy before the scenario: " + late.stream().map(j -> j.child().name).toList());
    }
  }

  /** Creates the matches through the gateways in turn, seats their humans, and starts them playing. */
  private List<Thread> startMatches(Figures f, Map<String, List<String>> humansByMatch, Queue<Human.Action> ledger,
      Instant until, int responseSeconds) {
    List<Thread> players = new ArrayList<>();
    for (int i = 0; i < matches; i++) {
      JsonObject settings = new JsonObject().put("seats", 4).put("humans", humans).put("rounds", rounds);
      Gateways.Reply created = gateways.call(i, "POST", "/api/matches", null, settings, Duration.ofSeconds(60), false);
      if (created == null || created.status() != 201) {
        f.notStarted++;
        f.notes.add("create: " + (created == null ? "no answer" : created.status() + " " + created.body()));
        continue;
      }
      String matchId = created.json().getString("matchId");
      List<Human> seated = new ArrayList<>();
      for (int h = 0; h < humans; h++) {
        Gateways.Reply joined = gateways.call(i + h, "POST", "/api/matches/" + matchId + "/players", null,
            new JsonObject().put("name", "Human " + (h + 1)), Duration.ofSeconds(60), true);
        if (joined == null || joined.status() != 201) {
          f.notes.add("join " + matchId + ": " + (joined == null ? "no answer" : joined.status() + " "
              + joined.body()));
          break;
        }
        JsonObject seat = joined.json();
        seated.add(new Human(gateways, i + h, matchId, seat.getString("playerId"), seat.getString("token"), ledger,
            until, Duration.ofMillis(thinkMs), Duration.ofSeconds(responseSeconds + outageSeconds + 30),
            matchId.hashCode() * 31L + h));
      }
      if (seated.size() < humans) {
        f.notStarted++;
        continue;
      }
      f.started++;
      humansByMatch.put(matchId, seated.stream().map(h -> h.playerId).toList());
      for (Human human : seated) {
        Thread t = new Thread(human, "human-" + matchId.substring(0, Math.min(8, matchId.length())));
        t.setDaemon(true);
        t.start();
        players.add(t);
      }
    }
    return players;
  }

  private Optional<Seen> midRound(Watch watch, Set<String> ids, int round, Duration within) {
    return watch.await(s -> s.payload() instanceof MatchEvent.RoundStarted r && r.round() == round
        && ids.contains(r.matchId()), within);
  }

  private void injected(Figures f, String what) {
    f.fault = what;
    f.faultInjected = true;
  }

  /** kill -9 the JVM whose consumer in {@code group} holds the partition {@code seen} came from. */
  private void killOwner(Figures f, Set<Children.Child> faulted, String group, Topic topic, Seen seen, String when) {
    TopicPartition partition = new TopicPartition(topics.name(topic), seen.partition());
    // match-events and match-commands share partition numbers (both keyed by matchId, same count).
    Optional<RoleJvms.Jvm> owner;
    try (Admin admin = brokers.admin()) {
      owner = roles.owner(admin, group, partition);
    } catch (Exception e) {
      owner = Optional.empty();
    }
    String role = group.equals(MATCH_GROUP) ? "match" : "robot";
    RoleJvms.Jvm victim = owner.orElseGet(() -> roles.with(role).get(0));
    victim.child().kill();
    faulted.add(victim.child());
    injected(f, "kill -9 " + victim.child().name + (owner.isPresent() ? " (owner of " + partition + ")"
        : " (the owner of " + partition + " could not be told: the first " + role + " JVM)") + " " + when
        + " in match " + seen.payload().matchId() + " (kept down)");
  }

  /** The orchestrator JVM holding the lease: its lease consumer owns partition 0 of robot-pool-state. */
  private Optional<RoleJvms.Jvm> activeOrchestrator() {
    try (Admin admin = brokers.admin()) {
      return roles.owner(admin, OrchestratorVerticle.leaseGroup(arena),
          new TopicPartition(topics.name(Topic.ROBOT_POOL_STATE), 0));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * kill -9 (or SIGSTOP, when {@code pause}) the active orchestrator while a round waits for its robots, and measure
   * how long until a standby says it took over (its pool read back, its inputs subscribed): late if over
   * pool.failoverSeconds. A paused one is then resumed and must stand by by itself (fenced, or its lease gone); the
   * audit then shows whether it ever seated a robot twice.
   */
  private void failover(Figures f, Set<Children.Child> faulted, Seen seen, Watch watch, boolean pause) {
    Optional<RoleJvms.Jvm> active = activeOrchestrator();
    if (active.isEmpty()) {
      f.notes.add("the active orchestrator could not be told from the lease group: nothing done");
      return;
    }
    Children.Child victim = active.get().child();
    List<RoleJvms.Jvm> standbys = roles.with("orchestrator").stream().filter(j -> j != active.get()).toList();
    Map<RoleJvms.Jvm, Integer> before = new HashMap<>();
    standbys.forEach(j -> before.put(j, count(j.child(), TOOK_OVER)));
    int stoodBy = count(victim, STOOD_BY);
    if (pause) {
      if (!victim.signal("STOP")) {
        f.notes.add("SIGSTOP could not be sent to " + victim.name);
        return;
      }
    } else {
      victim.kill();
      faulted.add(victim);
    }
    Instant gone = Instant.now();
    int budget = arena.integer("pool.failoverSeconds");
    // Robot work given out after the kill can only come from the new active orchestrator.
    CompletableFuture<Optional<Seen>> served = CompletableFuture.supplyAsync(() -> watch.await(
        s -> s.payload() instanceof RobotCommand && s.at().isAfter(gone), Duration.ofSeconds(budget * 4L)));
    injected(f, (pause ? "SIGSTOP " : "kill -9 ") + victim.name + " (the active orchestrator) right after "
        + seen.type() + " of match " + seen.payload().matchId() + (pause ? ", SIGCONT once a standby took over"
        : " (kept down)"));
    Optional<RoleJvms.Jvm> successor = Optional.empty();
    Instant end = gone.plusSeconds(budget * 4L);
    while (successor.isEmpty() && Instant.now().isBefore(end)) {
      successor = standbys.stream().filter(j -> count(j.child(), TOOK_OVER) > before.get(j)).findFirst();
      Pause.of(Duration.ofMillis(100));
    }
    Duration took = Duration.between(gone, Instant.now());
    if (successor.isEmpty()) {
      f.failover = "no standby took over within " + budget * 4 + " s";
      f.failoverLate = true;
    } else {
      f.failoverLate = took.toSeconds() >= budget;
      Optional<Seen> first = served.join();
      f.failover = successor.get().child().name + " took over " + seconds(took) + " s after the "
          + (pause ? "SIGSTOP" : "kill") + " (pool.failoverSeconds " + budget + "); first robot command from it "
          + first.map(c -> seconds(Duration.between(gone, c.at())) + " s after it").orElse("not seen within "
          + budget * 4 + " s");
    }
    if (pause) {
      victim.signal("CONT");
      Instant resumed = Instant.now();
      while (count(victim, STOOD_BY) == stoodBy && Instant.now().isBefore(resumed.plusSeconds(budget * 2L))) {
        Pause.of(Duration.ofMillis(100));
      }
      boolean stood = count(victim, STOOD_BY) > stoodBy;
      f.failover += stood ? "; " + victim.name + ", resumed, stood by " + seconds(Duration.between(resumed,
          Instant.now())) + " s later (" + (count(victim, FENCED) > 0 ? "fenced" : "lease gone") + ")"
          : "; " + victim.name + " did NOT stand by within " + budget * 2 + " s of SIGCONT";
      f.failoverLate |= !stood;
    }
  }

  private static final String TOOK_OVER = "robot orchestration took over";
  private static final String STOOD_BY = ", standing by";
  private static final String FENCED = "another instance took the pool over";

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  private static int count(Children.Child child, String line) {
    return child.logText().split(java.util.regex.Pattern.quote(line), -1).length - 1;
  }

  /**
   * After robot-kill: the killed worker's robots were replaced (robot.released, reason replace), the one just given
   * an answer in its seat, and no robot answer or vote of any round came after its deadline.
   */
  private void healed(Figures f, RobotCommand.GenerateResponse work, Instant killedAt) {
    List<OrchestrationEvent.RobotReleased> replaced = new ArrayList<>();
    topics.readAll(Duration.ofSeconds(60), seen -> {
      if (seen.payload() instanceof OrchestrationEvent.RobotReleased r
          && r.reason() == OrchestrationEvent.RobotReleased.Reason.REPLACE && !seen.at().isBefore(killedAt)) {
        replaced.add(r);
      }
    }, Topic.ROBOT_ORCHESTRATION_EVENTS);
    f.replaced = replaced.size();
    if (replaced.stream().noneMatch(r -> r.robotId().equals(work.robotId()) && work.matchId().equals(r.matchId())
        && r.round() == work.round())) {
      f.unhealed.add("robot " + work.robotId() + " was not replaced in its seat (match " + work.matchId()
          + " round " + work.round() + ")");
    }
    if (f.robotLate > 0) {
      f.unhealed.add(f.robotLate + " robot answers or votes came after their deadline");
    }
  }

  /** Stops every broker, waits out the outage, starts them again; returns when robot work may be excused. */
  private Instant[] clusterOutage(Figures f, Set<Children.Child> faulted) {
    Instant down = Instant.now();
    List<Thread> stopping = new ArrayList<>();
    for (Children.Child broker : brokers.nodes) {
      Thread t = new Thread(() -> broker.stop(30));
      t.start();
      stopping.add(t);
      faulted.add(broker);
    }
    stopping.forEach(t -> {
      try {
        t.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Instant allDown = Instant.now();
    Pause.of(Duration.ofSeconds(outageSeconds));
    brokers.startAll();
    boolean back = brokers.awaitBrokers(brokerCount, Duration.ofSeconds(180));
    Instant up = Instant.now();
    injected(f, "every broker stopped (SIGTERM) in round " + Math.min(2, rounds) + ", down " + Duration.between(
        allDown, up).toSeconds() + " s (" + outageSeconds + " s all down), started again" + (back ? ""
        : " but the cluster did not come back within 180 s"));
    // Work due until the consumers have rejoined (a session timeout after the brokers are back) could not be done.
    return new Instant[] {down, up.plusSeconds(15)};
  }

  /** The consumer groups the suite may rewind, and the role whose JVMs are their members. */
  private static final Map<String, String> GROUP_ROLES = Map.of(MATCH_GROUP, "match",
      "robot-orchestrator", "orchestrator", ROBOT_GROUP, "robot");

  /** Stops the JVMs of the groups' roles, rewinds the groups to the earliest offsets, and starts them again. */
  private void redeliver(Figures f, Set<Children.Child> faulted, int round) throws Exception {
    List<RoleJvms.Jvm> members = roles.jvms.stream()
        .filter(j -> redeliver.stream().anyMatch(g -> j.has(GROUP_ROLES.get(g)))).toList();
    List<String> stops = new ArrayList<>();
    for (RoleJvms.Jvm jvm : members) {
      boolean clean = jvm.child().stop(20);
      stops.add(jvm.child().name + (clean ? " stopped" : " killed after 20 s of SIGTERM"));
      faulted.add(jvm.child());
    }
    List<String> rewinds = new ArrayList<>();
    String problem = null;
    try (Admin admin = brokers.admin()) {
      for (String group : redeliver) {
        Instant end = Instant.now().plusSeconds(60);
        while (problem == null && !admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
            .get(group).members().isEmpty()) {
          if (Instant.now().isAfter(end)) {
            problem = group + " still had members 60 s after its JVMs stopped";
          }
          Pause.of(Duration.ofMillis(500));
        }
        if (problem != null) {
          break;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> earliest = committed.keySet().stream()
            .collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> first = admin.listOffsets(earliest).all()
            .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
        long rewound = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
          long to = first.get(e.getKey()).offset();
          rewound += e.getValue().offset() - to;
          reset.put(e.getKey(), new OffsetAndMetadata(to));
        }
        admin.alterConsumerGroupOffsets(group, reset).all().get(10, TimeUnit.SECONDS);
        rewinds.add(group + " by " + rewound + " records");
      }
    }
    members.forEach(j -> j.child().start());
    injected(f, stops + " in round " + round + "; " + (problem != null ? "NOT rewound: " + problem
        : "rewound to the earliest offsets: " + String.join(", ", rewinds)) + "; started again");
    if (problem != null) {
      f.faultInjected = false;
    }
  }

  /**
   * After the scenario every role must be up again by itself: JVMs that were not killed must still be running and
   * healthy (a broker outage included); the ones the fault took down are started again for the next scenario.
   */
  private void recovered(Figures f, Set<Children.Child> faulted) {
    brokers.startAll();
    brokers.awaitBrokers(brokerCount, Duration.ofSeconds(120));
    Instant end = Instant.now().plusSeconds(90);
    for (RoleJvms.Jvm jvm : roles.jvms) {
      if (faulted.contains(jvm.child()) && !jvm.child().alive()) {
        continue;
      }
      boolean ok = false;
      while (!ok && jvm.child().alive() && Instant.now().isBefore(end)) {
        ok = roles.healthy(jvm);
        if (!ok) {
          Pause.of(Duration.ofMillis(500));
        }
      }
      if (!ok) {
        f.unrecovered.add(jvm.child().name + (jvm.child().alive() ? " (health DOWN)" : " (exited)"));
      }
    }
  }
}
