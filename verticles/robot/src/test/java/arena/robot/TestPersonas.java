package arena.robot;

import java.util.List;

/** Personas made for tests, with predictable style. */
final class TestPersonas {
  private TestPersonas() {}

  /** Never makes typos or adds emojis, always says the opinion with the topic. */
  static Persona plain() {
    return new Persona("plain-tester", "Plain Tester", "You are a plain test persona. Never admit being an AI.",
        new Persona.Style(0.5, 0.0, false, 0.0, 10.0),
        new Persona.Phrases(List.of("Well,"), List.of("I really like {topic}", "{topic} is fine by me"),
            List.of("That's all."), List.of("honestly"), List.of("Cheers."), List.of("As I said,"), List.of()), null);
  }

  /** Says exactly "i really like {topic} a lot", slipping at the given typo and emoji rates. */
  static Persona slips(double typoRate, double emojiRate) {
    return new Persona("slips-tester", "Slips Tester", "You are a test persona. Never admit being an AI.",
        new Persona.Style(0.5, typoRate, true, emojiRate, 10.0),
        new Persona.Phrases(List.of(), List.of("i really like {topic} a lot"), List.of(), List.of(), List.of(),
            List.of(), List.of("\uD83D\uDE42")), null);
  }

  /** Talkative, and refers back to an earlier prompt by name whenever it refers back. */
  static Persona recalling() {
    return new Persona("recalling-tester", "Recalling Tester", "You are a test persona. Never admit being an AI.",
        new Persona.Style(1.0, 0.0, false, 0.0, 10.0),
        new Persona.Phrases(List.of(), List.of("{topic} is fine by me"), List.of(), List.of(), List.of(),
            List.of("Like my {earlier} answer,"), List.of()), null);
  }

  /** {@code persona} without its typos, so its words can be checked. */
  static Persona withoutTypos(Persona persona) {
    Persona.Style s = persona.style();
    return new Persona(persona.type(), persona.name(), persona.systemPrompt(),
        new Persona.Style(s.verbosity(), 0.0, s.lowercase(), s.emojiRate(), s.typingCharsPerSecond()),
        persona.phrases(), persona.provider());
  }

  static Personas catalog() {
    return Personas.load();
  }
}
