package arena.orchestrator;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.KafkaClients;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * Which orchestrator of the cluster is active: every orchestrator joins one consumer group on
 * {@code robot-pool-state}, and the member that owns its partition 0 holds the lease. Kafka's group protocol hands
 * the partition to a standby once the holder misses its session ({@code pool.failoverSeconds} / 2) or leaves. The
 * lease alone cannot stop a holder that was paused and does not know yet that it lost the partition: the
 * orchestrator's transactional producer does that (see {@link OrchestratorVerticle}).
 *
 * <p>The sticky cooperative assignor leaves the partition where it is when members come and go, so a standby that
 * joins (or a stale holder that rejoins) never moves the lease. Records of the topic are not used: the group reads
 * from the latest offset and commits nothing.
 */
final class Lease {
  /** What happens when the lease is gained or lost; both run on the verticle's event loop. */
  interface Holder {
    void gained();

    void lost();
  }

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Holder holder;
  private final Set<TopicPartition> owned = new HashSet<>();
  private final Promise<Boolean> firstAssignment = Promise.promise();
  private boolean held;

  Lease(Vertx vertx, ArenaConfig config, String group, Holder holder) {
    this.topic = config.topic(Topic.ROBOT_POOL_STATE);
    this.holder = holder;
    Map<String, String> props = new HashMap<>(KafkaClients.consumer(config, group,
        group + "-" + UUID.randomUUID().toString().substring(0, 8)));
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionMs(config)));
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(sessionMs(config) / 5));
    this.consumer = KafkaConsumer.create(vertx, props);
  }

  /**
   * The session of a lease holder: half the failover budget, so the other half is left for the new holder to fence
   * the old one, read the pool back and join the input group.
   */
  static long sessionMs(ArenaConfig config) {
    return config.integer("pool.failoverSeconds") * 1000L / 2;
  }

  /** Joins the group; completes with whether this instance holds the lease after its first assignment. */
  Future<Boolean> start() {
    consumer.partitionsAssignedHandler(this::assigned);
    consumer.partitionsRevokedHandler(this::revoked);
    consumer.exceptionHandler(t -> { }); // the poll loop goes on; a lost session shows as a revocation
    consumer.handler(record -> { });
    return consumer.subscribe(topic).compose(v -> firstAssignment.future());
  }

  /** Whether the group last said this instance owns the lease (it may be out of date while paused). */
  boolean held() {
    return held;
  }

  private void assigned(Set<TopicPartition> partitions) {
    owned.addAll(partitions);
    update();
    firstAssignment.tryComplete(held);
  }

  // Also called for partitions lost with the session: the group may already have handed them to someone else.
  private void revoked(Set<TopicPartition> partitions) {
    owned.removeAll(partitions);
    update();
  }

  private void update() {
    boolean now = owned.contains(new TopicPartition(topic, 0));
    if (now != held) {
      held = now;
      if (now) {
        holder.gained();
      } else {
        holder.lost();
      }
    }
  }

  /** Leaves the group, so a standby takes over at once instead of after the session. */
  Future<Void> stop() {
    return consumer.close().timeout(5, TimeUnit.SECONDS).otherwiseEmpty();
  }
}
