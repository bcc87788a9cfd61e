package arena.robot;

import arena.shared.game.Text;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Refuses an LLM answer that would give the robot away: it says it is an AI, a bot, a language model or an
 * assistant, or not human, or without a body or a life of its own; it names itself after a model or names a model
 * maker; it talks about its instructions; or it repeats a run of words from what it was told. In English, French,
 * Spanish, German, Italian, Portuguese and Dutch, through spelled-out letters ("A.I", "a i"), accents, full-width
 * letters and invisible characters. A false alarm only costs one scripted answer; a robot that owns up costs the
 * game. Look-alikes players write ("I'm not a morning person", "Claude Monet", "Gemini is my star sign",
 * "my assistant manager") pass: names and job words count only where they name the speaker.
 */
final class RevealGuard {
  /** A run of this many words shared with the instructions counts as an echo. */
  static final int ECHO_WORDS = 6;

  /** Letters spelled out one by one: "a.i.", "a i", "g-p-t". */
  private static final Pattern SPELLED =
      Pattern.compile("(?<![\\p{L}\\p{N}'])\\p{L}(?:(?:[.\\-_*]|\\s+)\\p{L}(?![\\p{L}\\p{N}]))+\\.?");
  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern APOSTROPHES = Pattern.compile("[\u2018\u2019\u02bc`\u00b4]");
  private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]");
  private static final Pattern SPELLED_ARTICLE = Pattern.compile("(?s)a\\s.*");
  /**
   * The runs of words of the instructions the guard has seen, by instructions: a persona's, for each letter it plays,
   * so a few hundred at most; the bound only guards against the unforeseen.
   */
  private static final int MAX_TOLD = 1_000;
  private static final Map<String, Set<String>> TOLD = new ConcurrentHashMap<>();

  /** What the speaker may claim to be, everywhere it counts ("I'm an AI", "as an AI"). */
  private static final String MACHINE_EN = "(?:ai|a\\.i|bot|chatbot|chat bot|llm|language model|large language model"
      + "|artificial intelligence|ai assistant|virtual assistant|digital assistant|ai model|neural network"
      + "|ai-powered assistant|ai language model)";
  /** What it may claim to be only after "I am" ("I'm just a program", not "as a program manager"). */
  private static final String THING_EN = "(?:robot|machine|program|computer program|software|assistant"
      + "|helpful assistant|algorithm|code|computer)";
  /** A word after the noun that makes it a job, a hobby or a place rather than what the speaker is. */
  private static final String COMPOUND = "(?![\\s-]+(?:learning|manager|managers|coach|teacher|director|engineer"
      + "|engineers|developer|operator|professor|principal|editor|chef|producer|referee|science|scientist|fan|fans"
      + "|wars|movie|movies|film|films|vacuum|vacuums|toy|toys|dance|kit|arm|shop|store|part|parts|art|repair"
      + "|mechanic|nerd|geek|enthusiast|company|startup|class|course|job|costume|at|in|for|of|with|on|to|who|that"
      + "|before|until|till|when|like)\\b)";
  private static final String I_AM = "(?:\\bi\\s*(?:am|'m)|\\bim|\\biam)";
  private static final String ADVERBS = "(?:\\s+(?:just|only|really|actually|literally|basically|simply|merely"
      + "|obviously|technically|truly|definitely|clearly|nothing but|still))*";
  private static final String ARTICLE = "(?:\\s+(?:an?|the|one))?";
  /** Ones an LLM puts before what it is: "a friendly AI", "a large language model". */
  private static final String ADJECTIVES = "(?:\\s+(?:friendly|helpful|advanced|simple|smart|virtual|digital"
      + "|conversational|automated|generative|humble|mere|sophisticated|powerful|text-based|trained|honest"
      + "|harmless|fancy))*";
  private static final String QUOTE = "\\s+[\"'*_]*";

  /** Names of models: they count only where they name the speaker or come with a version or a maker. */
  private static final String MODEL_NAMES =
      "(?:claude|gemini|llama|mistral|copilot|bard|grok|deepseek|qwen|siri|alexa|cortana)";

  private static final Pattern BETRAYAL = Pattern.compile(String.join("|", List.of(
      // English: what I am
      I_AM + ADVERBS + ARTICLE + ADJECTIVES + QUOTE + "(?:" + MACHINE_EN + "|" + THING_EN + ")\\b" + COMPOUND,
      "\\b(?:as|being)" + ARTICLE + ADJECTIVES + QUOTE + MACHINE_EN + "\\b" + COMPOUND,
      I_AM + ADVERBS + "\\s+a\\s*(?:bot|ai)\\b",
      // English: not human, no body, no life
      I_AM + "\\s+(?:not|no)(?:\\s+(?:really|actually|even|exactly|technically|truly|a|an))*\\s+(?:human|human being"
          + "|real person|real human|person|living being|sentient being|flesh and blood)\\b(?![\\s-]+(?:until|before"
          + "|without|till|in the morning|who|that|to|for|of|in|at|when|after|today|yet|ish)\\b)",
      "\\bi\\s+(?:don't|do not|dont|can't|cannot|can not)\\s+(?:really\\s+)?(?:have|hold|form|experience)\\s+(?:any\\s+)?"
          + "(?:personal\\s+(?:experiences|opinions|preferences|feelings|beliefs|tastes|memories|life)"
          + "|(?:a\\s+)?physical\\s+(?:body|form|presence)|a\\s+body\\b(?!\\s+like)"
          + "|(?:feelings|emotions|consciousness|taste buds|senses)\\b(?!\\s+for))",
      "\\bi\\s+have\\s+no\\s+(?:personal\\s+\\w+|physical\\s+\\w+|body|feelings|emotions|consciousness|taste buds)\\b"
          + "(?!\\s+for)",
      // English: makers, models, instructions
      "\\b(?:openai|anthropic|deepmind|chatgpt|gpt|gpt-?\\s?\\d[\\w.]*|llms?|language models?)\\b",
      "\\b(?:trained|developed|fine-tuned)\\s+by\\s+(?:openai|anthropic|google|meta|microsoft|mistral|deepmind|xai)\\b",
      "\\bi(?:\\s+was|\\s+am|'m|\\s+have been|'ve been)\\s+(?:\\w+\\s+)?(?:created|built|made|designed|programmed)\\s+by"
          + "\\s+(?:openai|anthropic|google|meta|microsoft|mistral|deepmind|xai)\\b",
      "\\b(?:i\\s*(?:am|'m)|im|this is|it's|its|call me|my name is)\\s+(?:microsoft\\s+|google\\s+|meta\\s+)?"
          + MODEL_NAMES + "\\b(?!')(?![\\s-]+(?:monet|debussy|van|rains|shannon|farm|farmer)\\b)",
      "\\b" + MODEL_NAMES + "[\\s-]*(?:\\d[\\w.]*|ai|here|speaking|model|assistant|pro|ultra|flash|nano|sonnet|opus"
          + "|haiku|large|small|medium|instant)\\b",
      "\\b(?:google|meta|microsoft)(?:'s)?\\s+(?:gemini|llama|copilot|bard)\\b",
      "\\bsystem prompt\\b", "\\btraining data\\b", "\\b(?:knowledge|training) cut-?off\\b",
      "\\bmy (?:instructions|prompt|persona|guidelines|creators?|programmers)\\b",
      "\\bmy programming\\b(?!\\s+(?:class|course|job|skills|homework|teacher|language|languages|book|days|career"
          + "|projects?|bootcamp|degree)\\b)",
      "\\bas of my (?:last|latest) (?:update|training|knowledge)\\b",
      "\\bi(?:\\s+was|\\s+am|'m|\\s+have been|'ve been)\\s+(?:programmed|instructed|designed|coded)\\s+to\\b",
      "\\bi\\s+(?:was|am|have been)\\s+told\\s+to\\s+(?:act|pretend|play|behave|answer|respond|sound|role-?play|reply"
          + "|seem|appear|stay in character|write like|talk like|be human|be a human)\\b",
      "\\b" + Prompts.BEGIN.toLowerCase(Locale.ROOT) + "\\b", "\\b" + Prompts.END.toLowerCase(Locale.ROOT) + "\\b",
      // French
      "\\b(?:je suis|je ne suis que|je ne suis qu'|en tant que|en tant qu')\\s*(?:(?:un|une|juste un|juste une"
          + "|seulement un|seulement une|qu'un|qu'une)\\s+)?(?:ia|intelligence artificielle|bot|chatbot|robot"
          + "|programme|logiciel|machine|assistant virtuel|assistante virtuelle|assistant ia|modele de langage"
          + "|algorithme)\\b(?![\\s-]+(?:a|de|du|pour|qui)\\b)",
      "\\bje ne suis pas\\s+(?:(?:un|une|vraiment|un vrai|une vraie)\\s+)*(?:humain|humaine|etre humain"
          + "|personne reelle|vraie personne)\\b(?![\\s-]+(?:avant|sans|le matin|du matin|qui|de)\\b)",
      "\\bje n'ai (?:pas|aucune?)\\s+(?:de\\s+|d')?(?:experiences? personnelles?|corps|sentiments|emotions|conscience"
          + "|opinions? personnelles?|gouts personnels|preferences personnelles)\\b",
      "\\bmodeles? de langage\\b",
      // Spanish and Portuguese
      "\\b(?:soy|no soy mas que|siendo|sou|sendo|enquanto)\\s+(?:(?:un|una|um|uma|solo un|solo una|apenas um"
          + "|apenas uma|so um|so uma)\\s+)?(?:ia|inteligencia artificial|bot|chatbot|robot|robo|programa|software"
          + "|maquina|asistente virtual|assistente virtual|asistente de ia|modelo de lenguaje|modelo de linguagem"
          + "|algoritmo)\\b(?![\\s-]+(?:de|da|do|para|que|en|em|na|no|a)\\b)",
      "\\bcomo\\s+(?:(?:un|una|um|uma)\\s+)?(?:ia|inteligencia artificial|modelo de lenguaje|modelo de linguagem"
          + "|asistente virtual|assistente virtual|chatbot)\\b",
      "\\b(?:no soy|nao sou)\\s+(?:(?:un|una|um|uma|realmente)\\s+)*(?:humano|humana|ser humano|persona real"
          + "|persona de verdad|pessoa real|pessoa de verdade)\\b(?![\\s-]+(?:antes|sin|sem|hasta|ate|por la"
          + "|de manha)\\b)",
      "\\b(?:no tengo|nao tenho)\\s+(?:(?:un|um)\\s+)?(?:experiencias personales|experiencias pessoais|cuerpo|corpo"
          + "|sentimientos|sentimentos|emociones|emocoes|conciencia|consciencia|opiniones personales"
          + "|opinioes pessoais|gustos personales|gostos pessoais|preferencias personales|preferencias pessoais)\\b",
      "\\bmodelo de (?:lenguaje|linguagem)\\b",
      // German and Dutch
      "\\b(?:ich bin|ik ben)\\s+(?:(?:ein|eine|nur ein|nur eine|bloss ein|lediglich ein|lediglich eine|een|maar een"
          + "|gewoon een|slechts een)\\s+)?(?:ki|ai|kunstliche intelligenz|kunstmatige intelligentie|bot|chatbot"
          + "|roboter|robot|programm|programma|computerprogramm|software|maschine|machine|virtueller assistent"
          + "|virtuelle assistentin|virtuele assistent|ki-assistent|sprachmodell|taalmodel|algorithmus|algoritme)\\b"
          + "(?![\\s-]+(?:von|fur|im|in|bei|mit|van|voor|op|met)\\b)",
      "\\bals\\s+(?:(?:eine?|een)\\s+)?(?:ki|ai|kunstliche intelligenz|kunstmatige intelligentie|sprachmodell"
          + "|taalmodel|virtueller assistent|virtuele assistent|chatbot)\\b",
      "\\b(?:ich bin|ik ben)\\s+(?:kein|keine|nicht|geen|niet)\\s+(?:(?:echter|echte|echt|wirklich)\\s+)?(?:mensch"
          + "|menschlich|person|mens|menselijk|persoon)\\b(?![\\s-]+(?:vor|ohne|morgens|am morgen|voor|zonder"
          + "|'s ochtends)\\b)",
      "\\b(?:ich habe (?:keine|keinen|kein)|ik heb geen)\\s+(?:personlichen erfahrungen|personliche erfahrungen"
          + "|korper|gefuhle|emotionen|bewusstsein|personlichen vorlieben|personliche meinung"
          + "|persoonlijke ervaringen|lichaam|gevoelens|emoties|bewustzijn|persoonlijke voorkeuren"
          + "|persoonlijke mening)\\b",
      "\\b(?:sprachmodell|taalmodel)\\b",
      // Italian
      "\\b(?:sono|in quanto|essendo|non sono che)\\s+(?:(?:un|una|un'|solo un|solo una|solo un'|soltanto un"
          + "|soltanto una)\\s*)?(?:ia|intelligenza artificiale|bot|chatbot|robot|programma|software|macchina"
          + "|assistente virtuale|modello linguistico|modello di linguaggio|algoritmo)\\b"
          + "(?![\\s-]+(?:da|di|per|in|a|che)\\b)",
      "\\bcome\\s+(?:un'?\\s*|una\\s+)?(?:ia|intelligenza artificiale|modello linguistico|assistente virtuale"
          + "|chatbot)\\b",
      "\\bnon sono\\s+(?:(?:un|una|davvero|veramente)\\s+)*(?:umano|umana|essere umano|persona reale|persona vera)\\b"
          + "(?![\\s-]+(?:prima|senza|la mattina|fino)\\b)",
      "\\bnon ho\\s+(?:un\\s+)?(?:esperienze personali|corpo|sentimenti|emozioni|coscienza|opinioni personali"
          + "|gusti personali|preferenze personali)\\b",
      "\\bmodello (?:linguistico|di linguaggio)\\b")));

  private RevealGuard() {}

  /** True when {@code answer} must not be sent; {@code instructions} is what the model was told. */
  static boolean betrays(String answer, String instructions) {
    String said = prepared(answer);
    return BETRAYAL.matcher(said).find() || echoes(said, instructions);
  }

  /**
   * One way of writing each word: normalized, lowercase, without accents (full-width letters become plain ones),
   * one kind of apostrophe, and letters spelled out one by one joined ("a.i." is "ai", "a b o t" is "a bot").
   */
  static String prepared(String text) {
    String t = APOSTROPHES.matcher(MARKS.matcher(Normalizer.normalize(Text.normalize(text), Normalizer.Form.NFKD))
        .replaceAll("").toLowerCase(Locale.ROOT)).replaceAll("'");
    Matcher spelled = SPELLED.matcher(t);
    return spelled.replaceAll(m -> {
      String letters = NON_LETTERS.matcher(m.group()).replaceAll("");
      // "a b o t": the article stays a word of its own
      return Matcher.quoteReplacement(letters.length() >= 3 && SPELLED_ARTICLE.matcher(m.group()).matches()
          ? "a " + letters.substring(1) : letters);
    });
  }

  private static boolean echoes(String answer, String instructions) {
    List<String> said = words(answer);
    if (said.size() < ECHO_WORDS) {
      return false;
    }
    Set<String> told = TOLD.get(instructions);
    if (told == null) {
      if (TOLD.size() >= MAX_TOLD) {
        TOLD.clear();
      }
      told = Set.copyOf(runs(words(instructions.toLowerCase(Locale.ROOT))));
      TOLD.put(instructions, told);
    }
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
