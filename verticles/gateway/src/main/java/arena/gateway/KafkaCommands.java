package arena.gateway;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.Topic;
import arena.shared.ops.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands over Kafka: each goes to match-commands with its eventId as correlationId; the reply on
 * match-events carries that id back, to whichever gateway instance of the JVM reads its partition. An accepted
 * command is answered only once the JVM's projection holds the version that contains it, so the player's next GET
 * sees the change, whichever instance serves it. Sends on the caller's event loop; replies may come from any.
 */
public final class KafkaCommands implements Commands {
  private static final Logger log = LoggerFactory.getLogger(KafkaCommands.class);
  static final String SOURCE = "gateway";

  private final Vertx vertx;
  private final Function<Envelope<MatchCommand>, Future<?>> publish;
  private final Projection projection;
  private final long timeoutMs;
  private final Map<String, Promise<MatchEvent>> pending;

  /** {@code publish} sends an envelope to Kafka (EventPublisher::publish in production). */
  public KafkaCommands(Vertx vertx, Function<Envelope<MatchCommand>, Future<?>> publish, Projection projection,
      long timeoutMs) {
    this(vertx, publish, projection, timeoutMs, new ConcurrentHashMap<>());
  }

  /** Replies to this instance's commands are looked for (and come) in {@code pending}, shared by the JVM's instances. */
  KafkaCommands(Vertx vertx, Function<Envelope<MatchCommand>, Future<?>> publish, Projection projection,
      long timeoutMs, Map<String, Promise<MatchEvent>> pending) {
    this.vertx = vertx;
    this.publish = publish;
    this.projection = projection;
    this.timeoutMs = timeoutMs;
    this.pending = pending;
  }

  @Override
  public Future<MatchEvent> send(String matchId, MatchCommand command) {
    String eventType = Topic.registrationOf(command.getClass()).eventType();
    Envelope<MatchCommand> envelope = Envelope.of(eventType, SOURCE, matchId, command, null, null);
    String correlationId = envelope.correlationId();
    // Completed by whichever instance reads the reply and the state; what follows runs back on this context.
    ContextInternal here = (ContextInternal) vertx.getOrCreateContext();
    Promise<MatchEvent> reply = here.promise();
    Promise<Void> applied = here.promise();
    pending.put(correlationId, reply);
    reply.future().onComplete(ar -> pending.remove(correlationId));
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (reply.tryFail(ApiError.unavailable("the match service did not answer in time, try again"))) {
        log.warn("no reply to {} {} for match {} within {} ms", eventType, correlationId, matchId, timeoutMs);
      }
      if (applied.tryFail(ApiError.unavailable("the match state did not catch up in time, try again"))) {
        log.warn("match {} did not reach the version of {} within {} ms", matchId, correlationId, timeoutMs);
      }
    });
    // The request's log lines name the command's correlationId and match from here on.
    Context trace = Tracing.withLog(Context.current(), correlationId, matchId);
    Span action = Tracing.on() ? action(matchId, eventType, command) : null;
    if (action != null) {
      trace = trace.with(action);
      reply.future().onComplete(ar -> action.end());
    }
    Tracing.adopt(trace);
    Future<?> sent;
    try {
      sent = Tracing.within(trace, () -> publish.apply(envelope));
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onFailure(t -> {
      log.warn("could not publish {} for match {}: {}", eventType, matchId, t.toString());
      reply.tryFail(ApiError.unavailable("could not send the command, try again"));
    });
    return reply.future()
        .compose(answer -> {
          if (answer instanceof MatchEvent.CommandAccepted accepted) {
            projection.whenAtVersion(matchId, accepted.stateVersion(), applied);
            return applied.future().map(answer);
          }
          applied.tryComplete();
          return Future.succeededFuture(answer);
        })
        .onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * The gateway's span of a player's command. An answer or a vote joins its round's trace (the one the Match
   * Service and the robots work in), linked to the request's own span; other commands continue the request's trace.
   */
  private static Span action(String matchId, String eventType, MatchCommand command) {
    Integer round = command instanceof MatchCommand.SubmitResponse r ? Integer.valueOf(r.round())
        : command instanceof MatchCommand.SubmitVote v ? Integer.valueOf(v.round()) : null;
    Context request = Context.current();
    SpanBuilder span = Tracing.tracer().spanBuilder("gateway " + eventType).setSpanKind(SpanKind.INTERNAL)
        .setAttribute("arena.service", SOURCE).setAttribute("arena.match_id", matchId);
    if (round == null) {
      return span.setParent(request).startSpan();
    }
    Context inRound = Tracing.inRound(matchId, round);
    SpanContext requestSpan = Span.fromContext(request).getSpanContext();
    if (requestSpan.isValid() && inRound != request) {
      span.addLink(requestSpan);
    }
    return span.setParent(inRound).startSpan();
  }

  /** Hands a reply read from match-events to the command waiting for it; returns whether one was. */
  public boolean onReply(Envelope<? extends Event> envelope) {
    if (!(envelope.payload() instanceof MatchEvent.CommandAccepted)
        && !(envelope.payload() instanceof MatchEvent.CommandRejected)) {
      return false;
    }
    Promise<MatchEvent> waiting = envelope.correlationId() == null ? null : pending.get(envelope.correlationId());
    return waiting != null && waiting.tryComplete((MatchEvent) envelope.payload());
  }

  int pending() {
    return pending.size();
  }
}
