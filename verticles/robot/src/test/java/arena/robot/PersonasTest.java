package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PersonasTest {

  @Test
  void the_packaged_personas_cover_the_pool_types_and_are_complete() {
    // Given / When
    Personas personas = Personas.load();

    // Then
    assertThat(personas.all()).extracting(Persona::type)
        .contains("curious-student", "skeptical-scientist", "creative-artist");
    for (Persona p : personas.all()) {
      assertThat(p.name()).isNotBlank();
      assertThat(p.systemPrompt()).containsIgnoringCase("never").containsIgnoringCase("AI");
      assertThat(p.style().verbosity()).isBetween(0.0, 1.0);
      assertThat(p.style().typoRate()).isBetween(0.0, 1.0);
      assertThat(p.style().emojiRate()).isBetween(0.0, 1.0);
      assertThat(p.style().typingCharsPerSecond()).isPositive();
      assertThat(p.phrases().opinions()).isNotEmpty().allMatch(o -> o.contains("{topic}"));
      assertThat(p.phrases().openers()).isNotEmpty();
      assertThat(p.phrases().signOffs()).isNotEmpty();
    }
  }

  @Test
  void an_unknown_type_plays_the_first_persona() {
    // Given
    Personas personas = Personas.load();

    // When
    Persona p = personas.forType("no-such-type");

    // Then
    assertThat(p).isEqualTo(personas.all().get(0));
    assertThat(personas.has("no-such-type")).isFalse();
  }

  @Test
  void a_persona_may_name_its_provider() {
    // Given
    String json = "[{\"type\":\"x\",\"systemPrompt\":\"be human\",\"provider\":\" Anthropic \","
        + "\"phrases\":{\"opinions\":[\"{topic} rocks\"]}},"
        + "{\"type\":\"y\",\"systemPrompt\":\"be human\",\"phrases\":{\"opinions\":[\"{topic} rocks\"]}}]";

    // When
    Personas personas = Personas.parse(json);

    // Then
    assertThat(personas.forType("x").provider()).isEqualTo("anthropic");
    assertThat(personas.forType("y").provider()).isNull();
  }

  @Test
  void a_persona_without_opinions_is_refused() {
    // Given
    String json = "[{\"type\":\"x\",\"systemPrompt\":\"be human\",\"phrases\":{\"opinions\":[]}}]";

    // When / Then
    assertThatThrownBy(() -> Personas.parse(json)).hasMessageContaining("opinions");
  }
}
