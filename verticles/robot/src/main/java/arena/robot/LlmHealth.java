package arena.robot;

import arena.shared.ops.ArenaHealth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.healthchecks.Status;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The robot role's health check {@value #ID}: each LLM provider this Vert.x uses, with its circuit breaker's
 * state (closed, open, half_open) and whether its rate limits pause it. One check per Vert.x however many robot
 * verticles run: each start counts in, each stop out, and the last one out removes it.
 */
final class LlmHealth {
  static final String ID = "llm";
  private static final String USERS = "arena.robot.health.users";

  private LlmHealth() {}

  static void register(Vertx vertx) {
    // compute is atomic, so verticles starting and stopping at once register and unregister in order
    users(vertx).compute(ID, (id, n) -> {
      if (n == null) {
        ArenaHealth.of(vertx).register(ID, promise -> promise.complete(status(vertx)));
      }
      return n == null ? 1 : n + 1;
    });
  }

  static void unregister(Vertx vertx) {
    users(vertx).compute(ID, (id, n) -> {
      if (n != null && n > 1) {
        return n - 1;
      }
      ArenaHealth.of(vertx).unregister(ID);
      return null;
    });
  }

  private static LocalMap<String, Integer> users(Vertx vertx) {
    return vertx.sharedData().getLocalMap(USERS);
  }

  /**
   * Always UP: with a breaker open or a pause running the robots answer with the scripted provider and games go
   * on, so the node still serves; DOWN would get it restarted or taken out of rotation for an outage at the
   * provider. The detail is there for operators to see.
   */
  static Status status(Vertx vertx) {
    long now = System.currentTimeMillis();
    JsonObject providers = new JsonObject();
    new TreeMap<>(LlmProvider.shared(vertx)).forEach((name, shared) -> providers.put(name, new JsonObject()
        .put("breaker", shared.breaker().state().name().toLowerCase(Locale.ROOT))
        .put("paused", shared.pause().remainingMs(now) > 0)));
    return Status.OK(new JsonObject().put("providers", providers));
  }
}
