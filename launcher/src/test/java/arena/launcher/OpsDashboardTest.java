package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** {@code /api/ops} of a whole game on the real broker: its active matches and the cluster's latest dead letters. */
class OpsDashboardTest {

  @Test
  void theReportShowsTheActiveMatchInItsPhaseAndTheDeadLettersWithTheirProvenance() throws Exception {
    try (TestArena arena = TestArena.start()) {
      // Given a match waiting for its human, and a record no one can read on match-commands, keyed like the match
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 2));
      TopicReader.produce(arena.arenaConfig(), Topic.MATCH_COMMANDS, matchId, "this is not JSON");

      // When an operator's dashboard polls the admin listener
      JsonObject report = poll(arena.admin, r -> listed(r, matchId) != null && parked(r, matchId) != null);

      // Then the match is counted and listed in its phase, with its seats
      JsonObject matches = report.getJsonObject("matches");
      assertThat(matches.getInteger("active")).isGreaterThanOrEqualTo(1);
      assertThat(matches.getJsonObject("byPhase").getInteger("waiting")).isGreaterThanOrEqualTo(1);
      JsonObject match = listed(report, matchId);
      assertThat(match.getString("phase")).isEqualTo("waiting");
      assertThat(match.getInteger("seats")).isEqualTo(4);
      assertThat(match.getInteger("humans")).isZero();
      // And the parked record names the consumer that parked it, where it was read from and why
      JsonObject letter = parked(report, matchId);
      assertThat(letter.getString("consumer")).isEqualTo("match-service");
      assertThat(letter.getString("partition")).isNotBlank();
      assertThat(letter.getString("offset")).isNotBlank();
      assertThat(letter.getString("reason")).contains("not JSON");
      assertThat(letter.getString("time")).isNotBlank();
      // And the pool and the meters of this all-roles JVM are there too
      assertThat(report.getJsonObject("pool").getJsonObject("byType")).isNotEmpty();
      assertThat(report.getJsonObject("absent").fieldNames()).doesNotContain("pool", "matches", "deadLetters");
    }
  }

  private static JsonObject listed(JsonObject report, String matchId) {
    JsonObject matches = report.getJsonObject("matches");
    return matches == null ? null : matches.getJsonArray("matches").stream().map(JsonObject.class::cast)
        .filter(m -> matchId.equals(m.getString("matchId"))).findFirst().orElse(null);
  }

  private static JsonObject parked(JsonObject report, String matchId) {
    JsonObject dead = report.getJsonObject("deadLetters");
    JsonArray letters = dead == null ? new JsonArray() : dead.getJsonArray("letters");
    return letters.stream().map(JsonObject.class::cast).filter(l -> matchId.equals(l.getString("key")))
        .findFirst().orElse(null);
  }

  /** The first report {@code done} accepts, asked every 200 ms for at most 60 s (dead letters are read every 10 s). */
  private static JsonObject poll(GameApi admin, Predicate<JsonObject> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject report = admin.send("GET", "/api/ops", null, null).json();
    while (!done.test(report)) {
      assertThat(System.nanoTime()).as("the ops report never showed it: " + report).isLessThan(deadline);
      Thread.sleep(200); // the test thread polls; no service code waits like this
      report = admin.send("GET", "/api/ops", null, null).json();
    }
    return report;
  }
}
