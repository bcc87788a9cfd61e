package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.gateway.BridgeClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several gateway instances in one JVM share the port, and a client's connections land on them in turn: whichever
 * serves the next request, a player reads what her last one wrote.
 */
class GatewayInstancesTest {
  private static final int INSTANCES = 3;

  private final Browsers browsers = new Browsers();

  @AfterEach
  void close() {
    browsers.close();
  }

  @Test
  void aPlayerReadsHerOwnWritesWhicheverInstanceServesHerNextRequest() throws Exception {
    // Given a JVM with three gateway instances, and a player with three connections (one to each, in turn)
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("instances").put("gateway", INSTANCES))) {
      String base = "http://127.0.0.1:" + arena.config.getJsonObject("http").getInteger("port");
      List<GameApi> connections = IntStream.range(0, INSTANCES).mapToObj(i -> new GameApi(base)).toList();
      for (int i = 0; i < 20; i++) {
        // When a match is made over one connection and she takes a seat over the next
        String matchId = connections.get(i % INSTANCES).createMatch(new JsonObject().put("seats", 4)
            .put("humans", 2).put("rounds", 1));
        String token = connections.get((i + 1) % INSTANCES).join(matchId, "Ann " + i).getString("token");

        // Then at once, over every connection, the match is there with her in it
        for (GameApi connection : connections) {
          GameApi.Response view = connection.view(matchId, token);
          assertThat(view.status()).as("match %d: %s", i, view.body()).isEqualTo(200);
          assertThat(view.json().getInteger("humansJoined")).as("match %d", i).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void everyChangeOfEveryMatchIsPushedOnceInOrderWhicheverInstanceReadsIt() throws Exception {
    // Given a JVM with three gateway instances, six matches (their partitions spread over the instances' shares), an
    // onlooker's browser on each
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("instances").put("gateway", INSTANCES))) {
      int port = arena.config.getJsonObject("http").getInteger("port");
      List<Play> humans = new ArrayList<>();
      List<BridgeClient> onlookers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
        BridgeClient onlooker = browsers.open(port);
        onlooker.register("match." + matchId + ".updates", null);
        onlookers.add(onlooker);
        // When each is played to the end
        humans.add(new Play(arena.api, matchId, "Player " + i));
      }
      for (Play human : humans) {
        human.playRound(1, "An answer from " + human.name);
        human.awaitCompleted();
      }

      // Then each onlooker saw its match's versions once each, in order, up to the end
      for (int i = 0; i < humans.size(); i++) {
        String updates = "match." + humans.get(i).matchId + ".updates";
        BridgeClient onlooker = onlookers.get(i);
        onlooker.await(f -> updates.equals(f.getString("address"))
            && "COMPLETED".equals(f.getJsonObject("body").getString("status")), Duration.ofSeconds(10));
        List<Long> versions = onlooker.frames().stream().filter(f -> updates.equals(f.getString("address")))
            .map(f -> f.getJsonObject("body").getLong("version")).toList();
        assertThat(versions).as("match %d", i).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
      }
    }
  }
}
