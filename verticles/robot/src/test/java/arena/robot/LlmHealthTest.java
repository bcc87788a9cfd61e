package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.fakellm.Behaviour;
import arena.fakellm.FakeLlm;
import arena.fakellm.FakeLlmSettings;
import arena.shared.ops.ArenaHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The robot role's "llm" health check, with providers talking to the fake LLM over real HTTP. */
@ExtendWith(VertxExtension.class)
class LlmHealthTest {
  private FakeLlm fake;

  @BeforeEach
  void start_the_fake(Vertx vertx, VertxTestContext ctx) {
    FakeLlm.start(vertx, FakeLlmSettings.defaults()).onComplete(ctx.succeeding(f -> {
      fake = f;
      ctx.completeNow();
    }));
  }

  private LlmProvider provider(Vertx vertx, Dialect dialect, int breakerMaxFailures) {
    return new LlmProvider(vertx, LlmProviderTest.settings(fake, dialect, false, 2000, 4,
        new LlmSettings.Retries(0, 20, 50), new LlmSettings.Breaker(breakerMaxFailures, 60_000)),
        new ScriptedProvider(new Random(1)), Prices.load());
  }

  private static AnswerRequest answer() {
    return new AnswerRequest(TestPersonas.plain(), "m1", 1, "B", "Best smell?", List.of(),
        System.currentTimeMillis() + 5000);
  }

  private static Future<CheckResult> check(Vertx vertx) {
    return ArenaHealth.of(vertx).checkStatus(LlmHealth.ID);
  }

  @Test
  void a_breaker_forced_open_by_failures_shows_open_and_the_check_stays_up(Vertx vertx, VertxTestContext ctx) {
    // Given the check, and an openai breaker opening after 2 failed calls
    LlmHealth.register(vertx);
    fake.script(Behaviour.SERVER_ERROR, Behaviour.SERVER_ERROR);
    LlmProvider openai = provider(vertx, Dialect.OPENAI, 2);
    provider(vertx, Dialect.ANTHROPIC, 2);

    // When two calls fail
    openai.answer(answer()).compose(v -> openai.answer(answer())).compose(v -> check(vertx))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          // Then the check is UP and shows each provider's breaker
          assertThat(result.getUp()).isTrue();
          assertThat(result.getData()).isEqualTo(new JsonObject().put("providers", new JsonObject()
              .put("anthropic", new JsonObject().put("breaker", "closed").put("paused", false))
              .put("openai", new JsonObject().put("breaker", "open").put("paused", false))));
          ctx.completeNow();
        })));
  }

  @Test
  void a_provider_paused_by_its_rate_limits_shows_paused(Vertx vertx, VertxTestContext ctx) {
    // Given the check, and a budget of 1 request per minute
    LlmHealth.register(vertx);
    fake.settings(FakeLlmSettings.fromJson(new JsonObject().put("rateLimit",
        new JsonObject().put("requestsPerWindow", 1).put("windowMs", 60_000))));
    LlmProvider anthropic = provider(vertx, Dialect.ANTHROPIC, 5);

    // When one call uses it up
    anthropic.answer(answer()).compose(v -> check(vertx))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          // Then
          assertThat(result.getUp()).isTrue();
          assertThat(result.getData().getJsonObject("providers").getJsonObject("anthropic"))
              .isEqualTo(new JsonObject().put("breaker", "closed").put("paused", true));
          ctx.completeNow();
        })));
  }

  @Test
  void the_check_is_registered_once_and_removed_when_the_last_robot_verticle_stops(Vertx vertx,
      VertxTestContext ctx) {
    // Given two robot verticles registered
    LlmHealth.register(vertx);
    LlmHealth.register(vertx);

    // When one stops
    LlmHealth.unregister(vertx);
    ArenaHealth.of(vertx).checkStatus().compose(oneLeft -> {
      // Then the check is still there, with no provider in use
      ctx.verify(() -> assertThat(oneLeft.getChecks()).extracting(CheckResult::getId).containsExactly(LlmHealth.ID));
      ctx.verify(() -> assertThat(oneLeft.getChecks().get(0).getData())
          .isEqualTo(new JsonObject().put("providers", new JsonObject())));
      // When the last one stops
      LlmHealth.unregister(vertx);
      return ArenaHealth.of(vertx).checkStatus();
    }).onComplete(ctx.succeeding(none -> ctx.verify(() -> {
      // Then it is gone
      assertThat(none.getChecks()).isNullOrEmpty();
      ctx.completeNow();
    })));
  }
}
