package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.robot.Persona;
import arena.robot.Personas;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One human against three scripted robots, driven through the HTTP API, over the real embedded broker. */
class FullMatchTest {

  @Test
  void oneHumanPlaysThreeRoundsAgainstThreeRobots() {
    try (TestArena arena = TestArena.start()) {
      // Given a match with four seats, one of them human
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 3));
      Play ann = new Play(arena.api, matchId, "Ann");

      // When Ann answers and votes in every round
      for (int round = 1; round <= 3; round++) {
        ann.playRound(round, "Probably pancakes, round " + round + ", no question.");
      }
      JsonObject end = ann.awaitCompleted();

      // Then the reveal names Ann as the only human and gives each robot that sat in any round its persona
      JsonArray reveal = end.getJsonArray("reveal");
      assertThat(reveal.size()).isBetween(4, 1 + 3 * 3);
      List<JsonObject> humans = reveal.stream().map(o -> (JsonObject) o).filter(o -> o.getBoolean("human")).toList();
      assertThat(humans).singleElement().satisfies(h -> assertThat(h.getString("name")).isEqualTo("Ann"));
      reveal.stream().map(o -> (JsonObject) o).filter(o -> !o.getBoolean("human"))
          .forEach(r -> assertThat(r.getString("persona")).isIn(Personas.load().all().stream().map(Persona::type)
              .toList()));
      assertThat(end.getJsonArray("results")).hasSize(3);

      // And nothing shown before the reveal told who is human or which robot sits behind a letter
      for (String view : ann.viewsBeforeReveal()) {
        assertThat(view).doesNotContain(Play.giveaways());
      }

      // And every event of the flow is on its topic, with the right key and correlation
      JsonArray events = arena.api.events(matchId).array();
      Map<String, List<JsonObject>> byType = events.stream().map(o -> (JsonObject) o)
          .collect(Collectors.groupingBy(e -> e.getString("eventType")));
      assertThat(byType.keySet()).contains("match.created", "round.starting", "round.robots_needed", "round.started",
          "round.voting_started", "round.completed", "match.completed", "round.robots_assigned", "robot.released",
          "generate.response", "generate.vote", "response.submitted", "vote.submitted", "robot.response_complete",
          "player.join", "response.submit", "vote.submit");
      assertThat(byType.get("round.started")).hasSize(3);
      assertThat(byType.get("round.completed")).hasSize(3);
      Map<String, String> topicOf = Map.ofEntries(
          Map.entry("match.created", "match-events"), Map.entry("round.robots_needed", "match-events"),
          Map.entry("round.robots_assigned", "robot-orchestration-events"),
          Map.entry("robot.released", "robot-orchestration-events"),
          Map.entry("generate.response", "robot-commands"), Map.entry("generate.vote", "robot-commands"),
          Map.entry("response.submitted", "robot-responses"), Map.entry("vote.submitted", "robot-responses"),
          Map.entry("robot.response_complete", "robot-responses"), Map.entry("response.submit", "match-commands"));
      topicOf.forEach((type, topic) -> byType.get(type)
          .forEach(e -> assertThat(e.getString("topic")).as(type).isEqualTo(topic)));
      for (JsonObject e : events.stream().map(o -> (JsonObject) o).toList()) {
        String expectedKey = switch (e.getString("topic")) {
          case "robot-commands" -> e.getJsonObject("payload").getString("robotId");
          case "robot-orchestration-events" -> e.getString("eventType").equals("robot.released")
              ? e.getJsonObject("payload").getString("robotId") : matchId;
          default -> matchId;
        };
        assertThat(e.getString("key")).as(e.getString("eventType") + " key").isEqualTo(expectedKey);
        assertThat(e.getString("occurredAt")).isNotBlank();
        assertThat(e.getString("correlationId")).isNotBlank();
      }
      Set<String> requestIds = byType.get("round.robots_needed").stream()
          .map(e -> e.getJsonObject("payload").getString("correlationId")).collect(Collectors.toSet());
      assertThat(requestIds).hasSize(3);
      byType.get("round.robots_needed").forEach(e ->
          assertThat(e.getString("correlationId")).isEqualTo(e.getJsonObject("payload").getString("correlationId")));
      byType.get("round.robots_assigned").forEach(e -> {
        assertThat(requestIds).contains(e.getJsonObject("payload").getString("correlationId"));
        assertThat(e.getString("correlationId")).isEqualTo(e.getJsonObject("payload").getString("correlationId"));
      });
      Set<String> commandIds = new HashSet<>();
      byType.get("generate.response").forEach(e -> commandIds.add(e.getString("eventId")));
      byType.get("generate.vote").forEach(e -> commandIds.add(e.getString("eventId")));
      byType.get("response.submitted").forEach(e -> assertThat(commandIds).contains(e.getString("causationId")));
      byType.get("vote.submitted").forEach(e -> assertThat(commandIds).contains(e.getString("causationId")));

