package arena.orchestrator;

import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import arena.shared.state.PoolState.Robot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Which robots are healthy, as a pure function: (what the robot workers reported, the robots, now) to a
 * {@link Verdict} per unhealthy robot. No Kafka, no timers: the orchestrator feeds it every
 * {@code robot.health_check} and asks it every {@code intervalSeconds}.
 *
 * <p>A robot is hosted by the worker whose latest report, no older than {@code silentIntervals} intervals, names
 * the partition of {@code robot-commands} its id goes to (Kafka's default partitioner, as the producer that sends
 * its commands). It is unhealthy when no such report exists ({@link Reason#SILENT}: its worker stopped reporting),
 * or when at that worker the provider of its persona has its circuit breaker open, failed more than
 * {@code maxErrorRate} of at least {@code minCalls} recent calls, or took longer than {@code maxLatencyMs} at the
 * 90th percentile over them. Nobody is judged silent while every worker is silent at once (the orchestrator's
 * input or the brokers lag behind, under load or in an outage, far more often than every worker dies together, and
 * no worker could host a replacement anyway), within {@code silentIntervals} intervals of the start (a restarted
 * orchestrator waits for the workers' next reports) or of the first report after such a silence, nor before any
 * worker ever reported (health checks off, or no worker yet: there is nobody to compare with).
 */
public final class HealthPolicy {

  /** {@code pool.health} in conf/arena.json. */
  public record Settings(long intervalSeconds, int silentIntervals, long windowSeconds, int minCalls,
      double maxErrorRate, long maxLatencyMs) {
    public Settings {
      if (intervalSeconds <= 0 || silentIntervals <= 0 || windowSeconds <= 0 || minCalls <= 0
          || !(maxErrorRate >= 0 && maxErrorRate < 1) || maxLatencyMs <= 0) {
        throw new IllegalArgumentException("pool.health: seconds, intervals, calls and latency must be positive and"
            + " maxErrorRate within [0, 1)");
      }
    }
  }

  public enum Reason {
    SILENT("its worker stopped reporting"),
    BREAKER_OPEN("its provider's circuit breaker is open"),
    ERROR_RATE("its provider fails too often"),
    LATENCY("its provider is too slow");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** Why {@code robotId} is unhealthy; {@code worker} is its host, null when silent. */
  public record Verdict(String robotId, Reason reason, String worker) {}

  /** A worker's latest report and when it was written. */
  public record Seen(Instant at, HealthCheck check) {}

  /**
   * What the orchestrator knows of its workers since {@code since} (its start); {@code heard} once any worker
   * ever reported.
   */
  public record Health(Instant since, Map<String, Seen> workers, boolean heard) {}

  /** Reports older than this many silent windows are forgotten, so workers that left do not pile up. */
  private static final int FORGET_AFTER_WINDOWS = 10;
  private final Settings settings;
  private final Duration silent;
  /** Robot ids' partitions by partition count, remembered: a pure function, but hashing every id showed in profiles. */
  private static final int REMEMBERED_IDS = 1 << 16;
  private final Map<Integer, Map<String, Integer>> partitionsByCount = new ConcurrentHashMap<>();

  public HealthPolicy(Settings settings) {
    this.settings = settings;
    this.silent = Duration.ofSeconds(settings.intervalSeconds() * settings.silentIntervals());
  }

  public Settings settings() {
    return settings;
  }

  public Health start(Instant now) {
    return new Health(now, Map.of(), false);
  }

  /** {@code check}, written at {@code at}, taken in unless that worker already reported something newer. */
  public Health report(Health health, HealthCheck check, Instant at) {
    if (check.workerId() == null || check.partitions() == null || check.partitionCount() <= 0) {
      throw new IllegalArgumentException("a health check without its worker or partitions");
    }
    Seen before = health.workers().get(check.workerId());
    if (before != null && before.at().isAfter(at)) {
      return health;
    }
    // Every worker silent at once is the orchestrator's own outage (or the brokers') far more often than the death
    // of all its workers: the first report after it restarts the grace, as a restart would.
    Instant newest = health.workers().values().stream().map(Seen::at).max(Comparator.naturalOrder()).orElse(null);
    Instant since = (newest == null || newest.plus(silent).isBefore(at)) && at.isAfter(health.since()) ? at
        : health.since();
    Map<String, Seen> workers = new HashMap<>();
    Instant forget = at.minus(silent.multipliedBy(FORGET_AFTER_WINDOWS));
    health.workers().forEach((id, seen) -> {
      if (seen.at().isAfter(forget)) {
        workers.put(id, seen);
      }
    });
    workers.put(check.workerId(), new Seen(at, check));
    return new Health(since, Map.copyOf(workers), true);
  }

  /** The unhealthy ones among {@code robots}, by id in order. */
  public Map<String, Verdict> judge(Health health, Collection<Robot> robots, Instant now) {
    Map<String, Verdict> unhealthy = new TreeMap<>();
    for (Robot r : robots) {
      verdict(health, r.id(), r.type(), now).ifPresent(v -> unhealthy.put(r.id(), v));
    }
    return unhealthy;
  }

  /** Whether a robot of {@code type} named {@code robotId} would be healthy where its commands would go. */
  public boolean canHost(Health health, String robotId, String type, Instant now) {
    return host(health, robotId, now).isPresent() && verdict(health, robotId, type, now).isEmpty();
  }

  /**
   * Whether any worker reporting now would run a robot of {@code type} healthily: when none would, no robot of that
   * type can be hosted well, whatever its id (an outage of its provider), and looking for one is wasted work.
   */
  public boolean anyHealthyHost(Health health, String type, Instant now) {
    Instant fresh = now.minus(silent);
    for (Seen seen : health.workers().values()) {
      if (!seen.at().isBefore(fresh) && (!health.heard() || reason(seen.check(), type) == null)) {
        return true;
      }
    }
    return false;
  }

  private Optional<Verdict> verdict(Health health, String robotId, String type, Instant now) {
    if (!health.heard()) {
      return Optional.empty();
    }
    Seen host = host(health, robotId, now).orElse(null);
    if (host == null) {
      return now.isBefore(health.since().plus(silent)) || everyWorkerSilent(health, now) ? Optional.empty()
          : Optional.of(new Verdict(robotId, Reason.SILENT, null));
    }
    return Optional.ofNullable(reason(host.check(), type))
        .map(r -> new Verdict(robotId, r, host.check().workerId()));
  }

  /** Why a robot of {@code type} would be unhealthy at the worker that sent {@code check}; null when it would not. */
  private Reason reason(HealthCheck check, String type) {
    String provider = check.personas() == null ? null : check.personas().get(type);
    ProviderHealth p = provider == null || check.providers() == null ? null : check.providers().get(provider);
    return p == null ? null
        : "open".equals(p.breaker()) ? Reason.BREAKER_OPEN
        : p.calls() < settings.minCalls() ? null
        : p.errors() > settings.maxErrorRate() * p.calls() ? Reason.ERROR_RATE
        : p.latencyMs() > settings.maxLatencyMs() ? Reason.LATENCY
        : null;
  }

  private boolean everyWorkerSilent(Health health, Instant now) {
    Instant fresh = now.minus(silent);
    return health.workers().values().stream().noneMatch(s -> !s.at().isBefore(fresh));
  }

  /**
   * The freshest report, recent enough, that names the partition the robot's commands go to. Asked for every robot
   * on every interval, so a plain loop over the few workers, and each id hashed once.
   */
  private Optional<Seen> host(Health health, String robotId, Instant now) {
    Instant fresh = now.minus(silent);
    Seen best = null;
    for (Seen s : health.workers().values()) {
      if (s.at().isBefore(fresh) || (best != null && !s.at().isAfter(best.at()))) {
        continue;
      }
      if (s.check().partitions().contains(partition(robotId, s.check().partitionCount()))) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  private int partition(String robotId, int partitions) {
    Map<String, Integer> known = partitionsByCount.computeIfAbsent(partitions, n -> new ConcurrentHashMap<>());
    if (known.size() > REMEMBERED_IDS) {
      known.clear(); // ids are never given twice: a long life with many replacements would pile them up
    }
    return known.computeIfAbsent(robotId, id -> partitionOf(id, partitions));
  }

  /** The partition of {@code robot-commands} a record keyed {@code robotId} goes to, as Kafka's producer picks it. */
  static int partitionOf(String robotId, int partitions) {
    return BuiltInPartitioner.partitionForKey(robotId.getBytes(StandardCharsets.UTF_8), partitions);
  }
}
