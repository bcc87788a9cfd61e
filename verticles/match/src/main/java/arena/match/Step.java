package arena.match;

import arena.shared.events.MatchEvent;
import arena.shared.state.MatchState;
import java.util.List;

/**
 * What one input does to a match: the new state (null when nothing changed), the domain events to publish
 * before it, and the reply to publish once the state is durable (null when the input was not a command); or, for
 * a match over long enough, {@code forget}: tombstone its state, then drop it from memory; or {@code early}: the
 * input came before what it follows from, which is on its way, and is read again later rather than dropped.
 */
public record Step(MatchState state, List<Outgoing> events, MatchEvent reply, boolean forget, boolean early) {

  /** A domain event; a null {@code correlationId} means "the same as the input's". */
  public record Outgoing(MatchEvent event, String correlationId) {}

  public Step {
    events = List.copyOf(events);
  }

  public Step(MatchState state, List<Outgoing> events, MatchEvent reply) {
    this(state, events, reply, false, false);
  }

  public boolean changed() {
    return state != null;
  }

  static Step ignored() {
    return new Step(null, List.of(), null);
  }

  static Step forgotten() {
    return new Step(null, List.of(), null, true, false);
  }

  static Step tooEarly() {
    return new Step(null, List.of(), null, false, true);
  }

  static Step replied(MatchEvent reply) {
    return new Step(null, List.of(), reply);
  }

  static Step rejected(String matchId, String command, int status, String message) {
    return replied(new MatchEvent.CommandRejected(matchId, command, status, message));
  }
}
