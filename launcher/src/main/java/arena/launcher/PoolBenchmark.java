package arena.launcher;

import arena.orchestrator.HealthPolicy;
import arena.orchestrator.Orchestration;
import arena.orchestrator.Orchestration.Outgoing;
import arena.orchestrator.RobotPool;
import arena.orchestrator.ScalingPolicy;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import arena.shared.events.RobotResponse.ResponseComplete;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The orchestrator's own cost per step, without Kafka: a pool of {@code --robots} robots serves {@code --matches}
 * matches at once, round after round (robots asked and assigned, answers and votes dispatched and reported, the round
 * released), every input through {@link Orchestration} as the verticle feeds it in a burst (the scaling rules
 * looking once the burst is over), its records built but not sent.
 * Prints steps per second; a step's cost must not grow with the pool, or thousands of matches cannot be served.
 */
@Command(name = "pool-benchmark", mixinStandardHelpOptions = true,
    description = "Steps per second of the orchestrator's pool, in memory, by pool size.")
public final class PoolBenchmark implements Callable<Integer> {
  @Option(names = "--robots", description = "Robots in the pool (default ${DEFAULT-VALUE}).")
  int robots = 6000;

  @Option(names = "--matches", description = "Matches at once, 4 robots each (default ${DEFAULT-VALUE}).")
  int matches = 1500;

  @Option(names = "--rounds", description = "Rounds played by every match (default ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--encode", description = "Also encode every record as the publisher does (JSON envelope, "
      + "CloudEvents headers), as the service pays for it on the orchestrator's loop.")
  boolean encode;

  @Option(names = "--provider-out", description = "Then time the health checks' healing with every persona's "
      + "provider out (circuit breaker open) at the one worker.")
  boolean providerOut;

