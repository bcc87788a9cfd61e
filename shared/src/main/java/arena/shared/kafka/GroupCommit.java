package arena.shared.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Many steps in one Kafka transaction, for a single writer that takes steps one at a time (the orchestrator's pool
 * lane). A step joins the open transaction (beginning one if none is open) by sending its records, and may go on
 * at once: the next step builds on it and lands in the same transaction, so Kafka ends up with both or neither.
 * The writer commits when no step waits (or the transaction is {@link #full()}); a step counts as done only when
 * {@link #committed()} completes. One commit per burst instead of one per step is what lets the pool keep up with
 * thousands of matches. If a send, the commit or a begin fails, the transaction is aborted and {@code failed} is
 * told: whatever the writer built on the lost steps is ahead of Kafka and must be read back from it.
 */
public final class GroupCommit {
  private final EventPublisher publisher;
  private final int maxSteps;
  private final Consumer<Throwable> failed;
  /** The open transaction, or null. */
  private Batch open;
  /** The last commit or abort, which a new transaction waits for. */
  private Future<Void> settled = Future.succeededFuture();

  private static final class Batch {
    final Promise<Void> committed = Promise.promise();
    final List<Future<?>> sends = new ArrayList<>();
    Future<Void> begun;
    int steps;
  }

  /**
   * @param publisher a {@link EventPublisher#transactional} one, its transactions initialised
   * @param maxSteps  steps after which the transaction is {@link #full()}
   * @param failed    told once per lost transaction, before any step of it learns that it failed
   */
  public GroupCommit(EventPublisher publisher, int maxSteps, Consumer<Throwable> failed) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("a transaction needs room for at least one step, not " + maxSteps);
    }
    this.publisher = publisher;
    this.maxSteps = maxSteps;
    this.failed = failed;
  }

  /**
   * Sends one step's records into the open transaction: {@code sends} is called once the transaction is open and
   * returns the futures of the sends it made, in order. Completes once they are handed to the producer (not yet
   * acknowledged: the commit waits for them); fails if no transaction could be begun.
   */
  public Future<Void> join(Supplier<List<? extends Future<?>>> sends) {
    if (open == null) {
      Batch batch = new Batch();
      batch.begun = settled.transform(ignored -> publisher.beginTransaction());
      batch.begun.onFailure(e -> lose(batch, e));
      open = batch;
    }
    Batch batch = open;
    batch.steps++;
    return batch.begun.map(v -> {
      batch.sends.addAll(sends.get());
      return null;
    });
  }

  /** Completes when the transaction open now commits (fails if it is lost); at once when none is open. */
  public Future<Void> committed() {
    return open == null ? Future.succeededFuture() : open.committed.future();
  }

  /** Steps in the open transaction. */
  public int steps() {
    return open == null ? 0 : open.steps;
  }

  /** Whether the open transaction holds {@code maxSteps} steps: commit before the next one joins. */
  public boolean full() {
    return steps() >= maxSteps;
  }

  /** Commits the open transaction once its sends are acknowledged; aborts it if one failed. */
  public Future<Void> commit() {
    Batch batch = open;
    if (batch == null) {
      return Future.succeededFuture();
    }
    open = null;
    Future<Void> outcome = batch.begun
        .compose(v -> Future.all(batch.sends))
        .compose(v -> publisher.commitTransaction())
        .recover(e -> EventPublisher.fenced(e) || batch.begun.failed() ? Future.failedFuture(e)
            : publisher.abortTransaction().transform(aborted -> Future.failedFuture(e)));
    settled = outcome.otherwiseEmpty();
    outcome.onSuccess(v -> batch.committed.tryComplete()).onFailure(e -> lose(batch, e));
    return batch.committed.future();
  }

  private void lose(Batch batch, Throwable e) {
    if (open == batch) {
      open = null;
    }
    if (!batch.committed.future().isComplete()) {
      failed.accept(e);
      batch.committed.tryFail(e);
    }
  }
}
