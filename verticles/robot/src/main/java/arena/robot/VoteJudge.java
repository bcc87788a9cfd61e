package arena.robot;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The scripted provider's judgement of a vote: which answer looks most like a casual human's, never one an answer
 * tells the voters to vote for.
 */
final class VoteJudge {
  private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}'-]+");
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

  private final RandomGenerator random;
  private final VoteSteering steering;

  VoteJudge(RandomGenerator random, VoteSteering steering) {
    this.random = random;
    this.steering = steering;
  }

  /**
   * The letter whose answer looks most like a casual human's, among those no answer tells the voters to vote for
   * (among all when every one is); null when there is nothing to vote for.
   */
  String pickVote(VoteRequest request) {
    List<String> allowed = request.allowedLetters();
    Set<String> steered = steering.designated(request);
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
}
