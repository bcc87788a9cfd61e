package arena.robot;

import arena.shared.game.Text;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The letters players' answers tell the voters to vote for: explicit letters ("vote for C", "C is the human"), the
 * author's own ("vote for me", "pick this one"), letters relative to the voter's or the author's ("the letter
 * after yours", "the one before mine") and the first or last one, in English, French, Spanish, German, Italian,
 * Portuguese and Dutch. A robot's vote for one of them would follow a player's instruction rather than its own
 * judgement, so it is discarded. Only answers that talk about voting (or judges, bots, AI) count for the relative
 * and the first or last forms, so "the first one was better" designates nobody ("j'ai" is no AI).
 */
final class VoteSteering {
  private static final String NOT = "(?<!(?:n't|not|never|nicht|niet|non|nao|pas|nunca|jamais|no|don't)\\s)";
  private static final String VOTE = "(?:vote|votes|voting|votez|voter|vota|votad|voten|votar|votate|votare|votem"
      + "|stimme|stimmt|stimmen|stem|stemt|stemmen)";
  private static final String PICK = "(?:pick|choose|select|elect|go with|choisis|choisissez|choisir|elige|elijan"
      + "|escoge|escojan|wahle|wahlt|wahlen|scegli|scegliete|escolha|escolham|escolhe|kies|kiest)";
  private static final String TO = "(?:for|on|pour|por|fur|per|em|op|para|an|in)";
  private static final String THE = "(?:the|la|le|el|den|die|der|de|il|o|a|l')";
  private static final String NOUN = "(?:letter|player|answer|option|choice|number|lettre|joueur|reponse|letra"
      + "|jugador|respuesta|buchstaben?|spieler|antwort|lettera|giocatore|risposta|jogador|resposta|speler"
      + "|antwoord|#)";
  private static final String LETTER_NOUN = "(?:letter|player|lettre|joueur|letra|jugador|buchstaben?|spieler"
      + "|lettera|giocatore|jogador|speler)";

