package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class LanesTest {

  @Test
  void workOnOneKeyRunsInOrderEvenWhenEarlierWorkIsSlowerOrFails(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      // Given a lane whose first task completes later than the second would
      Lanes lanes = new Lanes();
      List<String> order = new ArrayList<>();
      Promise<Void> slow = Promise.promise();
      lanes.run("m1", () -> { order.add("first-start"); return slow.future().onComplete(x -> order.add("first-end")); });
      lanes.run("m1", () -> { order.add("second"); return Future.failedFuture("boom"); });
      Future<Void> third = lanes.run("m1", () -> { order.add("third"); return Future.succeededFuture(); });
      // And another key that is not held up
      lanes.run("m2", () -> { order.add("other"); return Future.succeededFuture(); });

      // When the slow task ends
      vertx.setTimer(20, id -> slow.complete());

      // Then the key's tasks ran one at a time, in order, past the failure
      third.onComplete(ctx.succeeding(x -> ctx.verify(() -> {
        assertThat(order).containsExactly("first-start", "other", "first-end", "second", "third");
        ctx.completeNow();
      })));
    });
  }

  @Test
  void queuedWorkRunsOnTheContextItWasSubmittedFromNotOnItsPredecessors(Vertx vertx, VertxTestContext ctx) {
    // Given two records handled on contexts of their own (each carries its record's trace and log context)
    ContextInternal base = (ContextInternal) vertx.getOrCreateContext();
    ContextInternal first = base.duplicate();
    ContextInternal second = base.duplicate();
    Lanes lanes = new Lanes();
    Promise<Void> slow = Promise.promise();
    AtomicReference<ContextInternal> ranOn = new AtomicReference<>();

    // When the second one's work waits in the lane behind the first one's, which ends on the first's context
    first.runOnContext(v -> lanes.run("m1", slow::future));
    second.runOnContext(v -> lanes.run("m1", () -> {
      ranOn.set(ContextInternal.current());
      return Future.succeededFuture();
    }).onComplete(ctx.succeeding(x -> ctx.verify(() -> {
      // Then it ran on its own record's context
      assertThat(ranOn.get()).isSameAs(second);
      ctx.completeNow();
    }))));
    first.runOnContext(v -> slow.complete());
  }

  @Test
  void aLongQueueOfWorkThatEndsAtOnceRunsToTheEndWithoutDeepeningTheStack(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      // Given a lane held by slow work, with 100,000 tasks queued behind it that each end as soon as they start
      // (the orchestrator's lane in a burst: steps that join an open transaction, or publish nothing)
      Lanes lanes = new Lanes();
      Promise<Void> slow = Promise.promise();
      lanes.run("pool", slow::future);
      int[] ran = {0};
      Future<Void> last = null;
      for (int i = 0; i < 100_000; i++) {
        last = lanes.run("pool", () -> {
          ran[0]++;
          return Future.succeededFuture();
        });
      }
      Future<Void> lastQueued = last;
      assertThat(lanes.waiting("pool")).isEqualTo(100_000);

      // When the slow work ends
      slow.complete();

      // Then every queued task ran, the last one too
      lastQueued.onComplete(ctx.succeeding(x -> ctx.verify(() -> {
        assertThat(ran[0]).isEqualTo(100_000);
        assertThat(lanes.waiting("pool")).isZero();
        ctx.completeNow();
      })));
    });
  }
}
