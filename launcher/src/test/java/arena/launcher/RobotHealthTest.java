package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.robot.RobotVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Robot workers on the real broker publish one health check per JVM and interval, naming what they host. */
class RobotHealthTest {

  @Test
  void each_worker_jvm_reports_its_partitions_robots_and_providers_once_per_interval() throws Exception {
    // Given health checks every second, and a JVM running two robot verticles
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("pool").getJsonObject("health").put("intervalSeconds", 1);
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    Vertx tools = Vertx.vertx();
    try {
      await(() -> first.deployVerticle(RobotVerticle.class, new DeploymentOptions().setConfig(json).setInstances(2)));

      // When a robot is given work
      String commandId = UUID.randomUUID().toString();
      RobotCommand.GenerateResponse command = new RobotCommand.GenerateResponse(commandId, "robot-chill-gamer-7",
          "chill-gamer", "m-" + commandId, 1, "B", "Tea or coffee?", Instant.now().plusSeconds(20), List.of());
      EventPublisher publisher = EventPublisher.create(tools, cfg, "test");
      await(() -> publisher.publish(command.robotId(), command, commandId, null));

      // Then one worker reports, for the JVM: every partition, the robot, every persona's provider and its calls
      // (each verticle adds its part at its own tick, so the first checks of a JVM may name only some partitions)
      awaitTrue(() -> checks(cfg).stream().anyMatch(c -> c.robots().contains("robot-chill-gamer-7")
          && c.providers().get("scripted").calls() >= 1 && c.partitions().equals(List.of(0, 1, 2))),
          "a health check naming every partition, the robot and its call");
      List<HealthCheck> checks = checks(cfg);
      assertThat(checks).extracting(HealthCheck::workerId).containsOnly(checks.get(0).workerId());
      HealthCheck last = checks.get(checks.size() - 1);
      assertThat(last.partitionCount()).isEqualTo(3);
      assertThat(last.partitions()).containsExactly(0, 1, 2);
      assertThat(last.personas()).containsEntry("chill-gamer", "scripted").hasSize(10);
      assertThat(last.providers().get("scripted").breaker()).isEqualTo("closed");
      assertThat(last.providers().get("scripted").errors()).isZero();
      // And about one per interval, not one per verticle (two verticles, ~1 s apart)
      Instant firstAt = envelopes(cfg).get(0).occurredAt();
      long seconds = Math.max(1, (Instant.now().toEpochMilli() - firstAt.toEpochMilli()) / 1000);
      assertThat(checks.size()).isLessThanOrEqualTo((int) seconds + 2);

      // When a second worker JVM joins the group
      await(() -> second.deployVerticle(RobotVerticle.class, new DeploymentOptions().setConfig(json)));

      // Then both report, and between them they host every partition exactly once
      awaitTrue(() -> {
        List<HealthCheck> all = checks(cfg);
        Set<String> workers = new TreeSet<>(all.stream().map(HealthCheck::workerId).toList());
        if (workers.size() < 2) {
          return false;
        }
        List<Integer> latest = workers.stream().flatMap(w -> all.stream().filter(c -> c.workerId().equals(w))
            .reduce((a, b) -> b).orElseThrow().partitions().stream()).sorted().toList();
        return latest.equals(List.of(0, 1, 2));
      }, "two workers sharing the partitions");
    } finally {
      for (Vertx v : List.of(first, second, tools)) {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<Envelope<?>> envelopes(ArenaConfig cfg) {
    return TopicReader.readAll(cfg, Topic.ROBOT_RESPONSES).stream()
        .filter(r -> r.value().contains("\"robot.health_check\""))
        .<Envelope<?>>map(r -> EventCodec.decode(Topic.ROBOT_RESPONSES, r.value())).toList();
  }

  private static List<HealthCheck> checks(ArenaConfig cfg) {
    return envelopes(cfg).stream().map(e -> (HealthCheck) e.payload()).toList();
  }

  private static <T> T await(Supplier<Future<T>> work) throws Exception {
    return work.get().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void awaitTrue(Supplier<Boolean> condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 40_000;
    while (!condition.get()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(200);
    }
  }
}
