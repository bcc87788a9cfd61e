package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.GroupCommit;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fence behind orchestrator failover, on the real broker: once a second producer takes the transactional id
 * over, the first one can publish nothing a read_committed reader would see; and the group commit that puts many
 * of the orchestrator's steps in one transaction loses them all together, or none.
 */
class TransactionalPublisherTest {

  @Test
  void aProducerWhoseTransactionalIdWasTakenOverIsFencedAndItsRecordsAreNeverSeen() throws Exception {
    Vertx vertx = Vertx.vertx();
    ArenaConfig cfg = ArenaConfig.of(TestArena.fastConfig());
    TopicSetup.ensureTopics(cfg);
    String id = cfg.string("kafka.topicPrefix") + "fence-test";
    EventPublisher stale = EventPublisher.transactional(vertx, cfg, "stale", id);
    EventPublisher current = EventPublisher.transactional(vertx, cfg, "current", id);
    List<Throwable> lost = new ArrayList<>();
    try {
      // Given a producer that owns the transactional id and publishes in a transaction
      await(stale.initTransactions());
      GroupCommit staleSteps = new GroupCommit(stale, 10, lost::add);
      await(step(staleSteps, stale, "m-before"));

      // When another producer takes the id over, and the first one tries again
      await(current.initTransactions());
      Throwable failure = step(staleSteps, stale, "m-stale").toCompletionStage().toCompletableFuture()
          .handle((ok, t) -> t).get(30, TimeUnit.SECONDS);
      await(step(new GroupCommit(current, 10, lost::add), current, "m-after"));

      // Then the first one is told it was fenced, and a read_committed reader sees only the owners' records
      assertThat(failure).isNotNull();
      assertThat(EventPublisher.fenced(failure)).as(String.valueOf(failure)).isTrue();
      assertThat(lost).containsExactly(failure);
      List<String> keys = TopicReader.readAll(cfg, Topic.MATCH_EVENTS).stream().map(r -> r.key()).toList();
      assertThat(keys).containsExactlyInAnyOrder("m-before", "m-after"); // keys on different partitions
    } finally {
      stale.close().eventually(current::close).eventually(vertx::close).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void stepsJoinOneTransactionThatIsAbortedWholeWhenOneOfItsSendsFailsAndTheNextOneGoesThrough() throws Exception {
    Vertx vertx = Vertx.vertx();
    ArenaConfig cfg = ArenaConfig.of(TestArena.fastConfig());
    TopicSetup.ensureTopics(cfg);
    EventPublisher publisher = EventPublisher.transactional(vertx, cfg, "orchestrator",
        cfg.string("kafka.topicPrefix") + "abort-test");
    List<Throwable> lost = new ArrayList<>();
    List<String> told = new ArrayList<>();
    try {
      // Given two steps in one open transaction, the second with a record the producer refuses (too large)
      await(publisher.initTransactions());
      GroupCommit steps = new GroupCommit(publisher, 10, e -> {
        lost.add(e);
        told.add("writer");
      });
      await(steps.join(() -> List.of(publisher.publish("m-half", needed("m-half"), "c1", null))));
      await(steps.join(() -> List.of(publisher.sendRaw(KafkaProducerRecord.create(cfg.topic(Topic.MATCH_EVENTS),
          "m-huge", "x".repeat(2 * 1024 * 1024))))));
      assertThat(steps.steps()).isEqualTo(2);
      Future<Void> committed = steps.committed();
      committed.onFailure(e -> told.add("step"));

      // When the transaction is committed
      Throwable failure = steps.commit().toCompletionStage().toCompletableFuture().handle((ok, t) -> t)
          .get(30, TimeUnit.SECONDS);

      // Then it fails, the writer learns it before the steps do, and the next transaction goes through
      assertThat(failure).isNotNull();
      assertThat(EventPublisher.fenced(failure)).isFalse();
      assertThat(lost).containsExactly(failure);
      assertThat(told).containsExactly("writer", "step");
      await(step(steps, publisher, "m-next"));

      // And a read_committed reader sees no record of the lost transaction, not even the one that was accepted
      assertThat(TopicReader.readAll(cfg, Topic.MATCH_EVENTS)).extracting(r -> r.key()).containsExactly("m-next");
    } finally {
      publisher.close().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTransactionNeedsRoomForAStep() {
    assertThatThrownBy(() -> new GroupCommit(null, 0, e -> { }))
        .hasMessageContaining("at least one step");
  }

  /** One step publishing a robots request for {@code matchId}, committed alone. */
  private static Future<Void> step(GroupCommit steps, EventPublisher publisher, String matchId) {
    return steps.join(() -> List.of(publisher.publish(matchId, needed(matchId), "c-" + matchId, null)))
        .compose(v -> steps.commit());
  }

  static MatchEvent.RobotsNeeded needed(String matchId) {
    return new MatchEvent.RobotsNeeded(matchId, 1, 1, List.of(), List.of("B"), "c-" + matchId);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
