package arena.shared.state;

import arena.shared.AddedLater;
import arena.shared.events.Event;
import arena.shared.events.LlmUsage;
import arena.shared.events.MatchSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole truth about one match, as the Match Service keeps it and writes it to the compacted
 * {@code match-state} topic after every change. It holds secrets (who is human, token hashes, robot ids):
 * only the gateway's per-player view may show any of it to a browser.
 *
 * @param version  grows by one with every change a player or spectator can see (views and pushes show it); a
 *                 change to {@code usage} alone keeps it, since the robots' usage is secret and a bump for it
 *                 would tell a robot's action from a human's. Replies name the version that contains them.
 * @param completedAt when the match ended: completed, or expired in its lobby
 * @param rounds   every round so far; the last one is the current round
 * @param robots   every robot that has sat in this match, for the reveal
 * @param scores   participant id to total points
 * @param promptsUsed indexes into the prompt deck, so a match never repeats a prompt
 * @param usage    what the robots spent on their LLMs; secret until the reveal, since a robot's cost gives it
 *                 away. Absent (none) in states written before it was counted.
 * @param seed     drawn once when the match is created; each round's letters and prompt come from it and the
 *                 round number alone, so a step applied again to the same state decides the same. Absent (0) in
 *                 states written before it was kept.
 */
public record MatchState(
    String matchId,
    MatchSettings settings,
    Status status,
    long version,
    Instant createdAt,
    Instant completedAt,
    List<Player> players,
    List<Robot> robots,
    List<Round> rounds,
    Map<String, Integer> scores,
    List<Integer> promptsUsed,
    @AddedLater Usage usage,
    @AddedLater long seed) implements Event {

  /** A match without a seed (0): its rounds are dealt from its id alone. */
  public MatchState(String matchId, MatchSettings settings, Status status, long version, Instant createdAt,
      Instant completedAt, List<Player> players, List<Robot> robots, List<Round> rounds, Map<String, Integer> scores,
      List<Integer> promptsUsed, Usage usage) {
    this(matchId, settings, status, version, createdAt, completedAt, players, robots, rounds, scores, promptsUsed,
        usage, 0L);
  }

  /**
   * EXPIRED: it waited for its humans longer than {@code match.lobbyTimeoutSeconds} and never started. CANCELLED:
   * a round waited for its robots longer than {@code match.robotWaitMaxSeconds}; the match ended there.
   */
  public enum Status {
    WAITING, RUNNING, COMPLETED, EXPIRED, CANCELLED;

    /** Whether the match has ended, one way or another: nothing more happens in it. */
    public boolean over() {
      return this == COMPLETED || this == EXPIRED || this == CANCELLED;
    }
  }

  public enum Phase { STARTING, RESPONDING, VOTING, SCORED }

  public record Player(String playerId, String name, String tokenHash, Instant joinedAt) {}

  public record Robot(String robotId, String type) {}

  /**
   * @param counted the {@code commandId/kind} of every robot.response_complete in {@code total}, so a
   *                re-delivered one is not counted twice; a match has only so many robot answers and votes
   */
  public record Usage(LlmUsage total, List<String> counted) {
    public static final Usage NONE = new Usage(LlmUsage.NONE, List.of());
  }

  /**
   * @param letters     participant id to this round's letter
   * @param robotsRequest the correlationId of this round's robots request
   * @param responses   participant id to answer
   * @param votes       participant id to the letter voted for
   * @param points      participant id to points gained, once SCORED
   * @param since       when the round began waiting for its robots; {@link Instant#EPOCH} (unknown) in rounds
   *                    written before it was kept
   */
  public record Round(
      int number,
      Phase phase,
      String prompt,
      Instant deadline,
      Map<String, String> letters,
      String robotsRequest,
      Map<String, String> responses,
      Map<String, String> votes,
      Map<String, Integer> points,
      @AddedLater Instant since) {

    /** A round whose wait for its robots began at an unknown time. */
    public Round(int number, Phase phase, String prompt, Instant deadline, Map<String, String> letters,
        String robotsRequest, Map<String, String> responses, Map<String, String> votes, Map<String, Integer> points) {
      this(number, phase, prompt, deadline, letters, robotsRequest, responses, votes, points, Instant.EPOCH);
    }
  }

  public Optional<Round> currentRound() {
    return rounds.isEmpty() ? Optional.empty() : Optional.of(rounds.get(rounds.size() - 1));
  }

  public Optional<Player> playerByTokenHash(String tokenHash) {
    return players.stream().filter(p -> p.tokenHash().equals(tokenHash)).findFirst();
  }

  public boolean isHuman(String participantId) {
    return players.stream().anyMatch(p -> p.playerId().equals(participantId));
  }
}
