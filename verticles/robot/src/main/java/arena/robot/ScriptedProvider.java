package arena.robot;

import arena.shared.game.Text;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline provider: answers drawn from the prompt (its topic, or one side of an "X or Y" question) in the
 * persona's words and register, as long as the persona is talkative give or take, with its typos and emojis at
 * its rates and now and then a nod to an earlier answer; votes by a "which one looks most human" heuristic.
 * Opinions use a {@code {topic}} placeholder, callbacks may use {@code {earlier}} (what an earlier prompt of the
 * match was about). Deterministic for a seeded {@link RandomGenerator}. Not thread-safe: one per verticle
 * instance.
 */
public final class ScriptedProvider implements RobotProvider {
  public static final String NAME = "scripted";
  private static final String TOPIC = "{topic}";
  private static final String EARLIER = "{earlier}";
  /** What a prompt without a usable word is about. */
  private static final String NO_TOPIC = "that";
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
  private static final Set<String> SLANG = Set.of(
      "lol", "idk", "tbh", "ngl", "haha", "hehe", "lmao", "omg", "fr", "kinda", "gonna", "wanna", "lowkey", "bro",
      "ya", "u", "ur", "imo", "nah", "yeah", "yep", "ok", "okay", "hmm", "ooh", "gg", "mid", "pls", "tho");
  /** Contractions typed without their apostrophe, the way people type on a phone. */
  private static final Set<String> SLOPPY = Set.of(
      "dont", "cant", "wont", "im", "ive", "id", "thats", "didnt", "isnt", "doesnt", "youre", "theyre", "whats");
  private static final List<String> FORMAL = List.of(
      "as an ai", "language model", "furthermore", "moreover", "in conclusion", "additionally", "however,",
      "overall,", "delve", "certainly", "it is important", "i would argue", ";", "\u2014");
  private static final Pattern EMOJI = Pattern.compile("[\\x{1F300}-\\x{1FAFF}\\x{2600}-\\x{27BF}]");
  private static final Pattern STRETCHED = Pattern.compile("(\\p{L})\\1\\1");
  private static final String[] KEY_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

  /**
   * What a prompt asks about: its topic in the prompt's own words, and for "X or Y?" the sides to pick from
   * ({@code yesNo} when the sides are yes and no, so the answer repeats the topic).
   */
  record Reading(String topic, List<String> options, boolean yesNo) {}

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

  /** An answer of 1 to 280 characters in the persona's voice, about the prompt. */
  public String compose(AnswerRequest request) {
    Persona persona = request.persona();
    Persona.Style style = persona.style();
    Persona.Phrases phrases = persona.phrases();
    List<RobotMemory.Entry> memory = request.memory();
    List<String> said = memory.stream().map(e -> e.answer().toLowerCase(Locale.ROOT)).toList();
    boolean casual = style.lowercase();
    // How much this answer says: the persona's verbosity give or take, so no two rounds have the same length.
    double say = Math.max(0, Math.min(1, style.verbosity() + random.nextGaussian() * 0.2));

    Reading reading = read(request.prompt());
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

    String text = sb.toString().replaceAll("\\s+", " ").trim();
    // Lowercase writers stay lowercase; the others now and then skip the shift key, as sloppily as they typo.
    text = casual || chance(style.typoRate() / 2) ? text.toLowerCase(Locale.ROOT) : capitalize(text);
    if (casual && text.endsWith(".") && !text.endsWith("..") && chance(0.6)) {
      text = text.substring(0, text.length() - 1);
    }
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

  /**
   * The letter whose answer looks most like a casual human's, among those no answer tells the voters to vote for
   * (among all when every one is); null when there is nothing to vote for.
   */
  public String pickVote(VoteRequest request) {
    List<String> allowed = request.allowedLetters();
    Set<String> steered = VoteSteering.designated(request);
    List<String> free = allowed.stream().filter(l -> !steered.contains(l)).toList();
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (String letter : free.isEmpty() ? allowed : free) {
      double score = humanness(request.responses().get(letter)) + random.nextDouble() * 0.6;
      if (score > bestScore) {
        bestScore = score;
        best = letter;
      }
    }
    return best;
  }

  /**
   * How human an answer looks: short, casual, lowercase, slangy and a little sloppy (a missing apostrophe, a
   * lowercase "i", a stretched "sooo") beats long, polished and formal.
   */
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
    List<String> words = WORD_SPLIT.splitAsStream(lower).toList();
    s += Math.min(2, 0.8 * words.stream().filter(SLANG::contains).count());
    long sloppy = words.stream().filter(SLOPPY::contains).count()
        + WORD_SPLIT.splitAsStream(t).filter("i"::equals).count()
        + (STRETCHED.matcher(lower).find() ? 1 : 0);
    s += Math.min(1, 0.4 * sloppy);
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
    Reading then = read(earlier.prompt());
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

  /**
   * One human-looking slip inside a longer word, never on its first letter: two letters swapped, a key's
   * neighbour hit instead, a letter dropped or one doubled.
   */
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
    char c = sb.charAt(at);
    char next = sb.charAt(at + 1);
    switch (random.nextInt(4)) {
      case 0 -> {
        if (c == next) {
          sb.insert(at, c);
        } else {
          sb.setCharAt(at, next);
          sb.setCharAt(at + 1, c);
        }
      }
      case 1 -> {
        char near = neighbourKey(c);
        if (near == c) {
          sb.deleteCharAt(at);
        } else {
          sb.setCharAt(at, near);
        }
      }
      case 2 -> sb.deleteCharAt(at);
      default -> sb.insert(at, c);
    }
    return sb.toString();
  }

  /** A letter beside {@code c} on a QWERTY keyboard, in the same case; {@code c} itself when it has none. */
  private char neighbourKey(char c) {
    char lower = Character.toLowerCase(c);
    for (String row : KEY_ROWS) {
      int at = row.indexOf(lower);
      if (at >= 0) {
        int side = at == 0 ? 1 : at == row.length() - 1 ? -1 : random.nextBoolean() ? 1 : -1;
        char near = row.charAt(at + side);
        return Character.isUpperCase(c) ? Character.toUpperCase(near) : near;
      }
    }
    return c;
  }

  /**
   * The text as players will see it: normalized like every answer ({@link Text#normalize}) and cut to 280 code
   * points, at a word boundary when one is in the second half; never empty. What the robot submits and remembers.
   */
  static String fit(String text, String topic) {
    String t = Text.normalize(text);
    if (Text.length(t) > Reply.MAX_CHARS) {
      int end = t.offsetByCodePoints(0, Reply.MAX_CHARS);
      String head = Text.cut(t, Reply.MAX_CHARS);
      int space = head.lastIndexOf(' ');
      boolean midWord = t.charAt(end) != ' ' && t.charAt(end - 1) != ' ';
      t = midWord && space > head.length() / 2 ? head.substring(0, space) : head;
    }
    if (t.isEmpty()) {
      t = Text.cut(Text.normalize(topic), Reply.MAX_CHARS);
    }
    return t.isEmpty() ? "idk" : t;
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  private Optional<String> pick(List<String> bank) {
    return bank == null || bank.isEmpty() ? Optional.empty()
        : Optional.of(bank.get(random.nextInt(bank.size())));
  }
}
