package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicSetupTest {

  @Test
  void aClusterOfThreeOrMoreKeepsThreeCopiesWithTwoInSync() {
    assertThat(TopicSetup.Durability.of(0, 1)).isEqualTo(new TopicSetup.Durability((short) 1, 1));
    assertThat(TopicSetup.Durability.of(0, 2)).isEqualTo(new TopicSetup.Durability((short) 2, 1));
    assertThat(TopicSetup.Durability.of(0, 3)).isEqualTo(new TopicSetup.Durability((short) 3, 2));
    assertThat(TopicSetup.Durability.of(0, 5)).isEqualTo(new TopicSetup.Durability((short) 3, 2));
    // An explicit factor wins, and one the cluster cannot hold is refused with what it needs
    assertThat(TopicSetup.Durability.of(1, 3)).isEqualTo(new TopicSetup.Durability((short) 1, 1));
    assertThatThrownBy(() -> TopicSetup.Durability.of(3, 1))
        .hasMessage("kafka.replicationFactor 3 needs at least 3 brokers; the cluster has 1");
  }

  @Test
  void existingTopicsWithFewerCopiesThanNewOnesAreWarnedAboutWithTheFix() {
    // Given a cluster of 3 brokers (new topics: 3 copies, 2 in sync), where match-events keeps 1 copy and
    // match-state keeps 3 with only 1 required in sync, and robot-commands is as new ones would be
    TopicSetup.Durability wanted = TopicSetup.Durability.of(0, 3);
    Map<String, TopicSetup.Durability> found = Map.of(
        "match-events", new TopicSetup.Durability((short) 1, 1),
        "match-state", new TopicSetup.Durability((short) 3, 1),
        "robot-commands", new TopicSetup.Durability((short) 3, 2));

    // When they are checked
    List<String> warnings = TopicSetup.durabilityWarnings("kafka-1:9092", wanted, 3, found);

    // Then each weak topic gets one warning naming the command that fixes it, and the sound one none
    assertThat(warnings).hasSize(3);
    assertThat(warnings).filteredOn(w -> w.startsWith("topic match-events keeps 1 copy")).singleElement()
        .asString().contains("new topics keep 3").contains("kafka-reassign-partitions.sh --bootstrap-server "
            + "kafka-1:9092 --reassignment-json-file");
    assertThat(warnings).filteredOn(w -> w.startsWith("topic match-events has min.insync.replicas=1")).singleElement()
        .asString().contains("kafka-configs.sh --bootstrap-server kafka-1:9092 --alter --entity-type topics "
            + "--entity-name match-events --add-config min.insync.replicas=2");
    assertThat(warnings).filteredOn(w -> w.startsWith("topic match-state has min.insync.replicas=1")).hasSize(1);
    assertThat(warnings).noneMatch(w -> w.contains("robot-commands"));
  }

  @Test
  void onASmallClusterOneCopyIsWhatNewTopicsGetSoNothingIsWarned() {
    TopicSetup.Durability wanted = TopicSetup.Durability.of(0, 1);
    assertThat(TopicSetup.durabilityWarnings("localhost:9092", wanted, 1,
        Map.of("match-events", new TopicSetup.Durability((short) 1, 1)))).isEmpty();
  }

  @Test
  void theDurabilityOfExistingTopicsIsReadFromTheCluster() throws Exception {
    // Given the game's topics on the single embedded broker
    ArenaConfig config = config();
    TopicSetup.ensureTopics(config);

    // When their durability is read back, then it is one copy with one in sync
    try (Admin admin = admin()) {
      Map<String, TopicSetup.Durability> found = TopicSetup.durabilityOf(admin,
          List.of(config.topic(Topic.MATCH_EVENTS), config.topic(Topic.MATCH_STATE)));
      assertThat(found).containsEntry(config.topic(Topic.MATCH_EVENTS), new TopicSetup.Durability((short) 1, 1))
          .containsEntry(config.topic(Topic.MATCH_STATE), new TopicSetup.Durability((short) 1, 1));
    }
  }

  @Test
  void newTopicsGetTheirDurabilityAndTheStateTopicsAreCompacted() throws Exception {
    // Given a fresh prefix on the single embedded broker
    ArenaConfig config = config();

    // When the topics are set up
    TopicSetup.ensureTopics(config);

    // Then every topic asks one copy in sync, and the state topics are compacted, tombstones kept an hour
    try (Admin admin = admin()) {
      for (Topic topic : Topic.values()) {
        Config found = describe(admin, config.topic(topic));
        assertThat(found.get("min.insync.replicas").value()).as(topic.name()).isEqualTo("1");
        assertThat(found.get("cleanup.policy").value()).as(topic.name())
            .isEqualTo(topic.compacted() ? "compact" : "delete");
        if (topic.compacted()) {
          // A forgotten match's tombstone goes an hour after its segment is cleaned
          assertThat(found.get("delete.retention.ms").value()).as(topic.name()).isEqualTo("3600000");
        }
      }
    }
    // And setting them up again changes nothing and passes
    TopicSetup.ensureTopics(config);
  }

  @Test
  void aStateTopicThatDeletesOldRecordsIsRefusedWithTheFix() throws Exception {
    // Given a match-state topic someone created by hand, without compaction
    ArenaConfig config = config();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(config.topic(Topic.MATCH_STATE), 3, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }

    // Then the game refuses to start on it, and says how to fix it
    assertThatThrownBy(() -> TopicSetup.ensureTopics(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(config.topic(Topic.MATCH_STATE) + " must be compacted")
        .hasMessageContaining("cleanup.policy=delete")
        .hasMessageContaining("--add-config cleanup.policy=compact");
  }

  @Test
  void matchIdKeyedTopicsWithDifferentPartitionCountsAreRefused() throws Exception {
    // Given a match-events topic with another partition count than the others will get
    ArenaConfig config = config();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(config.topic(Topic.MATCH_EVENTS), 5, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }

    // Then the game refuses to start: one Match Service must own all of a match's inputs
    assertThatThrownBy(() -> TopicSetup.ensureTopics(config))
        .hasMessageContaining("topics keyed by matchId must have the same partition count");
  }

  @Test
  void aPoolStateTopicOfSeveralPartitionsIsRefused() throws Exception {
    // Given a compacted robot-pool-state topic someone created by hand with three partitions
    ArenaConfig config = config();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(config.topic(Topic.ROBOT_POOL_STATE), 3, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
    }

    // Then the game refuses to start: a change's records are read back in the order they were written
    assertThatThrownBy(() -> TopicSetup.ensureTopics(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(config.topic(Topic.ROBOT_POOL_STATE) + " must have one partition");
  }

  private static ArenaConfig config() {
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", TestArena.bootstrap())
        .put("topicPrefix", "s" + UUID.randomUUID().toString().substring(0, 8) + ".").put("partitions", 3);
    return ArenaConfig.of(json);
  }

  private static Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestArena.bootstrap());
    return Admin.create(props);
  }

  private static Config describe(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
  }
}
