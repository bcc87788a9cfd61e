package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.MatchVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchSettings;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Match Service instances on the real broker, each in a Vert.x of its own (as in two JVMs), handing a match over as
 * the consumer group rebalances: every command gets the answer its match's state gives, whoever holds it.
 */
class MatchHandoverTest {
  /** Enough commands for one match that its lane is still working them off when the group has rebalanced. */
  static final int QUEUED = 3000;

  @Test
  void commandsQueuedForAMatchWhenItsPartitionIsRevokedAreAnsweredByItsOwnerNever404() throws Exception {
    JsonObject json = TestArena.fastConfig();
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    Vertx outside = Vertx.vertx();
    EventPublisher gateway = EventPublisher.create(outside, cfg, "gateway");
    String matchId = "m-" + UUID.randomUUID();
    MatchCommand.Join join = new MatchCommand.Join(matchId, "p-ann", "ann", "hash-ann");
    try {
      // Given one Match Service holding a match that ann joined
      await(first.deployVerticle(new MatchVerticle(), new DeploymentOptions().setConfig(json)));
      await(gateway.publish(matchId, new MatchCommand.Create(matchId, new MatchSettings(4, 2, 1, 60, 30, 0)),
          "create", null));
      await(gateway.publish(matchId, join, "join", null));
      awaitReplies(cfg, matchId, List.of("create", "join"));

      // And thousands of her join again (a redelivered join is accepted again) waiting in the match's lane
      List<String> again = new ArrayList<>();
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < QUEUED; i++) {
        again.add("again-" + i);
        sent.add(gateway.publish(matchId, join, "again-" + i, null));
      }
      await(Future.all(sent));
      awaitReplies(cfg, matchId, List.of("again-0"));

      // When a second instance joins the group, so the first gives up its partitions (and takes some back)
      await(second.deployVerticle(new MatchVerticle(), new DeploymentOptions().setConfig(json)));

      // Then every join is answered, and only ever accepted: no instance answered for a match it did not hold
      Map<String, List<String>> replies = awaitReplies(cfg, matchId, again);
      assertThat(replies.values().stream().flatMap(List::stream).distinct()).containsOnly("command.accepted");
      // (the handover came while the joins were being answered: some, answered but not committed yet, were read
      // again by the new owner)
      assertThat(replies.values()).anyMatch(answers -> answers.size() > 1);
    } finally {
      for (Vertx v : List.of(first, second, outside)) {
        v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until each of {@code correlationIds} has a reply; returns the reply types by correlation id. */
  private static Map<String, List<String>> awaitReplies(ArenaConfig cfg, String matchId, List<String> correlationIds)
      throws Exception {
    return ForgettingTest.await(() -> {
      Map<String, List<String>> replies = TopicReader.readAll(cfg, Topic.MATCH_EVENTS).stream()
          .filter(r -> matchId.equals(r.key()) && TopicReader.header(r, "ce_type").startsWith("command."))
          .collect(Collectors.groupingBy(r -> TopicReader.header(r, "ce_correlationid"),
              Collectors.mapping(MatchHandoverTest::reply, Collectors.toList())));
      return replies.keySet().containsAll(correlationIds) ? Optional.of(replies) : Optional.empty();
    }, Duration.ofSeconds(90));
  }

  /** The reply's type, and a refusal's status and message. */
  private static String reply(ConsumerRecord<String, String> record) {
    JsonObject payload = new JsonObject(record.value()).getJsonObject("payload");
    String type = TopicReader.header(record, "ce_type");
    return type.equals("command.rejected") ? type + " " + payload.getInteger("status") + " "
        + payload.getString("message") : type;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
