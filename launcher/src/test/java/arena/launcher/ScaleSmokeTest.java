package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many matches at once in one JVM: every one completes, with a pool big enough and with one far too small. */
class ScaleSmokeTest {

  @Test
  void hundredConcurrentMatchesWithThreeHundredRobotSeatsAllComplete() throws Exception {
    try (TestArena arena = TestArena.start(c -> {
      c.getJsonObject("pool").put("robots", TestArena.pool(100));
      c.getJsonObject("instances").put("match", 2).put("robot", 2);
    })) {
      assertThat(playConcurrently(arena, 100, 2)).hasSize(100).allMatch("COMPLETED"::equals);
    }
  }

  @Test
  void aPoolSmallerThanTheDemandStillCompletesEveryMatchThroughTheQueue() throws Exception {
    // Six robots that may not grow, twelve matches of three robots each: at most two matches hold robots at a time.
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("pool").put("robots", TestArena.pool(2))
        .getJsonObject("scaling").put("maxTotal", 6))) {
      assertThat(playConcurrently(arena, 12, 2)).hasSize(12).allMatch("COMPLETED"::equals);
    }
  }

  /** Each match has one human who answers and votes as soon as a phase opens; returns every final status. */
  static List<String> playConcurrently(TestArena arena, int matches, int rounds) throws Exception {
    // One thread per human, so every match is under way at once.
    ExecutorService humans = Executors.newFixedThreadPool(matches);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < matches; i++) {
        int n = i;
        results.add(humans.submit(() -> {
          String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1)
              .put("rounds", rounds).put("responseSeconds", 60).put("voteSeconds", 60));
          Play human = new Play(arena.api, matchId, "Player " + n);
          for (int round = 1; round <= rounds; round++) {
            human.playRound(round, "Answer " + round + " from player " + n);
          }
          return arena.api.awaitView(matchId, human.token, v -> "COMPLETED".equals(v.getString("status")),
              Duration.ofMinutes(3)).getString("status");
        }));
      }
      List<String> statuses = new ArrayList<>();
      for (Future<String> f : results) {
        statuses.add(f.get(5, TimeUnit.MINUTES));
      }
      return statuses;
    } finally {
      humans.shutdownNow();
    }
  }
}
