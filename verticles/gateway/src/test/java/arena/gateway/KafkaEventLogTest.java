package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which partitions hold a match, and the limits on reading them; reading itself is tested on a broker (launcher). */
class KafkaEventLogTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aMatchIsReadOnlyWhereItsKeysGo() {
    // Given topics of 6 partitions, and a completed match with two robots
    Map<Topic, String> names = new EnumMap<>(Topic.class);
    Map<Topic, Integer> counts = new EnumMap<>(Topic.class);
    KafkaEventLog.TOPICS.forEach(t -> {
      names.put(t, t.baseName());
      counts.put(t, 6);
    });

    // When the reading is planned
    KafkaEventLog.Plan plan = KafkaEventLog.plan(Matches.completed(), names, counts);

    // Then the match's own topics are read in the match's partition only, under its id
    int match = KafkaEventLog.partitionOf(Matches.MATCH, 6);
    int curious = KafkaEventLog.partitionOf(Matches.CURIOUS.robotId(), 6);
    int artist = KafkaEventLog.partitionOf(Matches.ARTIST.robotId(), 6);
    for (Topic t : Set.of(Topic.MATCH_COMMANDS, Topic.MATCH_EVENTS, Topic.ROBOT_RESPONSES)) {
      assertThat(partitions(plan, t)).containsExactly(match);
      assertThat(plan.keys().get(t)).containsExactly(Matches.MATCH);
    }
    // And the robot commands in its robots' partitions, under their ids; orchestration events under both
    assertThat(partitions(plan, Topic.ROBOT_COMMANDS)).isEqualTo(Stream.of(curious, artist).collect(
        Collectors.toSet()));
    assertThat(plan.keys().get(Topic.ROBOT_COMMANDS)).containsExactlyInAnyOrder(Matches.CURIOUS.robotId(),
        Matches.ARTIST.robotId());
    assertThat(partitions(plan, Topic.ROBOT_ORCHESTRATION_EVENTS)).isEqualTo(Stream.of(match, curious, artist)
        .collect(Collectors.toSet()));
    assertThat(plan.keys().get(Topic.ROBOT_ORCHESTRATION_EVENTS)).containsExactlyInAnyOrder(Matches.MATCH,
        Matches.CURIOUS.robotId(), Matches.ARTIST.robotId());
  }

  @Test
  void oneReadTooManyIsRefusedAtOnceWithRetryAfter_andAReadThatTakesTooLongGivesUp() throws Exception {
    // Given one read at a time, and a broker that never answers
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("kafka").put("bootstrapServers", "127.0.0.1:1");
    json.getJsonObject("gateway").getJsonObject("events").put("maxReads", 1).put("timeoutMs", 1500)
        .put("retryAfterSeconds", 3);
    KafkaEventLog events = new KafkaEventLog(vertx, ArenaConfig.of(json));

    // When two players ask for a finished match's events at once
    long started = System.nanoTime();
    Future<EventLog.Trail> first = events.of(Matches.completed());
    Future<EventLog.Trail> second = events.of(Matches.completed());

    // Then the second is refused at once: 503, try again in 3 s
    assertThat(second.failed()).isTrue();
    ApiError busy = (ApiError) second.cause();
    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.retryAfterSeconds()).isEqualTo(3);
    assertThat(busy.getMessage()).contains("too many", "try again in 3 s");

    // And the first gives up after its time limit with a 503, and frees its place
    Throwable slow = first.toCompletionStage().toCompletableFuture().handle((t, e) -> e).get(20, TimeUnit.SECONDS);
    assertThat(slow).isInstanceOf(ApiError.class);
    assertThat(((ApiError) slow).status()).isEqualTo(503);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(1500);
    Future<EventLog.Trail> third = events.of(Matches.completed());
    assertThat(third.failed()).isFalse();
    third.toCompletionStage().toCompletableFuture().handle((t, e) -> e).get(20, TimeUnit.SECONDS);
  }

  private static Set<Integer> partitions(KafkaEventLog.Plan plan, Topic topic) {
    return plan.partitions().entrySet().stream().filter(e -> e.getValue() == topic).map(Map.Entry::getKey)
        .map(TopicPartition::partition).collect(Collectors.toSet());
  }
}
