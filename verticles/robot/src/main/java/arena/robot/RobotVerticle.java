package arena.robot;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The robot workers: one consumer in group "robot-workers" serves every robot whose id hashes to this
 * instance's partitions of robot-commands, and publishes their answers and votes on robot-responses. A command is
 * committed only once it is answered (or deliberately dropped), so a worker that dies mid-answer leaves it to the
 * partition's next owner.
 */
public class RobotVerticle extends VerticleBase {
  public static final String GROUP = "robot-workers";

  private final Map<String, String> env;
  private Providers providers;
  private EventPublisher publisher;
  private EventConsumer consumer;
  private RobotWorker worker;

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
    consumer = EventConsumer.group(vertx, cfg, GROUP, Set.of(Topic.ROBOT_COMMANDS), publisher, worker::handle);
    LlmHealth.register(vertx);
    return consumer.start();
  }

  @Override
  public Future<?> stop() {
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
