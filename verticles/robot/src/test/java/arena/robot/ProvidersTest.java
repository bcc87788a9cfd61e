package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ProvidersTest {
  private static final Map<String, String> OPENAI_KEY = Map.of("OPENAI_API_KEY", "sk-xyz");
  private static final Map<String, String> ANTHROPIC_KEY = Map.of("ANTHROPIC_API_KEY", "sk-ant-xyz");
  private static final Map<String, String> BOTH_KEYS = Map.of("OPENAI_API_KEY", "sk-xyz",
      "ANTHROPIC_API_KEY", "sk-ant-xyz");

  private static ArenaConfig config(String provider) {
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("robot").put("provider", provider);
    return ArenaConfig.of(json);
  }

  private static Providers create(Vertx vertx, String choice, Map<String, String> env) {
    return create(vertx, choice, env, Personas.load());
  }

  private static Providers create(Vertx vertx, String choice, Map<String, String> env, Personas personas) {
    return Providers.create(vertx, config(choice), env, new ScriptedProvider(new Random(1)), personas);
  }

  private static String poolName(Vertx vertx, String choice, Map<String, String> env) {
    Providers providers = create(vertx, choice, env);
    providers.close();
    return providers.pool().name();
  }

  private static Persona persona(String type, String provider) {
    Persona plain = TestPersonas.plain();
    return new Persona(type, type, plain.systemPrompt(), plain.style(), plain.phrases(), provider);
  }

  @Test
  void auto_prefers_openai_then_anthropic_then_scripted(Vertx vertx) {
    assertThat(poolName(vertx, "auto", BOTH_KEYS)).isEqualTo("openai");
    assertThat(poolName(vertx, "auto", OPENAI_KEY)).isEqualTo("openai");
    assertThat(poolName(vertx, "auto", ANTHROPIC_KEY)).isEqualTo("anthropic");
    assertThat(poolName(vertx, "auto", Map.of())).isEqualTo("scripted");
    assertThat(poolName(vertx, "auto", Map.of("OPENAI_API_KEY", " "))).isEqualTo("scripted");
  }

  @Test
  void an_explicit_choice_is_taken_at_its_word(Vertx vertx) {
    assertThat(poolName(vertx, "scripted", BOTH_KEYS)).isEqualTo("scripted");
    assertThat(poolName(vertx, "anthropic", BOTH_KEYS)).isEqualTo("anthropic");
    Providers openai = create(vertx, "openai", OPENAI_KEY);
    assertThat(openai.pool()).isInstanceOf(LlmProvider.class);
    openai.close();
  }

  @Test
  void a_provider_without_its_key_or_an_unknown_choice_is_refused(Vertx vertx) {
    assertThatThrownBy(() -> create(vertx, "openai", Map.of())).hasMessageContaining("OPENAI_API_KEY");
    assertThatThrownBy(() -> create(vertx, "anthropic", OPENAI_KEY)).hasMessageContaining("ANTHROPIC_API_KEY");
    assertThatThrownBy(() -> create(vertx, "gpt", Map.of()))
        .hasMessageContaining("auto, scripted, openai or anthropic");
  }

  @Test
  void a_persona_may_name_its_provider_and_without_its_key_plays_with_the_pools(Vertx vertx) {
    // Given
    Persona own = persona("p-anthropic", "anthropic");
    Persona scripted = persona("p-scripted", "scripted");
    Persona keyless = persona("p-keyless", "anthropic");
    Persona pooled = persona("p-pool", null);

    // When: only the OpenAI key is set
    Providers withOpenAi = create(vertx, "auto", OPENAI_KEY, Personas.of(List.of(own, scripted, pooled)));
    Providers withBoth = create(vertx, "auto", BOTH_KEYS, Personas.of(List.of(own, scripted, keyless, pooled)));

    // Then
    assertThat(withOpenAi.forPersona(own).name()).isEqualTo("openai");
    assertThat(withOpenAi.forPersona(scripted).name()).isEqualTo("scripted");
    assertThat(withOpenAi.forPersona(pooled).name()).isEqualTo("openai");
    assertThat(withBoth.forPersona(own).name()).isEqualTo("anthropic");
    assertThat(withBoth.forPersona(keyless).name()).isEqualTo("anthropic");
    assertThat(withBoth.forPersona(pooled).name()).isEqualTo("openai");
    withOpenAi.close();
    withBoth.close();
  }

  @Test
  void a_persona_naming_an_unknown_provider_is_refused(Vertx vertx) {
    Personas personas = Personas.of(List.of(persona("p-x", "gemini")));
    assertThatThrownBy(() -> create(vertx, "auto", Map.of(), personas)).hasMessageContaining("p-x");
  }

  @Test
  void the_environment_overrides_base_url_and_model_and_the_key_is_never_printed() {
    // Given
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-xyz", "OPENAI_BASE_URL", "http://127.0.0.1:1/v1/",
        "OPENAI_MODEL", "other-model", "ANTHROPIC_API_KEY", "sk-ant-xyz", "ANTHROPIC_BASE_URL", "http://127.0.0.1:2",
        "ANTHROPIC_MODEL", "claude-x");

    // When
    LlmSettings openai = LlmSettings.from(Dialect.OPENAI, config("auto"), env);
    LlmSettings anthropic = LlmSettings.from(Dialect.ANTHROPIC, config("auto"), env);

    // Then
    assertThat(openai.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
    assertThat(openai.model()).isEqualTo("other-model");
    assertThat(openai.apiKey()).isEqualTo("sk-xyz");
    assertThat(openai.toString()).doesNotContain("sk-xyz");
    assertThat(anthropic.baseUrl()).isEqualTo("http://127.0.0.1:2");
    assertThat(anthropic.model()).isEqualTo("claude-x");
    assertThat(anthropic.toString()).doesNotContain("sk-ant-xyz");
    // and without the environment, the configuration
    LlmSettings defaults = LlmSettings.from(Dialect.OPENAI, config("auto"), Map.of());
    assertThat(defaults.model()).isEqualTo("gpt-4o-mini");
    assertThat(defaults.baseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(defaults.retries().max()).isPositive();
    assertThat(defaults.breaker().maxFailures()).isPositive();
    assertThat(defaults.maxConcurrent()).isPositive();
  }
}