      // And the pool announced its robots on the orchestration topic
      Set<String> poolEvents = TopicReader.readAll(arena.arenaConfig(), Topic.ROBOT_ORCHESTRATION_EVENTS).stream()
          .map(r -> TopicReader.header(r, "ce_type")).collect(Collectors.toSet());
      assertThat(poolEvents).contains("robot.instantiated", "robot.pool_scaled");

      // And the scores follow the rules, recomputed here from the votes and who sat behind each letter
      assertScoresFollowRules(matchId, ann, byType, end);
    }
  }

  static void assertScoresFollowRules(String matchId, Play human, Map<String, List<JsonObject>> byType,
      JsonObject end) {
    Map<String, Integer> totals = new HashMap<>();
    for (JsonObject completed : byType.get("round.completed")) {
      JsonObject p = completed.getJsonObject("payload");
      int round = p.getInteger("round");
      Map<String, String> seatOf = new HashMap<>(); // letter -> participant
      byType.get("round.robots_assigned").stream().map(e -> e.getJsonObject("payload"))
          .filter(a -> a.getInteger("round") == round)
          .flatMap(a -> a.getJsonArray("robots").stream().map(o -> (JsonObject) o))
          .forEach(r -> seatOf.put(r.getString("identity"), r.getString("id")));
      String humanLetter = human.letters.get(round - 1);
      JsonObject votes = p.getJsonObject("votes");
      Map<String, Integer> received = new HashMap<>();
      votes.forEach(v -> received.merge((String) v.getValue(), 1, Integer::sum));
      int top = received.values().stream().max(Integer::compare).orElse(0);
      Map<String, Integer> expected = new HashMap<>();
      votes.forEach(v -> {
        String voter = v.getKey().equals(humanLetter) ? "human" : seatOf.get(v.getKey());
        if (v.getValue().equals(humanLetter)) {
          expected.merge(voter, 1, Integer::sum);
        }
      });
      received.forEach((letter, n) -> {
        if (!letter.equals(humanLetter)) {
          expected.merge(seatOf.get(letter), n, Integer::sum);
        }
      });
      if (top == 0 || received.getOrDefault(humanLetter, 0) < top) {
        expected.merge("human", 2, Integer::sum);
      }
      JsonObject points = p.getJsonObject("points");
      Map<String, Integer> actual = new HashMap<>();
      points.forEach(e -> {
        int n = ((Number) e.getValue()).intValue();
        if (n != 0) {
          actual.put(seatOf.containsValue(e.getKey()) ? e.getKey() : "human", n);
        }
      });
      expected.values().removeIf(n -> n == 0);
      assertThat(actual).as("points of round " + round).isEqualTo(expected);
      actual.forEach((who, n) -> totals.merge(who, n, Integer::sum));
    }
    int humanTotal = totals.getOrDefault("human", 0);
    assertThat(end.getInteger("yourScore")).isEqualTo(humanTotal);
  }
}
