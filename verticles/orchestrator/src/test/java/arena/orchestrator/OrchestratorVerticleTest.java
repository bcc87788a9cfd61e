package arena.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorVerticleTest {

  @Test
  void readsThePoolSizeFromTheDefaultConfigInOrder() {
    // Given
    ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());

    // When
    Map<String, Integer> byType = OrchestratorVerticle.robotsByType(cfg);

    // Then
    assertThat(byType.keySet()).startsWith("curious-student", "skeptical-scientist", "creative-artist")
        .hasSizeGreaterThanOrEqualTo(8);
    assertThat(byType.values()).allSatisfy(n -> assertThat(n).isEqualTo(2));
  }

  @Test
  void refusesANegativeOrNonNumericCount() {
    // Given
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", -1));
    JsonObject text = ArenaConfig.defaults();
    text.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", "two"));

    // When / Then
    assertThatThrownBy(() -> OrchestratorVerticle.robotsByType(ArenaConfig.of(json)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrchestratorVerticle.robotsByType(ArenaConfig.of(text)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
