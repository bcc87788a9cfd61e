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

  static Personas catalog() {
    return Personas.load();
  }
}
