package arena.launcher;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.Topic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the game's topics when missing, with partitions, replication and cleanup policy from configuration, and
 * refuses to start on topics that would break the game (state topics not compacted, matchId-keyed topics with
 * different partition counts); warns about existing topics less durable than new ones would be. Blocking: the
 * launcher runs it before any verticle starts.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /**
   * How many copies a new topic keeps, and how many must hold a record before it counts as written.
   * {@code kafka.replicationFactor} 0 means: 3 copies with 2 in sync on a cluster of 3 or more brokers, so one broker
   * may die without losing or refusing anything; one copy on a smaller one (the embedded broker).
   */
  public record Durability(short replicationFactor, int minInsyncReplicas) {
    public static Durability of(int configured, int brokers) {
      int replicas = configured > 0 ? configured : brokers >= 3 ? 3 : Math.max(1, brokers);
      if (replicas > brokers) {
        throw new IllegalStateException("kafka.replicationFactor " + replicas + " needs at least " + replicas
            + " brokers; the cluster has " + brokers);
      }
      return new Durability((short) replicas, replicas >= 3 ? 2 : 1);
    }
  }

  public static void ensureTopics(ArenaConfig config) throws Exception {
    int partitions = config.integer("kafka.partitions");
    try (Admin admin = Admin.create(new HashMap<>(KafkaClients.admin(config, "arena-topic-setup")))) {
      int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      Durability durability = Durability.of(config.integer("kafka.replicationFactor"), brokers);
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic topic : Topic.values()) {
        String name = config.topic(topic);
        if (existing.contains(name)) {
          continue;
        }
        Map<String, String> configs = new HashMap<>();
        configs.put("min.insync.replicas", String.valueOf(durability.minInsyncReplicas()));
        if (topic.compacted()) {
          // A key's old values, and a forgotten match's tombstone, go once its segment has rolled (at most an hour)
          // and been cleaned; a tombstone stays an hour more (delete.retention.ms, 24 h by default), so a reader
          // that lags by less still sees the key deleted. A rebuild then reads live matches only.
          configs.put("cleanup.policy", "compact");
          configs.put("segment.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
          configs.put("min.cleanable.dirty.ratio", "0.1");
          configs.put("delete.retention.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        }
        // Every topic keyed by matchId shares one partition count, so one Match Service owns a match's inputs.
        int count = topic == Topic.ROBOT_POOL_STATE ? 1 : partitions;
        missing.add(new NewTopic(name, count, durability.replicationFactor()).configs(configs));
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // Another JVM of the game may create them at the same moment.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
        log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        awaitLeaders(config, missing.stream().map(NewTopic::name).toList());
      }
      checkPartitions(config, admin, partitions);
      checkCompaction(config, admin);
      List<String> names = Arrays.stream(Topic.values()).map(config::topic).toList();
      durabilityWarnings(config.bootstrapServers(), durability, brokers, durabilityOf(admin, names))
          .forEach(log::warn);
    }
  }

  /** How many copies each topic keeps and how many must be in sync (its effective min.insync.replicas). */
  static Map<String, Durability> durabilityOf(Admin admin, List<String> topics) throws Exception {
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
    Map<String, Durability> found = new TreeMap<>();
    configs.forEach((resource, config) -> {
      int replicas = described.get(resource.name()).partitions().stream()
          .mapToInt(p -> p.replicas().size()).min().orElse(0);
      found.put(resource.name(), new Durability((short) replicas,
          Integer.parseInt(config.get("min.insync.replicas").value())));
    });
    return found;
  }

  /**
   * Existing topics that keep fewer copies, or need fewer in sync, than new ones would: a warning that names the fix,
   * not a refusal (the game runs, with less safety than the cluster could give it).
   */
  static List<String> durabilityWarnings(String bootstrap, Durability wanted, int brokers,
      Map<String, Durability> found) {
    List<String> warnings = new ArrayList<>();
    found.forEach((topic, has) -> {
      if (has.replicationFactor() < wanted.replicationFactor()) {
        warnings.add("topic " + topic + " keeps " + has.replicationFactor() + " cop"
            + (has.replicationFactor() == 1 ? "y" : "ies") + " of each record, new topics keep "
            + wanted.replicationFactor() + " on this cluster of " + brokers + " brokers: losing a broker may lose "
            + "records. Add replicas with kafka-reassign-partitions.sh --bootstrap-server " + bootstrap
            + " --reassignment-json-file <a plan giving each partition " + wanted.replicationFactor()
            + " brokers> --execute");
      }
      if (has.minInsyncReplicas() < wanted.minInsyncReplicas()) {
        warnings.add("topic " + topic + " has min.insync.replicas=" + has.minInsyncReplicas() + " on a cluster of "
            + brokers + " brokers: a record acknowledged by one broker is lost with it. Fix: kafka-configs.sh "
            + "--bootstrap-server " + bootstrap + " --alter --entity-type topics --entity-name " + topic
            + " --add-config min.insync.replicas=" + wanted.minInsyncReplicas());
      }
    });
    return warnings;
  }

  /** A state topic that deletes old records would lose matches and robots: refuse to start on one. */
  private static void checkCompaction(ArenaConfig config, Admin admin) throws Exception {
    List<ConfigResource> states = Arrays.stream(Topic.values()).filter(Topic::compacted)
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, config.topic(t))).toList();
    Map<ConfigResource, Config> found = admin.describeConfigs(states).all().get(30, TimeUnit.SECONDS);
    for (Map.Entry<ConfigResource, Config> e : found.entrySet()) {
      ConfigEntry policy = e.getValue().get("cleanup.policy");
      if (policy == null || !policy.value().contains("compact")) {
        throw new IllegalStateException("topic " + e.getKey().name() + " must be compacted (cleanup.policy=compact),"
            + " it has cleanup.policy=" + (policy == null ? "?" : policy.value()) + ": fix it with kafka-configs.sh"
            + " --alter --entity-type topics --entity-name " + e.getKey().name()
            + " --add-config cleanup.policy=compact");
      }
    }
  }

  /**
   * Waits until the new topics have leaders, so the first real records do not race topic creation (producing
   * right after creation has tripped a broker bug on 4.x; 3.9.2 never showed it, waiting costs milliseconds).
   */
  private static void awaitLeaders(ArenaConfig config, List<String> topics) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(new HashMap<>(KafkaClients.producer(config, "arena-topic-setup")))) {
      for (String topic : topics) {
        producer.partitionsFor(topic);
      }
    }
  }

  private static void checkPartitions(ArenaConfig config, Admin admin, int expected) throws Exception {
    List<String> keyedByMatch = List.of(config.topic(Topic.MATCH_COMMANDS), config.topic(Topic.MATCH_EVENTS),
        config.topic(Topic.ROBOT_ORCHESTRATION_EVENTS), config.topic(Topic.ROBOT_RESPONSES),
        config.topic(Topic.MATCH_STATE));
    Map<String, TopicDescription> d = admin.describeTopics(keyedByMatch).allTopicNames().get(30, TimeUnit.SECONDS);
    long counts = d.values().stream().map(t -> t.partitions().size()).distinct().count();
    if (counts != 1) {
      throw new IllegalStateException("topics keyed by matchId must have the same partition count: " +
          d.values().stream().map(t -> t.name() + "=" + t.partitions().size()).toList());
    }
    int actual = d.values().iterator().next().partitions().size();
    if (actual != expected) {
      log.warn("topics have {} partitions, configuration says {}: using the topics as they are", actual, expected);
    }
    // A pool change spans several records, read back in the order they were written: one partition keeps it.
    String pool = config.topic(Topic.ROBOT_POOL_STATE);
    int poolPartitions = admin.describeTopics(List.of(pool)).allTopicNames().get(30, TimeUnit.SECONDS).get(pool)
        .partitions().size();
    if (poolPartitions != 1) {
      throw new IllegalStateException("topic " + pool + " must have one partition, not " + poolPartitions
          + ": delete it while no orchestrator runs (the pool is then created afresh) and start again");
    }
  }
}
