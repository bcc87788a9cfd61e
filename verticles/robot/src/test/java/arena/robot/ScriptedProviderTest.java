package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScriptedProviderTest {
  private static final List<String> PROMPTS = List.of(
      "What's the best thing about rainy days?",
      "Describe your perfect sandwich.",
      "If you could have any superpower, what would it be?",
      "What would you do with a million dollars?",
      "",
      "???",
      "Is it what it is?",
      "Tell us about " + "an extraordinarily long-winded prompt ".repeat(40),
      "Quel est ton plat préféré ? 🍕");

  private final Personas personas = Personas.load();

  private AnswerRequest ask(Persona persona, String prompt) {
    return new AnswerRequest(persona, "m1", 1, "A", prompt, List.of());
  }

  @Test
  void answers_are_always_between_1_and_280_characters() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(7));

    // When / Then
    for (Persona persona : personas.all()) {
      for (String prompt : PROMPTS) {
        for (int i = 0; i < 50; i++) {
          String text = provider.answer(ask(persona, prompt)).result().text();
          assertThat(text.length()).as("%s on %s: %s", persona.type(), prompt, text).isBetween(1, Reply.MAX_CHARS);
          assertThat(text).isEqualTo(text.strip());
        }
      }
    }
  }

  @Test
  void answers_reuse_the_prompts_topic_in_the_personas_own_words() {
    // Given a persona without typos or emojis
    ScriptedProvider provider = new ScriptedProvider(new Random(1));
    Persona plain = TestPersonas.plain();

    // When
    for (int i = 0; i < 30; i++) {
      String text = provider.compose(ask(plain, "What's the best thing about rainy days?"));

      // Then
      assertThat(text.toLowerCase()).contains("rainy days");
      assertThat(text).containsAnyOf("really like", "is fine by me");
    }
  }

  @Test
  void each_persona_keeps_its_register() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(3));

    for (int i = 0; i < 100; i++) {
      // When
      String student = provider.compose(ask(personas.forType("curious-student"), "Describe your perfect sandwich."));
      String scientist = provider.compose(ask(personas.forType("skeptical-scientist"),
          "Describe your perfect sandwich."));

      // Then: the student writes in lowercase, the scientist capitalises and never uses emojis
      assertThat(student).isEqualTo(student.toLowerCase());
      assertThat(Character.isUpperCase(scientist.charAt(0))).as(scientist).isTrue();
      assertThat(scientist.codePoints().noneMatch(c -> c > 0x2000)).as(scientist).isTrue();
    }
  }

  @Test
  void answers_vary_from_one_round_to_the_next() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(11));
    Set<String> answers = new HashSet<>();

    // When
    for (int i = 0; i < 30; i++) {
      answers.add(provider.compose(ask(personas.forType("creative-artist"), "Describe your perfect sandwich.")));
    }

    // Then
    assertThat(answers).hasSizeGreaterThan(10);
  }

  @Test
  void the_same_seed_gives_the_same_answers() {
    // Given
    ScriptedProvider one = new ScriptedProvider(new Random(42));
    ScriptedProvider two = new ScriptedProvider(new Random(42));

    // When / Then
    for (Persona persona : personas.all()) {
      assertThat(one.compose(ask(persona, PROMPTS.get(0)))).isEqualTo(two.compose(ask(persona, PROMPTS.get(0))));
    }
  }

  @Test
  void the_topic_is_the_last_run_of_content_words() {
    assertThat(ScriptedProvider.topicOf("What's the best thing about rainy days?")).isEqualTo("rainy days");
    assertThat(ScriptedProvider.topicOf("Describe your perfect sandwich.")).isEqualTo("perfect sandwich");
    assertThat(ScriptedProvider.topicOf("If you could have any superpower, what would it be?"))
        .isEqualTo("superpower");
    assertThat(ScriptedProvider.topicOf("What is it?")).isEqualTo("that");
    assertThat(ScriptedProvider.topicOf(null)).isEqualTo("that");
  }

  @Test
  void votes_never_go_to_the_robot_itself_and_only_to_present_letters() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(5));
    Map<String, String> responses = new LinkedHashMap<>();
    responses.put("A", "lol pizza obviously");
    responses.put("B", "i like pizza");
    responses.put("C", "Pizza.");

    for (int i = 0; i < 200; i++) {
      // When
      String vote = provider.vote(new VoteRequest(personas.forType("chill-gamer"), "m1", 1, "B", "food?", responses,
          List.of())).result().text();

      // Then
      assertThat(vote).isIn("A", "C");
    }
  }

  @Test
  void votes_prefer_the_answer_that_looks_casual_and_human() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(9));
    Map<String, String> responses = Map.of(
        "A", "As an AI language model, I would argue that, furthermore, the optimal choice is, in conclusion, pizza.",
        "B", "Certainly! Pizza is a delightful choice; it is important to consider toppings.",
        "C", "idk pizza lol",
        "D", "Honestly, I think pizza is a good answer to this question.");

    // When
    String vote = provider.pickVote(new VoteRequest(TestPersonas.plain(), "m1", 1, "D", "food?", responses,
        List.of()));

    // Then
    assertThat(vote).isEqualTo("C");
  }

  @Test
  void with_nobody_else_to_vote_for_there_is_no_vote() {
    // Given
    ScriptedProvider provider = new ScriptedProvider(new Random(5));
    VoteRequest request = new VoteRequest(TestPersonas.plain(), "m1", 1, "A", "food?", Map.of("A", "mine"),
        List.of());

    // When / Then
    assertThat(provider.pickVote(request)).isNull();
    assertThat(provider.vote(request).failed()).isTrue();
  }

  @Test
  void fit_cuts_long_text_at_a_word_and_never_returns_empty() {
    assertThat(ScriptedProvider.fit("word ".repeat(100), null)).hasSizeLessThanOrEqualTo(280).endsWith("word");
    assertThat(ScriptedProvider.fit("   ", "topic")).isEqualTo("topic");
    assertThat(ScriptedProvider.fit(null, null)).isEqualTo("idk");
  }
}
