package arena.match;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import arena.shared.game.MatchRules;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import arena.shared.state.MatchState.Player;
import arena.shared.state.MatchState.Round;
import arena.shared.state.MatchState.Status;
import arena.shared.state.MatchState.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  static final MatchSettings QUICK = new MatchSettings(4, 3, 2, 60, 30, 5, 10, true);
  static final MatchSettings PRIVATE = new MatchSettings(4, 2, 2, 60, 30, 5);
  final MatchRules rules = MatchRules.of(ArenaConfig.of(ArenaConfig.defaults()));

  @Test
  void aWaitingMatchWaitsForTheEarlierOfItsLobbyClosingAndItsExpiry() {
    // A private match and an empty quick-play lobby: only the expiry, 600 s after creation
    assertThat(Deadline.of(state(PRIVATE, Status.WAITING, T0.plusSeconds(30)), rules))
        .contains(new Deadline("m", 0, null, T0.plusSeconds(600)));
    assertThat(Deadline.of(state(QUICK, Status.WAITING), rules))
        .contains(new Deadline("m", 0, null, T0.plusSeconds(600)));

    // A quick-play lobby whose first human came at 30 s: it closes at 40 s
    assertThat(Deadline.of(state(QUICK, Status.WAITING, T0.plusSeconds(30), T0.plusSeconds(35)), rules))
        .contains(new Deadline("m", 0, null, T0.plusSeconds(40)));

    // A first human at 595 s: the lobby closes at 605 s and starts with him; a joined quick-play lobby never expires
    assertThat(Deadline.of(state(QUICK, Status.WAITING, T0.plusSeconds(595)), rules))
        .contains(new Deadline("m", 0, null, T0.plusSeconds(605)));
  }

  @Test
  void aRunningMatchWaitsForItsPhaseAndAnEndedOneToBeForgotten() {
    Round voting = new Round(1, Phase.VOTING, "P?", T0.plusSeconds(700), Map.of(), "req-1", Map.of(), Map.of(),
        Map.of());
    MatchState running = withRounds(state(PRIVATE, Status.RUNNING, T0, T0), List.of(voting));
    assertThat(Deadline.of(running, rules)).contains(new Deadline("m", 1, Phase.VOTING, T0.plusSeconds(700)));

    // Over, one way or another: forgotten match.retainMinutes (60) after it ended
    Instant ended = T0.plusSeconds(900);
    Deadline expired = Deadline.of(ended(state(PRIVATE, Status.EXPIRED, T0), ended), rules).orElseThrow();
    assertThat(expired).isEqualTo(new Deadline("m", 0, null, ended.plusSeconds(3600), true));
    assertThat(expired.lobby()).isFalse();
    assertThat(expired.describe()).isEqualTo("its retention");
    assertThat(Deadline.of(ended(withRounds(state(PRIVATE, Status.COMPLETED, T0, T0), List.of(voting)), ended),
        rules)).contains(new Deadline("m", 1, null, ended.plusSeconds(3600), true));
    assertThat(Deadline.of(ended(state(PRIVATE, Status.CANCELLED, T0, T0), ended), rules).map(Deadline::forget))
        .contains(true);
    assertThat(Deadline.of(null, rules)).isEmpty();
  }

  static MatchState ended(MatchState s, Instant at) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), at, s.players(),
        s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage());
  }

  static MatchState state(MatchSettings settings, Status status, Instant... joins) {
    List<Player> players = IntStream.range(0, joins.length)
        .mapToObj(i -> new Player("p" + i, "P" + i, "h" + i, joins[i])).toList();
    return new MatchState("m", settings, status, 3, T0, null, players, List.of(), List.of(), Map.of(), List.of(),
        Usage.NONE);
  }

  static MatchState withRounds(MatchState s, List<Round> rounds) {
    return new MatchState(s.matchId(), s.settings(), s.status(), s.version(), s.createdAt(), s.completedAt(),
        s.players(), s.robots(), rounds, s.scores(), s.promptsUsed(), s.usage());
  }

  @Test
  void aDeadlinesTimerNeverFiresBeforeIt() {
    // Given a phase due 29,999.6 ms from now (a deadline carries nanoseconds, a timer whole milliseconds)
    Instant now = T0.minusNanos(29_999_600_000L);
    // Then its timer waits 30,000 ms: 29,999 (the milliseconds cut off) closed phases up to 1 ms before their deadline
    assertThat(MatchVerticle.millisUntil(now, T0)).isEqualTo(30_000);
    assertThat(MatchVerticle.millisUntil(T0.minusSeconds(30), T0)).isEqualTo(30_000);
    // And a deadline already passed fires at once
    assertThat(MatchVerticle.millisUntil(T0.plusNanos(1), T0)).isZero();
    assertThat(MatchVerticle.millisUntil(T0, T0)).isZero();
  }
}
