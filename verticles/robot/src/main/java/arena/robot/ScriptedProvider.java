package arena.robot;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The offline provider: short answers built from the prompt's own words and the persona's phrase banks,
 * with the persona's register, typos and emojis; votes by a "which one looks most human" heuristic.
 * Deterministic for a seeded {@link RandomGenerator}. Not thread-safe: one per verticle instance.
 */
public final class ScriptedProvider implements RobotProvider {
  public static final String NAME = "scripted";

  private static final Set<String> STOPWORDS = Set.copyOf(List.of(
      "a", "an", "the", "what", "whats", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are",
      "was", "were", "be", "been", "being", "do", "does", "did", "doing", "done", "have", "has", "had", "you", "your",
      "yours", "youd", "youre", "yourself", "i", "me", "my", "we", "our", "us", "they", "them", "their", "he", "she",
      "it", "its", "this", "that", "these", "those", "of", "in", "on", "at", "to", "for", "with", "about", "from",
      "by", "as", "into", "over", "under", "if", "or", "and", "but", "so", "than", "then", "would", "could", "should",
      "can", "will", "shall", "may", "might", "must", "any", "some", "one", "ever", "most", "more", "best", "worst",
      "favorite", "favourite", "thing", "things", "describe", "tell", "name", "give", "think", "pick", "choose",
      "explain", "like", "really", "just", "very", "something", "anything", "everything", "someone", "anyone", "way",
      "kind", "sort", "type", "there", "here", "not", "no", "yes", "all", "every", "each", "get", "got", "make", "made",
      "say", "said", "let", "go", "out", "up", "down", "only", "own", "same", "other", "such", "too", "also", "why",
      "finish", "sentence", "complete", "answer", "question", "word", "words", "use", "least", "much", "many",
      "let's", "lets", "im", "dont", "want", "need", "know", "time", "good", "bad", "new", "old", "who's", "whos"));
  private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}'-]+");
  private static final Set<String> SLANG = Set.of(
      "lol", "idk", "tbh", "ngl", "haha", "hehe", "lmao", "omg", "fr", "kinda", "gonna", "wanna", "lowkey", "bro",
      "ya", "u", "ur", "imo", "nah", "yeah", "yep", "ok", "okay", "hmm", "ooh", "gg", "mid", "pls", "tho");
  private static final List<String> FORMAL = List.of(
      "as an ai", "language model", "furthermore", "moreover", "in conclusion", "additionally", "however,",
      "overall,", "delve", "certainly", "it is important", "i would argue", ";", "\u2014");
  private static final Pattern EMOJI = Pattern.compile("[\\x{1F300}-\\x{1FAFF}\\x{2600}-\\x{27BF}]");

  private final RandomGenerator random;

  public ScriptedProvider(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Reply> answer(AnswerRequest request) {
    return Future.succeededFuture(Reply.of(compose(request)));
  }

  @Override
  public Future<Reply> vote(VoteRequest request) {
    String letter = pickVote(request);
    return letter == null
        ? Future.failedFuture(new IllegalArgumentException("no letter to vote for"))
        : Future.succeededFuture(Reply.of(letter));
  }

  /** An answer of 1 to 280 characters in the persona's voice, about the prompt's topic. */
  public String compose(AnswerRequest request) {
    Persona persona = request.persona();
    Persona.Style style = persona.style();
    Persona.Phrases phrases = persona.phrases();
    String topic = topicOf(request.prompt());

    boolean casual = style.lowercase();
    StringBuilder sb = new StringBuilder();
    Optional<String> opener = chance(0.25 + 0.45 * style.verbosity()) ? pick(phrases.openers()) : Optional.empty();
    opener.ifPresent(o -> append(sb, o, casual));
    if (opener.isPresent() && chance(0.25)) {
      pick(phrases.fillers()).ifPresent(f -> append(sb, casual ? f : endClause(f), casual));
    }
    if (!request.memory().isEmpty() && chance(0.2)) {
      pick(phrases.callbacks()).ifPresent(c -> append(sb, endClause(c), casual));
    }
    append(sb, pick(phrases.opinions()).orElse("{topic}").replace("{topic}", topic), casual);
    if (chance(0.15 + 0.7 * style.verbosity())) {
      pick(phrases.details()).ifPresent(d -> {
        endSentence(sb, casual);
        append(sb, d, casual);
      });
    }
    if (chance(0.2 + 0.3 * (1 - style.verbosity()))) {
      pick(phrases.signOffs()).ifPresent(o -> append(sb, o, casual));
    }
    String text = sb.toString().replaceAll("\\s+", " ").trim();
    text = style.lowercase() ? text.toLowerCase(Locale.ROOT) : capitalize(text);
    if (chance(style.emojiRate())) {
      String emoji = pick(phrases.emojis()).orElse("");
      if (!emoji.isEmpty()) {
        text = text + " " + emoji;
      }
    }
    if (chance(style.typoRate())) {
      text = typo(text);
      if (chance(style.typoRate() / 2)) {
        text = typo(text);
      }
    }
    return fit(text, topic);
  }

  /** The letter whose answer looks most like a casual human's; null when there is nothing to vote for. */
  public String pickVote(VoteRequest request) {
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (String letter : request.allowedLetters()) {
      double score = humanness(request.responses().get(letter)) + random.nextDouble() * 0.6;
      if (score > bestScore) {
        bestScore = score;
        best = letter;
      }
    }
    return best;
  }

  /** How human an answer looks: short, casual, lowercase, slangy beats long, polished and formal. */
  static double humanness(String answer) {
    if (answer == null || answer.isBlank()) {
      return -5;
    }
    String t = answer.strip();
    String lower = t.toLowerCase(Locale.ROOT);
    double s = 0;
    int len = t.length();
    if (len <= 60) {
      s += 1.5;
    } else if (len <= 120) {
      s += 0.8;
    } else if (len > 200) {
      s -= 1;
    }
    if (Character.isLowerCase(t.codePointAt(0))) {
      s += 1;
    }
    if (!t.matches("(?s).*[.!?]$")) {
      s += 0.5;
    }
    long slang = WORD_SPLIT.splitAsStream(lower).filter(SLANG::contains).count();
    s += Math.min(2, 0.8 * slang);
    if (EMOJI.matcher(t).find()) {
      s += 0.3;
    }
    double formal = 0;
    for (String marker : FORMAL) {
      if (lower.contains(marker)) {
        formal += 1.5;
      }
    }
    s -= Math.min(4, formal);
    if (Character.isUpperCase(t.codePointAt(0)) && t.endsWith(".") && len > 80) {
      s -= 0.7;
    }
    if (t.chars().filter(c -> c == ',').count() > 3) {
      s -= 0.5;
    }
    return s;
  }

  /** The prompt's topic: its last run of content words (at most two), e.g. "rainy days". */
  static String topicOf(String prompt) {
    if (prompt == null) {
      return "that";
    }
    List<String> tokens = new ArrayList<>();
    for (String raw : WORD_SPLIT.split(prompt.toLowerCase(Locale.ROOT))) {
      String w = raw.replaceAll("^['-]+|['-]+$", "");
      if (!w.isEmpty()) {
        tokens.add(w);
      }
    }
    List<String> run = new ArrayList<>();
    List<String> lastRun = List.of();
    for (String w : tokens) {
      if (isContent(w)) {
        run.add(w);
      } else {
        if (!run.isEmpty()) {
          lastRun = run;
        }
        run = new ArrayList<>();
      }
    }
    if (!run.isEmpty()) {
      lastRun = run;
    }
    if (lastRun.isEmpty()) {
      return "that";
    }
    return String.join(" ", lastRun.subList(Math.max(0, lastRun.size() - 2), lastRun.size()));
  }

  private static boolean isContent(String w) {
    return w.length() >= 3 && !STOPWORDS.contains(w) && !STOPWORDS.contains(w.replace("'", ""))
        && w.chars().anyMatch(Character::isLetter);
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
    if (r < 0.4) {
      sb.append(',');
    } else if (r < 0.7) {
      sb.append('.');
    } else if (r < 0.85) {
      sb.append(" -");
    }
  }

  private static void endSentenceStrict(StringBuilder sb) {
    if (".,!?:\u2026-".indexOf(sb.charAt(sb.length() - 1)) < 0) {
      sb.append('.');
    }
  }

  private static String capitalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean start = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (start && Character.isLetter(c)) {
        out.append(Character.toUpperCase(c));
        start = false;
      } else {
        out.append(c);
        if (c == '.' || c == '!' || c == '?') {
          // "..." trails off rather than ending a sentence
          start = !(i + 1 < text.length() && text.charAt(i + 1) == '.') && !(i > 0 && text.charAt(i - 1) == '.');
        } else if (!Character.isWhitespace(c)) {
          start = false;
        }
      }
    }
    return out.toString();
  }

  /** One human-looking slip in a longer word: two letters swapped, one dropped or one doubled. */
  private String typo(String text) {
    List<int[]> words = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isLetter(text.charAt(i))) {
        i++;
      }
      if (i - start >= 4) {
        words.add(new int[] {start, i});
      }
      i = Math.max(i, start + 1);
    }
    if (words.isEmpty()) {
      return text;
    }
    int[] w = words.get(random.nextInt(words.size()));
    int at = w[0] + 1 + random.nextInt(w[1] - w[0] - 2);
    StringBuilder sb = new StringBuilder(text);
    switch (random.nextInt(3)) {
      case 0 -> {
        char c = sb.charAt(at);
        sb.setCharAt(at, sb.charAt(at + 1));
        sb.setCharAt(at + 1, c);
      }
      case 1 -> sb.deleteCharAt(at);
      default -> sb.insert(at, sb.charAt(at));
    }
    return sb.toString();
  }

  /** Cuts to 280 characters at a word boundary; never empty. */
  static String fit(String text, String topic) {
    String t = text == null ? "" : text.strip();
    if (t.length() > Reply.MAX_CHARS) {
      int cut = t.lastIndexOf(' ', Reply.MAX_CHARS);
      t = (cut > Reply.MAX_CHARS / 2 ? t.substring(0, cut) : t.substring(0, Reply.MAX_CHARS)).strip();
      if (Character.isHighSurrogate(t.charAt(t.length() - 1))) {
        t = t.substring(0, t.length() - 1);
      }
    }
    if (t.isEmpty()) {
      t = topic == null || topic.isBlank() ? "idk" : topic;
    }
    return t.length() > Reply.MAX_CHARS ? t.substring(0, Reply.MAX_CHARS) : t;
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  private Optional<String> pick(List<String> bank) {
    return bank == null || bank.isEmpty() ? Optional.empty()
        : Optional.of(bank.get(random.nextInt(bank.size())));
  }
}
