package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

  @Test
  void eachRoleSendsThroughItsOwnProducerAndItsInstancesShareIt() throws Exception {
    // Given one JVM's configuration (no broker is needed to make producers)
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", "127.0.0.1:1");
    ArenaConfig config = ArenaConfig.of(json);
    Vertx vertx = Vertx.vertx();
    try {
      // When two roles, one of them with two verticle instances, make their publishers
      EventPublisher robots = EventPublisher.create(vertx, config, "robot-worker");
      EventPublisher moreRobots = EventPublisher.create(vertx, config, "robot-worker");
      EventPublisher matches = EventPublisher.create(vertx, config, "match-service");

      // Then the roles have different Kafka producers (buffer, sender thread, connections: a blocked send in one
      // cannot hold up the other), and the instances of one role share theirs
      assertThat(robots.kafkaProducer()).isNotSameAs(matches.kafkaProducer());
      assertThat(robots.kafkaProducer()).isSameAs(moreRobots.kafkaProducer());
      assertThat(robots.kafkaProducer().metrics().keySet())
          .anyMatch(m -> "arena-robot-worker".equals(m.tags().get("client-id")));
      assertThat(matches.kafkaProducer().metrics().keySet())
          .anyMatch(m -> "arena-match-service".equals(m.tags().get("client-id")));
      robots.close().eventually(moreRobots::close).eventually(matches::close)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
