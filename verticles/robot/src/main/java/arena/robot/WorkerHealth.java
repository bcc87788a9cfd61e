package arena.robot;

import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What this JVM's robot workers tell the orchestrator about their health: one {@code robot.health_check} per JVM
 * every {@code pool.health.intervalSeconds}, however many robot verticles it runs. Each verticle is a
 * {@link Member}: it keeps the partitions of {@code robot-commands} its consumer owns, the robots it was given work
 * for and how its providers' calls went over the last {@code windowSeconds}, and puts that in a JVM-wide map every
 * interval; the member with the lowest id among the fresh ones merges the map and publishes it, so when it stops
 * another one takes over at its next tick.
 */
final class WorkerHealth {
  /** {@code pool.health} in conf/arena.json (the orchestrator binds the rest). */
  record Settings(long intervalSeconds, long windowSeconds) {
    Settings {
      if (intervalSeconds <= 0 || windowSeconds <= 0) {
        throw new IllegalArgumentException("pool.health: intervalSeconds and windowSeconds must be positive");
      }
    }
  }

  private static final String MEMBERS = "arena.robot.health.members";
  private static final String WORKER = "arena.robot.health.worker";
  /** Latencies kept per provider and member, enough for a 90th percentile over a busy window. */
  private static final int MAX_CALLS = 1000;
  private static final int MAX_ROBOTS = 1000;

  private WorkerHealth() {}

  /** This JVM's worker id, the same for every member. */
  static String workerId(Vertx vertx) {
    LocalMap<String, String> ids = vertx.sharedData().getLocalMap(WORKER);
    return ids.computeIfAbsent("id", k -> "robot-worker-" + UUID.randomUUID());
  }

  private record Call(long at, long latencyMs, boolean failed) {}

  /** One robot verticle's part. Used on its event loop only; only the JVM-wide map is shared. */
  static final class Member {
    private final Vertx vertx;
    private final Settings settings;
    private final String id = UUID.randomUUID().toString();
    private final TreeSet<Integer> partitions = new TreeSet<>();
    private final Map<String, Deque<Call>> calls = new HashMap<>();
    private final Map<String, Long> robots = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > MAX_ROBOTS;
      }
    };
    private int partitionCount;

    Member(Vertx vertx, Settings settings) {
      this.vertx = vertx;
      this.settings = settings;
    }

    /** How many partitions robot-commands has: until known, this member reports nothing. */
    void partitionCount(int count) {
      this.partitionCount = count;
    }

    void assigned(List<Integer> added) {
      partitions.addAll(added);
    }

    void revoked(List<Integer> removed) {
      partitions.removeAll(removed);
    }

    void saw(String robotId, long now) {
      robots.put(robotId, now);
    }

    /** One answer or vote asked of {@code provider}: how long it took, and whether the stand-in had to answer. */
    void called(String provider, long latencyMs, boolean failed, long now) {
      Deque<Call> recent = calls.computeIfAbsent(provider, p -> new ArrayDeque<>());
      recent.addLast(new Call(now, latencyMs, failed));
      if (recent.size() > MAX_CALLS) {
        recent.removeFirst();
      }
    }

    /**
     * Puts this member's part in the JVM-wide map, and returns the JVM's health check when this member is the one
     * to publish it (the lowest id among the members that wrote within two intervals), else null.
     */
    HealthCheck tick(long now, Map<String, String> personas, Map<String, String> breakers) {
      long since = now - settings.windowSeconds() * 1000;
      calls.values().forEach(d -> d.removeIf(c -> c.at() < since));
      robots.values().removeIf(at -> at < since);
      JsonObject providers = new JsonObject();
      calls.forEach((name, d) -> providers.put(name, new JsonArray(d.stream()
          .map(c -> new JsonArray().add(c.latencyMs()).add(c.failed())).toList())));
      LocalMap<String, JsonObject> members = vertx.sharedData().getLocalMap(MEMBERS);
      members.put(id, new JsonObject().put("at", now).put("partitionCount", partitionCount)
          .put("partitions", new JsonArray(List.copyOf(partitions))).put("robots", new JsonArray(List.copyOf(
              robots.keySet()))).put("providers", providers));
      long fresh = now - 2 * settings.intervalSeconds() * 1000;
      Map<String, JsonObject> live = new TreeMap<>();
      members.forEach((member, part) -> {
        if (part.getLong("at") >= fresh) {
          live.put(member, part);
        }
      });
      if (partitionCount == 0 || !live.keySet().iterator().next().equals(id)) {
        return null;
      }
      return merge(workerId(vertx), live.values(), personas, breakers);
    }

    /** Leaves the JVM's report: another member publishes from its next tick. */
    void leave() {
      vertx.sharedData().<String, JsonObject>getLocalMap(MEMBERS).remove(id);
    }
  }

  /** One health check out of every member's part. */
  static HealthCheck merge(String workerId, Iterable<JsonObject> parts, Map<String, String> personas,
      Map<String, String> breakers) {
    TreeSet<Integer> partitions = new TreeSet<>();
    TreeSet<String> robots = new TreeSet<>();
    Map<String, List<Long>> latencies = new TreeMap<>();
    Map<String, Integer> failures = new HashMap<>();
    int partitionCount = 0;
    for (JsonObject part : parts) {
      partitionCount = Math.max(partitionCount, part.getInteger("partitionCount"));
      part.getJsonArray("partitions").forEach(p -> partitions.add(((Number) p).intValue()));
      part.getJsonArray("robots").forEach(r -> robots.add((String) r));
      JsonObject providers = part.getJsonObject("providers");
      for (String name : providers.fieldNames()) {
        for (Object c : providers.getJsonArray(name)) {
          JsonArray call = (JsonArray) c;
          latencies.computeIfAbsent(name, n -> new ArrayList<>()).add(call.getLong(0));
          failures.merge(name, call.getBoolean(1) ? 1 : 0, Integer::sum);
        }
      }
    }
    Map<String, ProviderHealth> providers = new TreeMap<>();
    for (String name : new TreeSet<>(personas.values())) {
      List<Long> l = latencies.getOrDefault(name, List.of()).stream().sorted().toList();
      long p90 = l.isEmpty() ? 0 : l.get(Math.min(l.size() - 1, (int) Math.ceil(l.size() * 0.9) - 1));
      providers.put(name, new ProviderHealth(breakers.getOrDefault(name, "closed").toLowerCase(Locale.ROOT),
          l.size(), failures.getOrDefault(name, 0), p90));
    }
    return new HealthCheck(workerId, partitionCount, List.copyOf(partitions), List.copyOf(robots),
        Map.copyOf(personas), Map.copyOf(providers));
  }
}
