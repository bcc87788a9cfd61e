package arena.robot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a prompt asks about, for the scripted provider: its topic in the prompt's own words, or the sides of
 * an "X or Y" question.
 */
final class PromptReader {
  /** What a prompt without a usable word is about. */
  static final String NO_TOPIC = "that";
  private static final int MAX_TOPIC_WORDS = 5;
  private static final int MAX_OPTION_WORDS = 7;
  private static final Set<String> STOPWORDS = Set.of(
      "a", "an", "the", "what", "whats", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are",
      "was", "were", "be", "been", "being", "do", "does", "did", "doing", "done", "have", "has", "had", "you", "your",
      "yours", "youd", "youre", "youve", "youll", "yourself", "i", "me", "my", "we", "our", "us", "they", "them",
      "their", "he", "she", "it", "its", "this", "that", "these", "those", "of", "in", "on", "at", "to", "for", "with",
      "about", "from", "by", "as", "into", "over", "under", "if", "or", "and", "but", "so", "than", "then", "would",
      "could", "should", "can", "cant", "will", "wont", "shall", "may", "might", "must", "any", "some", "one", "ever",
      "most", "more", "best", "worst", "favorite", "favourite", "thing", "things", "describe", "tell", "name", "give",
      "think", "pick", "choose", "explain", "like", "really", "just", "very", "something", "anything", "everything",
      "someone", "anyone", "everyone", "nobody", "somebody", "way", "kind", "sort", "type", "there", "here", "not",
      "no", "yes", "all", "every", "each", "get", "gets", "got", "make", "makes", "made", "say", "said", "let", "go",
      "out", "up", "down", "only", "own", "same", "other", "else", "such", "too", "also", "finish", "sentence",
      "complete", "answer", "question", "word", "words", "use", "least", "much", "many", "lets", "im", "dont", "want",
      "need", "know", "time", "good", "bad", "new", "old", "whos", "first", "last", "still", "again", "once", "back",
      "take", "takes", "keep", "love", "okay", "often", "even", "always", "never", "truly", "spend", "eat", "play",
      "live", "rather", "remember", "believe", "turned", "cared", "knew", "looked", "relive", "admit", "pretend",
      "understand", "afraid", "day", "rest", "able", "used", "ask", "case", "life", "look", "buying", "turning",
      "leaving", "overnight", "two", "three", "four", "five", "ten", "twelve", "twenty", "thirty", "hundred");
  /** Words that say which one ("best meal", "ideal Sunday") but are no topic on their own. */
  private static final Set<String> MODIFIERS = Set.of(
      "best", "worst", "first", "last", "favorite", "favourite", "good", "bad", "new", "old");
  /** Small words that hold a topic together: "pineapple on pizza", "toy or game", "seat on a plane". */
  private static final Set<String> LINKS = Set.of("of", "on", "in", "or");
  private static final Set<String> ARTICLES = Set.of("a", "an", "the");
  /** Nouns too vague to be a topic alone but fine after a word that says which: "pettiest thing". */
  private static final Set<String> WEAK_NOUNS = Set.of("thing", "things", "time");
  /** Subjects and modals: the word after them is a verb. */
  private static final Set<String> GOVERNING = Set.of(
      "you", "you'd", "you've", "you're", "you'll", "i", "we", "they", "he", "she", "can", "could", "would", "should",
      "will", "might", "must");
  /** A side of a choice in the first person: "a pause button for your life" is "for my life". */
  private static final Map<String, String> FROM_ME = Map.of(
      "your", "my", "yours", "mine", "yourself", "myself", "you're", "I'm", "you'll", "I'll", "you'd", "I'd",
      "you've", "I've");
  private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}'-]+");
  private static final Pattern SENTENCE_END = Pattern.compile("[?!]|\\.(\\s|$)");
  private static final Pattern WOULD_YOU_RATHER = Pattern.compile("(?i)^would you rather\\s+");
  private static final Pattern CHOICE_PREFIX = Pattern.compile("(?i)^(always be|be|have)\\s+");
  private static final Pattern NOT_WORDS = Pattern.compile("[^\\p{L}\\p{N}' -]+");

  /**
   * What a prompt asks about: its topic in the prompt's own words, and for "X or Y?" the sides to pick from
   * ({@code yesNo} when the sides are yes and no, so the answer repeats the topic).
   */
  record Reading(String topic, List<String> options, boolean yesNo) {}

  private PromptReader() {}

  /** The prompt's topic in its own words, e.g. "rainy days"; "that" when it has none. */
  static String topicOf(String prompt) {
    return read(prompt).topic();
  }

  /**
   * Reads the question of a prompt (its first sentence, up to the first comma): "Would you rather X or Y",
   * "Cats or dogs" and "Pineapple on pizza: yes or no" offer sides; any other question has a topic.
   */
  static Reading read(String prompt) {
    if (prompt == null || prompt.isBlank()) {
      return new Reading(NO_TOPIC, List.of(), false);
    }
    Matcher end = SENTENCE_END.matcher(prompt);
    String sentence = (end.find() ? prompt.substring(0, end.start()) : prompt).strip();
    int colon = sentence.indexOf(':');
    if (colon >= 0) {
      String asked = clause(sentence.substring(colon + 1));
      String subject = topicIn(sentence.substring(0, colon));
      if (asked.equalsIgnoreCase("yes or no")) {
        return new Reading(subject, List.of("yes", "no"), true);
      }
      // "Finish the sentence: my ideal weekend..." says what it is about after the colon
      return new Reading(subject.equals(NO_TOPIC) ? topicIn(asked) : subject, List.of(), false);
    }
    String head = clause(sentence);
    List<String> sides = sides(head);
    return new Reading(sides.isEmpty() ? topicIn(head) : NO_TOPIC, sides, false);
  }

  private static String clause(String text) {
    int comma = text.indexOf(',');
    return (comma >= 0 ? text.substring(0, comma) : text).strip();
  }

  /** The two sides of "Would you rather X or Y" or "Cats or dogs", from my point of view; else none. */
  private static List<String> sides(String head) {
    Matcher rather = WOULD_YOU_RATHER.matcher(head);
    boolean asked = rather.find();
    String offer;
    if (asked) {
      offer = head.substring(rather.end());
    } else {
      String first = WORD_SPLIT.splitAsStream(head.toLowerCase(Locale.ROOT)).findFirst().orElse("");
      if (STOPWORDS.contains(first.replace("'", ""))) {
        return List.of(); // "What's always in your bag or pockets" asks for one thing, not a side
      }
      offer = head;
    }
    int or = offer.toLowerCase(Locale.ROOT).indexOf(" or ");
    if (or < 0) {
      return List.of();
    }
    String one = side(offer.substring(0, or), !asked);
    String two = side(offer.substring(or + 4), false);
    boolean usable = !one.isEmpty() && !two.isEmpty() && one.split(" ").length <= MAX_OPTION_WORDS
        && two.split(" ").length <= MAX_OPTION_WORDS;
    return usable ? List.of(one, two) : List.of();
  }

  private static String side(String text, boolean startsPrompt) {
    String t = CHOICE_PREFIX.matcher(NOT_WORDS.matcher(text).replaceAll(" ").strip()).replaceFirst("");
    List<String> words = new ArrayList<>();
    for (String w : t.split("\\s+")) {
      if (!w.isEmpty()) {
        words.add(FROM_ME.getOrDefault(w.toLowerCase(Locale.ROOT), w));
      }
    }
    if (startsPrompt && !words.isEmpty()) {
      words.set(0, sentenceCase(words.get(0)));
    }
    return String.join(" ", words);
  }

  /**
   * The topic of one clause in the prompt's words (a capital only where the prompt had one mid-sentence): its
   * longest run of content words, the first among equals. "Small" words hold a run together ("rule of etiquette",
   * "toy or game", "seat on a plane"), and the word a subject or modal governs is a verb, never a topic
   * ("you knew", "animals could talk").
   */
  private static String topicIn(String clause) {
    List<String> tokens = new ArrayList<>();
    for (String raw : WORD_SPLIT.split(clause)) {
      String w = raw.replaceAll("^['-]+|['-]+$", "");
      if (!w.isEmpty()) {
        tokens.add(tokens.isEmpty() ? sentenceCase(w) : w);
      }
    }
    List<String> best = List.of();
    int bestWeight = 0;
    List<String> run = new ArrayList<>();
    int weight = 0;
    boolean verbNext = false;
    for (int i = 0; i <= tokens.size(); i++) {
      String lower = i < tokens.size() ? tokens.get(i).toLowerCase(Locale.ROOT) : "";
      boolean verb = verbNext && !isAdverb(lower);
      verbNext = GOVERNING.contains(lower) || (verbNext && isAdverb(lower));
      boolean content = !verb && isContent(lower);
      boolean joins = content
          || (MODIFIERS.contains(lower) && isContent(at(tokens, i + 1)))
          || (!run.isEmpty() && WEAK_NOUNS.contains(lower) && isContent(at(tokens, i - 1)))
          || (!run.isEmpty() && LINKS.contains(lower) && (isContent(at(tokens, i + 1))
              || (ARTICLES.contains(at(tokens, i + 1)) && isContent(at(tokens, i + 2)))))
          || (!run.isEmpty() && ARTICLES.contains(lower) && LINKS.contains(at(tokens, i - 1)));
      if (joins) {
        run.add(tokens.get(i));
        weight += content ? 1 : 0;
      } else if (!run.isEmpty()) {
        if (weight > bestWeight) {
          best = run;
          bestWeight = weight;
        }
        run = new ArrayList<>();
        weight = 0;
      }
    }
    return best.isEmpty() ? NO_TOPIC
        : String.join(" ", best.subList(Math.max(0, best.size() - MAX_TOPIC_WORDS), best.size()));
  }

  private static String at(List<String> tokens, int i) {
    return i >= 0 && i < tokens.size() ? tokens.get(i).toLowerCase(Locale.ROOT) : "";
  }

  private static boolean isAdverb(String lower) {
    return lower.length() >= 7 && lower.endsWith("ly");
  }

  private static boolean isContent(String lower) {
    return lower.length() >= 3 && !STOPWORDS.contains(lower) && !STOPWORDS.contains(lower.replace("'", ""))
        && !isAdverb(lower) && lower.chars().anyMatch(Character::isLetter);
  }

  /** The first word of a prompt loses its sentence capital ("What", "Cats") but not an acronym's ("OK"). */
  private static String sentenceCase(String word) {
    return word.length() > 1 && word.substring(1).equals(word.substring(1).toLowerCase(Locale.ROOT))
        ? word.toLowerCase(Locale.ROOT) : word;
  }
}
