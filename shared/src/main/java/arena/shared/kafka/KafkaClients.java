package arena.shared.kafka;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings in one place: durable producers, manually committed consumers, and on every client the operator's
 * own Kafka properties ({@code kafka.properties}: security, timeouts, …). Nothing here logs a value.
 */
public final class KafkaClients {
  /** Settings the game's correctness rests on, or that it sets per client: the operator's properties may not. */
  private static final Set<String> GAME_OWNED = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
      CommonClientConfigs.CLIENT_ID_CONFIG, CommonClientConfigs.GROUP_ID_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
      ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);

  private KafkaClients() {}

  public static Map<String, String> producer(ArenaConfig config, String clientId) {
    Map<String, String> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // A 202 means the broker has the record: wait for every in-sync replica, keep per-key order on retries.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(config.integer("kafka.lingerMs")));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    return withOperatorProperties(config, p);
  }

  /** A group member: offsets are committed by {@link EventConsumer} after processing, never automatically. */
  public static Map<String, String> consumer(ArenaConfig config, String groupId, String clientId) {
    Map<String, String> c = reader(config, clientId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Range assignment gives one member the same partition number of every co-keyed topic.
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
    // A member that died (kill -9) hands its matches over after 10 s instead of the default 45 s.
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
    return withOperatorProperties(config, c);
  }

  /** A consumer with no group, reading partitions it assigns itself. */
  public static Map<String, String> standalone(ArenaConfig config, String clientId) {
    return withOperatorProperties(config, reader(config, clientId));
  }

  private static Map<String, String> reader(ArenaConfig config, String clientId) {
    Map<String, String> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    // Values are read as text and parsed by EventCodec, so a bad record is parked instead of looping forever.
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }

  /** An admin client: topic setup and the health check. */
  public static Map<String, String> admin(ArenaConfig config, String clientId) {
    Map<String, String> a = new HashMap<>();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    a.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return withOperatorProperties(config, a);
  }

  /** The operator's properties over the game's defaults; refused if they touch what the game owns. */
  private static Map<String, String> withOperatorProperties(ArenaConfig config, Map<String, String> client) {
    JsonObject properties = config.object("kafka.properties");
    for (String name : properties.fieldNames()) {
      if (GAME_OWNED.contains(name)) {
        throw new IllegalArgumentException("the Kafka property " + name + " is set by the game and cannot be "
            + "changed in kafka.properties" + (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
            ? " (use --kafka or KAFKA_BOOTSTRAP_SERVERS)" : ""));
      }
      client.put(name, String.valueOf(properties.getValue(name)));
    }
    return client;
  }
}
