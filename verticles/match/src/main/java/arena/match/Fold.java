package arena.match;

import arena.shared.events.MatchEvent;
import arena.shared.state.MatchState;
import java.util.List;
import java.util.Map;

/**
 * What the inputs that came together for a match do, applied in turn as one step ({@link MatchMachine#fold}): their
 * domain events, then one state, then their replies.
 *
 * @param state   the new state, or null when none of them changed it
 * @param events  every input's domain events, in the inputs' order
 * @param replies the commands' replies, in the inputs' order, to publish once the state is durable
 * @param causes  the event ids of the inputs the state folds, in order, up to the last that changed it
 * @param correlationId the state's: that of the last input that changed it (null when unchanged)
 * @param failed  by their place among the inputs, those not taken: poison (it can never be applied) or early (it
 *                came before what it follows from, and is read again later)
 */
public record Fold(MatchState state, List<Out> events, List<Out> replies, List<String> causes,
    String correlationId, Map<Integer, RuntimeException> failed) {

  /** A record of the step, caused by one of the inputs it folds. */
  public record Out(MatchEvent event, String correlationId, String causationId) {}

  public Fold {
    events = List.copyOf(events);
    replies = List.copyOf(replies);
    causes = List.copyOf(causes);
    failed = Map.copyOf(failed);
  }

  public boolean changed() {
    return state != null;
  }
}
