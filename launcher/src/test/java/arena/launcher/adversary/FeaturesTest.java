package arena.launcher.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the feature extraction pins on a letter, from synthetic views of one round of letters A (human), B, C. */
class FeaturesTest {
  private static final long MS = 1_000_000;

  private static JsonObject view(int version, String phase, JsonArray answered) {
    return new JsonObject().put("matchId", "m").put("version", version).put("status", "RUNNING").put("round", 1)
        .put("phase", phase).put("secondsLeft", 9 - version).put("participants", new JsonArray(List.of("A", "B", "C")))
        .put("answered", answered).put("results", new JsonArray());
  }

  private static JsonObject completed() {
    return new JsonObject().put("status", "COMPLETED").put("version", 20).put("reveal", new JsonArray()
        .add(new JsonObject().put("name", "Ann").put("human", true).put("letters", new JsonArray().add("A")))
        .add(new JsonObject().put("name", "robot 1").put("human", false).put("letters", new JsonArray().add("B")))
        .add(new JsonObject().put("name", "robot 2").put("human", false).put("letters", new JsonArray().add("C"))));
  }

  /** Ann's view of a round where B (a robot) answers with an invisible version bump first, then A; C never does. */
  private static List<Observation> leakyRound(Function<JsonArray, Object> progress) {
    List<Observation> seen = new ArrayList<>();
    JsonArray none = new JsonArray();
    JsonArray b = new JsonArray().add("B");
    JsonArray ab = new JsonArray().add("A").add("B");
    seen.add(new Observation(Observation.UPDATES, 0, with(view(5, "RESPONDING", none), progress)));
    seen.add(new Observation(Observation.POLL, 50 * MS, with(view(5, "RESPONDING", none), progress)));
    seen.add(new Observation(Observation.UPDATES, 100 * MS, with(view(6, "RESPONDING", none), progress)));
    seen.add(new Observation(Observation.UPDATES, 110 * MS, with(view(7, "RESPONDING", b), progress)));
    seen.add(new Observation(Observation.POLL, 120 * MS, with(view(7, "RESPONDING", b), progress)));
    seen.add(new Observation(Observation.POLL, 170 * MS, with(view(7, "RESPONDING", b), progress)));
    seen.add(new Observation(Observation.UPDATES, 2000 * MS, with(view(8, "RESPONDING", ab), progress)));
    seen.add(new Observation(Observation.PLAYER, 2001 * MS, with(view(8, "RESPONDING", ab), progress)
        .put("you", "A").put("yourResponse", "Toast.").put("yourScore", 0)));
    seen.add(new Observation(Observation.UPDATES, 2100 * MS, with(view(9, "VOTING", ab), progress)
        .put("responses", new JsonObject().put("A", "Toast.").put("B", "Tea."))
        .put("results", new JsonArray().add(new JsonObject().put("round", 1)
            .put("votesReceived", new JsonObject().put("A", 2).put("B", 0).put("C", 0))))));
    seen.add(new Observation(Observation.UPDATES, 3000 * MS, completed()));
    seen.add(new Observation(Observation.UPDATES, 3100 * MS, with(view(21, "VOTING",
        new JsonArray().add("A").add("B").add("C")), progress)));
    return seen;
  }

  private static JsonObject with(JsonObject view, Function<JsonArray, Object> progress) {
    JsonArray answered = view.getJsonArray("answered");
    view.remove("answered");
    return view.put("answered", progress.apply(answered));
  }

  private static Map<String, Row> byLetter(List<Row> rows) {
    return rows.stream().collect(Collectors.toMap(Row::letter, r -> r));
  }

  @Test
  void aLetterListedAsItAnswersIsTimedAndItsInvisibleVersionBumpCounted() {
    // Given a round whose views name the letters that answered, as they come in
    List<Observation> seen = leakyRound(a -> a);

    // When the features are extracted
    Map<String, Row> rows = byLetter(Features.extract("m", seen, completed()));

    // Then every letter is a row, labelled from the reveal
    assertThat(rows).containsOnlyKeys("A", "B", "C");
    assertThat(rows.get("A").human()).isTrue();
    assertThat(rows.get("B").human()).isFalse();

    // And B, the robot, showed 110 ms in, first of all, just after a push that changed nothing but the version
    Map<String, Double> b = rows.get("B").features();
    assertThat(b.get("answered.ms")).isCloseTo(110, within(0.01));
    assertThat(b.get("answered.rank")).isZero();
    assertThat(b.get("answered.updates.quietBefore")).isEqualTo(1);
    assertThat(b.get("answered.updates.versionStep")).isEqualTo(1);
    assertThat(b.get("answered.poll.versionStep")).isEqualTo(2);
    assertThat(b.get("answered.updates.sincePhaseStart")).isEqualTo(2);
    assertThat(b.get("answered.msToPhaseEnd")).isCloseTo(1990, within(0.01));
    assertThat(rows.get("B").features().get("responses.position")).isEqualTo(1);

    // And A, the human, showed second, 2 s in, with nothing invisible before it
    Map<String, Double> a = rows.get("A").features();
    assertThat(a.get("answered.ms")).isCloseTo(2000, within(0.01));
    assertThat(a.get("answered.rank")).isEqualTo(1);
    assertThat(a.get("answered.updates.quietBefore")).isZero();
    assertThat(a.get("answered.player.ms")).isCloseTo(2001, within(0.01));
    assertThat(a.get("responses.seen")).isEqualTo(1);
    assertThat(a.get("answered.position")).isZero();
    assertThat(rows.get("C").features().get("letter")).isEqualTo(2);

    // And C never answered: seen is 0 and nothing else is measured (what showed after the reveal does not count)
    Map<String, Double> c = rows.get("C").features();
    assertThat(c.get("answered.seen")).isZero();
    assertThat(c.get("responses.seen")).isZero();
    assertThat(c).doesNotContainKey("answered.ms");

    // And nothing came from the votes received, the player's own fields or the list of every letter
    assertThat(b.keySet()).noneMatch(k -> k.contains("votesReceived") || k.startsWith("you")
        || k.startsWith("participants"));
  }

  @Test
  void countsInsteadOfLettersPinNothingOnAnyLetter() {
    // Given the same round, its views only counting who answered
    List<Observation> seen = leakyRound(JsonArray::size);

    // When the features are extracted
    List<Row> rows = Features.extract("m", seen, completed());

    // Then nothing is measured per letter but the letter and whether its answer was shown at voting
    assertThat(rows).hasSize(3);
    assertThat(rows).allSatisfy(r -> assertThat(r.features().keySet())
        .allMatch(k -> k.startsWith("responses.") || k.equals("letter")));
  }

  @Test
  void aDatasetFillsWhatARowLacksWithTheMissingValue() {
    Dataset data = Dataset.of(Features.extract("m", leakyRound(a -> a), completed()));
    int ms = data.names().indexOf("answered.ms");
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.humans()).isEqualTo(1);
    double[] missing = java.util.stream.IntStream.range(0, 3).mapToDouble(i -> data.x()[i][ms]).toArray();
    assertThat(missing).contains(Features.MISSING);
  }
}
