package arena.launcher;

import arena.match.MatchVerticle;
import arena.orchestrator.OrchestratorVerticle;
import arena.shared.ops.ArenaHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the operator dashboard ({@code /ops}) shows, assembled from what this JVM knows: the orchestrator's pool
 * (when it runs here and is the active one), the Match Service's active matches (when it runs here), the meters, the
 * health checks (providers' breakers and pauses) and the cluster's latest dead letters. A part this JVM lacks is null
 * in the report and named with the reason under {@code absent}, so the page can say so.
 */
final class OpsReport {
  /**
   * The dashboard's meters by its own names, each the Micrometer name of one seed metric (the README's table: the
   * Prometheus name is this one with dots as underscores, plus {@code _total} or {@code _seconds}).
   */
  static final Map<String, String> METERS = Map.of(
      "matchesActive", "arena.matches.active",
      "matchesCompleted", "arena.matches.completed",
      "roundDuration", "arena.round.duration",
      "assignmentLatency", "arena.assignment.latency",
      "robotResponse", "arena.robot.response",
      "scaled", "arena.pool.scaled",
      "costUsd", "arena.llm.cost.usd",
      "deadLetters", "arena.records.dead_lettered");

  private OpsReport() {}

  /** {@code deadLetters} null: this JVM has no Kafka. */
  static Future<JsonObject> of(Vertx vertx, MeterRegistry registry, RecentDeadLetters deadLetters) {
    JsonObject report = new JsonObject().put("at", System.currentTimeMillis());
    JsonObject absent = new JsonObject();
    JsonObject meters = new JsonObject();
    new TreeMap<>(METERS).forEach((key, name) -> {
      Collection<Meter> found = registry.find(name).meters();
      meters.put(key, found.isEmpty() ? null : value(found));
      if (found.isEmpty()) {
        absent.put(key, "no meter " + name + " in this process");
      }
    });
    report.put("meters", meters);
    Future<Void> pool = local(vertx, OrchestratorVerticle.POOL_ADDRESS, "pool", report, absent,
        "no robot orchestrator runs in this process");
    Future<Void> matches = local(vertx, MatchVerticle.SUMMARY_ADDRESS, "matches", report, absent,
        "no Match Service runs in this process");
    JsonObject letters = deadLetters == null ? null : deadLetters.latest();
    if (letters == null || letters.containsKey("error")) {
      absent.put("deadLetters", deadLetters == null ? "no Kafka in this process"
          : letters == null ? "reading the dead-letter topic" : "the dead-letter topic could not be read: "
          + letters.getString("error"));
    }
    report.put("deadLetters", letters == null || letters.containsKey("error") ? null : letters);
    Future<Void> health = ArenaHealth.of(vertx).checkStatus().map(result -> {
      JsonObject checks = new JsonObject();
      JsonArray all = result.toJson().getJsonArray("checks", new JsonArray());
      all.stream().map(JsonObject.class::cast).forEach(c -> checks.put(c.getString("id"), c.getString("status")));
      JsonObject llm = all.stream().map(JsonObject.class::cast).filter(c -> "llm".equals(c.getString("id")))
          .findFirst().map(c -> c.getJsonObject("data", new JsonObject()).getJsonObject("providers")).orElse(null);
      report.put("health", checks).put("providers", llm);
      if (llm == null) {
        absent.put("providers", "no robots run in this process");
      }
      return (Void) null;
    }).recover(t -> {
      report.putNull("health").putNull("providers");
      absent.put("providers", "health checks failed: " + t.getMessage());
      return Future.succeededFuture();
    });
    return Future.join(pool, matches, health).transform(v -> Future.succeededFuture(report.put("absent", absent)));
  }

  /** Puts the answer of a local role's {@code address} under {@code key}, or why there is none under absent. */
  private static Future<Void> local(Vertx vertx, String address, String key, JsonObject report, JsonObject absent,
      String noHandlers) {
    return vertx.eventBus().<JsonObject>request(address, null)
        .map(reply -> {
          report.put(key, reply.body());
          return (Void) null;
        })
        .recover(t -> {
          report.putNull(key);
          absent.put(key, t instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS
              ? noHandlers : t.getMessage());
          return Future.succeededFuture();
        });
  }

  /**
   * A meter's value summed over its tags: timers and summaries as count, total (seconds for timers) and max; counters
   * and gauges as one number, or per {@code reason}/{@code outcome}/{@code topic}/{@code provider} tag when they have
   * one.
   */
  private static Object value(Collection<Meter> meters) {
    Meter first = meters.iterator().next();
    if (first instanceof Timer || first instanceof DistributionSummary) {
      long count = 0;
      double total = 0;
      double max = 0;
      for (Meter m : meters) {
        if (m instanceof Timer t) {
          count += t.count();
          total += t.totalTime(TimeUnit.SECONDS);
          max = Math.max(max, t.max(TimeUnit.SECONDS));
        } else if (m instanceof DistributionSummary s) {
          count += s.count();
          total += s.totalAmount();
          max = Math.max(max, s.max());
        }
      }
      return new JsonObject().put("count", count).put("total", total).put("max", max);
    }
    JsonObject byTag = new JsonObject();
    double sum = 0;
    for (Meter m : meters) {
      double v = number(m);
      sum += v;
      String tag = firstTag(m, "reason", "outcome", "topic", "provider");
      if (tag != null) {
        byTag.put(tag, byTag.getDouble(tag, 0.0) + v);
      }
    }
    return byTag.isEmpty() ? (Object) sum : new JsonObject().put("total", sum).put("by", byTag);
  }

  private static double number(Meter m) {
    if (m instanceof Counter c) {
      return c.count();
    } else if (m instanceof FunctionCounter c) {
      return c.count();
    } else if (m instanceof Gauge g) {
      return Double.isNaN(g.value()) ? 0 : g.value();
    }
    double v = 0;
    for (var measurement : m.measure()) {
      v += measurement.getValue();
    }
    return v;
  }

  private static String firstTag(Meter m, String... keys) {
    for (String key : keys) {
      String value = m.getId().getTag(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
