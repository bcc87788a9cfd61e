package arena.shared.ops;

import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The health checks of one Vert.x instance: the launcher registers Kafka and the deployed roles and serves them in
 * detail on its admin listener; the gateway's {@code /health} on the player port says only UP or DOWN.
 */
public final class ArenaHealth {
  private static final Map<Vertx, HealthChecks> CHECKS = new WeakHashMap<>();

  private ArenaHealth() {}

  public static synchronized HealthChecks of(Vertx vertx) {
    return CHECKS.computeIfAbsent(vertx, HealthChecks::create);
  }
}
