package arena.gateway;

import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.state.MatchState;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Answers like the Match Service would, and keeps the projection in step. No Kafka. */
final class FakeMatchService implements Commands {
  final List<MatchCommand> received = new CopyOnWriteArrayList<>();
  private final Projection projection;
  /** The answer to the next command only. */
  volatile MatchEvent.CommandRejected nextRejection;
  /** While set, replies wait for it: a Match Service that is slow to answer. */
  volatile Future<Void> hold;
  /** Commands asked for, held or not. */
  final AtomicInteger asked = new AtomicInteger();

  FakeMatchService(Projection projection) {
    this.projection = projection;
  }

  @Override
  public Future<MatchEvent> send(String matchId, MatchCommand command) {
    asked.incrementAndGet();
    Future<Void> gate = hold;
    return gate == null ? answer(matchId, command) : gate.compose(v -> answer(matchId, command));
  }

  private Future<MatchEvent> answer(String matchId, MatchCommand command) {
    received.add(command);
    MatchEvent.CommandRejected rejection = nextRejection;
    if (rejection != null) {
      nextRejection = null;
      return Future.succeededFuture(rejection);
    }
    MatchState next;
    if (command instanceof MatchCommand.Create c) {
      // Later matches are created later, so "oldest first" means something.
      next = new MatchState(matchId, c.settings(), MatchState.Status.WAITING, 1,
          Matches.NOW.plusMillis(received.size()), null, List.of(), List.of(), List.of(), Map.of(), List.of(),
          MatchState.Usage.NONE);
    } else if (command instanceof MatchCommand.Join j) {
      MatchState s = projection.match(matchId).orElseThrow();
      List<MatchState.Player> players = new ArrayList<>(s.players());
      players.add(new MatchState.Player(j.playerId(), j.name(), j.tokenHash(), Matches.NOW));
      next = new MatchState(matchId, s.settings(), s.status(), s.version() + 1, s.createdAt(), null, players,
          s.robots(), s.rounds(), s.scores(), s.promptsUsed(), s.usage());
    } else {
      MatchState s = projection.match(matchId).orElseThrow();
      next = Matches.withVersion(s, s.version() + 1);
    }
    projection.apply(next);
    return Future.succeededFuture(new MatchEvent.CommandAccepted(matchId, "x", next.version()));
  }
}
