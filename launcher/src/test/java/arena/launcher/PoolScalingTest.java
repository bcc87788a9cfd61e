package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The pool follows demand on the real broker: many matches at once grow it up to maxTotal and no further, and once
 * they are over it shrinks back to the idle minimum, every step announced on robot-orchestration-events.
 */
class PoolScalingTest {
  private static final int MAX_TOTAL = 8;

  @Test
  void thePoolGrowsToMaxTotalUnderDemandThenShrinksToTheIdleMinimum() throws Exception {
    try (TestArena arena = TestArena.start(c -> {
      JsonObject pool = c.getJsonObject("pool");
      pool.put("robots", new JsonObject().put("curious-student", 1).put("skeptical-scientist", 1));
      pool.put("scaling", new JsonObject().put("minIdlePerType", 1).put("maxTotal", MAX_TOTAL)
          .put("scaleUpBusyRatio", 0.8).put("scaleDownIdleSeconds", 3).put("cooldownSeconds", 1)
          .put("evaluateSeconds", 1));
    })) {
      // Given a pool of two robots, one per type, that may grow to 8

      // When four matches of three robots each are played at once (12 seats for at most 8 robots)
      assertThat(ScaleSmokeTest.playConcurrently(arena, 4, 2)).hasSize(4).allMatch("COMPLETED"::equals);

      // Then, once idle long enough, the pool is back to one robot per type
      List<JsonObject> scaled = ForgettingTest.await(() -> {
        List<JsonObject> events = poolScaled(arena);
        Map<String, Integer> size = sizes(events, events.size());
        return size.equals(Map.of("curious-student", 1, "skeptical-scientist", 1))
            && events.stream().anyMatch(e -> e.getString("reason").equals("scale_down"))
            ? Optional.of(events) : Optional.empty();
      }, Duration.ofSeconds(60));

      // And it grew to maxTotal and never past it
      int largest = 0;
      for (int i = 1; i <= scaled.size(); i++) {
        largest = Math.max(largest, sizes(scaled, i).values().stream().mapToInt(Integer::intValue).sum());
      }
      assertThat(largest).isEqualTo(MAX_TOTAL);
      assertThat(scaled).extracting(e -> e.getString("reason")).contains("initial", "scale_up", "scale_down")
          .allMatch(r -> List.of("initial", "scale_up", "scale_down").contains(r));

      // And each robot added or retired was announced: 2 initial robots, 6 more, 6 retired
      List<ConsumerRecord<String, String>> records =
          TopicReader.readAll(arena.arenaConfig(), Topic.ROBOT_ORCHESTRATION_EVENTS);
      assertThat(records).filteredOn(r -> "robot.instantiated".equals(TopicReader.header(r, "ce_type")))
          .hasSizeGreaterThanOrEqualTo(MAX_TOTAL);
      long retired = records.stream().filter(r -> "robot.released".equals(TopicReader.header(r, "ce_type")))
          .map(r -> new JsonObject(r.value()).getJsonObject("payload"))
          .filter(p -> "scale_down".equals(p.getString("reason"))).count();
      int added = scaled.stream().filter(e -> e.getString("reason").equals("scale_up"))
          .mapToInt(e -> e.getInteger("to") - e.getInteger("from")).sum();
      assertThat(retired).isEqualTo(added);
    }
  }

  /** Every robot.pool_scaled payload, in order (all are keyed "pool", so they share a partition). */
  private static List<JsonObject> poolScaled(TestArena arena) {
    return TopicReader.readAll(arena.arenaConfig(), Topic.ROBOT_ORCHESTRATION_EVENTS).stream()
        .filter(r -> "robot.pool_scaled".equals(TopicReader.header(r, "ce_type")))
        .map(r -> new JsonObject(r.value()).getJsonObject("payload")).toList();
  }

  /** Robots per type after the first {@code n} decisions. */
  private static Map<String, Integer> sizes(List<JsonObject> events, int n) {
    Map<String, Integer> size = new HashMap<>();
    events.subList(0, n).forEach(e -> {
      assertThat(size.getOrDefault(e.getString("type"), 0)).isEqualTo(e.getInteger("from"));
      size.put(e.getString("type"), e.getInteger("to"));
    });
    return size;
  }
}
