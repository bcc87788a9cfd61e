package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.state.MatchState.Phase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the browsers listening to a match are pushed when the gateway reads its changes. */
@ExtendWith(VertxExtension.class)
class PusherTest {
  private final Clock clock = Clock.fixed(Matches.NOW, ZoneOffset.UTC);

  @Test
  void changesOfAMatchReadTogetherArePushedOnceAsTheLatest(Vertx vertx, VertxTestContext ctx) {
    // Given a browser listening to a match
    List<Long> pushed = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>localConsumer(BridgeRules.updates(Matches.MATCH), m -> {
      pushed.add(m.body().getLong("version"));
      if (m.body().getLong("version") == 14) {
        // Then the changes read together reached it once, as the latest, and a later one on its own
        ctx.verify(() -> assertThat(pushed).containsExactly(13L, 14L));
        ctx.completeNow();
      }
    }).completion().onSuccess(v -> vertx.runOnContext(x -> {
      Pusher pusher = new Pusher(vertx, clock);
      // When the gateway reads three changes of it in one batch (behind, catching up), then one more later
      for (long version = 11; version <= 13; version++) {
        pusher.changed(Matches.withVersion(Matches.running(Phase.RESPONDING), version));
      }
      vertx.setTimer(10, id -> pusher.changed(Matches.withVersion(Matches.running(Phase.VOTING), 14)));
    }));
  }
}
