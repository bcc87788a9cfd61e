package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.robot.RobotVerticle;
import arena.shared.config.ArenaConfig;
import arena.shared.events.RobotCommand;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Topic;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two robot workers in one group on the real broker: a command whose worker stops before it submitted the answer is
 * answered by the worker that takes the partition over, in the robot's voice of the earlier rounds.
 */
class RobotFailoverTest {

  @Test
  void a_command_whose_worker_stops_mid_answer_is_answered_by_the_next_owner_with_the_earlier_rounds()
      throws Exception {
    // Given robots that take about four seconds to type, on an LLM stub that records what it is asked
    JsonObject json = TestArena.fastConfig();
    json.getJsonObject("robot").put("provider", "openai");
    json.getJsonObject("robot").getJsonObject("timing").getJsonObject("answer").put("thinkMedianMs", 4000)
        .put("thinkSigma", 0.01).put("missRate", 0.0);
    ArenaConfig cfg = ArenaConfig.of(json);
    TopicSetup.ensureTopics(cfg);
    Vertx tools = Vertx.vertx();
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer llm = await(() -> tools.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      asked.add(body.toString());
      req.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("choices", List.of(Map.of("message", Map.of("role", "assistant", "content", "still tea for me"))))
          .put("usage", Map.of("prompt_tokens", 10, "completion_tokens", 4)).encode());
    })).listen(0, "127.0.0.1"));
    Map<String, String> env = Map.of("OPENAI_API_KEY", "test-key",
        "OPENAI_BASE_URL", "http://127.0.0.1:" + llm.actualPort() + "/v1");
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    try {
      await(() -> first.deployVerticle(new RobotVerticle(env), new DeploymentOptions().setConfig(json)));

      // When a round-2 command comes, listing what the robot said in round 1, and the first worker starts on it
      String commandId = UUID.randomUUID().toString();
      RobotCommand.GenerateResponse command = new RobotCommand.GenerateResponse(commandId,
          "robot-curious-student-1", "curious-student", "m-" + commandId, 2, "B", "What did you have for breakfast?",
          Instant.now().plusSeconds(25), List.of(new RobotCommand.EarlierRound(1, "Tea or coffee?", "tea, always")));
      EventPublisher publisher = EventPublisher.create(tools, cfg, "test");
      await(() -> publisher.publish(command.robotId(), command, commandId, null));
      awaitTrue(() -> asked.size() == 1, "the first worker asks the LLM");

      // And it stops before its answer is typed out
      first.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(submissions(cfg, commandId)).isEmpty();

      // And a second worker joins the group
      await(() -> second.deployVerticle(new RobotVerticle(env), new DeploymentOptions().setConfig(json)));

      // Then the second worker answers the command, once
      awaitTrue(() -> submissions(cfg, commandId).size() == 1, "the second worker answers");
      // And it asked the LLM with the robot's round 1 in the conversation
      assertThat(asked).hasSize(2);
      assertThat(asked.get(1)).contains("Tea or coffee?").contains("tea, always");
    } finally {
      second.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      tools.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<ConsumerRecord<String, String>> submissions(ArenaConfig cfg, String commandId) {
    return TopicReader.readAll(cfg, Topic.ROBOT_RESPONSES).stream()
        .filter(r -> r.value().contains("\"response.submitted\"") && r.value().contains(commandId)).toList();
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
      Thread.sleep(100);
    }
  }
}
