package arena.shared.ops;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JVM on its way out: once the launcher starts the drain, the gateway takes no new requests or bridge commands
 * (503) and its {@code /health} says DOWN, while those already running finish; the launcher waits for them to end
 * before it undeploys the roles.
 */
public final class Drain {
  private static final Map<Vertx, Drain> DRAINS = new WeakHashMap<>();

  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean draining;

  private Drain() {}

  public static synchronized Drain of(Vertx vertx) {
    return DRAINS.computeIfAbsent(vertx, v -> new Drain());
  }

  /** From now on nothing new is admitted. */
  public void start() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Counts a request or command in until {@link #done()}; false (nothing counted) once the drain has started. */
  public boolean admit() {
    // Counted before the check: the launcher, which starts the drain and then waits for zero, cannot miss it.
    running.incrementAndGet();
    if (draining) {
      running.decrementAndGet();
      return false;
    }
    return true;
  }

  public void done() {
    running.decrementAndGet();
  }

  /** Requests and commands admitted and not done yet. */
  public int running() {
    return running.get();
  }
}
