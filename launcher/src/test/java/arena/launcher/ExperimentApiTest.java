package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.orchestrator.Selection;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * An A/B experiment on the real broker: matches in both arms, their robot stats in the compacted robot-stats topic,
 * and the same stats and report after the orchestrator restarts from it.
 */
class ExperimentApiTest {

  @Test
  void matchesInBothArmsAreReportedStoredAndRestored() {
    try (TestArena arena = TestArena.start(json -> json.getJsonObject("pool").getJsonObject("selection")
        .getJsonObject("experiment").put("enabled", true))) {
      Selection selection = Selection.of(arena.arenaConfig().bind("pool.selection", Selection.Settings.class));
      // Given one-round matches (one human, three robots) until each arm has had at least one
      Map<String, Integer> matchesPerArm = new HashMap<>();
      List<Play> players = new ArrayList<>();
      while (matchesPerArm.size() < 2 && players.size() < 12) {
        String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 1));
        Play ann = new Play(arena.api, matchId, "Ann");
        ann.playRound(1, "Toast, mostly, and a little jam on Sundays.");
        ann.awaitCompleted();
        players.add(ann);
        matchesPerArm.merge(selection.arm(matchId), 1, Integer::sum);
      }
      assertThat(matchesPerArm).containsOnlyKeys("random", "best-disguise");

      // When the orchestrator has taken up every round
      JsonObject report = await(arena, "/api/robots/experiment", r -> matchesPerArm.entrySet().stream().allMatch(e ->
          r.getJsonObject("arms").getJsonObject(e.getKey()).getLong("robotRounds") == 3L * e.getValue()));

      // Then the report shows both arms, each with its human votes and pass rate
      assertThat(report.getBoolean("running")).isTrue();
      for (String arm : List.of("random", "best-disguise")) {
        JsonObject a = report.getJsonObject("arms").getJsonObject(arm);
        assertThat(a.getLong("humanVotes")).as(arm).isEqualTo(3L * matchesPerArm.get(arm));
        assertThat(a.getJsonObject("passRate").getDouble("value")).as(arm).isBetween(0.0, 1.0);
      }
      // And every assignment says which arm chose it, while no player view ever mentioned a strategy
      List<JsonObject> assigned = TopicReader.readAll(arena.arenaConfig(), Topic.ROBOT_ORCHESTRATION_EVENTS).stream()
          .map(r -> new JsonObject(r.value())).filter(e -> e.getString("eventType").equals("round.robots_assigned"))
          .toList();
      assertThat(assigned).hasSize(players.size()).allSatisfy(e -> assertThat(e.getJsonObject("payload")
          .getString("strategy")).isEqualTo(selection.arm(e.getString("matchId"))));
      // (a key, or a strategy's name: prompts may well say "strategy")
      assertThat(players).allSatisfy(p -> assertThat(p.seen).noneMatch(v -> v.encode().contains("\"strategy\"")
          || v.encode().contains("best-disguise")));
      // And robot-stats holds small records per robot, persona and arm
      List<ConsumerRecord<String, String>> stored = TopicReader.readAll(arena.arenaConfig(), Topic.ROBOT_STATS);
      assertThat(stored).extracting(ConsumerRecord::key).contains("arm:random", "arm:best-disguise")
          .anyMatch(k -> k.startsWith("robot:")).anyMatch(k -> k.startsWith("persona:"));
      assertThat(stored).allSatisfy(r -> assertThat(r.value().length()).isLessThan(16_384));
      JsonObject stats = await(arena, "/api/robots/stats", s -> true);

      // When every role stops and starts again on the same topics
      arena.stopNode();
      arena.startNode();

      // Then the stats and the report are back as they were, before any new match
      assertThat(await(arena, "/api/robots/stats", s -> true)).isEqualTo(stats);
      assertThat(await(arena, "/api/robots/experiment", r -> true)).isEqualTo(report);
      // And the launcher command prints both arms
      StringWriter out = new StringWriter();
      int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("experiment", "--admin",
          "http://127.0.0.1:" + arena.config.getJsonObject("admin").getInteger("port"));
      assertThat(code).isZero();
      assertThat(out.toString()).contains("A/B experiment: random vs best-disguise (running, 95% confidence)")
          .containsPattern("(?m)^random +" + 3 * matchesPerArm.get("random") + " ")
          .containsPattern("(?m)^best-disguise +" + 3 * matchesPerArm.get("best-disguise") + " ");
    }
  }

  private static JsonObject await(TestArena arena, String path, Predicate<JsonObject> until) {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    JsonObject last = null;
    while (Instant.now().isBefore(end)) {
      GameApi.Response r = arena.admin.send("GET", path, null, null);
      assertThat(r.status()).isEqualTo(200);
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
    throw new AssertionError(path + " never caught up within 20 s; last: " + last);
  }
}
