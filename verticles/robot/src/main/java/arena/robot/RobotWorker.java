package arena.robot;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.game.Text;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns robot commands into answers and votes that arrive like a human's would: the provider is asked at
 * once, and the reply is submitted at a time drawn from the human model ({@link RobotTiming}) for what was
 * typed or read (or right away if the provider took longer), always before the deadline less a margin. Like a
 * human, a robot now and then misses an answer or a vote. Runs on one event loop.
 *
 * <p>A command is done (and committed) only once its answer or vote is published and acknowledged, or once it is
 * deliberately dropped (missed, late, a duplicate, nobody to vote for). A worker that dies or stops before that leaves
 * the command to the partition's next owner, which answers it if its deadline allows.
 */
public final class RobotWorker {
  private static final Logger log = LoggerFactory.getLogger(RobotWorker.class);
  private static final int SEEN_COMMANDS = 10_000;

  /** Where submissions go: the verticle publishes them on Kafka, tests collect them. */
  @FunctionalInterface
  public interface Outbox {
    Future<?> publish(String key, Event payload, Envelope<?> cause);
  }

  private final Vertx vertx;
  private final Personas personas;
  private final Providers providers;
  private final ScriptedProvider standIn;
  private final RobotTiming timing;
  private final RobotMemory memory;
  private final RandomGenerator random;
  private final Outbox outbox;
  private final LongSupplier clock;
  /** Each command's work, in hand or done; a failed one is dropped, so its redelivery is worked again. */
  private final Map<String, Future<Void>> seen = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<Void>> eldest) {
      return size() > SEEN_COMMANDS;
    }
  };
  private final Set<Promise<Void>> inHand = new HashSet<>();
  private boolean stopped;
  private WorkerHealth.Member health;

  public RobotWorker(Vertx vertx, Personas personas, Providers providers, ScriptedProvider standIn,
      RobotTiming timing, RobotMemory memory, RandomGenerator random, Outbox outbox, LongSupplier clock) {
    this.vertx = vertx;
    this.personas = personas;
    this.providers = providers;
    this.standIn = standIn;
    this.timing = timing;
    this.memory = memory;
    this.random = random;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** From now on tells {@code member} which robots it works for and how its providers' calls go. */
  void reportTo(WorkerHealth.Member member) {
    this.health = member;
  }

  /** Completes once the command's answer or vote is submitted, or once it is deliberately dropped. */
  public Future<Void> handle(Received received) {
    if (received.payload() instanceof RobotCommand.ForgetMatch forget) {
      return forget(forget);
    }
    if (!(received.payload() instanceof RobotCommand.Work command)) {
      return Future.succeededFuture();
    }
    if (command.commandId() == null || command.robotId() == null || command.matchId() == null
        || command.identity() == null || command.deadline() == null) {
      return Future.failedFuture(new PoisonRecordException("robot command without ids or deadline"));
    }
    if (health != null) {
      health.saw(command.robotId(), clock.getAsLong());
    }
    Future<Void> before = seen.get(command.commandId());
    if (before != null) {
      log.debug("command {} already in hand or done, ignoring the duplicate", command.commandId());
      RobotMetrics.skipped("duplicate");
      return before;
    }
    Future<Void> work = work(command, received.envelope());
    seen.put(command.commandId(), work);
    work.onFailure(t -> seen.remove(command.commandId(), work));
    return work;
  }

  /**
   * Abandons every command in hand: each fails, so it is not committed and the partition's next owner answers it;
   * nothing more is submitted from here.
   */
  public void stop() {
    stopped = true;
    List.copyOf(inHand).forEach(p -> p.tryFail("the robot worker stopped; the command is handed over"));
    inHand.clear();
  }

  private Future<Void> work(RobotCommand.Work command, Envelope<?> cause) {
    long now = clock.getAsLong();
    if (command.deadline().toEpochMilli() <= now) {
      log.info("skipping {} for robot {} in match {} round {}: its deadline passed {} ms ago",
          command.getClass().getSimpleName(), command.robotId(), command.matchId(), command.round(),
          now - command.deadline().toEpochMilli());
      RobotMetrics.skipped("late");
      return Future.succeededFuture();
    }
    // Decided before any provider is asked: a miss costs nothing and looks like a human who did not get to it.
    boolean misses = command instanceof RobotCommand.GenerateVote ? timing.missesVote(random)
        : timing.missesAnswer(random);
    if (misses) {
      log.debug("robot {} misses its {} in match {} round {}", command.robotId(),
          command.getClass().getSimpleName(), command.matchId(), command.round());
      RobotMetrics.skipped("missed");
      return Future.succeededFuture();
    }
    if (stopped) {
      return Future.failedFuture("the robot worker stopped");
    }
    Promise<Void> done = Promise.promise();
    inHand.add(done);
    done.future().onComplete(ar -> inHand.remove(done));
    try {
      if (command instanceof RobotCommand.GenerateResponse answer) {
        respond(answer, cause, now, done);
      } else if (command instanceof RobotCommand.GenerateVote vote) {
        vote(vote, cause, now, done);
      }
    } catch (RuntimeException e) {
      // Nothing was asked or sent yet: a command this worker cannot even start is one it never will.
      done.tryFail(new PoisonRecordException("cannot work robot command: " + e, e));
    }
    return done.future();
  }

  /** The match is over; forgetting twice is harmless, so a re-delivered command needs no bookkeeping. */
  private Future<Void> forget(RobotCommand.ForgetMatch cmd) {
    if (cmd.robotId() == null || cmd.matchId() == null) {
      return Future.failedFuture(new PoisonRecordException("forget command without ids"));
    }
    memory.forget(cmd.robotId(), cmd.matchId());
    log.debug("robot {} forgot match {}", cmd.robotId(), cmd.matchId());
    return Future.succeededFuture();
  }

  private void respond(RobotCommand.GenerateResponse cmd, Envelope<?> cause, long start, Promise<Void> done) {
    Persona persona = personas.forType(cmd.type());
    if (memory.recall(cmd.robotId(), cmd.matchId()).isEmpty() && cmd.earlier() != null) {
      // The robot served this match elsewhere (another JVM, before a restart): its rounds came with the command.
      cmd.earlier().forEach(e -> memory.remember(cmd.robotId(), cmd.matchId(),
          new RobotMemory.Entry(e.round(), e.prompt(), e.answer())));
    }
    RobotProvider provider = providers.forPersona(persona);
    String prompt = cmd.prompt() == null ? "" : cmd.prompt();
    long window = cmd.deadline().toEpochMilli() - start;
    long replyBy = start + timing.latestMs(window);
    AnswerRequest request = new AnswerRequest(persona, cmd.matchId(), cmd.round(), cmd.identity(), prompt,
        memory.recall(cmd.robotId(), cmd.matchId()), replyBy);
    withinBudget(provider, "response", () -> provider.answer(request), () -> standIn.answer(request), replyBy,
        usage -> charge(persona, provider, usage))
        .onSuccess(reply -> {
          long latency = clock.getAsLong() - start;
          RobotMetrics.providerLatency(provider.name(), latency);
          String text = ScriptedProvider.fit(reply.text(), null);
          long delay = timing.answerDelayMs(persona, text, window, random);
          later(RobotTiming.remainingWait(start, delay, clock.getAsLong()), done, () -> {
            memory.remember(cmd.robotId(), cmd.matchId(), new RobotMemory.Entry(cmd.round(), prompt, text));
            return submit(cmd, cause, provider, "response", reply, latency,
                new RobotResponse.ResponseSubmitted(cmd.matchId(), cmd.round(), cmd.robotId(), cmd.identity(), text,
                    cmd.commandId()));
          });
        })
        .onFailure(t -> {
          log.warn("robot {} could not answer match {} round {}: {}", cmd.robotId(), cmd.matchId(), cmd.round(),
              t.toString());
          done.tryFail(t);
        });
  }

  private void vote(RobotCommand.GenerateVote cmd, Envelope<?> cause, long start, Promise<Void> done) {
    Persona persona = personas.forType(cmd.type());
    RobotProvider provider = providers.forPersona(persona);
    Map<String, String> responses = cmd.responses() == null ? Map.of() : cmd.responses();
    long window = cmd.deadline().toEpochMilli() - start;
    long replyBy = start + timing.latestMs(window);
    VoteRequest request = new VoteRequest(persona, cmd.matchId(), cmd.round(), cmd.identity(), cmd.prompt(),
        responses, memory.recall(cmd.robotId(), cmd.matchId()), replyBy);
    List<String> allowed = request.allowedLetters();
    if (allowed.isEmpty()) {
      log.info("robot {} has nobody to vote for in match {} round {}", cmd.robotId(), cmd.matchId(), cmd.round());
      RobotMetrics.skipped("no-choice");
      done.tryComplete();
      return;
    }
    Set<String> steered = standIn.designated(request);
    int readChars = (cmd.prompt() == null ? 0 : Text.length(cmd.prompt()))
        + allowed.stream().mapToInt(l -> responses.get(l) == null ? 0 : Text.length(responses.get(l))).sum();
    withinBudget(provider, "vote", () -> provider.vote(request), () -> standIn.vote(request), replyBy,
        usage -> charge(persona, provider, usage))
        .onSuccess(reply -> {
          long latency = clock.getAsLong() - start;
          RobotMetrics.providerLatency(provider.name(), latency);
          String letter = reply.text() == null ? null : reply.text().strip();
          boolean fallback = reply.fallback();
          if (!allowed.contains(letter)) {
            log.warn("provider {} voted for a letter it may not; using the scripted vote", provider.name());
            RobotMetrics.fallback(provider.name(), "invalid");
            letter = standIn.pickVote(request);
            fallback = true;
          } else if (steered.contains(letter) && !steered.containsAll(allowed)) {
            // A vote an answer asked for is a player's, not the robot's: its own heuristic decides instead.
            log.info("provider {} voted as an answer told it to; using the scripted vote", provider.name());
            RobotMetrics.fallback(provider.name(), "steered");
            letter = standIn.pickVote(request);
            fallback = true;
          }
          String vote = letter;
          Reply used = fallback ? reply.asFallback() : reply;
          long delay = timing.voteDelayMs(readChars, window, random);
          later(RobotTiming.remainingWait(start, delay, clock.getAsLong()), done, () -> submit(cmd, cause, provider,
              "vote", used, latency, new RobotResponse.VoteSubmitted(cmd.matchId(), cmd.round(), cmd.robotId(),
                  cmd.identity(), vote, cmd.commandId())));
        })
        .onFailure(t -> {
          log.warn("robot {} could not vote in match {} round {}: {}", cmd.robotId(), cmd.matchId(), cmd.round(),
              t.toString());
          done.tryFail(t);
        });
  }

  /**
   * The provider's reply, or the scripted one if the provider fails or would make the robot miss its
   * deadline: a round never waits on a slow provider. What the provider's call cost is charged even when
   * its reply came too late to be used.
   */
  private Future<Reply> withinBudget(RobotProvider provider, String kind, Supplier<Future<Reply>> work,
      Supplier<Future<Reply>> scripted, long replyBy, Consumer<Reply.Usage> charge) {
    Promise<Reply> result = Promise.promise();
    long asked = clock.getAsLong();
    long timer = vertx.setTimer(Math.max(1, replyBy - clock.getAsLong()), id -> {
      if (!result.future().isComplete()) {
        called(provider, asked, true);
        log.warn("provider {} too slow for the deadline, the scripted provider stands in", provider.name());
        RobotMetrics.fallback(provider.name(), "deadline");
        standInFor(scripted, result);
      }
    });
    Future<Reply> attempt;
    try {
      attempt = work.get();
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    attempt.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded() && ar.result() != null) {
        charge.accept(ar.result().usage());
      }
      if (ar.succeeded() && ar.result() != null && ar.result().text() != null && !ar.result().text().isBlank()) {
        if (result.tryComplete(ar.result())) {
          called(provider, asked, false);
        }
      } else if (!result.future().isComplete()) {
        called(provider, asked, true);
        log.warn("provider {} failed, the scripted provider stands in: {}", provider.name(),
            ar.failed() ? ar.cause().toString() : "empty reply");
        RobotMetrics.fallback(provider.name(), "error");
        standInFor(scripted, result);
      }
    });
    return result.future();
  }

  /** One call of {@code provider} asked at {@code asked} for the health checks: failed when the stand-in answered. */
  private void called(RobotProvider provider, long asked, boolean failed) {
    if (health != null) {
      long now = clock.getAsLong();
      health.called(provider.name(), now - asked, failed, now);
    }
  }

  private static void standInFor(Supplier<Future<Reply>> scripted, Promise<Reply> result) {
    scripted.get().map(Reply::asFallback).onComplete(ar -> {
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(ar.cause());
      }
    });
  }

  /** Submits after {@code waitMs}, unless the command was handed over meanwhile (the worker stopped). */
  private void later(long waitMs, Promise<Void> done, Supplier<Future<Void>> submission) {
    Runnable action = () -> {
      if (!done.future().isComplete()) {
        submission.get().onComplete(done);
      }
    };
    if (waitMs <= 0) {
      action.run();
    } else {
      vertx.setTimer(waitMs, id -> action.run());
    }
  }

  /** Counts what an LLM call cost, even when its reply was refused. */
  private void charge(Persona persona, RobotProvider provider, Reply.Usage usage) {
    if (usage != null) {
      RobotMetrics.usage(provider.name(), persona.type(), usage);
    }
  }

  /**
   * Reports the work (latency, fallback, tokens, cost), then submits it: both are keyed by match on one partition,
   * so the Match Service has counted a robot's cost before the submission that may complete the match.
   */
  private Future<Void> submit(RobotCommand.Work cmd, Envelope<?> cause, RobotProvider provider, String kind,
      Reply reply, long latencyMs, RobotResponse submission) {
    Reply.Usage usage = reply.usage();
    return outbox.publish(cmd.matchId(), new RobotResponse.ResponseComplete(cmd.robotId(), cmd.matchId(), cmd.round(),
            cmd.commandId(), kind, provider.name(), latencyMs, reply.fallback(), usage == null ? null : usage.model(),
            usage == null ? 0 : usage.inputTokens(), usage == null ? 0 : usage.outputTokens(),
            usage == null ? 0 : usage.costUsd()), cause)
        .compose(v -> outbox.publish(cmd.matchId(), submission, cause))
        .onSuccess(v -> {
          RobotMetrics.submitted(kind, provider.name(), reply.fallback());
          log.debug("robot {} submitted its {} for match {} round {}", cmd.robotId(), kind, cmd.matchId(),
              cmd.round());
        })
        .onFailure(t -> log.warn("robot {} could not publish its {} for match {} round {}, it is retried: {}",
            cmd.robotId(), kind, cmd.matchId(), cmd.round(), t.toString()))
        .mapEmpty();
  }
}
