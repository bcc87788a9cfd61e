package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.MatchMachine;
import arena.match.MatchVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The Match Service's steps on the real broker: what inputs that come together for one match cost. */
class MatchStepsTest {
  static final int PLAYERS = 10;

  @Test
  void inputsThatComeTogetherForAMatchAreFoldedIntoOneStateAndEachIsAnswered() throws Exception {
    JsonObject json = TestArena.fastConfig();
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    Vertx vertx = Vertx.vertx();
    EventPublisher gateway = EventPublisher.create(vertx, cfg, "gateway");
    String matchId = "m-" + UUID.randomUUID();
    try {
      // Given a Match Service holding a match with room for ten humans
      await(vertx.deployVerticle(new MatchVerticle(), new DeploymentOptions().setConfig(json)));
      await(gateway.publish(matchId, new MatchCommand.Create(matchId,
          new MatchSettings(PLAYERS + 1, PLAYERS, 1, 60, 30, 0)), "create", null));
      awaitStates(cfg, matchId, states -> !states.isEmpty());

      // When ten players join at once
      List<Future<Envelope<MatchCommand.Join>>> joins = new ArrayList<>();
      for (int i = 0; i < PLAYERS; i++) {
        joins.add(gateway.publish(matchId, new MatchCommand.Join(matchId, "p-" + i, "player " + i, "hash-" + i),
            "join-" + i, null));
      }
      await(Future.all(joins));
      List<String> joinIds = joins.stream().map(f -> f.result().eventId()).toList();
      List<Envelope<Event>> states = awaitStates(cfg, matchId,
          s -> !s.isEmpty() && ((MatchState) s.get(s.size() - 1).payload()).players().size() == PLAYERS);

      // Then fewer states are written than players joined: those that waited for the match's lane were folded
      List<Envelope<Event>> afterCreate = states.subList(1, states.size());
      assertThat(afterCreate).hasSizeLessThan(PLAYERS);
      // And a folded state names the joins it folds, in the order they were written, the last as its cause
      Envelope<Event> folded = afterCreate.stream().filter(e -> e.causes() != null).findFirst().orElseThrow();
      assertThat(folded.causes()).hasSizeGreaterThan(1).isSubsetOf(joinIds);
      assertThat(joinIds).containsSubsequence(folded.causes());
      assertThat(folded.causationId()).isEqualTo(folded.causes().get(folded.causes().size() - 1));
      // And every join is accepted once, each with a version of its own no later than the last state's
      List<MatchEvent.CommandAccepted> replies = awaitAccepted(cfg, matchId, PLAYERS + 1);
      long last = ((MatchState) states.get(states.size() - 1).payload()).version();
      assertThat(replies.stream().filter(r -> r.command().equals(MatchMachine.JOIN)).map(MatchEvent.CommandAccepted::stateVersion))
          .hasSize(PLAYERS).doesNotHaveDuplicates().allMatch(v -> v <= last);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** Waits until the match's states on match-state, in order, pass {@code test}; returns their envelopes. */
  private static List<Envelope<Event>> awaitStates(ArenaConfig cfg, String matchId,
      Predicate<List<Envelope<Event>>> test) throws Exception {
    return ForgettingTest.await(() -> Optional.of(TopicReader.readAll(cfg, Topic.MATCH_STATE).stream()
        .filter(r -> matchId.equals(r.key()) && r.value() != null)
        .map(r -> EventCodec.decode(Topic.MATCH_STATE, r.value())).toList()).filter(test), Duration.ofSeconds(30));
  }

  private static List<MatchEvent.CommandAccepted> awaitAccepted(ArenaConfig cfg, String matchId, int count)
      throws Exception {
    return ForgettingTest.await(() -> Optional.of(TopicReader.readAll(cfg, Topic.MATCH_EVENTS).stream()
        .filter(r -> matchId.equals(r.key()) && r.value() != null)
        .map(r -> EventCodec.decode(Topic.MATCH_EVENTS, r.value()).payload())
        .filter(MatchEvent.CommandAccepted.class::isInstance).map(MatchEvent.CommandAccepted.class::cast).toList())
        .filter(replies -> replies.size() >= count), Duration.ofSeconds(30));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
