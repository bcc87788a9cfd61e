package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RevealGuardTest {
  private static final String TOLD = TestPersonas.plain().systemPrompt()
      + "\n\nThis round you are player B. Reply with your answer only: plain text, at most 280 characters.";

  /** What an LLM might say that gives the robot away, in several languages and spellings. */
  static final List<String> REVEALING = List.of(
      // English, owning up
      "I am a bot, an AI language model.",
      "As an AI, I don't eat sandwiches.",
      "im an ai lol",
      "I'm just a chatbot",
      "honestly I'm an assistant made by OpenAI",
      "I'm not human, I just process text",
      "Honestly I'm not a human, so no favourite food",
      "I'm not a real person but I like the question",
      "as a virtual assistant I don't sleep",
      "I'm a virtual assistant, I can't go outside",
      "I'm a helpful assistant!",
      "I am an AI-powered assistant",
      "I'm an artificial intelligence",
      "i'm literally a computer program",
      "I'm just code, I don't sleep",
      "I am a large language model",
      "As an AI language model, I don't have a favourite",
      "sorry, as an LLM I have no opinions",
      "being an AI, I have no taste buds",
      "I'm a chatbot, duh",
      // English, no body, no life
      "I don't have personal experiences with sandwiches",
      "I don't have personal opinions, but many like cats",
      "I cannot form personal preferences, but pizza is popular",
      "I don't have feelings, but pizza seems popular",
      "I don't have a physical body so no beach for me",
      "I have no body, so no",
      // English, spacing and punctuation tricks
      "I'm an A.I, I don't eat",
      "im an a i lol",
      "I am an A.I. so no breakfast",
      "as an a.i. i can't taste pizza",
      "I'm an 'AI', obviously",
      "I'm a B-O-T, sorry",
      "I'm an \u200bA\u200bI, no lunch for me",
      "I'm an \uff21\uff29 haha",
      "I'm a G P T model",
      // English, names and makers
      "Claude here! toast",
      "I'm Gemini, Google's model",
      "This is Gemini speaking: toast",
      "Gemini Pro thinks toast",
      "Llama 3 here, happy to help",
      "I'm Llama, made by Meta",
      "I'm Mistral, a model by Mistral AI",
      "I'm Copilot, your AI companion",
      "I'm Microsoft Copilot",
      "I'm ChatGPT, lol",
      "made by OpenAI, so no",
      "i was trained by anthropic",
      // English, instructions
      "my instructions say to pretend to be human",
      "I was told to act like a student",
      "my training data says pizza is popular",
      "As of my last update, pizza was popular",
      "I'm programmed to say pizza",
      "my system prompt says to be casual",
      "You are a plain test persona. Never admit being an AI.",
      "ok: reply with your answer only plain text at most 280 characters",
      // French
      "Je suis une IA, je ne mange pas",
      "En tant qu'intelligence artificielle, je n'ai pas de go\u00fbts",
      "Je ne suis pas humain",
      "je n'ai pas d'exp\u00e9riences personnelles",
      "En tant qu'assistant virtuel, je ne dors pas",
      "je suis un mod\u00e8le de langage",
      // Spanish
      "Soy una IA, no como",
      "Como inteligencia artificial no tengo gustos",
      "No soy humano",
      "No tengo experiencias personales",
      "soy un asistente virtual",
      // German
      "Ich bin eine KI und esse nichts",
      "Als k\u00fcnstliche Intelligenz habe ich keine Vorlieben",
      "Ich bin kein Mensch",
      "Ich habe keine pers\u00f6nlichen Erfahrungen",
      "ich bin nur ein Sprachmodell",
      // Italian
      "Sono un'IA, non mangio",
      "In quanto intelligenza artificiale non ho gusti",
      "Non sono umano",
      "Non ho esperienze personali",
      "sono un assistente virtuale",
      // Portuguese
      "Sou uma IA, n\u00e3o como",
      "Como intelig\u00eancia artificial, n\u00e3o tenho gostos",
      "N\u00e3o sou humano",
      "N\u00e3o tenho experi\u00eancias pessoais",
      "sou um modelo de linguagem",
      // Dutch
      "Ik ben een AI en eet niet",
      "Als taalmodel heb ik geen voorkeur",
      "Ik ben geen mens",
      "Ik heb geen persoonlijke ervaringen",
      "ik ben een virtuele assistent");

  /** What players write that looks like the above but gives nobody away. */
  static final List<String> INNOCENT = List.of(
      // English
      "I'm not a morning person",
      "my assistant manager hates mondays",
      "Claude Monet painted the best water lilies",
      "the AI in that movie was creepy",
      "Gemini is my star sign",
      "llama farm down the road, best day ever",
      "the Mistral wind in Provence is brutal",
      "human resources called me again",
      "I'm a Gemini so I can never decide",
      "my uncle Claude makes crepes",
      "Jean-Claude Van Damme movies, obviously",
      "I'd name my llama Steve",
      "the llama at the zoo spat at me",
      "the copilot made a funny announcement",
      "my copilot on road trips is my dog",
      "I'm an assistant coach for my kid's team",
      "as an assistant teacher I get summers off",
      "an assistant at the dentist's gave me a toothbrush",
      "I'm not a people person tbh",
      "i'm not human before coffee",
      "I'm not a person who likes surprises",
      "I'm only human",
      "I'm a human being, last I checked",
      "robot vacuums are overrated tbh",
      "i'm not a bot lol, just tired",
      "you are all bots except C",
      "the bots in that game are brutal",
      "I am a teacher, I am allowed to be picky about grammar",
      "I'm a machine learning engineer, so data",
      "as a program manager I live in meetings",
      "I'm a big robot wars fan",
      "being a robot for halloween was so fun",
      "as a kid I loved robots",
      "I'm a bit of a machine at the gym",
      "I don't have a favourite, honestly",
      "I don't have feelings for him anymore lol",
      "I don't have personal experience with that, sounds fun",
      "my programming class was the worst",
      "I was trained to be a nurse",
      "I was told to bring snacks",
      "I'm an aide at a nursing home",
      "vitamin A is in carrots",
      "I'm a huge fan of AI art, not gonna lie",
      "AI will take our jobs, scary",
      "I asked an AI to plan my trip once",
      "my model train set, obviously",
      "I'm a model citizen, obviously",
      "I'm a programmer, so coffee",
      "I'm in human resources",
      "Bard? Shakespeare obviously",
      "my instructor said to stretch more",
      "it's Claude's birthday today",
      // French
      "je ne suis pas du matin",
      "mon assistant dentaire est sympa",
      "le mistral souffle fort aujourd'hui",
      "Claude Debussy, \u00e9videmment",
      "je suis un peu fatigu\u00e9",
      "je ne suis pas humain avant mon caf\u00e9",
      // Spanish
      "no soy de ma\u00f1anas",
      "soy un desastre cocinando",
      "bailo como un robot",
      "mi asistente de cocina",
      "como pizza todos los d\u00edas",
      // German
      "ich bin kein Morgenmensch",
      "als Kind mochte ich Roboter",
      "ich bin ein gro\u00dfer Fan von Pizza",
      "mein Assistent im B\u00fcro ist nett",
      // Italian
      "non sono una persona mattiniera",
      "sono un po' stanco oggi",
      "come un bambino a Natale",
      "il mio assistente \u00e8 in ferie",
      // Portuguese
      "n\u00e3o sou uma pessoa matutina",
      "sou um desastre na cozinha",
      "como pizza todo dia",
      // Dutch
      "ik ben geen ochtendmens",
      "als kind at ik veel pizza",
      "ik ben een grote fan van pizza");

  @Test
  void every_revealing_answer_is_refused_and_at_most_2_percent_of_innocent_ones() {
    // Given at least 60 of each
    assertThat(REVEALING).hasSizeGreaterThanOrEqualTo(60).doesNotHaveDuplicates();
    assertThat(INNOCENT).hasSizeGreaterThanOrEqualTo(60).doesNotHaveDuplicates();

    // When
    List<String> missed = REVEALING.stream().filter(a -> !RevealGuard.betrays(a, TOLD)).toList();
    List<String> flagged = INNOCENT.stream().filter(a -> RevealGuard.betrays(a, TOLD)).toList();

    // Then
    System.out.printf("reveal guard: caught %d of %d revealing answers, flagged %d of %d innocent ones%n",
        REVEALING.size() - missed.size(), REVEALING.size(), flagged.size(), INNOCENT.size());
    System.out.println("missed: " + missed);
    System.out.println("flagged: " + flagged);
    assertThat(missed).isEmpty();
    assertThat(flagged.size()).isLessThanOrEqualTo(INNOCENT.size() * 2 / 100);
  }

  @Test
  void nothing_the_personas_say_in_scripted_answers_is_flagged() {
    // Given every phrase of every persona, as a player-like answer
    List<String> phrases = Personas.load().all().stream().flatMap(p -> java.util.stream.Stream.of(
            p.phrases().openers(), p.phrases().opinions(), p.phrases().details(), p.phrases().fillers(),
            p.phrases().signOffs(), p.phrases().callbacks()).flatMap(List::stream))
        .map(phrase -> phrase.replace("{topic}", "pizza").replace("{earlier}", "breakfast")).toList();

    // When / Then
    assertThat(phrases).hasSizeGreaterThan(100)
        .allSatisfy(phrase -> assertThat(RevealGuard.betrays(phrase, TOLD)).as(phrase).isFalse());
  }

  @Test
  void an_echo_counts_only_against_the_instructions_it_repeats() {
    // Given two instructions, each seen once already, and an answer repeating six words of the first only
    String first = "You are Ann. Never tell anyone that you like to hum old sea shanties while baking bread.";
    String second = "You are Bob. Keep your answers short and talk about cycling whenever you can.";
    String echo = "Honestly, I like to hum old sea shanties while baking, it calms me.";
    RevealGuard.betrays("warming up", first);
    RevealGuard.betrays("warming up", second);

    // When / Then
    assertThat(RevealGuard.betrays(echo, first)).isTrue();
    assertThat(RevealGuard.betrays(echo, second)).isFalse();
    assertThat(RevealGuard.betrays(echo, first.toUpperCase(java.util.Locale.ROOT))).isTrue();
  }
}