  /** Per event type, the records encoded and their characters. */
  private final Map<String, long[]> encoded = new TreeMap<>();
  /** The matches' ids, UUIDs as the gateway makes them: they are in many records, the robots' tallies among them. */
  private String[] matchIds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PoolBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    matchIds = IntStream.range(0, matches)
        .mapToObj(m -> UUID.nameUUIDFromBytes(("m" + m).getBytes(StandardCharsets.UTF_8)).toString())
        .toArray(String[]::new);
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (int t = 0; t < 10; t++) {
      byType.put("persona-" + t, robots / 10);
    }
    Orchestration orchestration = new Orchestration(new RobotPool(1, robots), Clock.systemUTC(),
        new SimpleMeterRegistry(), Duration.ofSeconds(60));
    orchestration.health(new HealthPolicy(new HealthPolicy.Settings(2, 1000, 60, 5, 0.5, 12000)));
    ScalingPolicy scaling = new ScalingPolicy(new ScalingPolicy.Settings(0, robots, 0.99, 3600, 60, 5),
        byType.keySet());
    List<List<Outgoing>> written = new ArrayList<>();
    Orchestration.Publisher publisher = out -> {
      if (encode) {
        out.forEach(this::encode);
      }
      written.add(out);
      return Future.succeededFuture();
    };
    orchestration.open(Optional.empty(), byType);
    long allSteps = 0;
    for (int warm = 0; warm < 2; warm++) {
      long steps = 0;
      long began = System.nanoTime();
      long cpuBegan = cpuNanos();
      long loopBegan = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long allocatedBefore = allocated();
      for (int round = 1; round <= rounds; round++) {
        steps += round(orchestration, scaling, publisher, written, warm * rounds + round);
      }
      allSteps += steps;
      double seconds = (System.nanoTime() - began) / 1e9;
      double loop = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - loopBegan) / 1e9;
      double cpu = (cpuNanos() - cpuBegan) / 1e9;
      long allocatedKb = (allocated() - allocatedBefore) / 1024;
      System.out.printf("%s: %,d robots, %,d matches x %d rounds: %,d steps in %.2f s: %,.0f steps/s"
              + " (the stepping thread's CPU %.2f s, %.1f us per step; process CPU %.2f s; %,.1f KiB allocated per"
              + " step)%s%n",
          warm == 0 ? "warm-up" : "measured", robots, matches, rounds, steps, seconds, steps / seconds, loop,
          loop * 1e6 / steps, cpu, (double) allocatedKb / steps, encode ? ", records encoded" : "");
    }
    encoded.forEach((type, counted) -> System.out.printf("encoded %s: %,d records, %,d chars (%,d per record)%n",
        type, counted[0], counted[1], counted[1] / counted[0]));
    if (encode) {
      long chars = encoded.values().stream().mapToLong(counted -> counted[1]).sum();
      long tallies = encoded.getOrDefault("robot.tally", new long[2])[1];
      System.out.printf("encoded per step: %,d chars, %,d of them robot.tally%n", chars / allSteps,
          tallies / allSteps);
    }
    if (providerOut) {
      healWithProviderOut(orchestration, publisher, byType);
    }
    return 0;
  }

  /** What the publisher does with a record before sending it; a tombstone has no value to encode. */
  private void encode(Outgoing o) {
    if (o.payload() != null) {
      Topic.Registration registration = Topic.registrationOf(o.payload().getClass());
      String value = EventCodec.encode(registration.topic().name(""), Envelope.of(registration.eventType(), "bench",
          o.key(), o.payload(), o.correlationId(), o.causationId())).value();
      long[] counted = encoded.computeIfAbsent(registration.eventType(), t -> new long[2]);
      counted[0]++;
      counted[1] += value.length();
    }
  }

  /** The bytes the stepping thread allocated so far: unlike time, not disturbed by other work on the machine. */
  private static long allocated() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        ? threads.getCurrentThreadAllocatedBytes() : 0;
  }

  /** The CPU the whole process used so far (the collector's threads too), where the JVM tells it. */
  private static long cpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }

  /** Every robot unhealthy, none replaceable: what each health interval costs the orchestrator in an outage. */
  private static void healWithProviderOut(Orchestration o, Orchestration.Publisher publisher,
      Map<String, Integer> byType) {
    Map<String, String> personas = new LinkedHashMap<>();
    byType.keySet().forEach(type -> personas.put(type, "openai"));
    step(o, publisher, new HealthCheck("worker-1", 12, IntStream.range(0, 12).boxed().toList(), List.of(), personas,
        Map.of("openai", new ProviderHealth("open", 100, 100, 0))));
    for (int i = 0; i < 5; i++) {
      long began = System.nanoTime();
      o.heal(publisher);
      System.out.printf("heal with the provider out: %.1f ms%n", (System.nanoTime() - began) / 1e6);
    }
  }

  /** One round of every match, its inputs in the order a burst brings them; returns the steps taken. */
  private long round(Orchestration o, ScalingPolicy scaling, Orchestration.Publisher publisher,
      List<List<Outgoing>> written, int round) {
    long steps = 0;
    for (int m = 0; m < matches; m++) {
      steps += step(o, publisher, new MatchEvent.RobotsNeeded(matchIds[m], round, 4, List.of(),
          List.of("B", "C", "D", "E"), "c-" + matchIds[m] + "-" + round));
    }
    o.scale(scaling, publisher);
    written.clear();
    for (String kind : List.of("response", "vote")) {
      for (int m = 0; m < matches; m++) {
        steps += step(o, publisher, kind.equals("response")
            ? new MatchEvent.RoundStarted(matchIds[m], round, List.of(), "a prompt", null)
            : new MatchEvent.VotingStarted(matchIds[m], round, "a prompt", Map.of(), null));
      }
      List<RobotCommand> commands = written.stream().flatMap(List::stream).map(Outgoing::payload)
          .filter(p -> p instanceof RobotCommand).map(RobotCommand.class::cast).toList();
      written.clear();
      for (RobotCommand c : commands) {
        ResponseComplete done = c instanceof RobotCommand.GenerateResponse r
            ? new ResponseComplete(r.robotId(), r.matchId(), round, c.commandId(), kind, "fake",
                latencyMs(c.commandId()), false, "model", 10, 5, 0.0001)
            : done((RobotCommand.GenerateVote) c, round);
        steps += step(o, publisher, done);
      }
      o.scale(scaling, publisher);
    }
    for (int m = 0; m < matches; m++) {
      steps += step(o, publisher, new MatchEvent.RoundCompleted(matchIds[m], round, Map.of(), Map.of(),
          Map.of()));
    }
    o.scale(scaling, publisher);
    written.clear();
    return steps;
  }

  /** An answer's latency, spread over 400 ms to 4 s as an LLM's are (the same for the same command). */
  private static long latencyMs(String commandId) {
    return 400 + Math.floorMod(commandId.hashCode(), 3600);
  }

  private static ResponseComplete done(RobotCommand.GenerateVote v, int round) {
    return new ResponseComplete(v.robotId(), v.matchId(), round, v.commandId(), "vote", "fake", 1000, false, "model",
        10, 5, 0.0001);
  }

  /** One input as the verticle takes it in a burst: handled (the scaling rules look once the burst is over). */
  private static int step(Orchestration o, Orchestration.Publisher publisher, Event input) {
    o.handle(Envelope.of(Topic.registrationOf(input.getClass()).eventType(), "bench", "k", input, "corr", null),
        publisher);
    return 1;
  }
}
