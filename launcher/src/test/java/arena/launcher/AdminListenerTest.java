package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin listener in every JVM whatever its roles (liveness, readiness, Prometheus), and the seed's metrics under
 * their Prometheus names once a match was played.
 */
class AdminListenerTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+).*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample line of a scrape. */
  record Sample(String name, Map<String, String> labels, double value) {}

  @Test
  void everyRoleLayoutAnswersHealthReadyAndMetrics() {
    for (List<String> roles : List.of(List.of("match"), List.of("robot"), List.of("orchestrator"),
        List.of("gateway"))) {
      // Given a JVM that runs only these roles
      try (TestArena arena = TestArena.start(c -> c.put("roles", TestArena.roles(roles.toArray(String[]::new))))) {
        // When an operator asks its admin listener, then it is alive, becomes ready, and serves its metrics
        GameApi.Response health = arena.admin.send("GET", "/health", null, null);
        assertThat(health.status()).as(roles + " /health").isEqualTo(200);
        assertThat(awaitReady(arena).status()).as(roles + " /ready").isEqualTo(200);
        GameApi.Response metrics = arena.admin.send("GET", "/metrics", null, null);
        assertThat(metrics.status()).as(roles + " /metrics").isEqualTo(200);
        assertThat(metrics.header("content-type")).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).as(roles + " consumer lag").contains("arena_kafka_consumer_lag");
      }
    }
  }

  @Test
  void afterAPlayedMatchEverySeedMetricIsThereWithItsLabels_andNoneNamesAMatchOrARobot() {
    try (TestArena arena = TestArena.start()) {
      // Given a match played to its end by Ann and two robots (the test JVM's registry may hold earlier tests' counts)
      List<Sample> before = parse(arena.admin.send("GET", "/metrics", null, null).body());
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.playRound(1, "Pancakes, always pancakes.");
      ann.awaitCompleted();

      // When an operator scrapes the metrics (the completed match is counted once its state is written)
      List<Sample> samples = awaitSamples(arena, s -> grew(before, s, "arena_matches_completed_total",
          Map.of("outcome", "completed")) >= 1);
      String body = arena.admin.send("GET", "/metrics", null, null).body();

      // Then every seed metric is there, with its labels
      assertThat(body).contains("# TYPE arena_matches_active gauge");
      assertHas(samples, "arena_matches_active", Map.of());
      assertHas(samples, "arena_matches_completed_total", Map.of("outcome", "completed"));
      for (String phase : List.of("starting", "responding", "voting")) {
        assertHas(samples, "arena_round_duration_seconds_bucket", Map.of("phase", phase));
        assertHas(samples, "arena_round_duration_seconds_count", Map.of("phase", phase));
      }
      assertHas(samples, "arena_round_duration_seconds_bucket", Map.of("phase", "voting", "le", "+Inf"));
      assertThat(body).contains("# TYPE arena_round_duration_seconds histogram");
      assertHas(samples, "arena_pool_robots", Map.of("type", "curious-student", "status", "idle"));
      assertHas(samples, "arena_pool_robots", Map.of("type", "creative-artist", "status", "busy"));
      assertHas(samples, "arena_pool_utilization", Map.of());
      assertHas(samples, "arena_assignment_latency_seconds_count", Map.of("served", "at_once"));
      assertHas(samples, "arena_assignment_latency_seconds_bucket", Map.of());
      assertHas(samples, "arena_pool_scaled_total", Map.of("reason", "initial"));
      assertHas(samples, "arena_robot_response_seconds_count", Map.of("provider", "scripted"));
      assertHas(samples, "arena_robot_errors_total", Map.of("provider", "scripted", "reason", "error"));
      assertHas(samples, "arena_llm_cost_usd_total", Map.of("provider", "scripted"));
      assertHas(samples, "arena_action_visible_seconds_count", Map.of());
      assertHas(samples, "arena_kafka_consumer_lag", Map.of("group", "match-service", "topic", "match-commands"));
      assertThat(samples).anyMatch(s -> s.name().equals("arena_kafka_consumer_lag")
          && s.labels().containsKey("partition"));
      assertHas(samples, "arena_records_dead_lettered_total", Map.of("consumer", "match-service"));
      // And the counts are right: one match completed, its one round's phases each timed once, Ann's two actions
      assertThat(grew(before, samples, "arena_matches_completed_total", Map.of("outcome", "completed")))
          .isEqualTo(1.0);
      assertThat(grew(before, samples, "arena_round_duration_seconds_count", Map.of("phase", "voting")))
          .isEqualTo(1.0);
      assertThat(grew(before, samples, "arena_assignment_latency_seconds_count", Map.of())).isEqualTo(1.0);
      assertThat(grew(before, samples, "arena_action_visible_seconds_count", Map.of())).isEqualTo(2.0);

      // And no label names a match or a robot, nor holds the match's id
      assertThat(samples).allSatisfy(s -> assertThat(s.labels().keySet())
          .doesNotContain("robot", "robotId", "robot_id", "match", "matchId", "match_id", "player", "identity"));
      assertThat(body).doesNotContain(matchId);
    }
  }

  /** /ready, asked until it says UP or 60 s passed. */
  private static GameApi.Response awaitReady(TestArena arena) {
    Instant end = Instant.now().plus(Duration.ofSeconds(60));
    GameApi.Response ready = arena.admin.send("GET", "/ready", null, null);
    while (ready.status() != 200 && Instant.now().isBefore(end)) {
      pause();
      ready = arena.admin.send("GET", "/ready", null, null);
    }
    return ready;
  }

  private static List<Sample> awaitSamples(TestArena arena, java.util.function.Predicate<List<Sample>> until) {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    List<Sample> samples = parse(arena.admin.send("GET", "/metrics", null, null).body());
    while (!until.test(samples) && Instant.now().isBefore(end)) {
      pause();
      samples = parse(arena.admin.send("GET", "/metrics", null, null).body());
    }
    return samples;
  }

  /** Between two polls, so the poll does not take a core the game needs. */
  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<Sample> parse(String scrape) {
    return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> {
      Matcher m = SAMPLE.matcher(l);
      assertThat(m.matches()).as(l).isTrue();
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      return new Sample(m.group(1), labels, number(m.group(3)));
    }).toList();
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static void assertHas(List<Sample> samples, String name, Map<String, String> labels) {
    assertThat(samples).as(name + labels).anyMatch(s -> s.name().equals(name)
        && s.labels().entrySet().containsAll(labels.entrySet()));
  }

  private static double grew(List<Sample> before, List<Sample> after, String name, Map<String, String> labels) {
    return value(after, name, labels) - value(before, name, labels);
  }

  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }
}
