package arena.robot;

import arena.shared.config.ArenaConfig;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot workers: one consumer in group "robot-workers" serves every robot whose id hashes to this
 * instance's partitions of robot-commands, and publishes their answers and votes on robot-responses. A command is
 * committed only once it is answered (or deliberately dropped), so a worker that dies mid-answer leaves it to the
 * partition's next owner. Every {@code pool.health.intervalSeconds} the JVM's robot verticles publish one
 * {@code robot.health_check} together ({@link WorkerHealth}).
 */
public class RobotVerticle extends VerticleBase {
  public static final String GROUP = "robot-workers";
  private static final Logger log = LoggerFactory.getLogger(RobotVerticle.class);

  private final Map<String, String> env;
  private Providers providers;
  private EventPublisher publisher;
  private EventConsumer consumer;
  private RobotWorker worker;
  private WorkerHealth.Member health;
  private long healthTimer = -1;

  public RobotVerticle() {
    this(System.getenv());
  }

  /** {@code env} decides the provider ("auto") and holds the providers' keys, base URLs and models. */
  public RobotVerticle(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    Personas personas = Personas.load();
    SplittableRandom random = new SplittableRandom();
    ScriptedProvider scripted = new ScriptedProvider(random.split());
    providers = Providers.create(vertx, cfg, env, scripted, personas);
    publisher = EventPublisher.create(vertx, cfg, "robot-worker");
    worker = new RobotWorker(vertx, personas, providers, scripted, RobotTiming.from(cfg, personas),
        RobotMemory.standard(), random, (key, payload, cause) -> publisher.publishCausedBy(key, payload, cause),
        System::currentTimeMillis);
    WorkerHealth.Settings healthSettings = cfg.bind("pool.health", WorkerHealth.Settings.class);
    health = new WorkerHealth.Member(vertx, healthSettings);
    worker.reportTo(health);
    Map<String, String> providerOf = new TreeMap<>();
    personas.all().forEach(p -> providerOf.put(p.type(), providers.forPersona(p).name()));
    new TreeSet<>(providerOf.values()).forEach(RobotMetrics::inUse);
    consumer = EventConsumer.group(vertx, cfg, GROUP, Set.of(Topic.ROBOT_COMMANDS), publisher, worker::handle)
        .onAssigned(parts -> {
          health.assigned(parts.stream().map(TopicPartition::getPartition).toList());
          return Future.succeededFuture();
        })
        .onRevoked(parts -> {
          health.revoked(parts.stream().map(TopicPartition::getPartition).toList());
          return Future.succeededFuture();
        });
    LlmHealth.register(vertx);
    return consumer.start()
        .compose(v -> consumer.partitionCount(Topic.ROBOT_COMMANDS))
        .onSuccess(count -> {
          health.partitionCount(count);
          healthTimer = vertx.setPeriodic(healthSettings.intervalSeconds() * 1000, id -> reportHealth(providerOf));
        });
  }

  /** This member's part of the JVM's health check; published when this member is the JVM's reporter. */
  private void reportHealth(Map<String, String> providerOf) {
    Map<String, String> breakers = new TreeMap<>();
    LlmProvider.shared(vertx).forEach((name, shared) -> breakers.put(name, shared.breaker().state().name()));
    RobotResponse.HealthCheck check = health.tick(System.currentTimeMillis(), providerOf, breakers);
    if (check != null) {
      // A lost check is only a missed beat: the next one follows within the interval.
      publisher.publish(check.workerId(), check, null, null)
          .onFailure(t -> log.warn("could not publish the health check: {}", t.toString()));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(healthTimer);
    if (health != null) {
      health.leave();
    }
    if (consumer != null) {
      LlmHealth.unregister(vertx); // registered together
    }
    Future<Void> stopped = consumer == null ? Future.succeededFuture() : consumer.stop();
    if (worker != null) {
      // Hands the commands in hand back at once: none is committed, the partitions' next owners answer them.
      worker.stop();
    }
    return stopped.eventually(() -> {
      if (providers != null) {
        providers.close();
      }
      return publisher == null ? Future.succeededFuture() : publisher.close();
    });
  }
}
