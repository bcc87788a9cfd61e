package arena.shared.ops;

import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The health checks of one Vert.x instance, served in detail on the launcher's admin listener. Liveness
 * ({@link #of}, {@code /health}): Kafka answers and the roles run. Readiness ({@link #readiness}, {@code /ready}):
 * that too, and every consumer has its partitions and has rebuilt its state from them, every gateway has caught up
 * and its bridge listens; a rebuild after a rebalance makes it DOWN again until done. The gateway's {@code /health}
 * on the player port is the readiness, saying only UP or DOWN.
 */
public final class ArenaHealth {
  private static final Map<Vertx, HealthChecks> CHECKS = new WeakHashMap<>();
  private static final Map<Vertx, HealthChecks> READINESS = new WeakHashMap<>();

  private ArenaHealth() {}

  /** Liveness: DOWN means the JVM cannot play at all (Kafka gone, a role stopped). */
  public static synchronized HealthChecks of(Vertx vertx) {
    return CHECKS.computeIfAbsent(vertx, HealthChecks::create);
  }

  /** Readiness: DOWN while any state is still being rebuilt, so a balancer sends players elsewhere meanwhile. */
  public static synchronized HealthChecks readiness(Vertx vertx) {
    return READINESS.computeIfAbsent(vertx, HealthChecks::create);
  }
}
