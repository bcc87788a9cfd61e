package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ProvidersTest {
  private static final Map<String, String> WITH_KEY = Map.of("OPENAI_API_KEY", "sk-xyz");

  private static ArenaConfig config(String provider) {
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("robot").put("provider", provider);
    return ArenaConfig.of(json);
  }

  private static RobotProvider create(Vertx vertx, String choice, Map<String, String> env) {
    return Providers.create(vertx, config(choice), env, new ScriptedProvider(new Random(1)));
  }

  @Test
  void auto_uses_openai_only_when_a_key_is_set(Vertx vertx) {
    RobotProvider withKey = create(vertx, "auto", WITH_KEY);
    assertThat(withKey.name()).isEqualTo("openai");
    withKey.close();
    assertThat(create(vertx, "auto", Map.of()).name()).isEqualTo("scripted");
    assertThat(create(vertx, "auto", Map.of("OPENAI_API_KEY", " ")).name()).isEqualTo("scripted");
  }

  @Test
  void scripted_and_openai_are_taken_at_their_word(Vertx vertx) {
    assertThat(create(vertx, "scripted", WITH_KEY).name()).isEqualTo("scripted");
    RobotProvider openai = create(vertx, "openai", WITH_KEY);
    assertThat(openai).isInstanceOf(OpenAiProvider.class);
    openai.close();
  }

  @Test
  void openai_without_a_key_or_an_unknown_choice_is_refused(Vertx vertx) {
    assertThatThrownBy(() -> create(vertx, "openai", Map.of())).hasMessageContaining("OPENAI_API_KEY");
    assertThatThrownBy(() -> create(vertx, "gpt", Map.of())).hasMessageContaining("auto, scripted or openai");
  }

  @Test
  void the_environment_overrides_base_url_and_model() {
    // Given
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-xyz", "OPENAI_BASE_URL", "http://127.0.0.1:1/v1/",
        "OPENAI_MODEL", "other-model");

    // When
    OpenAiSettings settings = OpenAiSettings.from(config("auto"), env);

    // Then
    assertThat(settings.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
    assertThat(settings.model()).isEqualTo("other-model");
    assertThat(settings.apiKey()).isEqualTo("sk-xyz");
    assertThat(OpenAiSettings.from(config("auto"), Map.of()).model()).isEqualTo("gpt-4o-mini");
  }
}
