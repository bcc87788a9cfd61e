package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PersonasTest {
  private static final Pattern EMOJI = Pattern.compile("[\\x{1F300}-\\x{1FAFF}\\x{2600}-\\x{27BF}]");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\w+}");
  private static final String TOPIC = "{topic}";
  private static final String EARLIER = "{earlier}";

  private final Personas personas = Personas.load();

  @Test
  void the_packaged_personas_are_many_and_include_the_named_ones() {
    // Given / When the packaged catalogue

    // Then
    assertThat(personas.all()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(personas.all()).extracting(Persona::type)
        .contains("curious-student", "skeptical-scientist", "creative-artist")
        .doesNotHaveDuplicates();
    assertThat(personas.all()).extracting(Persona::name).doesNotHaveDuplicates();
  }

  @Test
  void every_persona_plays_a_human_who_never_admits_to_being_an_ai() {
    for (Persona p : personas.all()) {
      assertThat(p.name()).isNotBlank();
      assertThat(p.systemPrompt()).as(p.type())
          .containsIgnoringCase("human player")
          .containsIgnoringCase("never say or hint that you are an AI")
          .containsIgnoringCase("in character");
    }
  }

  @Test
  void every_persona_has_its_own_style_knobs() {
    // Given
    List<Persona.Style> styles = personas.all().stream().map(Persona::style).toList();

    // Then no two personas write alike, and each knob takes many values
    assertThat(styles).doesNotHaveDuplicates();
    assertThat(distinct(styles, Persona.Style::verbosity)).hasSizeGreaterThanOrEqualTo(6);
    assertThat(distinct(styles, Persona.Style::typoRate)).hasSizeGreaterThanOrEqualTo(6);
    assertThat(distinct(styles, Persona.Style::emojiRate)).hasSizeGreaterThanOrEqualTo(6);
    assertThat(distinct(styles, Persona.Style::typingCharsPerSecond)).hasSizeGreaterThanOrEqualTo(6);
    assertThat(distinct(styles, Persona.Style::lowercase)).containsExactlyInAnyOrder(true, false);
    for (Persona.Style s : styles) {
      assertThat(s.verbosity()).isBetween(0.0, 1.0);
      assertThat(s.typoRate()).isBetween(0.0, 1.0);
      assertThat(s.emojiRate()).isBetween(0.0, 1.0);
      assertThat(s.typingCharsPerSecond()).isPositive();
    }
  }

  @Test
  void every_phrase_bank_is_usable_by_the_scripted_provider() {
    for (Persona p : personas.all()) {
      Persona.Phrases b = p.phrases();
      // opinions carry the topic, some lead with it (for prompts that have none), callbacks may name an earlier one
      assertThat(b.opinions()).as(p.type()).hasSizeGreaterThanOrEqualTo(5)
          .allMatch(o -> o.contains(TOPIC))
          .anyMatch(o -> o.startsWith(TOPIC));
      assertThat(b.openers()).as(p.type()).isNotEmpty();
      assertThat(b.details()).as(p.type()).hasSizeGreaterThanOrEqualTo(3);
      assertThat(b.signOffs()).as(p.type()).isNotEmpty();
      assertThat(b.callbacks()).as(p.type()).isNotEmpty();
      assertThat(placeholders(b.opinions())).as(p.type()).containsOnly(TOPIC);
      assertThat(placeholders(b.callbacks())).as(p.type()).isSubsetOf(EARLIER);
      assertThat(placeholders(Stream.of(b.openers(), b.details(), b.fillers(), b.signOffs())
          .flatMap(List::stream).toList())).as(p.type()).isEmpty();
      // emojis come only from the emoji bank, at the persona's rate
      assertThat(Stream.of(b.openers(), b.opinions(), b.details(), b.fillers(), b.signOffs(), b.callbacks())
          .flatMap(List::stream)).as(p.type()).noneMatch(t -> EMOJI.matcher(t).find());
      assertThat(b.emojis().isEmpty()).as(p.type()).isEqualTo(p.style().emojiRate() == 0);
    }
  }

  @Test
  void an_unknown_type_plays_the_first_persona() {
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

  private static <T> Set<T> distinct(List<Persona.Style> styles, Function<Persona.Style, T> knob) {
    return styles.stream().map(knob).collect(Collectors.toSet());
  }

  private static Set<String> placeholders(List<String> phrases) {
    return phrases.stream().flatMap(t -> PLACEHOLDER.matcher(t).results().map(m -> m.group()))
        .collect(Collectors.toSet());
  }
}