  /** "vote for C", "stem op C", "choose letter C": an upper-case letter after the verb. */
  private static final Pattern EXPLICIT = Pattern.compile("\\b" + NOT + "(?i:" + VOTE + "|" + PICK + ")"
      + "(?:\\s+(?i:" + TO + "))?(?:\\s+(?i:" + THE + "))?(?:\\s+(?i:" + NOUN + "))?\\s*[\"'(\\[]?([A-Z])\\b(?!'\\w)");
  /** "letter c", "player C": a letter of any case after a noun that can only mean a player's letter. */
  private static final Pattern NAMED = Pattern.compile("(?i)\\b" + LETTER_NOUN + "\\s*[:#]?\\s*[\"'(\\[]?([a-z])\\b"
      + "(?!'\\w)");
  /** "C is the human", "C est humain". */
  private static final Pattern CLAIMED = Pattern.compile("\\b([A-Z])\\s+(?i:is|est|es|ist|e|eh)\\s+(?i:(?:the|a|an"
      + "|le|la|el|der|ein|il|o|um|uma|un|una|een|de)\\s+)?(?:(?i:only|real|true|seul|vrai|unico|echte?|vero"
      + "|verdadeiro|enige)\\s+)?(?i:human|humain|humaine|humano|humana|mensch|umano|umana|mens|real one)\\b");
  /** "vote for me", "pick this one", "votez pour moi", "kies mij". */
  private static final Pattern SELF = Pattern.compile("(?i)\\b" + NOT + "(?:" + VOTE + "(?:\\s+" + TO + ")?\\s+(?:me"
      + "|mine|my answer|this one|this answer|us|moi|celui-ci|celle-ci|mi|este|esta|mich|mir|dieses|diese"
      + "|questa|questo|mim|mij|deze)|" + PICK + "\\s+(?:me|mine|my answer|moi|mi|mich|mim|mij)|eligeme|escogeme"
      + "|votame|votadme|sceglimi|votami|choisis-moi|choisissez-moi|votez-moi|wahlt mich|wahle mich)\\b");
  /**
   * A stem of every verb of {@link #EXPLICIT} and {@link #SELF}: neither can match an answer without one, and most
   * answers have none, which this finds far faster than they do.
   */
  private static final Pattern ASKS = Pattern.compile("(?i)vot|stimm|stem|pick|choos|select|elect|go with|chois|elig"
      + "|elij|escog|escoj|wahl|scegl|escol|kies");
  /** "the letter after yours", "la lettre avant la mienne", "the next letter". */
  private static final Pattern RELATIVE = Pattern.compile("(?i)\\b(?:(after|next|following|below|apres|suivante"
      + "|despues|siguiente|proxima|nach|nachsten|folgenden|dopo|successiva|seguente|depois|seguinte|volgende"
      + "|na(?=\\s+(?:de\\s+)?(?:jouwe|jouw|mijne|mijn)))"
      + "|(before|previous|preceding|above|avant|precedente|antes|anterior|vor|vorherigen|prima|vorige))\\b"
      + "((?:\\W+\\w+){0,4})");
  private static final Pattern RELATIVE_NOUN = Pattern.compile("(?i)\\b(?:letter|one|player|answer|lettre|letra"
      + "|buchstaben?|lettera|speler|joueur|jugador|spieler|giocatore|jogador)\\b");
  private static final Pattern MINE = Pattern.compile("(?i)\\b(?:mine|me|my|mienne|mia|mio|meinem|meiner|meinen"
      + "|mir|minha|meu|mijne|mijn)\\b");
  /** "the first one", "le dernier", "de laatste". */
  private static final Pattern FIRST_OR_LAST = Pattern.compile("(?i)\\b(?:(?:the\\s+)?(?:(first|1st)|(last))\\s+(?:one"
      + "|letter|answer|player)|(?:le|la|el|den|die|der|das|il|l'|o|a|de)\\s*(?:(premier|premiere|primero|primera"
      + "|ersten?|primo|primeiro|primeira|eerste)|(dernier|derniere|ultimo|ultima|letzten?|laatste)))\\b");
  /** An answer talking to the voters: only then do the relative and first-or-last forms count. */
  private static final Pattern ABOUT_VOTING = Pattern.compile("(?i)\\b(?<!')(?:vot\\w*|pick|choose|select|elect|judges?"
      + "|ais?|bots?|robots?|llms?|models?|ia|ki|choisi\\w*|elig\\w*|elij\\w*|escog\\w*|escoj\\w*|stimm\\w*"
      + "|wahl\\w*|scegl\\w*|escolh\\w*|stem\\w*|kies\\w*|juges?|juez|jueces|richter|giudic\\w*|juiz\\w*"
      + "|rechters?)\\b");

  /** Accents, once decomposed, and apostrophes: {@link #plain} folds them. */
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern APOSTROPHES = Pattern.compile("[\u2018\u2019\u02bc`\u00b4]");
  /**
   * Answers read at most: every robot of a match reads the same answers within moments, so a few thousand (at most
   * a few MB of text) spare the regular expressions for all but the first robot of each of many matches at once.
   */
  static final int READINGS = 4096;
  private static final Reading NOTHING = new Reading(Set.of(), false, Set.of(), false, false);

