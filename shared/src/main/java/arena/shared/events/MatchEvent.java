package arena.shared.events;

import arena.shared.AddedLater;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the Match Service publishes on {@code match-events} (key matchId); it is the only writer. */
public sealed interface MatchEvent extends Event {

  record Created(String matchId, MatchSettings settings, Instant createdAt) implements MatchEvent {}

  record PlayerJoined(String matchId, String playerId, int humansJoined, int humansNeeded) implements MatchEvent {}

  record Started(String matchId, int rounds) implements MatchEvent {}

  record RoundStarting(String matchId, int round) implements MatchEvent {}

  /** Asks the orchestrator for robots; {@code identities} are the letters the robots will sit behind. */
  record RobotsNeeded(String matchId, int round, int count, List<String> excludeRobots, List<String> identities,
      String correlationId) implements MatchEvent {}

  record RoundStarted(String matchId, int round, List<String> participants, String prompt, Instant deadline)
      implements MatchEvent {}

  /** {@code responses} maps letters to answers; the prompt is repeated so robots can vote without memory. */
  record VotingStarted(String matchId, int round, String prompt, Map<String, String> responses, Instant deadline)
      implements MatchEvent {}

  /** Votes are letter to letter; points and scores are keyed by participant id (robot ids are internal). */
  record RoundCompleted(String matchId, int round, Map<String, String> votes, Map<String, Integer> points,
      Map<String, Integer> scores) implements MatchEvent {}

  /**
   * @param llmUsage what the robots had spent when the match completed; answers and votes still in flight then
   *                 are added to the match state only. Absent (zero) in events written before it was counted.
   */
  record Completed(String matchId, Map<String, Integer> finalScores, List<Reveal> reveal,
      @AddedLater LlmUsage llmUsage) implements MatchEvent {}

  /**
   * A match that waited for its humans longer than {@code match.lobbyTimeoutSeconds} (from its creation) and never
   * started: it ends here, with no rounds and no robots, and takes no more joins.
   */
  record Expired(String matchId, int humansJoined, int humansNeeded) implements MatchEvent {}

  /**
   * A round waited for its robots longer than {@code match.robotWaitMaxSeconds}: the match ends here, without a
   * reveal, and the robots it holds are released.
   */
  record Cancelled(String matchId, String reason) implements MatchEvent {}

  /** Who sat behind the letters, published only once the match is over. */
  record Reveal(String participantId, String name, boolean human, String persona) {}

  /** The reply to a command; {@code stateVersion} is the match-state version that contains it. */
  record CommandAccepted(String matchId, String command, long stateVersion) implements MatchEvent {}

  /** The reply to a refused command; {@code status} is the HTTP status the gateway answers with. */
  record CommandRejected(String matchId, String command, int status, String message) implements MatchEvent {}
}
