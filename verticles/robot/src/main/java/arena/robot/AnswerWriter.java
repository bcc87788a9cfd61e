package arena.robot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Composes the scripted provider's answers: about the prompt (its topic, or one side of an "X or Y" question) in
 * the persona's words and register, as long as the persona is talkative give or take, now and then with a nod to
 * an earlier answer; then the persona's {@link Typist} types it. Opinions use a {@code {topic}} placeholder,
 * callbacks may use {@code {earlier}} (what an earlier prompt of the match was about).
 */
final class AnswerWriter {
  private static final String TOPIC = "{topic}";
  private static final String EARLIER = "{earlier}";
  private static final String NO_TOPIC = PromptReader.NO_TOPIC;

  private final RandomGenerator random;
  private final Typist typist;

  AnswerWriter(RandomGenerator random) {
    this.random = random;
    this.typist = new Typist(random);
  }

  /** An answer of 1 to 280 characters in the persona's voice, about the prompt. */
  String compose(AnswerRequest request) {
    Persona persona = request.persona();
    Persona.Style style = persona.style();
    Persona.Phrases phrases = persona.phrases();
    List<RobotMemory.Entry> memory = request.memory();
    List<String> said = memory.stream().map(e -> e.answer().toLowerCase(Locale.ROOT)).toList();
    boolean casual = style.lowercase();
    // How much this answer says: the persona's verbosity give or take, so no two rounds have the same length.
    double say = Math.max(0, Math.min(1, style.verbosity() + random.nextGaussian() * 0.2));

    PromptReader.Reading reading = PromptReader.read(request.prompt());
    String topic = reading.topic();
    String core;
    if (reading.options().isEmpty()) {
      core = opinion(phrases.opinions(), topic, said).replace(TOPIC, topic);
    } else {
      String side = reading.options().get(random.nextInt(reading.options().size()));
      core = reading.yesNo() ? topic + "? " + side : side;
      topic = reading.yesNo() ? topic : side;
    }

    StringBuilder sb = new StringBuilder();
    if (chance(0.1 + 0.7 * say)) {
      pick(phrases.openers()).ifPresent(o -> append(sb, casual ? o : endClause(o), casual));
      if (sb.length() > 0 && chance(0.2)) {
        pick(phrases.fillers()).ifPresent(f -> append(sb, casual ? f : endClause(f), casual));
      }
    }
    if (!memory.isEmpty() && chance(0.15 + 0.3 * say)) {
      callback(phrases.callbacks(), memory).ifPresent(c -> append(sb, endClause(c), casual));
    }
    append(sb, core, casual);
    int details = say > 0.6 && chance(say - 0.3) ? 2 : chance(0.1 + 0.8 * say) ? 1 : 0;
    List<String> unsaid = new ArrayList<>(fresh(phrases.details(), said));
    for (int i = 0; i < details && !unsaid.isEmpty(); i++) {
      endSentence(sb, casual);
      append(sb, unsaid.remove(random.nextInt(unsaid.size())), casual);
    }
    if (!casual && Character.isLetterOrDigit(sb.charAt(sb.length() - 1)) && chance(0.85)) {
      sb.append('.');
    }
    if (chance(0.15 + 0.4 * (1 - say))) {
      pick(phrases.signOffs())
          .filter(o -> !sb.toString().toLowerCase(Locale.ROOT).contains(o.toLowerCase(Locale.ROOT)))
          .ifPresent(o -> append(sb, o, casual));
    }

    return ScriptedProvider.fit(typist.type(sb.toString(), persona), topic);
  }

  /** An opinion not used earlier in the match; a prompt with no topic takes one that leads with the topic. */
  private String opinion(List<String> opinions, String topic, List<String> said) {
    List<String> usable = topic.equals(NO_TOPIC)
        ? opinions.stream().filter(o -> o.startsWith(TOPIC)).toList() : opinions;
    List<String> unsaid = fresh(usable.isEmpty() ? opinions : usable, said);
    return unsaid.get(random.nextInt(unsaid.size()));
  }

  /** The phrases whose wording does not appear in an earlier answer, or all of them when every one does. */
  private static List<String> fresh(List<String> bank, List<String> said) {
    List<String> unsaid = bank.stream().filter(p -> said.stream().noneMatch(s -> s.contains(wording(p)))).toList();
    return unsaid.isEmpty() ? bank : unsaid;
  }

  /** The longest fixed piece of a phrase, lowercase, without its edge punctuation: what shows in an answer. */
  private static String wording(String phrase) {
    String longest = "";
    for (String piece : phrase.split("\\{\\w+}")) {
      String p = piece.toLowerCase(Locale.ROOT).replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
      if (p.length() > longest.length()) {
        longest = p;
      }
    }
    // Too short a piece ("easy") would match by chance.
    return longest.length() >= 8 ? longest : "\u0000";
  }

  /** A lead-in that refers back, about one earlier prompt when the phrase names it. */
  private Optional<String> callback(List<String> callbacks, List<RobotMemory.Entry> memory) {
    RobotMemory.Entry earlier = memory.get(random.nextInt(memory.size()));
    PromptReader.Reading then = PromptReader.read(earlier.prompt());
    boolean named = then.options().isEmpty() && !then.topic().equals(NO_TOPIC);
    return pick(callbacks.stream().filter(c -> named || !c.contains(EARLIER)).toList())
        .map(c -> c.replace(EARLIER, then.topic()));
  }

  /**
   * Adds a phrase with the spacing a person would use: trailing marks ("...", "!") stick to the text, and a
   * capitalised phrase starts a new sentence unless the persona writes casually.
   */
  private static void append(StringBuilder sb, String part, boolean casual) {
    String p = part.strip();
    if (p.isEmpty()) {
      return;
    }
    if (sb.length() > 0) {
      boolean mark = ".,!?\u2026".indexOf(p.charAt(0)) >= 0;
      boolean capital = Character.isUpperCase(p.charAt(0)) && !p.startsWith("I ") && !p.startsWith("I'");
      if (capital && sb.charAt(sb.length() - 1) == ',') {
        p = Character.toLowerCase(p.charAt(0)) + p.substring(1);
      } else if (!mark && !casual && capital) {
        endSentenceStrict(sb);
      }
      if (!mark) {
        sb.append(' ');
      }
    }
    sb.append(p);
  }

  /** A lead-in phrase ("like i said before") followed by a comma unless it has its own mark. */
  private static String endClause(String phrase) {
    String p = phrase.strip();
    return p.isEmpty() || ".,!?:\u2026-".indexOf(p.charAt(p.length() - 1)) >= 0 ? p : p + ",";
  }

  /** Ends the sentence so far; casual writers often use a comma, a dash or nothing instead of a full stop. */
  private void endSentence(StringBuilder sb, boolean casual) {
    if (sb.length() == 0 || ".,!?:\u2026-".indexOf(sb.charAt(sb.length() - 1)) >= 0) {
      return;
    }
    if (!casual) {
      sb.append('.');
      return;
    }
    double r = random.nextDouble();
    if (r < 0.45) {
      sb.append(',');
    } else if (r < 0.85) {
      sb.append('.');
    } else if (r < 0.95) {
      sb.append(" -");
    }
  }

  private static void endSentenceStrict(StringBuilder sb) {
    if (".,!?:\u2026-".indexOf(sb.charAt(sb.length() - 1)) < 0) {
      sb.append('.');
    }
  }

  private boolean chance(double p) {
    return Dice.chance(random, p);
  }

  private Optional<String> pick(List<String> bank) {
    return Dice.pick(random, bank);
  }
}
