package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.state.MatchState.Phase;
import arena.shared.ops.ContextMdc;
import arena.shared.ops.Tracing;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaCommandsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Projection projection = new Projection();
  private final List<Envelope<MatchCommand>> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private KafkaCommands commands(long timeoutMs) {
    return new KafkaCommands(vertx, envelope -> {
      sent.add(envelope);
      return Future.succeededFuture();
    }, projection, timeoutMs);
  }

  /** Runs on the event loop, as in the verticle. */
  private <T> T onLoop(java.util.function.Supplier<T> work) {
    return vertx.getOrCreateContext().<T>executeBlocking(() -> null).compose(x -> {
      return Future.succeededFuture(work.get());
    }).await();
  }

  @Test
  void anAcceptedCommandIsAnsweredOnceTheProjectionHasItsVersion() {
    // Given a command sent and the Match Service accepting it at version 11
    KafkaCommands commands = commands(5_000);
    projection.apply(Matches.running(Phase.RESPONDING));
    MatchCommand vote = new MatchCommand.SubmitVote(Matches.MATCH, "hash", 2, "A");
    Future<MatchEvent> answer = commands.send(Matches.MATCH, vote);
    Envelope<MatchCommand> envelope = sent.get(0);
    assertThat(envelope.correlationId()).isEqualTo(envelope.eventId());
    assertThat(envelope.key()).isEqualTo(Matches.MATCH);
    assertThat(envelope.source()).isEqualTo("gateway");
    assertThat(envelope.eventType()).isEqualTo("vote.submit");
    commands.onReply(reply(envelope, new MatchEvent.CommandAccepted(Matches.MATCH, "vote.submit", 11)));

    // Then it waits for the state
    assertThat(answer.isComplete()).isFalse();

    // When version 11 reaches the projection
    projection.apply(Matches.withVersion(Matches.running(Phase.VOTING), 11));

    // Then the command is answered
    assertThat(answer.await()).isInstanceOf(MatchEvent.CommandAccepted.class);
    assertThat(commands.pending()).isZero();
  }

  @Test
  void aReplyAndAStateReadOnAnotherInstancesLoopAnswerTheCommandOnTheLoopThatSentIt() {
    // Given a command sent from one gateway instance's loop, the JVM's replies shared with another instance
    Map<String, Promise<MatchEvent>> replies = new ConcurrentHashMap<>();
    Promise<Envelope<MatchCommand>> published = Promise.promise();
    KafkaCommands sender = new KafkaCommands(vertx, envelope -> {
      published.complete(envelope);
      return Future.succeededFuture();
    }, projection, 5_000, replies);
    KafkaCommands reader = new KafkaCommands(vertx, envelope -> Future.succeededFuture(), projection, 5_000, replies);
    projection.apply(Matches.running(Phase.RESPONDING));
    Context sending = vertx.getOrCreateContext();
    Context reading = vertx.getOrCreateContext();
    MatchCommand vote = new MatchCommand.SubmitVote(Matches.MATCH, "hash", 2, "A");
    Promise<Context> answeredOn = Promise.promise();
    sending.runOnContext(v -> sender.send(Matches.MATCH, vote)
        .onComplete(ar -> answeredOn.complete(Vertx.currentContext())));
    Envelope<MatchCommand> command = published.future().await();

    // When the other instance reads its reply, then the state that holds it
    reading.runOnContext(v -> {
      assertThat(reader.onReply(reply(command, new MatchEvent.CommandAccepted(Matches.MATCH, "vote.submit", 11))))
          .isTrue();
      projection.apply(Matches.withVersion(Matches.running(Phase.VOTING), 11));
    });

    // Then the command is answered on the loop that sent it
    assertThat(answeredOn.future().await()).isSameAs(sending);
    assertThat(replies).isEmpty();
  }

  @Test
  void aRejectionIsPassedOnAsItIs() {
    KafkaCommands commands = commands(5_000);
    Future<MatchEvent> answer = commands.send(Matches.MATCH,
        new MatchCommand.Join(Matches.MATCH, "p", "Ann", "hash"));

    boolean taken = commands.onReply(reply(sent.get(0),
        new MatchEvent.CommandRejected(Matches.MATCH, "player.join", 409, "the match is full")));

    assertThat(taken).isTrue();
    assertThat(answer.await()).isEqualTo(
        new MatchEvent.CommandRejected(Matches.MATCH, "player.join", 409, "the match is full"));
  }

  @Test
  void repliesToOtherCommandsAreIgnored() {
    KafkaCommands commands = commands(5_000);
    Future<MatchEvent> answer = commands.send(Matches.MATCH,
        new MatchCommand.Join(Matches.MATCH, "p", "Ann", "hash"));

    boolean taken = commands.onReply(new Envelope<Event>("x", "command.accepted", java.time.Instant.now(), "match",
        "someone-else", null, Matches.MATCH, Matches.MATCH, 1,
        new MatchEvent.CommandAccepted(Matches.MATCH, "player.join", 1)));

    assertThat(taken).isFalse();
    assertThat(answer.isComplete()).isFalse();
  }

  @Test
  void noReplyInTimeIsA503() {
    // Given a Match Service that never answers
    KafkaCommands commands = commands(50);

    // When a command is sent
    Future<MatchEvent> answer = onLoop(() -> commands.send(Matches.MATCH,
        new MatchCommand.Create(Matches.MATCH, Matches.SETTINGS)));

    // Then it fails with 503 and leaves nothing behind
    assertThatThrownBy(answer::await).isInstanceOfSatisfying(ApiError.class,
        e -> assertThat(e.status()).isEqualTo(503));
    assertThat(commands.pending()).isZero();
  }

  @Test
  void theRequestsLaterLogLinesNameTheCommandsCorrelationAndMatch() {
    // Given a Match Service that never answers, and the gateway's log lines read through the context MDC
    ContextMdc.install();
    ListAppender<ILoggingEvent> lines = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent line) {
        line.prepareForDeferredProcessing(); // takes the MDC now, on the thread that logged
        super.append(line);
      }
    };
    lines.list = new CopyOnWriteArrayList<>(); // written on the event loop, read here
    Logger logger = (Logger) LoggerFactory.getLogger(KafkaCommands.class);
    lines.start();
    logger.addAppender(lines);
    try {
      KafkaCommands commands = commands(50);

      // When a request (on a context of its own, as Vert.x gives each) sends a command that times out
      Promise<MatchEvent> answer = Promise.promise();
      ((ContextInternal) vertx.getOrCreateContext()).duplicate().runOnContext(v -> commands.send(Matches.MATCH,
          new MatchCommand.Create(Matches.MATCH, Matches.SETTINGS)).onComplete(answer));
      assertThatThrownBy(() -> answer.future().await()).isInstanceOf(ApiError.class);

      // Then the timeout's warning, written later on a timer, names the command's correlationId and the match
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (lines.list.stream().noneMatch(l -> l.getFormattedMessage().contains("no reply"))
          && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // the warning follows the failed answer on the event loop
      }
      assertThat(lines.list).anySatisfy(line -> {
        assertThat(line.getFormattedMessage()).contains("no reply");
        assertThat(line.getMDCPropertyMap()).containsEntry(Tracing.CORRELATION_ID, sent.get(0).correlationId())
            .containsEntry(Tracing.MATCH_ID, Matches.MATCH);
      });
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void aProjectionThatNeverCatchesUpIsA503() {
    KafkaCommands commands = commands(100);
    Future<MatchEvent> answer = onLoop(() -> commands.send(Matches.MATCH,
        new MatchCommand.Create(Matches.MATCH, Matches.SETTINGS)));
    commands.onReply(reply(sent.get(0), new MatchEvent.CommandAccepted(Matches.MATCH, "match.create", 1)));

    assertThatThrownBy(answer::await).isInstanceOfSatisfying(ApiError.class,
        e -> assertThat(e.status()).isEqualTo(503).isNotNull());
    assertThat(projection.waiting()).isZero();
  }

  @Test
  void aCommandKafkaRefusesIsA503() {
    KafkaCommands commands = new KafkaCommands(vertx, e -> Future.failedFuture("broker down"), projection, 5_000);

    Future<MatchEvent> answer = commands.send(Matches.MATCH, new MatchCommand.Create(Matches.MATCH,
        Matches.SETTINGS));

    assertThatThrownBy(answer::await).isInstanceOfSatisfying(ApiError.class,
        e -> assertThat(e.status()).isEqualTo(503));
  }

  private static Envelope<Event> reply(Envelope<?> command, MatchEvent payload) {
    return new Envelope<>("reply-" + command.eventId(), "command.accepted", java.time.Instant.now(), "match-service",
        command.correlationId(), command.eventId(), Matches.MATCH, Matches.MATCH, 1, payload);
  }
}
