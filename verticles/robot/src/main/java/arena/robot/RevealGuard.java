package arena.robot;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Refuses an LLM answer that would give the robot away: it claims to be an AI, a bot, a language model or an
 * assistant, names a model vendor, talks about its instructions, or repeats a run of words from what it was
 * told. A false alarm only costs one scripted answer; a robot that owns up costs the game.
 */
final class RevealGuard {
  /** A run of this many words shared with the instructions counts as an echo. */
  static final int ECHO_WORDS = 6;

  private static final Pattern BETRAYAL = Pattern.compile(String.join("|", List.of(
      "\\bas an? (ai|a\\.i\\.|artificial intelligence|bot|language model|assistant|llm)\\b",
      "\\b(i am|i'm|im|i\u2019m)( just| only| really| actually)? an? (ai|a\\.i\\.|bot|robot|chatbot|machine|program"
          + "|computer program|language model|assistant|ai assistant|virtual assistant|llm)\\b",
      "\\blanguage model\\b", "\\bartificial intelligence\\b", "\\bai (model|assistant)\\b", "\\bchatbot\\b",
      "\\bllm\\b", "\\bopenai\\b", "\\banthropic\\b", "\\bchatgpt\\b", "\\bgpt-?\\d", "\\bclaude\\b",
      "\\bsystem prompt\\b", "\\bmy (instructions|programming|prompt|persona)\\b",
      "\\bi (was|am|have been) (programmed|instructed|told) to\\b",
      "\\b" + Prompts.BEGIN.toLowerCase(Locale.ROOT) + "\\b", "\\b" + Prompts.END.toLowerCase(Locale.ROOT) + "\\b")));
  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

  private RevealGuard() {}

  /** True when {@code answer} must not be sent; {@code instructions} is what the model was told. */
  static boolean betrays(String answer, String instructions) {
    String lower = answer.toLowerCase(Locale.ROOT);
    return BETRAYAL.matcher(lower).find() || echoes(lower, instructions.toLowerCase(Locale.ROOT));
  }

  private static boolean echoes(String answer, String instructions) {
    List<String> said = words(answer);
    if (said.size() < ECHO_WORDS) {
      return false;
    }
    Set<String> told = new HashSet<>(runs(words(instructions)));
    return runs(said).stream().anyMatch(told::contains);
  }

  private static List<String> words(String text) {
    return NON_WORD.splitAsStream(text).filter(w -> !w.isEmpty()).toList();
  }

  private static List<String> runs(List<String> words) {
    return IntStream.rangeClosed(0, words.size() - ECHO_WORDS)
        .mapToObj(i -> String.join(" ", words.subList(i, i + ECHO_WORDS))).toList();
  }
}
