package arena.shared.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous work one at a time per key, in submission order, on the owning verticle's event loop.
 * A match's records and its deadline timers share the match's lane, so they never interleave.
 *
 * <p>Each lane is a queue worked off in a loop: work that ends at once lets the next start in the same loop, not in
 * a callback of its predecessor, so a burst of thousands of queued tasks (the orchestrator's, under load) never
 * deepens the stack.
 */
public final class Lanes {
  /** The work waiting in each busy lane; a lane with no entry is idle. */
  private final Map<String, ArrayDeque<Supplier<Future<?>>>> waiting = new HashMap<>();

  public <T> Future<T> run(String key, Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    // Queued work runs on the context it was submitted from, not its predecessor's: its record's trace and log
    // context stay its own.
    ContextInternal submitter = ContextInternal.current();
    // The lane goes on once the work's own future ends, after whoever waits for its result has heard of it.
    Supplier<Future<?>> task = () -> {
      if (submitter == null || submitter == ContextInternal.current()) {
        return start(work, result);
      }
      List<Future<T>> started = new ArrayList<>(1);
      submitter.dispatch(() -> started.add(start(work, result)));
      return started.get(0);
    };
    ArrayDeque<Supplier<Future<?>>> queue = waiting.get(key);
    if (queue != null) {
      queue.add(task);
    } else {
      waiting.put(key, new ArrayDeque<>());
      task.get().onComplete(ar -> workOff(key)); // a failure ends its own work, not the lane
    }
    return result.future();
  }

  /** How much work waits in {@code key}'s lane behind the one running (0 when idle). */
  public int waiting(String key) {
    ArrayDeque<Supplier<Future<?>>> queue = waiting.get(key);
    return queue == null ? 0 : queue.size();
  }

  private static <T> Future<T> start(Supplier<Future<T>> work, Promise<T> result) {
    Future<T> f;
    try {
      f = work.get();
    } catch (Throwable t) {
      f = Future.failedFuture(t);
    }
    return f.onComplete(result);
  }

  /** Runs the lane's queued work in order while it ends at once; waits for the first that does not. */
  private void workOff(String key) {
    ArrayDeque<Supplier<Future<?>>> queue = waiting.get(key);
    while (true) {
      Supplier<Future<?>> next = queue.poll();
      if (next == null) {
        waiting.remove(key);
        return;
      }
      Future<?> running = next.get();
      if (!running.isComplete()) {
        running.onComplete(ar -> workOff(key));
        return;
      }
    }
  }
}
