package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.Letters;
import arena.match.MatchVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchSettings;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A match handed over between Match Service instances on the real broker, each in a Vert.x of its own (as in two
 * JVMs): every command gets the answer its match's state gives, whoever holds it, and what the new owner reads in
 * another order than the old one wrote it is not lost.
 */
class MatchHandoverTest {
  /**
   * Joins sent at a time, for as long after the second instance started as the group takes to rebalance: its lane
   * folds what waits in it, so a fixed number sent up front is answered before the handover.
   */
  static final int BATCH = 25;
  static final Duration AFTER_JOINING = Duration.ofSeconds(5);
  static final int MAX_BATCHES = 800;

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

      // When a second instance joins the group, so the first gives up its partitions (and takes some back), while
      // her joins keep coming again and again (a redelivered join is accepted again) until well after it started
      Future<String> joining = second.deployVerticle(new MatchVerticle(), new DeploymentOptions().setConfig(json));
      List<String> again = new ArrayList<>();
      long until = Long.MAX_VALUE;
      for (int batch = 0; batch < MAX_BATCHES && System.nanoTime() < until; batch++) {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          String id = "again-" + again.size();
          again.add(id);
          sent.add(gateway.publish(matchId, join, id, null));
        }
        await(Future.all(sent));
        if (joining.isComplete() && until == Long.MAX_VALUE) {
          until = System.nanoTime() + AFTER_JOINING.toNanos();
        }
      }
      await(joining);

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

  @Test
  void aRobotVoteReadBeforeItsRoundsLastAnswerIsTakenOnceThatAnswerStartsVoting() throws Exception {
    JsonObject json = TestArena.fastConfig();
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    Vertx vertx = Vertx.vertx();
    EventPublisher outside = EventPublisher.create(vertx, cfg, "test");
    String matchId = "m-" + UUID.randomUUID();
    try {
      // Given a match of ann and robot r1 whose round 1 waits for ann's answer alone
      await(vertx.deployVerticle(new MatchVerticle(), new DeploymentOptions().setConfig(json)));
      await(outside.publish(matchId, new MatchCommand.Create(matchId, new MatchSettings(2, 1, 1, 60, 30, 0)),
          "create", null));
      await(outside.publish(matchId, new MatchCommand.Join(matchId, "p-ann", "ann", "hash-ann"), "join", null));
      MatchState starting = awaitState(cfg, matchId, s -> s.currentRound().isPresent());
      String r1 = Letters.first(2).stream().filter(l -> !round(starting).letters().containsValue(l)).findFirst()
          .orElseThrow();
      await(outside.publish(matchId, new OrchestrationEvent.RobotsAssigned(matchId, 1,
          List.of(new OrchestrationEvent.AssignedRobot("r1", r1, "t")), matchId + "/round-1"), "assign", null));
      await(outside.publish(matchId, new RobotResponse.ResponseSubmitted(matchId, 1, "r1", r1, "toast", "c1"),
          "answer", null));
      MatchState waiting = awaitState(cfg, matchId, s -> round(s).responses().containsKey("r1"));
      String ann = round(waiting).letters().get("p-ann");

      // When r1's vote is read before ann's answer (as by a new owner that restored the state from before the
      // answer whose step started voting), it waits
      await(outside.publish(matchId, new RobotResponse.VoteSubmitted(matchId, 1, "r1", r1, ann, "c2"), "vote",
          null));
      ForgettingTest.await(() -> Optional.ofNullable(registry.find("arena.records.retried")
          .tag("topic", cfg.topic(Topic.ROBOT_RESPONSES)).counter()).filter(c -> c.count() > 0),
          Duration.ofSeconds(10));
      await(outside.publish(matchId, new MatchCommand.SubmitResponse(matchId, "hash-ann", 1, "bread"), "respond",
          null));

      // Then ann's answer starts voting, and r1's vote is taken
      MatchState voting = awaitState(cfg, matchId, s -> round(s).phase() != MatchState.Phase.RESPONDING);
      assertThat(round(voting).phase()).isEqualTo(MatchState.Phase.VOTING);
      awaitState(cfg, matchId, s -> ann.equals(round(s).votes().get("r1")));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      Metrics.removeRegistry(registry);
    }
  }

  private static MatchState.Round round(MatchState state) {
    return state.currentRound().orElseThrow();
  }

  /** Waits until the match's latest state in match-state passes {@code test}; returns it. */
  private static MatchState awaitState(ArenaConfig cfg, String matchId, Predicate<MatchState> test)
      throws Exception {
    return ForgettingTest.await(() -> TopicReader.readAll(cfg, Topic.MATCH_STATE).stream()
        .filter(r -> matchId.equals(r.key()) && r.value() != null).reduce((a, b) -> b)
        .map(r -> (MatchState) EventCodec.decode(Topic.MATCH_STATE, r.value()).payload()).filter(test),
        Duration.ofSeconds(30));
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
