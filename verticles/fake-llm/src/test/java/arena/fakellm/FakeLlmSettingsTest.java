package arena.fakellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FakeLlmSettingsTest {

  @Test
  void theConfigurationSectionIsRead() {
    // When
    FakeLlmSettings settings = FakeLlmSettings.from(ArenaConfig.of(ArenaConfig.defaults()));

    // Then
    assertThat(settings).isEqualTo(new FakeLlmSettings("127.0.0.1", 11435, new Latency(400, 1500), 0, 0, 1, 0, 0,
        false, 0, new RateLimit(0, 60_000)));
    assertThat(settings.rateLimit().limited()).isFalse();
    assertThat(FakeLlmSettings.fromJson(settings.toJson())).isEqualTo(settings);
  }

  @Test
  void aRateLimitIsReadAndWrittenBack() {
    // Given
    JsonObject json = new JsonObject().put("rateLimit",
        new JsonObject().put("requestsPerWindow", 2).put("windowMs", 1500));

    // When
    FakeLlmSettings settings = FakeLlmSettings.fromJson(json);

    // Then
    assertThat(settings.rateLimit()).isEqualTo(new RateLimit(2, 1500));
    assertThat(settings.rateLimit().limited()).isTrue();
    assertThat(settings.toJson().getJsonObject("rateLimit")).isEqualTo(json.getJsonObject("rateLimit"));
    assertThat(FakeLlmSettings.fromJson(settings.toJson())).isEqualTo(settings);
    // and a field left out keeps its default
    assertThat(FakeLlmSettings.fromJson(new JsonObject().put("rateLimit",
        new JsonObject().put("requestsPerWindow", 5))).rateLimit()).isEqualTo(new RateLimit(5, 60_000));
  }

  @Test
  void missingFieldsKeepTheTestDefaults() {
    assertThat(FakeLlmSettings.fromJson(new JsonObject())).isEqualTo(FakeLlmSettings.defaults());
    assertThat(FakeLlmSettings.defaults().port()).isZero();
    assertThat(FakeLlmSettings.defaults().latency()).isEqualTo(Latency.fixed(0));
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertRefused(new JsonObject().put("errorRate", 1.5), "errorRate must be within 0..1, was 1.5");
    assertRefused(new JsonObject().put("hangRate", -0.1), "hangRate must be within 0..1");
    assertRefused(new JsonObject().put("malformedRate", Double.NaN), "malformedRate");
    assertRefused(new JsonObject().put("errorRate", 0.6).put("rateLimitRate", 0.6), "at most 1");
    assertRefused(new JsonObject().put("latency", new JsonObject().put("medianMs", -1)), "latency must be >= 0");
    assertRefused(new JsonObject().put("latency", new JsonObject().put("medianMs", 500).put("p99Ms", 100)),
        "latency.p99Ms (100) must be >= latency.medianMs (500)");
    assertRefused(new JsonObject().put("latency", 3), "latency must be an object");
    assertRefused(new JsonObject().put("rateLimitRate", "high"), "rateLimitRate must be a number");
    assertRefused(new JsonObject().put("gullible", "yes"), "gullible must be true or false");
    assertRefused(new JsonObject().put("port", 70000), "port");
    assertRefused(new JsonObject().put("retryAfterSeconds", -1), "retryAfterSeconds");
    assertRefused(new JsonObject().put("host", " "), "host");
    assertRefused(new JsonObject().put("rateLimit", 3), "rateLimit must be an object like");
    assertRefused(new JsonObject().put("rateLimit", new JsonObject().put("requestsPerWindow", -1)),
        "rateLimit.requestsPerWindow must be >= 0 (0: unlimited), was -1");
    assertRefused(new JsonObject().put("rateLimit", new JsonObject().put("windowMs", 0)),
        "rateLimit.windowMs must be >= 1, was 0");
    assertRefused(new JsonObject().put("rateLimit", new JsonObject().put("requestsPerWindow", "many")),
        "requestsPerWindow must be a number");
  }

  private static void assertRefused(JsonObject json, String message) {
    assertThatThrownBy(() -> FakeLlmSettings.fromJson(json)).as(json.encode())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void latencyHasTheConfiguredMedianAndP99() {
    // Given
    Latency latency = new Latency(400, 1500);
    Random random = new Random(7);

    // When
    long[] samples = new long[20_000];
    Arrays.setAll(samples, i -> latency.sampleMs(random));
    Arrays.sort(samples);

    // Then
    assertThat(samples[0]).isPositive();
    assertThat(samples[samples.length / 2]).isBetween(360L, 440L);
    assertThat(samples[samples.length * 99 / 100]).isBetween(1300L, 1700L);
    assertThat(Latency.fixed(200).sampleMs(random)).isEqualTo(200);
  }
}
