package arena.shared.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous work one at a time per key, in submission order, on the owning verticle's event loop.
 * A match's records and its deadline timers share the match's lane, so they never interleave.
 */
public final class Lanes {
  private final Map<String, Future<Void>> tails = new HashMap<>();

  public <T> Future<T> run(String key, Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    Future<Void> previous = tails.getOrDefault(key, Future.succeededFuture());
    // Queued work runs on the context it was submitted from, not its predecessor's: its record's trace and log
    // context stay its own.
    ContextInternal submitter = ContextInternal.current();
    Future<Void> tail = previous.compose(ignored -> {
      Promise<Void> ran = Promise.promise();
      Runnable step = () -> {
        Future<T> f;
        try {
          f = work.get();
        } catch (Throwable t) {
          f = Future.failedFuture(t);
        }
        f.onComplete(result);
        f.<Void>mapEmpty().otherwiseEmpty().onComplete(ran); // a failure ends its own work, not the lane
      };
      if (submitter == null || submitter == ContextInternal.current()) {
        step.run();
      } else {
        submitter.dispatch(step);
      }
      return ran.future();
    });
    tails.put(key, tail);
    tail.onComplete(ar -> tails.remove(key, tail));
    return result.future();
  }
}
