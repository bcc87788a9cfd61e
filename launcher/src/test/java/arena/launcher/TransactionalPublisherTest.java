package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fence behind orchestrator failover, on the real broker: once a second producer takes the transactional id
 * over, the first one can publish nothing a read_committed reader would see.
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
    try {
      // Given a producer that owns the transactional id and publishes in a transaction
      await(stale.initTransactions());
      await(stale.inTransaction(() -> stale.publish("m-before", needed("m-before"), "c-before", null)));

      // When another producer takes the id over, and the first one tries again
      await(current.initTransactions());
      Throwable failure = stale.inTransaction(() -> stale.publish("m-stale", needed("m-stale"), "c-stale", null))
          .toCompletionStage().toCompletableFuture().handle((ok, t) -> t).get(30, TimeUnit.SECONDS);
      await(current.inTransaction(() -> current.publish("m-after", needed("m-after"), "c-after", null)));

      // Then the first one is told it was fenced, and a read_committed reader sees only the owners' records
      assertThat(failure).isNotNull();
      assertThat(EventPublisher.fenced(failure)).as(String.valueOf(failure)).isTrue();
      List<String> keys = TopicReader.readAll(cfg, Topic.MATCH_EVENTS).stream().map(r -> r.key()).toList();
      assertThat(keys).containsExactlyInAnyOrder("m-before", "m-after"); // keys on different partitions
    } finally {
      stale.close().eventually(current::close).eventually(vertx::close).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStepThatFailsForAnyOtherReasonIsAbortedAndTheNextOneGoesThrough() throws Exception {
    Vertx vertx = Vertx.vertx();
    ArenaConfig cfg = ArenaConfig.of(TestArena.fastConfig());
    TopicSetup.ensureTopics(cfg);
    EventPublisher publisher = EventPublisher.transactional(vertx, cfg, "orchestrator",
        cfg.string("kafka.topicPrefix") + "abort-test");
    try {
      // Given a step that publishes one record and then fails
      await(publisher.initTransactions());
      Throwable failure = publisher.inTransaction(() -> publisher.publish("m-half", needed("m-half"), "c1", null)
              .compose(v -> Future.failedFuture("the step went wrong after its first record")))
          .toCompletionStage().toCompletableFuture().handle((ok, t) -> t).get(30, TimeUnit.SECONDS);

      // When the next step publishes
      await(publisher.inTransaction(() -> publisher.publish("m-next", needed("m-next"), "c2", null)));

      // Then the failed step's record was aborted: never seen; the publisher was not fenced
      assertThat(EventPublisher.fenced(failure)).isFalse();
      assertThat(TopicReader.readAll(cfg, Topic.MATCH_EVENTS)).extracting(r -> r.key()).containsExactly("m-next");
    } finally {
      publisher.close().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static MatchEvent.RobotsNeeded needed(String matchId) {
    return new MatchEvent.RobotsNeeded(matchId, 1, 1, List.of(), List.of("B"), "c-" + matchId);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
