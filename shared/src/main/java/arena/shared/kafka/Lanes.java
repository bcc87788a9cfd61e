package arena.shared.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
    Future<Void> tail = previous.compose(ignored -> {
      Future<T> f;
      try {
        f = work.get();
      } catch (Throwable t) {
        f = Future.failedFuture(t);
      }
      f.onComplete(result);
      return f.<Void>mapEmpty().otherwiseEmpty(); // a failure ends its own work, not the lane
    });
    tails.put(key, tail);
    tail.onComplete(ar -> tails.remove(key, tail));
    return result.future();
  }
}
