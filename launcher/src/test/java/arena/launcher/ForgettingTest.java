package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.StateReader;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A match that is over leaves the Match Service match.retainMinutes later: its state is tombstoned in match-state,
 * a rebuild no longer reads it, and commands for it are refused. Takes a little over a minute (the shortest
 * retention).
 */
class ForgettingTest {

  @Test
  void anExpiredMatchIsTombstonedAMinuteLaterAndCommandsForItAreRefused() throws Exception {
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("match").put("retainMinutes", 1)
        .put("lobbyTimeoutSeconds", 1))) {
      ArenaConfig config = arena.arenaConfig();
      // Given a match nobody joins: it expires after a second
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 2));
      MatchState expired = await(() -> latest(config, matchId).filter(r -> r.value() != null)
          .map(r -> (MatchState) EventCodec.decode(Topic.MATCH_STATE, r.value()).payload())
          .filter(s -> s.status() == MatchState.Status.EXPIRED), Duration.ofSeconds(30));

      // When a minute has passed, then its state is deleted from match-state by a tombstone
      await(() -> latest(config, matchId).filter(r -> r.value() == null), Duration.ofSeconds(90));
      assertThat(StateReader.read(config, Topic.MATCH_STATE, MatchState.class, null).byKey())
          .doesNotContainKey(matchId);

      // And a join is refused with 404, and its create delivered again two minutes late with 410
      String join = command(config, matchId, "player.join",
          new MatchCommand.Join(matchId, "p1", "Ann", "hash"), Instant.now());
      String create = command(config, matchId, "match.create", new MatchCommand.Create(matchId, expired.settings()),
          Instant.now().minusSeconds(120));
      assertThat(await(() -> rejection(config, join), Duration.ofSeconds(30)).status()).isEqualTo(404);
      assertThat(await(() -> rejection(config, create), Duration.ofSeconds(30)).status()).isEqualTo(410);
    }
  }

  /** The last record of {@code matchId} in match-state. */
  static Optional<ConsumerRecord<String, String>> latest(ArenaConfig config, String matchId) {
    List<ConsumerRecord<String, String>> all = TopicReader.readAll(config, Topic.MATCH_STATE).stream()
        .filter(r -> matchId.equals(r.key())).toList();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Sends a command as the gateway would, issued at {@code issuedAt}; returns its correlation id. */
  static String command(ArenaConfig config, String matchId, String type, MatchCommand command, Instant issuedAt) {
    String correlationId = UUID.randomUUID().toString();
    Envelope<MatchCommand> envelope = new Envelope<>(UUID.randomUUID().toString(), type, issuedAt, "test",
        correlationId, null, matchId, matchId, Envelope.SCHEMA_VERSION, command);
    TopicReader.produce(config, Topic.MATCH_COMMANDS, matchId, Json.write(envelope));
    return correlationId;
  }

  static Optional<MatchEvent.CommandRejected> rejection(ArenaConfig config, String correlationId) {
    return TopicReader.readAll(config, Topic.MATCH_EVENTS).stream()
        .map(r -> EventCodec.decode(Topic.MATCH_EVENTS, r.value()))
        .filter(e -> correlationId.equals(e.correlationId()))
        .map(Envelope::payload).filter(MatchEvent.CommandRejected.class::isInstance)
        .map(MatchEvent.CommandRejected.class::cast).findFirst();
  }

  /** Polls every half second until {@code probe} finds something, within {@code timeout}. */
  static <T> T await(Supplier<Optional<T>> probe, Duration timeout) throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      Optional<T> found = probe.get();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(500); // the test thread polls; no service code waits like this
    }
    throw new AssertionError("nothing found within " + timeout);
  }
}
