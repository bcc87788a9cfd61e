package arena.shared.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatchRulesTest {
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  // The packaged defaults: seats 4, humans 1, rounds 3, 60 s / 30 s; max 12 seats, 10 rounds, 5..600 s.
  final MatchRules rules = MatchRules.of(ArenaConfig.of(ArenaConfig.defaults()));

  @Test
  void theDefaultsComeFromConfig() {
    assertThat(rules).isEqualTo(new MatchRules(new MatchRules.Defaults(4, 1, 3, 60, 30),
        new MatchRules.Limits(12, 10, 5, 600), 5, 280, 24, 600, 10, 60, 60));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1,1,3,60,30,5,0   | seats must be between 2 and 12, got 1",
      "13,1,3,60,30,5,0  | seats must be between 2 and 12, got 13",
      "4,0,3,60,30,5,0   | humans must be between 1 and 3 (seats - 1), got 0",
      "4,4,3,60,30,5,0   | humans must be between 1 and 3 (seats - 1), got 4",
      "4,1,0,60,30,5,0   | rounds must be between 1 and 10, got 0",
      "4,1,11,60,30,5,0  | rounds must be between 1 and 10, got 11",
      "4,1,3,4,30,5,0    | responseSeconds must be between 5 and 600, got 4",
      "4,1,3,60,601,5,0  | voteSeconds must be between 5 and 600, got 601",
      "4,1,3,60,30,-1,0  | intermissionSeconds must not be negative",
      "4,1,3,60,30,5,-1  | lobbySeconds must not be negative"})
  void settingsOutsideTheLimitsAreNamed(String numbers, String problem) {
    int[] n = Arrays.stream(numbers.split(",")).mapToInt(Integer::parseInt).toArray();
    MatchSettings settings = new MatchSettings(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[6] > 0);

    assertThat(rules.problemWith(settings)).isEqualTo(problem);
  }

  @Test
  void settingsWithinTheLimitsPass() {
    assertThat(rules.problemWith(new MatchSettings(12, 11, 10, 600, 5, 0, 10, true))).isNull();
    assertThat(rules.problemWith(new MatchSettings(2, 1, 1, 5, 600, 5))).isNull();
    assertThat(rules.problemWith(null)).isEqualTo("settings are required");
  }

  @Test
  void answersAndNamesAreCountedInCodePointsAfterNormalising() {
    // 280 emoji are 560 UTF-16 units but 280 characters
    assertThat(rules.answerProblem(Text.normalize("🎲".repeat(280)))).isNull();
    assertThat(rules.answerProblem(Text.normalize("🎲".repeat(281))))
        .isEqualTo("text must be 1 to 280 characters long");
    // Nothing but zero-width and whitespace is empty once normalised
    assertThat(rules.answerProblem(Text.normalize("\u200b \n\t\u2066"))).isEqualTo("text must be 1 to 280 characters long");
    assertThat(rules.nameProblem(Text.normalize("  Zoë\u200b "))).isNull();
    assertThat(rules.nameProblem(Text.normalize("x".repeat(25)))).isEqualTo("name must be 1 to 24 characters long");
    assertThat(rules.nameProblem(Text.normalize("\u0000"))).isEqualTo("name must be 1 to 24 characters long");
  }

  @Test
  void aQuickPlayLobbyClosesItsWaitAfterItsFirstHumanAndAnyWaitingMatchExpiresFromItsCreation() {
    // Given a quick-play match created at T0 whose first human came at T0 + 30 s
    MatchState quick = waiting(new MatchSettings(4, 3, 2, 60, 30, 5, 10, true),
        new Player("ann", "Ann", "h", T0.plusSeconds(30)));

    // Then its lobby closes 10 s after that first join, and it never expires under that human
    assertThat(MatchRules.lobbyDeadline(quick)).contains(T0.plusSeconds(40));
    assertThat(rules.expiresAt(quick)).isEmpty();

    // And a private match has no lobby wait, only its expiry; nor has an empty quick-play lobby
    MatchState lonely = waiting(new MatchSettings(4, 2, 2, 60, 30, 5));
    assertThat(MatchRules.lobbyDeadline(lonely)).isEmpty();
    assertThat(MatchRules.lobbyDeadline(waiting(new MatchSettings(4, 3, 2, 60, 30, 5, 10, true)))).isEmpty();
    assertThat(rules.expiresAt(lonely)).contains(T0.plusSeconds(600));

    // And once the match is not waiting any more, neither applies
    for (Status status : List.of(Status.RUNNING, Status.COMPLETED, Status.EXPIRED)) {
      MatchState s = new MatchState("m", quick.settings(), status, 3, T0, null, quick.players(), List.of(),
          List.of(), Map.of(), List.of(), Usage.NONE);
      assertThat(MatchRules.lobbyDeadline(s)).as(status.name()).isEmpty();
      assertThat(rules.expiresAt(s)).as(status.name()).isEmpty();
    }
  }

  @Test
  void aDeployedVerticlesConfigCopyBindsToo() {
    // Given the config as a verticle gets it: a copy, whose nested sections are JsonObjects rather than maps
    JsonObject deployed = ArenaConfig.defaults().copy();

    // Then it binds to the same rules
    assertThat(MatchRules.of(ArenaConfig.of(deployed))).isEqualTo(rules);
  }

  @Test
  void nonsenseInConfigFailsAtStart() {
    assertThatThrownBy(() -> MatchRules.of(config(m -> m.getJsonObject("limits").put("maxSeats", 27))))
        .hasMessageContaining("maxSeats must be between 2 and 26");
    assertThatThrownBy(() -> MatchRules.of(config(m -> m.put("lobbyTimeoutSeconds", 0))))
        .hasMessageContaining("lobbyTimeoutSeconds");
    assertThatThrownBy(() -> MatchRules.of(config(m -> m.remove("lobbyTimeoutSeconds"))))
        .hasMessageContaining("lobbyTimeoutSeconds");
    assertThatThrownBy(() -> MatchRules.of(config(m -> m.put("retainMinutes", 0))))
        .hasMessageContaining("match.retainMinutes must be at least 1");
    assertThatThrownBy(() -> MatchRules.of(config(m -> m.getJsonObject("defaults").put("seats", 20))))
        .hasMessageContaining("config match.defaults: seats must be between 2 and 12, got 20");
  }

  static ArenaConfig config(Consumer<JsonObject> tweak) {
    JsonObject json = ArenaConfig.defaults();
    tweak.accept(json.getJsonObject("match"));
    return ArenaConfig.of(json);
  }

  static MatchState waiting(MatchSettings settings, Player... players) {
    return new MatchState("m", settings, Status.WAITING, 2, T0, null, List.of(players), List.of(), List.of(),
        Map.of(), List.of(), Usage.NONE);
  }
}