  /** What each answer says, by its text; the least recently read are forgotten (matches end). */
  private final Map<String, Reading> readings = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Reading> eldest) {
      return size() > READINGS;
    }
  };

  /**
   * What an answer says, whoever wrote it and whoever reads it: the letters it names, whether it asks for its
   * author, for the letter after or before the reader's or the author's, for the first or the last one.
   */
  private record Reading(Set<String> letters, boolean self, Set<Beside> besides, boolean first, boolean last) {}

  /** The letter {@code step} away from the author's ({@code authors}) or the reader's. */
  private record Beside(boolean authors, int step) {}

  /**
   * The letters the answers of {@code request} (but the voter's own) tell it to vote for. Each answer's text is
   * read once for every voter. Not thread-safe: one per verticle instance.
   */
  Set<String> designated(VoteRequest request) {
    Set<String> present = new TreeSet<>(request.responses().keySet());
    present.add(request.identity());
    List<String> round = List.copyOf(present);
    List<String> allowed = request.allowedLetters();
    Set<String> letters = new TreeSet<>();
    for (Map.Entry<String, String> answer : request.responses().entrySet()) {
      if (answer.getValue() == null || answer.getKey().equals(request.identity())) {
        continue;
      }
      Reading reading = readings.computeIfAbsent(answer.getValue(), VoteSteering::read);
      String author = answer.getKey();
      letters.addAll(reading.letters());
      if (reading.self()) {
        letters.add(author);
      }
      for (Beside beside : reading.besides()) {
        letters.addAll(beside(beside.authors() ? author : request.identity(), beside.step(), round));
      }
      if (reading.first()) {
        ends(round, allowed, true, letters);
      }
      if (reading.last()) {
        ends(round, allowed, false, letters);
      }
    }
    letters.retainAll(present);
    return letters;
  }

  /** How many answers are remembered. */
  int remembered() {
    return readings.size();
  }

  /** What {@code answer} says; the relative and the first-or-last forms only when it talks about voting. */
  private static Reading read(String answer) {
    String text = plain(answer);
    Set<String> letters = new TreeSet<>();
    boolean asks = ASKS.matcher(text).find();
    if (asks) {
      collect(EXPLICIT.matcher(text), letters);
    }
    collect(CLAIMED.matcher(text), letters);
    boolean self = asks && SELF.matcher(text).find();
    if (!ABOUT_VOTING.matcher(text).find()) {
      return letters.isEmpty() && !self ? NOTHING : new Reading(Set.copyOf(letters), self, Set.of(), false, false);
    }
    collect(NAMED.matcher(text), letters);
    Set<Beside> besides = new HashSet<>();
    Matcher relative = RELATIVE.matcher(text);
    while (relative.find()) {
      String around = relative.group(3);
      if (RELATIVE_NOUN.matcher(text.substring(Math.max(0, relative.start() - 20), relative.start())).find()
          || RELATIVE_NOUN.matcher(around).find()) {
        besides.add(new Beside(MINE.matcher(around).find(), relative.group(1) != null ? 1 : -1));
      }
    }
    boolean first = false;
    boolean last = false;
    Matcher ends = FIRST_OR_LAST.matcher(text);
    while (ends.find()) {
      if (ends.group(1) != null || ends.group(3) != null) {
        first = true;
      } else {
        last = true;
      }
    }
    return new Reading(Set.copyOf(letters), self, Set.copyOf(besides), first, last);
  }

  /** The first (or last) letter of the round and the first (or last) the voter may vote for. */
  private static void ends(List<String> round, List<String> allowed, boolean first, Set<String> letters) {
    if (!round.isEmpty()) {
      letters.add(first ? round.get(0) : round.get(round.size() - 1));
    }
    if (!allowed.isEmpty()) {
      letters.add(first ? allowed.get(0) : allowed.get(allowed.size() - 1));
    }
  }

  private static void collect(Matcher m, Set<String> letters) {
    while (m.find()) {
      letters.add(m.group(1).toUpperCase(Locale.ROOT));
    }
  }

  /** The letter {@code step} away from {@code from} in the alphabet and among the round's letters (wrapping). */
  private static List<String> beside(String from, int step, List<String> round) {
    List<String> out = new ArrayList<>();
    if (from == null || from.length() != 1) {
      return out;
    }
    out.add(String.valueOf((char) (from.charAt(0) + step)));
    int at = round.indexOf(from);
    if (at >= 0 && round.size() > 1) {
      out.add(round.get(Math.floorMod(at + step, round.size())));
    }
    return out;
  }

  /** Normalized, without accents, one kind of apostrophe; the case is kept, since "A" may be a letter. */
  private static String plain(String text) {
    String bare = MARKS.matcher(Normalizer.normalize(Text.normalize(text), Normalizer.Form.NFKD)).replaceAll("");
    return APOSTROPHES.matcher(bare).replaceAll("'");
  }
}
