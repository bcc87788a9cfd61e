package arena.shared.game;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import arena.shared.state.MatchState;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules a match is held to, in one place for the gateway (which refuses bad requests before they reach
 * Kafka) and the Match Service (which has the last word): both call these checks, so they accept and refuse the
 * same settings, answers and names, with the same messages. Bound from the config section {@code match}, whose
 * defaults live in conf/arena.json.
 *
 * @param defaults            what a new match gets for a setting its request leaves out
 * @param limits              what a new match may ask for
 * @param intermissionSeconds how long a round's results show before the next round
 * @param answerMaxChars      the longest answer, in code points after {@link Text#normalize}
 * @param nameMaxChars        the longest name, in code points after {@link Text#normalize}
 * @param lobbyTimeoutSeconds how long a match may wait for its humans, from its creation, before it expires
 * @param robotWaitSeconds    how long a round waits for its robots before it asks for them again (same request)
 * @param robotWaitMaxSeconds how long a round waits for its robots in all before the match is cancelled
 * @param retainMinutes       how long the Match Service keeps a match that is over (completed, expired or
 *                            cancelled) before it forgets it and tombstones its state
 */
public record MatchRules(Defaults defaults, Limits limits, int intermissionSeconds, int answerMaxChars,
    int nameMaxChars, int lobbyTimeoutSeconds, int robotWaitSeconds, int robotWaitMaxSeconds, int retainMinutes) {

  /** Participants hide behind the letters A to Z. */
  public static final int MAX_SEATS = 26;

  public record Defaults(int seats, int humans, int rounds, int responseSeconds, int voteSeconds) {}

  public record Limits(int maxSeats, int maxRounds, int minSeconds, int maxSeconds) {}

  public MatchRules {
    if (defaults == null || limits == null) {
      throw new IllegalArgumentException("match.defaults and match.limits are required");
    }
    if (limits.maxSeats() < 2 || limits.maxSeats() > MAX_SEATS) {
      throw new IllegalArgumentException("match.limits.maxSeats must be between 2 and " + MAX_SEATS);
    }
    if (limits.maxRounds() < 1 || limits.minSeconds() < 1 || limits.maxSeconds() < limits.minSeconds()) {
      throw new IllegalArgumentException("match.limits need maxRounds >= 1 and 1 <= minSeconds <= maxSeconds");
    }
    if (intermissionSeconds < 0 || answerMaxChars < 1 || nameMaxChars < 1 || lobbyTimeoutSeconds < 1) {
      throw new IllegalArgumentException("match.intermissionSeconds must not be negative; answerMaxChars, "
          + "nameMaxChars and lobbyTimeoutSeconds must be positive");
    }
    if (robotWaitSeconds < 1 || robotWaitMaxSeconds < robotWaitSeconds) {
      throw new IllegalArgumentException("match.robotWaitSeconds must be positive and at most "
          + "match.robotWaitMaxSeconds");
    }
    if (retainMinutes < 1) {
      throw new IllegalArgumentException("match.retainMinutes must be at least 1");
    }
  }

  /** The section {@code match} of {@code config}; its defaults must themselves be a valid match. */
  public static MatchRules of(ArenaConfig config) {
    MatchRules rules = config.bind("match", MatchRules.class);
    Defaults d = rules.defaults();
    String problem = rules.problemWith(new MatchSettings(d.seats(), d.humans(), d.rounds(), d.responseSeconds(),
        d.voteSeconds(), rules.intermissionSeconds()));
    if (problem != null) {
      throw new IllegalArgumentException("config match.defaults: " + problem);
    }
    return rules;
  }

  /** Why a match cannot have {@code settings}, or null when it can. */
  public String problemWith(MatchSettings settings) {
    if (settings == null) {
      return "settings are required";
    }
    String problem = outside("seats", settings.seats(), 2, limits.maxSeats());
    if (problem == null && (settings.humans() < 1 || settings.humans() > settings.seats() - 1)) {
      problem = "humans must be between 1 and " + (settings.seats() - 1) + " (seats - 1), got " + settings.humans();
    }
    if (problem == null) {
      problem = outside("rounds", settings.rounds(), 1, limits.maxRounds());
    }
    if (problem == null) {
      problem = outside("responseSeconds", settings.responseSeconds(), limits.minSeconds(), limits.maxSeconds());
    }
    if (problem == null) {
      problem = outside("voteSeconds", settings.voteSeconds(), limits.minSeconds(), limits.maxSeconds());
    }
    if (problem == null && settings.intermissionSeconds() < 0) {
      problem = "intermissionSeconds must not be negative";
    }
    if (problem == null && settings.lobbySeconds() < 0) {
      problem = "lobbySeconds must not be negative";
    }
    return problem;
  }

  /** Why an answer, already {@link Text#normalize normalized}, cannot be given, or null when it can. */
  public String answerProblem(String normalized) {
    return Text.problem("text", normalized, answerMaxChars);
  }

  /** Why a name, already {@link Text#normalize normalized}, cannot be taken, or null when it can. */
  public String nameProblem(String normalized) {
    return Text.problem("name", normalized, nameMaxChars);
  }

  /**
   * When a waiting quick-play match starts with whoever has come: its first human's arrival plus its lobby wait
   * ({@link MatchSettings#lobbySeconds()}). Derived from the state rather than stored, so a recovered match
   * re-arms the same instant.
   */
  public static Optional<Instant> lobbyDeadline(MatchState state) {
    if (state == null || state.status() != MatchState.Status.WAITING || state.settings().lobbySeconds() <= 0
        || state.players().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(state.players().get(0).joinedAt().plusSeconds(state.settings().lobbySeconds()));
  }

  /**
   * When a match still waiting for its humans expires: {@code lobbyTimeoutSeconds} after its creation. A
   * quick-play lobby that a human has joined never expires: it starts with whoever came when its lobby closes,
   * so a player who just joined an old lobby is not sent away.
   */
  public Optional<Instant> expiresAt(MatchState state) {
    if (state == null || state.status() != MatchState.Status.WAITING || lobbyDeadline(state).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(state.createdAt().plusSeconds(lobbyTimeoutSeconds));
  }

  private static String outside(String field, int value, int min, int max) {
    return value < min || value > max ? field + " must be between " + min + " and " + max + ", got " + value : null;
  }
}
