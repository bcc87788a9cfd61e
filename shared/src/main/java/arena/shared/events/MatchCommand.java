package arena.shared.events;

/**
 * What players ask of a match, on {@code match-commands} (key matchId, written by the gateway). The Match
 * Service answers each with {@link MatchEvent.CommandAccepted} or {@link MatchEvent.CommandRejected} carrying
 * the command's correlationId. Players are known by the SHA-256 of their token, never the token itself.
 */
public sealed interface MatchCommand extends Event {

  record Create(String matchId, MatchSettings settings) implements MatchCommand {}

  record Join(String matchId, String playerId, String name, String tokenHash) implements MatchCommand {}

  record SubmitResponse(String matchId, String tokenHash, int round, String text) implements MatchCommand {}

  record SubmitVote(String matchId, String tokenHash, int round, String identity) implements MatchCommand {}
}
