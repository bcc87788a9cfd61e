package arena.launcher;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long {@code GET /api/matches/{id}/events} takes for a match that ended hours and many records ago. On an
 * embedded broker it writes one old match (created {@code --hours-ago}, {@code --rounds} rounds of a human and three
 * robots, other matches' records interleaved while it ran), then {@code --others} records of other matches after it
 * (their robots are partly the same robots), then starts a gateway and times the match's events, checking they are
 * exactly the match's own. Not a test of speed: figures are printed; the exit code says whether the events were right.
 */
@Command(name = "events-benchmark", mixinStandardHelpOptions = true,
    description = "Times GET /api/matches/{id}/events for an old match buried under other matches' records.")
public final class EventsBenchmark implements Callable<Integer> {
  private static final int PARTITIONS = 6;
  private static final MatchSettings SETTINGS = new MatchSettings(4, 1, 10, 60, 30, 5);

  @Option(names = "--others", description = "Records of other matches written after the old match (default ${DEFAULT-VALUE}).")
  int others = 1_000_000;

  @Option(names = "--during", description = "Records of other matches written while the old match ran (default ${DEFAULT-VALUE}).")
  int during = 20_000;

  @Option(names = "--rounds", description = "Rounds of the old match (default ${DEFAULT-VALUE}).")
  int rounds = 10;

  @Option(names = "--hours-ago", description = "When the old match was played (default ${DEFAULT-VALUE}).")
  int hoursAgo = 3;

  @Option(names = "--requests", description = "Timed requests, one after the other (default ${DEFAULT-VALUE}).")
  int requests = 5;

  @Option(names = "--parallel", description = "Requests sent at once afterwards, to see the read limit (default ${DEFAULT-VALUE}).")
  int parallel = 8;

  /** One record to write: where, under which key, when. */
  private record Out(Topic topic, String key, Instant at, Event payload, String eventId) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new EventsBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("arena-events-bench");
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, FreePorts.next(), FreePorts.next())) {
      JsonObject json = ArenaConfig.load(null, Map.of());
      int httpPort = FreePorts.next();
      json.put("roles", new JsonArray().add("gateway"));
      json.getJsonObject("kafka").put("bootstrapServers", broker.bootstrapServers()).put("topicPrefix", "bench.")
          .put("partitions", PARTITIONS);
      json.getJsonObject("http").put("port", httpPort).put("host", "127.0.0.1");
      json.getJsonObject("admin").put("port", 0);
      json.getJsonObject("gateway").getJsonObject("limits").put("enabled", false);
      ArenaConfig cfg = ArenaConfig.of(json);
      TopicSetup.ensureTopics(cfg);
      System.out.printf("events benchmark: one match of %d rounds %d h ago, %,d records of other matches while it "
              + "ran and %,d after it, %d partitions; %d cores, max heap %d MiB; the broker runs in this JVM too%n",
          rounds, hoursAgo, during, others, PARTITIONS, Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() / (1024 * 1024));
      long writeStart = System.nanoTime();
      String matchId = "old-" + UUID.randomUUID();
      List<String> expected = write(cfg, matchId);
      System.out.printf("written in %.1f s: the old match's %d records and %,d others%n",
          (System.nanoTime() - writeStart) / 1e9, expected.size(), during + others);
      ArenaNode node = ArenaNode.start(json).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      try {
        return measure("http://127.0.0.1:" + httpPort + "/api/matches/" + matchId + "/events", expected);
      } finally {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private int measure(String url, List<String> expected) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
        0, 20, TimeUnit.MILLISECONDS);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).build();
    boolean right = true;
    try {
      long[] millis = new long[requests];
      for (int i = 0; i < requests; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<String> got = r.statusCode() == 200 ? new JsonArray(r.body()).stream()
            .map(o -> ((JsonObject) o).getString("eventId")).toList() : List.of();
        boolean exact = got.equals(expected);
        right &= exact;
        System.out.printf("request %d: %d in %d ms, %d events, %s%n", i + 1, r.statusCode(), millis[i], got.size(),
            exact ? "exactly the match's own, in order" : "WRONG: expected " + expected.size() + " events");
      }
      long[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf("events of the old match: min %d ms, median %d ms, max %d ms over %d requests%n", sorted[0],
          sorted[sorted.length / 2], sorted[sorted.length - 1], requests);
      if (parallel > 0) {
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
          calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
          statuses.merge(call.get(120, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
        }
        System.out.printf("%d at once: statuses %s in %d ms (beyond gateway.events.maxReads: 503 with Retry-After)%n",
            parallel, statuses, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      System.out.printf("heap peak while reading %d MiB (the broker's included)%n", peakHeap.get() / (1024 * 1024));
      return right ? 0 : 1;
    } finally {
      sampler.shutdownNow();
    }
  }

  /** Writes the old match, the records around it and after it, and its state; returns its event ids in order. */
  private List<String> write(ArenaConfig cfg, String matchId) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    List<String> robots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      robots.add("robot-bench-" + i);
    }
    Instant created = Instant.now().minus(Duration.ofHours(hoursAgo));
    List<Out> old = oldMatch(matchId, created, robots.subList(0, 3));
    Instant ended = old.get(old.size() - 1).at();
    Properties p = new Properties();
    p.put("bootstrap.servers", cfg.bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "20");
    p.put("batch.size", String.valueOf(256 * 1024));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
        new StringSerializer())) {
      long span = Duration.between(created, ended).toMillis();
      int next = 0;
      for (int i = 0; i < during; i++) {
        Instant at = created.plusMillis(span * i / Math.max(1, during));
        while (next < old.size() && !old.get(next).at().isAfter(at)) {
          send(producer, cfg, old.get(next++));
        }
        send(producer, cfg, other(random, robots, at));
      }
      while (next < old.size()) {
        send(producer, cfg, old.get(next++));
      }
      // After it, up to now: the hours since it ended, filled with other matches.
      Instant from = ended.plus(Duration.ofMinutes(1));
      long after = Duration.between(from, Instant.now()).toMillis();
      for (int i = 0; i < others; i++) {
        send(producer, cfg, other(random, robots, from.plusMillis(after * i / Math.max(1, others))));
      }
      MatchState state = new MatchState(matchId, SETTINGS, MatchState.Status.COMPLETED, 100, created, ended,
          List.of(new MatchState.Player("p-ann", "Ann", "hash", created)),
          robots.subList(0, 3).stream().map(r -> new MatchState.Robot(r, "curious-student")).toList(), List.of(),
          Map.of(), List.of(), MatchState.Usage.NONE, 1L);
      producer.send(new ProducerRecord<>(cfg.topic(Topic.MATCH_STATE), matchId,
          Json.write(Envelope.of("match.state", "match-service", matchId, state, null, null))));
      producer.flush();
    }
    return old.stream().sorted((a, b) -> a.at().compareTo(b.at())).map(Out::eventId).toList();
  }

  /** A match of one human and three robots, as its services write it, a few seconds between steps. */
  private List<Out> oldMatch(String matchId, Instant created, List<String> robots) {
    List<Out> out = new ArrayList<>();
    Instant[] at = {created};
    java.util.function.BiConsumer<String, Event> add = (key, payload) -> {
      at[0] = at[0].plusMillis(1500);
      out.add(new Out(topicOf(payload), key, at[0], payload, UUID.randomUUID().toString()));
    };
    add.accept(matchId, new MatchCommand.Create(matchId, SETTINGS));
    add.accept(matchId, new MatchEvent.Created(matchId, SETTINGS, created));
    add.accept(matchId, new MatchCommand.Join(matchId, "p-ann", "Ann", "hash"));
    add.accept(matchId, new MatchEvent.PlayerJoined(matchId, "p-ann", 1, 1));
    add.accept(matchId, new MatchEvent.Started(matchId, rounds));
    for (int round = 1; round <= rounds; round++) {
      add.accept(matchId, new MatchEvent.RoundStarting(matchId, round));
      add.accept(matchId, new OrchestrationEvent.RobotsAssigned(matchId, round, robots.stream()
          .map(r -> new OrchestrationEvent.AssignedRobot(r, "B", "curious-student")).toList(), "req-" + round));
      add.accept(matchId, new MatchEvent.RoundStarted(matchId, round, List.of("A", "B", "C", "D"), "Your ideal Sunday?",
          at[0].plusSeconds(60)));
      for (String robot : robots) {
        add.accept(robot, new RobotCommand.GenerateResponse("c-" + robot + round, robot, "curious-student", matchId,
            round, "B", "Your ideal Sunday?", at[0].plusSeconds(60), List.of()));
        add.accept(matchId, new RobotResponse.ResponseSubmitted(matchId, round, robot, "B", "Pancakes, then a nap.",
            "c-" + robot + round));
      }
      add.accept(matchId, new MatchCommand.SubmitResponse(matchId, "hash", round, "A walk by the sea."));
      add.accept(matchId, new MatchEvent.CommandAccepted(matchId, "response.submit", round * 10L));
      add.accept(matchId, new MatchCommand.SubmitVote(matchId, "hash", round, "C"));
      add.accept(matchId, new MatchEvent.CommandAccepted(matchId, "vote.submit", round * 10L + 1));
    }
    add.accept(matchId, new MatchEvent.Cancelled(matchId, "benchmark"));
    for (String robot : robots) {
      add.accept(robot, new OrchestrationEvent.RobotReleased(robot, matchId, rounds,
          OrchestrationEvent.RobotReleased.Reason.MATCH_OVER));
      add.accept(robot, new RobotCommand.ForgetMatch("f-" + robot, robot, matchId));
    }
    return out;
  }

  /** A record of some other match at {@code at}: its own events, or a command to a robot it shares. */
  private static Out other(SplittableRandom random, List<String> robots, Instant at) {
    String matchId = "m-" + random.nextInt(1_000_000);
    String robot = robots.get(random.nextInt(robots.size()));
    Event payload = switch (random.nextInt(5)) {
      case 0 -> new MatchCommand.SubmitResponse(matchId, "hash", 1, "Something I would say on a Sunday.");
      case 1 -> new MatchEvent.RoundStarting(matchId, 1);
      case 2 -> new RobotResponse.ResponseSubmitted(matchId, 1, robot, "C", "Tea and a long book.", "c-x");
      case 3 -> new RobotCommand.GenerateResponse("c-" + random.nextInt(), robot, "curious-student", matchId, 1, "C",
          "Your ideal Sunday?", at.plusSeconds(60), List.of());
      default -> new OrchestrationEvent.RobotsAssigned(matchId, 1, List.of(
          new OrchestrationEvent.AssignedRobot(robot, "C", "curious-student")), "req");
    };
    String key = payload instanceof RobotCommand ? robot : matchId;
    return new Out(topicOf(payload), key, at, payload, null);
  }

  private static Topic topicOf(Event payload) {
    return Topic.registrationOf(payload.getClass()).topic();
  }

  private static void send(KafkaProducer<String, String> producer, ArenaConfig cfg, Out out) {
    Envelope<Event> fresh = Envelope.of(Topic.registrationOf(out.payload().getClass()).eventType(), "benchmark",
        out.key(), out.payload(), null, null);
    Envelope<Event> envelope = new Envelope<>(out.eventId() == null ? fresh.eventId() : out.eventId(),
        fresh.eventType(), out.at(), fresh.source(), fresh.correlationId(), null, out.key(), fresh.matchId(),
        fresh.schemaVersion(), out.payload());
    producer.send(new ProducerRecord<>(cfg.topic(out.topic()), null, out.at().toEpochMilli(), out.key(),
        Json.write(envelope)));
  }

}
