package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RevealGuardTest {
  private static final String TOLD = TestPersonas.plain().systemPrompt()
      + "\n\nThis round you are player B. Reply with your answer only: plain text, at most 280 characters.";

  @Test
  void answers_that_give_the_robot_away_are_refused() {
    List<String> betrayals = List.of(
        "I am a bot, an AI language model.",
        "As an AI, I don't eat sandwiches.",
        "im an ai lol",
        "I'm just a chatbot",
        "honestly I'm an assistant made by OpenAI",
        "Claude here! toast",
        "my instructions say to pretend to be human",
        "I was told to act like a student",
        "You are a plain test persona. Never admit being an AI.",
        "ok: reply with your answer only plain text at most 280 characters");
    for (String answer : betrayals) {
      assertThat(RevealGuard.betrays(answer, TOLD)).as(answer).isTrue();
    }
  }

  @Test
  void ordinary_answers_even_about_bots_pass() {
    List<String> fine = List.of(
        "toast. always toast",
        "i'm not a bot lol, just tired",
        "Robot vacuums are overrated tbh",
        "ham and cheese, nothing fancy",
        "you are all bots except C",
        "I am a teacher, I am allowed to be picky about grammar");
    for (String answer : fine) {
      assertThat(RevealGuard.betrays(answer, TOLD)).as(answer).isFalse();
    }
  }
}
