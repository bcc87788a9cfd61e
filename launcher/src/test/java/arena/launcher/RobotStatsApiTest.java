package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The robots' performance on the admin listener after a whole match on the real embedded broker. */
class RobotStatsApiTest {

  @Test
  void afterAMatchTheStatsAgreeWithItsRoundsAnswersAndVotes() {
    try (TestArena arena = TestArena.start()) {
      // Given a whole match: one human, three robots, three rounds
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 3));
      Play ann = new Play(arena.api, matchId, "Ann");
      for (int round = 1; round <= 3; round++) {
        ann.playRound(round, "Probably pancakes, round " + round + ", no question.");
      }
      ann.awaitCompleted();

      // And what the stats should say, recomputed from the match's events
      Map<String, List<JsonObject>> byType = arena.api.events(matchId).array().stream().map(o -> (JsonObject) o)
          .collect(Collectors.groupingBy(e -> e.getString("eventType")));
      Map<String, Long> rounds = new HashMap<>();
      Map<String, Long> humanVotes = new HashMap<>();
      Map<String, Long> passed = new HashMap<>();
      for (JsonObject completed : byType.get("round.completed")) {
        JsonObject p = completed.getJsonObject("payload");
        Map<String, String> robotAt = new HashMap<>(); // letter -> robot
        byType.get("round.robots_assigned").stream().map(e -> e.getJsonObject("payload"))
            .filter(a -> a.getInteger("round").equals(p.getInteger("round")))
            .flatMap(a -> a.getJsonArray("robots").stream().map(o -> (JsonObject) o))
            .forEach(r -> robotAt.put(r.getString("identity"), r.getString("id")));
        List<String> humanChoices = p.getJsonObject("votes").stream().filter(v -> !robotAt.containsKey(v.getKey()))
            .map(v -> (String) v.getValue()).toList();
        robotAt.forEach((letter, robot) -> {
          rounds.merge(robot, 1L, Long::sum);
          humanVotes.merge(robot, (long) humanChoices.size(), Long::sum);
          passed.merge(robot, humanChoices.stream().filter(letter::equals).count(), Long::sum);
        });
      }
      Map<String, Long> answers = new HashMap<>();
      Set<String> reports = new HashSet<>();
      byType.get("robot.response_complete").stream().map(e -> e.getJsonObject("payload"))
          .filter(w -> reports.add(w.getString("commandId") + "/" + w.getString("kind")))
          .filter(w -> w.getString("kind").equals("response"))
          .forEach(w -> answers.merge(w.getString("robotId"), 1L, Long::sum));
      long expectedRounds = rounds.values().stream().mapToLong(Long::longValue).sum();
      assertThat(expectedRounds).isEqualTo(9);

      // When an operator reads the stats, once the orchestrator has taken up the last round
      JsonObject stats = awaitStats(arena, s -> total(s.getJsonObject("robots"), "rounds") == expectedRounds
          && total(s.getJsonObject("robots"), "answers") == reports.stream().filter(r -> r.endsWith("/response"))
          .count());

      // Then each robot's rounds, answers and pass rate follow the match's votes
      JsonObject robots = stats.getJsonObject("robots");
      assertThat(robots.fieldNames()).containsExactlyInAnyOrderElementsOf(rounds.keySet());
      rounds.forEach((robot, n) -> {
        JsonObject r = robots.getJsonObject(robot);
        assertThat(r.getLong("rounds")).as(robot).isEqualTo(n);
        assertThat(r.getLong("answers")).as(robot).isEqualTo(answers.getOrDefault(robot, 0L));
        assertThat(r.getLong("humanVotes")).as(robot).isEqualTo(humanVotes.get(robot));
        assertThat(r.getLong("passedAsHuman")).as(robot).isEqualTo(passed.get(robot));
        if (humanVotes.get(robot) > 0) {
          assertThat(r.getDouble("passRate")).as(robot)
              .isEqualTo((double) passed.get(robot) / humanVotes.get(robot));
        }
        assertThat(r.getJsonObject("latencyMs").getDouble("mean")).isGreaterThanOrEqualTo(0);
      });

      // And each persona sums its robots
      JsonObject personas = stats.getJsonObject("personas");
      for (String type : personas.fieldNames()) {
        JsonObject p = personas.getJsonObject(type);
        List<JsonObject> ofType = robots.stream().map(e -> (JsonObject) e.getValue())
            .filter(r -> r.getString("type").equals(type)).toList();
        assertThat(p.getLong("rounds")).isEqualTo(ofType.stream().mapToLong(r -> r.getLong("rounds")).sum());
        assertThat(p.getLong("humanVotes")).isEqualTo(ofType.stream().mapToLong(r -> r.getLong("humanVotes")).sum());
        assertThat(p.getLong("passedAsHuman"))
            .isEqualTo(ofType.stream().mapToLong(r -> r.getLong("passedAsHuman")).sum());
      }

      // And the players' port does not serve them
      assertThat(arena.api.send("GET", "/api/robots/stats", null, null).status()).isEqualTo(404);
    }
  }

  private static long total(JsonObject robots, String field) {
    return robots.stream().mapToLong(e -> ((JsonObject) e.getValue()).getLong(field)).sum();
  }

  private static JsonObject awaitStats(TestArena arena, java.util.function.Predicate<JsonObject> until) {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    JsonObject last = null;
    while (Instant.now().isBefore(end)) {
      GameApi.Response r = arena.admin.send("GET", "/api/robots/stats", null, null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("content-type")).startsWith("application/json");
      last = r.json();
      if (until.test(last)) {
        return last;
      }
      try {
        Thread.sleep(50); // the test thread polls; no service code waits like this
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("robot stats never caught up within 20 s; last: " + last);
  }
}
