package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/** Each role of a JVM sends through its own producer, so a role whose sends are stuck holds up no other role. */
class ProducerPerRoleTest {

  @Test
  void aRoleStuckOnASlowBrokerDoesNotHoldUpAnotherRole() throws Exception {
    // Given a JVM whose producers have a small buffer, and a broker that lets the robots' client write 1 KB/s
    String robotRole = "robot-worker-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestArena.bootstrap()))) {
      ClientQuotaEntity client = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "arena-" + robotRole));
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(client,
          List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1024.0))))).all().get(30, TimeUnit.SECONDS);
    }
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("kafka").getJsonObject("properties").put("buffer.memory", "2000000");
    ArenaConfig config = ArenaConfig.of(json);
    TopicSetup.ensureTopics(config);
    Vertx vertx = Vertx.vertx();
    try {
      // When the robots (ten verticle instances) send more than the buffer holds, so their sends wait for room
      List<Future<RecordMetadata>> robotSends = new ArrayList<>();
      String big = "x".repeat(900_000);
      for (int i = 0; i < 10; i++) {
        robotSends.add(EventPublisher.create(vertx, config, robotRole)
            .sendRaw(KafkaProducerRecord.create(config.topic(Topic.ROBOT_RESPONSES), "robot-" + i, big)));
      }

      // Then the Match Service's record is acknowledged at once (a shared producer would hold it for up to the
      // 10 s max.block.ms), while the robots' records are still waiting
      EventPublisher matches = EventPublisher.create(vertx, config, "match-service");
      matches.sendRaw(KafkaProducerRecord.create(config.topic(Topic.MATCH_EVENTS), "m", "v"))
          .toCompletionStage().toCompletableFuture().get(3, TimeUnit.SECONDS);
      assertThat(robotSends).filteredOn(Future::isComplete).hasSizeLessThan(robotSends.size());
    } finally {
      // Not waited for: the robots' producer gives up on its records only after its delivery timeout.
      vertx.close();
    }
  }
}
