package arena.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArenaConfigTest {

  @Test
  void defaultsThenFileThenEnvironment() throws Exception {
    // Given a file that changes the rounds and an environment that changes the answer window and the broker
    Path file = Files.createTempFile("arena", ".json");
    Files.writeString(file, "{\"match\":{\"defaults\":{\"rounds\":5}}}");
    Map<String, String> env = Map.of("ARENA_MATCH_DEFAULTS_RESPONSE_SECONDS", "45",
        "ARENA_POOL_ROBOTS_CURIOUS_STUDENT", "7", "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092",
        "ARENA_ROLES", "match,gateway");

    // When the configuration is loaded
    ArenaConfig config = ArenaConfig.of(ArenaConfig.load(file, env));

    // Then each layer wins over the one below, and untouched defaults stay
    assertThat(config.integer("match.defaults.rounds")).isEqualTo(5);
    assertThat(config.integer("match.defaults.responseSeconds")).isEqualTo(45);
    assertThat(config.integer("match.defaults.voteSeconds")).isEqualTo(30);
    assertThat(config.integer("pool.robots.curious-student")).isEqualTo(7);
    assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.strings("roles")).containsExactly("match", "gateway");
  }

  @Test
  void environmentNamesAreUpperSnakeCase() {
    assertThat(ArenaConfig.snake("responseSeconds")).isEqualTo("RESPONSE_SECONDS");
    assertThat(ArenaConfig.snake("curious-student")).isEqualTo("CURIOUS_STUDENT");
    assertThat(new JsonObject(ArenaConfig.resource("conf/arena.json")).containsKey("pool")).isTrue();
  }

  @Test
  void environmentNumbersKeepTheirFractionsAndTypos() {
    // Given rates and a seed from the environment
    Map<String, String> env = Map.of("ARENA_FAKE_LLM_ERROR_RATE", "0.25", "ARENA_FAKE_LLM_SEED", "12345678901");

    // When loaded, Then a rate is not cut to 0 and a long stays long
    ArenaConfig config = ArenaConfig.of(ArenaConfig.load(null, env));
    assertThat(config.json().getJsonObject("fakeLlm").getDouble("errorRate")).isEqualTo(0.25);
    assertThat(config.json().getJsonObject("fakeLlm").getLong("seed")).isEqualTo(12345678901L);

    // And a value that is not a number names its variable
    assertThatThrownBy(() -> ArenaConfig.load(null, Map.of("ARENA_HTTP_PORT", "80a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ARENA_HTTP_PORT");
  }

  record Rate(int burst, double perMinute) {}

  record Section(boolean enabled, Rate rate) {}

  @Test
  void aSectionBindsToARecord_evenWithObjectsPutIntoItInCode() {
    // Given defaults where code (a test, the launcher) put a JsonObject into a section
    JsonObject json = new JsonObject().put("limits", new JsonObject().put("enabled", true));
    json.getJsonObject("limits").put("rate", new JsonObject().put("burst", 3).put("perMinute", 6));

    // When the section is bound
    Section section = ArenaConfig.of(json).bind("limits", Section.class);

    // Then the record holds the values, nested ones included
    assertThat(section).isEqualTo(new Section(true, new Rate(3, 6)));
    // And the admin listener and the gateway limits have their defaults, and the environment opens the first
    ArenaConfig env = ArenaConfig.of(ArenaConfig.load(null, Map.of("ARENA_ADMIN_HOST", "0.0.0.0",
        "ARENA_GATEWAY_LIMITS_ENABLED", "false")));
    assertThat(env.string("admin.host")).isEqualTo("0.0.0.0");
    assertThat(env.bool("gateway.limits.enabled")).isFalse();
    assertThat(ArenaConfig.of(ArenaConfig.defaults()).bool("gateway.limits.enabled")).isTrue();
  }
}
