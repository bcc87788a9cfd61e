package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import io.vertx.core.json.JsonObject;
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
      "{\"humans\":0}                 | humans must be between 1 and 3",
      "{\"seats\":3,\"humans\":3}     | humans must be between 1 and 2",
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
  void aNameIsTrimmed() {
    assertThat(requests.name("{\"name\":\"  Ann \"}")).isEqualTo("Ann");
    assertThat(requests.name(new JsonObject().put("name", "Zoë 🎲").encode())).isEqualTo("Zoë 🎲");
    assertThat(requests.name(new JsonObject().put("name", "x".repeat(24)).encode())).hasSize(24);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}                                        | name is required",
      "{\"name\":null}                           | name is required",
      "{\"name\":42}                             | name must be a string",
      "{\"name\":\"   \"}                        | name must be 1 to 24 characters",
      "{\"name\":\"\"}                           | name must be 1 to 24 characters",
      "{\"name\":\"abcdefghijklmnopqrstuvwxy\"}  | name must be 1 to 24 characters",
      "{\"name\":\"Ann\\u0000\"}                 | name must not contain control characters",
      "{\"name\":\"A\\nnn\"}                     | name must not contain control characters",
      "{\"name\":\"Ann\\u009b\"}                 | name must not contain control characters",
      "not json                                  | malformed JSON body",
      "''                                        | body must be a JSON object"})
  void badNamesAreRefused(String body, String message) {
    assertThatThrownBy(() -> requests.name(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void anAnswerIsTrimmed() {
    assertThat(requests.answer("{\"round\":2,\"text\":\"  Rain on hot asphalt. \"}"))
        .isEqualTo(new Requests.Answer(2, "Rain on hot asphalt."));
    assertThat(requests.answer(new JsonObject().put("round", 1).put("text", "y".repeat(280)).encode()).text())
        .hasSize(280);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"text\":\"hi\"}                  | round must be an integer",
      "{\"round\":\"1\",\"text\":\"hi\"}  | round must be an integer",
      "{\"round\":1.5,\"text\":\"hi\"}    | round must be an integer",
      "{\"round\":1}                      | text is required",
      "{\"round\":1,\"text\":7}           | text must be a string",
      "{\"round\":1,\"text\":\"\"}        | text must not be empty",
      "{\"round\":1,\"text\":\" \\t\\n\"} | text must not be empty",
      "{\"round\":1,                      | malformed JSON body"})
  void badAnswersAreRefused(String body, String message) {
    assertThatThrownBy(() -> requests.answer(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void anAnswerOverTheLimitIsRefused() {
    String body = new JsonObject().put("round", 1).put("text", "y".repeat(281)).encode();

    assertThatThrownBy(() -> requests.answer(body))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("text must be at most 280 characters");
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
