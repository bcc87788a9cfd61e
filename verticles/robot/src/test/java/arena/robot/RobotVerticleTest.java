package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RobotVerticleTest {

  @Test
  void refuses_to_start_when_openai_is_required_but_no_key_is_set(Vertx vertx, VertxTestContext ctx) {
    // Given
    JsonObject config = ArenaConfig.defaults();
    config.getJsonObject("robot").put("provider", "openai");

    // When
    vertx.deployVerticle(new RobotVerticle(Map.of()), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          // Then
          assertThat(t).hasMessageContaining("OPENAI_API_KEY");
          ctx.completeNow();
        })));
  }
}
