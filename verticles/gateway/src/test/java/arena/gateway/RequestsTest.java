package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import arena.shared.game.MatchRules;
import arena.shared.game.Text;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestsTest {
  // The packaged defaults: seats 4, humans 1, rounds 3, 60 s / 30 s; max 12 seats, 10 rounds, 5..600 s.
  private final Requests requests = new Requests(Requests.Limits.of(ArenaConfig.of(ArenaConfig.defaults())));

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "{}"})
  void anEmptyBodyTakesEveryDefault(String body) {
    // When a match is asked for without settings
    MatchSettings settings = requests.settings(body);

    // Then the config defaults apply, with the configured intermission
    assertThat(settings).isEqualTo(new MatchSettings(4, 1, 3, 60, 30, 5));
  }

  @Test
  void givenFieldsOverrideTheDefaults() {
    MatchSettings settings = requests.settings(
        "{\"seats\":6,\"humans\":2,\"rounds\":5,\"responseSeconds\":45,\"voteSeconds\":20}");

    assertThat(settings).isEqualTo(new MatchSettings(6, 2, 5, 45, 20, 5));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"seats\":1}                  | seats must be between 2 and 12",
      "{\"seats\":13}                 | seats must be between 2 and 12",
      "{\"seats\":\"4\"}              | seats must be an integer",
      "{\"seats\":4.5}                | seats must be an integer",
      "{\"seats\":null}               | seats must be an integer",
      "{\"seats\":99999999999}        | seats must be an integer",
      "{\"humans\":0}                 | humans must be between 1 and 3 (seats - 1), got 0",
      "{\"seats\":3,\"humans\":3}     | humans must be between 1 and 2 (seats - 1), got 3",
      "{\"humans\":true}              | humans must be an integer",
      "{\"rounds\":0}                 | rounds must be between 1 and 10",
      "{\"rounds\":11}                | rounds must be between 1 and 10",
      "{\"responseSeconds\":4}        | responseSeconds must be between 5 and 600",
      "{\"responseSeconds\":601}      | responseSeconds must be between 5 and 600",
      "{\"voteSeconds\":4}            | voteSeconds must be between 5 and 600",
      "{\"voteSeconds\":[30]}         | voteSeconds must be an integer",
      "{\"seats\":4                   | malformed JSON body",
      "{\"seats\":4} {}               | malformed JSON body",
      "[4]                            | body must be a JSON object",
      "42                             | body must be a JSON object"})
  void badSettingsAreRefusedNamingTheField(String body, String message) {
    assertThatThrownBy(() -> requests.settings(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void aNameIsNormalised() {
    assertThat(requests.name("{\"name\":\"  Ann \"}")).isEqualTo("Ann");
    assertThat(requests.name(new JsonObject().put("name", "Zoë 🎲").encode())).isEqualTo("Zoë 🎲");
    assertThat(requests.name(new JsonObject().put("name", "x".repeat(24)).encode())).hasSize(24);
    // Control, zero-width and bidi characters are removed and whitespace collapsed, as in the Match Service
    assertThat(requests.name(new JsonObject().put("name", "A\u0000n\u200bn\u202e\n\tB\u009b").encode()))
        .isEqualTo("Ann B");
    // Counted in code points after normalising: 24 emoji fit, and zero-width padding does not count
    assertThat(requests.name(new JsonObject().put("name", "🎲".repeat(24)).encode())).isEqualTo("🎲".repeat(24));
    assertThat(requests.name(new JsonObject().put("name", "x".repeat(24) + "\u200b\u200b").encode()))
        .isEqualTo("x".repeat(24));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}                                        | name is required",
      "{\"name\":null}                           | name is required",
      "{\"name\":42}                             | name must be a string",
      "{\"name\":\"   \"}                        | name must be 1 to 24 characters long",
      "{\"name\":\"\"}                           | name must be 1 to 24 characters long",
      "{\"name\":\"abcdefghijklmnopqrstuvwxy\"}  | name must be 1 to 24 characters long",
      "{\"name\":\"\\u200b\\u0000\\n\"}          | name must be 1 to 24 characters long",
      "not json                                  | malformed JSON body",
      "''                                        | body must be a JSON object"})
  void badNamesAreRefused(String body, String message) {
    assertThatThrownBy(() -> requests.name(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void anAnswerIsNormalised() {
    assertThat(requests.answer("{\"round\":2,\"text\":\"  Rain on hot asphalt. \"}"))
        .isEqualTo(new Requests.Answer(2, "Rain on hot asphalt."));
    assertThat(requests.answer(new JsonObject().put("round", 1).put("text", "y".repeat(280)).encode()).text())
        .hasSize(280);
    // A newline, a tab, double spaces, zero-width or bidi characters would mark a human: they are cleaned away
    assertThat(requests.answer(new JsonObject().put("round", 1)
        .put("text", "Rain\non  hot\tasphalt\u200b.\u202e").encode()).text()).isEqualTo("Rain on hot asphalt.");
    // Counted in code points after normalising, as the Match Service counts
    assertThat(requests.answer(new JsonObject().put("round", 1).put("text", "🎲".repeat(280)).encode()).text())
        .isEqualTo("🎲".repeat(280));
    assertThat(requests.answer(new JsonObject().put("round", 1).put("text", "y".repeat(280) + "\u200b  ")
        .encode()).text()).isEqualTo("y".repeat(280));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"text\":\"hi\"}                  | round must be an integer",
      "{\"round\":\"1\",\"text\":\"hi\"}  | round must be an integer",
      "{\"round\":1.5,\"text\":\"hi\"}    | round must be an integer",
      "{\"round\":1}                      | text is required",
      "{\"round\":1,\"text\":7}           | text must be a string",
      "{\"round\":1,\"text\":\"\"}        | text must be 1 to 280 characters long",
      "{\"round\":1,\"text\":\" \\t\\n\"} | text must be 1 to 280 characters long",
      "{\"round\":1,\"text\":\"\\u200b\"}   | text must be 1 to 280 characters long",
      "{\"round\":1,                      | malformed JSON body"})
  void badAnswersAreRefused(String body, String message) {
    assertThatThrownBy(() -> requests.answer(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void anAnswerOverTheLimitIsRefused() {
    for (String text : List.of("y".repeat(281), "🎲".repeat(281))) {
      String body = new JsonObject().put("round", 1).put("text", text).encode();

      assertThatThrownBy(() -> requests.answer(body))
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessage("text must be 1 to 280 characters long");
    }
  }

  @Test
  void theGatewayAcceptsAndRefusesExactlyWhatTheMatchRulesDo() {
    // Given texts on both sides of every edge, checked by the gateway and by the rules the Match Service uses
    MatchRules rules = MatchRules.of(ArenaConfig.of(ArenaConfig.defaults()));
    List<String> texts = List.of("", " ", "\u200b", "a", " a\n", "\u202ea\u202c", "y".repeat(280),
        "y".repeat(281), "y".repeat(280) + "\u200b", "🎲".repeat(280), "🎲".repeat(281), "x".repeat(24),
        "x".repeat(25), "🎲".repeat(24) + " \t", "e\u0301".repeat(24), "e\u0301".repeat(25));
    for (String text : texts) {
      String answer = new JsonObject().put("round", 1).put("text", text).encode();
      String name = new JsonObject().put("name", text).encode();

      // Then both say the same, with the same message, and keep the same text
      assertThat(verdict(() -> requests.answer(answer).text()))
          .as("answer %s", text).isEqualTo(rulesVerdict(rules.answerProblem(Text.normalize(text)), text));
      assertThat(verdict(() -> requests.name(name)))
          .as("name %s", text).isEqualTo(rulesVerdict(rules.nameProblem(Text.normalize(text)), text));
    }
  }

  private static String verdict(Supplier<String> check) {
    try {
      return "ok: " + check.get();
    } catch (ApiError e) {
      return e.status() + ": " + e.getMessage();
    }
  }

  private static String rulesVerdict(String problem, String text) {
    return problem == null ? "ok: " + Text.normalize(text) : "400: " + problem;
  }

  @Test
  void aNegativeQuickPlayLobbyIsRefusedAtStart() {
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("gateway").getJsonObject("quickPlay").put("lobbySeconds", -1);

    assertThatThrownBy(() -> Requests.Limits.of(ArenaConfig.of(json)))
        .hasMessage("gateway.quickPlay.lobbySeconds must not be negative");
  }

  @Test
  void aVoteNamesOneLetter() {
    assertThat(requests.vote("{\"round\":1,\"identity\":\"C\"}")).isEqualTo(new Requests.Vote(1, "C"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"identity\":\"C\"}                | round must be an integer",
      "{\"round\":null,\"identity\":\"C\"} | round must be an integer",
      "{\"round\":1}                       | identity must be a single capital letter",
      "{\"round\":1,\"identity\":\"c\"}    | identity must be a single capital letter",
      "{\"round\":1,\"identity\":\"CD\"}   | identity must be a single capital letter",
      "{\"round\":1,\"identity\":\"\"}     | identity must be a single capital letter",
      "{\"round\":1,\"identity\":\"Ä\"}    | identity must be a single capital letter",
      "{\"round\":1,\"identity\":3}        | identity must be a single capital letter",
      "nope                                | malformed JSON body"})
  void badVotesAreRefused(String body, String message) {
    assertThatThrownBy(() -> requests.vote(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }
}
