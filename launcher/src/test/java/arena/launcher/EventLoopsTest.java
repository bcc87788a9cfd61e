package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.launcher.ArenaNode.Role;
import arena.shared.config.ArenaConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every verticle instance of a node can have an event loop of its own, however few the cores. */
class EventLoopsTest {

  @Test
  void everyRoleInstanceAndTheFakesServersGetTwiceTheLoopsTheyTake() {
    // Given every role, the gateway and robots twice, the fake LLM on two loops
    JsonObject json = ArenaConfig.load(null, Map.of())
        .put("instances", new JsonObject().put("match", 1).put("orchestrator", 1).put("robot", 2).put("gateway", 2));
    json.getJsonObject("fakeLlm").put("eventLoops", 2);

    // When / Then: 1 + 1 + 2 + 2 + 2 loops taken, and the admin listener's
    assertThat(ArenaNode.eventLoops(ArenaConfig.of(json), List.of(Role.values()))).isEqualTo(2 * 9);
  }

  @Test
  void neverFewerThanVertxWouldGive() {
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("instances").put("gateway", 1);
    assertThat(ArenaNode.eventLoops(ArenaConfig.of(json), List.of(Role.GATEWAY)))
        .isEqualTo(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, 4));
  }

  @Test
  void everyRoleInstanceRunsOnAnEventLoopNoOtherRoleUses() throws Exception {
    // Given a node of every Kafka role, its robots on a provider with thousands of connections (made in pools)
    try (TestArena arena = TestArena.start(c -> {
      c.getJsonObject("instances").put("gateway", 2);
      c.getJsonObject("robot").put("provider", "openai").getJsonObject("providers").getJsonObject("openai")
          .put("maxConcurrent", 6000);
    }, Map.of("OPENAI_API_KEY", "not-a-secret", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"))) {
      // When its roles are deployed, Then no two verticle instances share an event loop
      VertxInternal vertx = (VertxInternal) arena.vertx();
      List<Object> loops = vertx.deploymentManager().deployments().stream()
          .flatMap(d -> d.deployment().contexts().stream())
          .map(c -> (Object) ((ContextInternal) c).nettyEventLoop()).toList();
      assertThat(loops).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates();
    }
  }
}
