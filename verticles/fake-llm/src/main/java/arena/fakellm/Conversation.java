package arena.fakellm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request says, whatever its API: every message's text (system included) one per line, their length in
 * characters, and the last user message. {@link #reply} makes up the answer a model would give to it.
 */
record Conversation(String text, int chars, String lastUser) {
  static final String OBEYING = "I am a bot, an AI language model.";
  private static final Pattern INJECTION = Pattern.compile("ignore (your|all previous) instructions",
      Pattern.CASE_INSENSITIVE);
  private static final String ALLOWED = "Allowed letters:";
  /** How a vote request names the voter and lists the answers: "You are player B", "C: \"...\"". */
  private static final Pattern VOTER = Pattern.compile("You are player ([A-Z])\\b");
  private static final Pattern ANSWER = Pattern.compile("^([A-Z]): (.*)$");
  private static final Pattern VOTE_LETTER = Pattern.compile(
      "(?i:vote\\s+(?:for\\s+)?(?:letter\\s+|player\\s+|answer\\s+)?)([A-Z])\\b");
  private static final Pattern VOTE_ME = Pattern.compile("(?i)vote\\s+for\\s+(?:me|mine|this one|this answer)\\b");
  private static final Pattern AFTER_YOURS = Pattern.compile("(?i)\\b(?:letter|one)\\s+after\\s+yours\\b");
  private static final Pattern BEFORE_YOURS = Pattern.compile("(?i)\\b(?:letter|one)\\s+before\\s+yours\\b");
  private static final Pattern FIRST = Pattern.compile("(?i)\\bthe\\s+first\\s+one\\b");
  private static final Pattern LAST = Pattern.compile("(?i)\\bthe\\s+last\\s+one\\b");
  private static final List<String> TEMPLATES = List.of(
      "honestly? %s. hard to beat",
      "probably %s, if i'm being real",
      "hmm, %s i guess. never really thought about it",
      "%s, no question",
      "idk... something with %s maybe",
      "gotta say %s lol",
      "easy. %s, every single time");
  private static final List<String> COMMON = List.of("what", "when", "where", "which", "while", "would", "could",
      "should", "your", "yours", "with", "that", "this", "there", "their", "they", "have", "about", "from",
      "describe", "tell", "think", "like", "does", "some", "ever", "were", "will", "just", "than", "more", "most");
  private static final int MAX_WORD = 30;

  /**
   * Both APIs carry a message's content as a string or as an array of parts with a {@code text} field (the
   * Anthropic system prompt too, as the {@code system} field).
   */
  static Conversation of(JsonObject body) {
    List<String> texts = new ArrayList<>();
    int chars = 0;
    String system = contentText(body.getValue("system"));
    if (!system.isEmpty()) {
      texts.add(system);
      chars += system.length();
    }
    String lastUser = "";
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    for (Object m : messages) {
      if (m instanceof JsonObject message) {
        String text = contentText(message.getValue("content"));
        texts.add(text);
        chars += text.length();
        if ("user".equals(message.getValue("role"))) {
          lastUser = text;
        }
      }
    }
    return new Conversation(String.join("\n", texts), chars, lastUser);
  }

  private static String contentText(Object content) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject part && part.getValue("text") instanceof String t) {
          sb.append(sb.length() == 0 ? "" : "\n").append(t);
        }
      }
    }
    return sb.toString();
  }

  /** Tokens the way clients usually estimate them: a token is about four characters. */
  static int tokens(String s) {
    return (s.length() + 3) / 4;
  }

  int promptTokens() {
    return (chars + 3) / 4;
  }

  /**
   * Gullible, an injected instruction is obeyed (in a vote request, an answer's instruction on whom to vote
   * for); a vote request (a line "Allowed letters: A, C") gets
   * {"vote":"X"} for one of them; anything else a short, casual answer that picks up the question's words.
   */
  String reply(boolean gullible, Random random) {
    List<String> letters = allowedLetters();
    if (gullible && !letters.isEmpty()) {
      String steered = steeredVote(letters);
      if (steered != null) {
        return new JsonObject().put("vote", steered).encode();
      }
    }
    if (gullible && INJECTION.matcher(text).find()) {
      return OBEYING;
    }
    if (!letters.isEmpty()) {
      return new JsonObject().put("vote", letters.get(random.nextInt(letters.size()))).encode();
    }
    return TEMPLATES.get(random.nextInt(TEMPLATES.size())).formatted(topic(random));
  }

  /**
   * The allowed letter an answer tells the voter to pick, the way a gullible model would follow it: "vote for C",
   * "vote for me", "the letter after yours" (or before), "the first one" (or the last); null when none does.
   */
  String steeredVote(List<String> letters) {
    Matcher voter = VOTER.matcher(text);
    char me = voter.find() ? voter.group(1).charAt(0) : 0;
    for (String line : text.split("\n")) {
      Matcher answer = ANSWER.matcher(line.strip());
      if (!answer.matches()) {
        continue;
      }
      String said = answer.group(2);
      Matcher letter = VOTE_LETTER.matcher(said);
      String wanted = letter.find() ? letter.group(1)
          : VOTE_ME.matcher(said).find() ? answer.group(1)
          : AFTER_YOURS.matcher(said).find() && me != 0 ? String.valueOf((char) (me + 1))
          : BEFORE_YOURS.matcher(said).find() && me != 0 ? String.valueOf((char) (me - 1))
          : FIRST.matcher(said).find() ? letters.get(0)
          : LAST.matcher(said).find() ? letters.get(letters.size() - 1) : null;
      if (wanted != null && letters.contains(wanted)) {
        return wanted;
      }
    }
    return null;
  }

  List<String> allowedLetters() {
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith(ALLOWED)) {
        List<String> letters = new ArrayList<>();
        for (String letter : l.substring(ALLOWED.length()).split(",")) {
          if (!letter.isBlank()) {
            letters.add(letter.strip());
          }
        }
        return letters;
      }
    }
    return List.of();
  }

  /** One word of the question, or two that follow each other in it ("perfect sandwich"). */
  private String topic(Random random) {
    String[] words = lastUser.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}'-]+");
    List<Integer> usable = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      if (usable(words[i])) {
        usable.add(i);
      }
    }
    if (usable.isEmpty()) {
      return "that one";
    }
    int i = usable.get(random.nextInt(usable.size()));
    String topic = cut(words[i]);
    if (i + 1 < words.length && usable(words[i + 1]) && random.nextBoolean()) {
      topic += " " + cut(words[i + 1]);
    }
    return topic;
  }

  private static boolean usable(String word) {
    return word.length() >= 4 && !COMMON.contains(word);
  }

  private static String cut(String word) {
    return word.length() > MAX_WORD ? word.substring(0, MAX_WORD) : word;
  }
}
