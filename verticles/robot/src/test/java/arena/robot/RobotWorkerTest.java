package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.Envelope;
import arena.shared.events.Event;
import arena.shared.events.MatchEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RobotWorkerTest {
  private static final long HUMAN_DELAY_MS = 600;
  private static final long MARGIN_MS = 200;

  /** One publication: what, under which key, caused by what, and when. */
  private record Published(String key, Event payload, Envelope<?> cause, long at) {}

  /** A provider the test steers, recording what it was asked. */
  private static final class FakeProvider implements RobotProvider {
    final List<AnswerRequest> answers = new CopyOnWriteArrayList<>();
    final List<VoteRequest> votes = new CopyOnWriteArrayList<>();
    Function<AnswerRequest, Future<Reply>> onAnswer = r -> Future.succeededFuture(Reply.of("an answer"));
    Function<VoteRequest, Future<Reply>> onVote = r -> Future.succeededFuture(Reply.of(r.allowedLetters().get(0)));

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Future<Reply> answer(AnswerRequest request) {
      answers.add(request);
      return onAnswer.apply(request);
    }

    @Override
    public Future<Reply> vote(VoteRequest request) {
      votes.add(request);
      return onVote.apply(request);
    }
  }

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final FakeProvider provider = new FakeProvider();
  private final java.util.concurrent.atomic.AtomicInteger failingPublishes = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Promise<Void> expected;
  private volatile int expectedCount;
  private Vertx vertx;
  private Context context;
  private RobotWorker worker;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    worker = worker(RobotTimingTest.fixed(HUMAN_DELAY_MS, MARGIN_MS, 0));
  }

  private RobotWorker worker(RobotTiming timing) {
    return new RobotWorker(vertx, Personas.load(), Providers.of(provider), new ScriptedProvider(new Random(2)),
        timing, RobotMemory.standard(), new Random(3), (key, payload, cause) -> {
          if (failingPublishes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Future.failedFuture(new IllegalStateException("the broker is away"));
          }
          published.add(new Published(key, payload, cause, System.currentTimeMillis()));
          if (expected != null && published.size() >= expectedCount) {
            expected.tryComplete();
          }
          return Future.succeededFuture();
        }, System::currentTimeMillis);
  }

  /** Completes once {@code count} events have been published. */
  private Future<Void> published(int count) {
    expectedCount = count;
    expected = Promise.promise();
    if (published.size() >= count) {
      expected.tryComplete();
    }
    return expected.future();
  }

  private Future<Void> handle(Received received) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> worker.handle(received).onComplete(done));
    return done.future();
  }

  private static Received received(RobotCommand command) {
    String type = Topic.registrationOf(command.getClass()).eventType();
    Envelope<Event> envelope = Envelope.of(type, "test", command.robotId(), command, "corr-1", null);
    return new Received(Topic.ROBOT_COMMANDS, 0, 0, command.robotId(), envelope);
  }

  private static RobotCommand.GenerateResponse answerCommand(int round, long deadlineInMs) {
    return new RobotCommand.GenerateResponse(UUID.randomUUID().toString(), "robot-curious-student-1",
        "curious-student", "m1", round, "B", "Describe your perfect sandwich.",
        Instant.now().plusMillis(deadlineInMs), List.of());
  }

  private static RobotCommand.GenerateVote voteCommand(Map<String, String> responses) {
    return new RobotCommand.GenerateVote(UUID.randomUUID().toString(), "robot-skeptical-scientist-1",
        "skeptical-scientist", "m1", 1, "B", "Favourite food?", responses, Instant.now().plusSeconds(10));
  }

  @Test
  void an_answer_is_submitted_after_a_human_delay_then_reported_complete(VertxTestContext ctx) {
    // Given
    RobotCommand.GenerateResponse command = answerCommand(1, 10_000);
    Received received = received(command);
    long start = System.currentTimeMillis();

    // When
    handle(received).compose(v -> published(2)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the answer, keyed by match and caused by the command
      Published submitted = published.get(1);
      assertThat(submitted.key()).isEqualTo("m1");
      assertThat(submitted.cause()).isSameAs(received.envelope());
      assertThat(submitted.payload()).isEqualTo(new RobotResponse.ResponseSubmitted("m1", 1,
          "robot-curious-student-1", "B", "an answer", command.commandId()));
      assertThat(submitted.at() - start).isGreaterThanOrEqualTo(HUMAN_DELAY_MS - 5);
      assertThat(submitted.at()).isLessThan(command.deadline().toEpochMilli() - MARGIN_MS);
      // and the bookkeeping event
      Published complete = published.get(0);
      assertThat(complete.key()).isEqualTo("m1");
      assertThat(complete.payload()).isInstanceOfSatisfying(RobotResponse.ResponseComplete.class, c -> {
        assertThat(c.robotId()).isEqualTo("robot-curious-student-1");
        assertThat(c.commandId()).isEqualTo(command.commandId());
        assertThat(c.kind()).isEqualTo("response");
        assertThat(c.provider()).isEqualTo("fake");
        assertThat(c.fallback()).isFalse();
        assertThat(c.latencyMs()).isLessThan(HUMAN_DELAY_MS);
      });
      assertThat(provider.answers.get(0).persona().type()).isEqualTo("curious-student");
      ctx.completeNow();
    })));
  }

  @Test
  void what_the_llm_call_cost_is_reported_and_added_to_the_match(VertxTestContext ctx) {
    // Given a provider whose call cost 120 + 30 tokens
    Reply.Usage usage = new Reply.Usage("gpt-4o-mini", 120, 30, 0.000036);
    provider.onAnswer = r -> Future.succeededFuture(new Reply("an answer", usage, false));

    // When
    handle(received(answerCommand(1, 10_000))).compose(v -> published(2))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then
          RobotResponse.ResponseComplete complete = (RobotResponse.ResponseComplete) published.get(0).payload();
          assertThat(complete.model()).isEqualTo("gpt-4o-mini");
          assertThat(complete.inputTokens()).isEqualTo(120);
          assertThat(complete.outputTokens()).isEqualTo(30);
          assertThat(complete.costUsd()).isEqualTo(0.000036);
          assertThat(provider.answers.get(0).replyBy())
              .isLessThanOrEqualTo(published.get(1).at() + 10_000 - MARGIN_MS);
          ctx.completeNow();
        })));
  }

  @Test
  void no_robot_meter_is_labelled_with_a_robot(VertxTestContext ctx) {
    // Given a provider whose call cost tokens, so every meter of an answer is touched
    provider.onAnswer = r -> Future.succeededFuture(new Reply("an answer", new Reply.Usage("m", 10, 5, 0.1), false));
    RobotCommand.GenerateResponse command = answerCommand(1, 10_000);

    // When
    handle(received(command)).compose(v -> published(2)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the robot meters carry only bounded labels (providers, personas, kinds, reasons), never a robot id
      List<Meter> meters = Metrics.globalRegistry.getMeters().stream()
          .filter(m -> m.getId().getName().startsWith("arena.robot") || m.getId().getName().startsWith("arena.llm"))
          .toList();
      assertThat(meters).extracting(m -> m.getId().getName()).contains("arena.robot.tokens", "arena.llm.cost.usd");
      for (Meter meter : meters) {
        assertThat(meter.getId().getTags()).as(meter.getId().toString()).allSatisfy(tag -> {
          assertThat(tag.getKey()).isIn("provider", "persona", "kind", "reason", "fallback", "direction", "state");
          assertThat(tag.getValue()).doesNotContain(command.robotId());
        });
      }
      ctx.completeNow();
    })));
  }

  @Test
  void the_providers_latency_counts_toward_the_human_delay(VertxTestContext ctx) {
    // Given a provider taking 1.5 s, longer than the 0.6 s human delay
    provider.onAnswer = r -> {
      Promise<Reply> p = Promise.promise();
      vertx.setTimer(1500, id -> p.complete(Reply.of("slow answer")));
      return p.future();
    };
    long start = System.currentTimeMillis();

    // When
    handle(received(answerCommand(1, 20_000))).compose(v -> published(2))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then the answer goes out when the provider is done, not 0.6 s later
          long elapsed = published.get(1).at() - start;
          assertThat(elapsed).isBetween(1495L, 1500 + HUMAN_DELAY_MS - 150);
          ctx.completeNow();
        })));
  }

  @Test
  void a_provider_too_slow_for_the_deadline_is_replaced_by_the_scripted_answer(VertxTestContext ctx) {
    // Given a provider that never answers and a deadline 1.5 s away
    provider.onAnswer = r -> Promise.<Reply>promise().future();
    RobotCommand.GenerateResponse command = answerCommand(1, 1500);

    // When
    handle(received(command)).compose(v -> published(2)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then a scripted answer lands before the deadline, flagged as a fallback
      Published submitted = published.get(1);
      assertThat(submitted.at()).isLessThan(command.deadline().toEpochMilli());
      assertThat(((RobotResponse.ResponseSubmitted) submitted.payload()).text()).hasSizeBetween(1, 280);
      assertThat(((RobotResponse.ResponseComplete) published.get(0).payload()).fallback()).isTrue();
      ctx.completeNow();
    })));
  }

  @Test
  void a_failing_provider_is_replaced_by_the_scripted_answer(VertxTestContext ctx) {
    // Given
    provider.onAnswer = r -> Future.failedFuture(new IllegalStateException("boom"));

    // When
    handle(received(answerCommand(1, 10_000))).compose(v -> published(2))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then
          assertThat(((RobotResponse.ResponseSubmitted) published.get(1).payload()).text()).isNotBlank();
          assertThat(((RobotResponse.ResponseComplete) published.get(0).payload()).fallback()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void a_command_seen_before_is_not_answered_twice(VertxTestContext ctx) {
    // Given
    Received received = received(answerCommand(1, 10_000));

    // When
    handle(received).compose(v -> handle(received)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then
      assertThat(provider.answers).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  void a_command_past_its_deadline_is_skipped(VertxTestContext ctx) {
    // Given
    Received late = received(answerCommand(1, -1));

    // When
    handle(late).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then
      assertThat(provider.answers).isEmpty();
      assertThat(published).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void the_robot_remembers_what_it_said_in_earlier_rounds(VertxTestContext ctx) {
    // Given round 1 answered
    handle(received(answerCommand(1, 10_000))).compose(v -> published(2))
        // When round 2 comes
        .compose(v -> handle(received(answerCommand(2, 10_000))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then the provider hears about round 1
          assertThat(provider.answers).hasSize(2);
          assertThat(provider.answers.get(1).memory()).containsExactly(
              new RobotMemory.Entry(1, "Describe your perfect sandwich.", "an answer"));
          ctx.completeNow();
        })));
  }

  @Test
  void the_robot_submits_and_remembers_its_answer_as_players_see_it(VertxTestContext ctx) {
    // Given a provider whose answer has a line break, a tab, a run of spaces and a zero-width space
    provider.onAnswer = r -> Future.succeededFuture(Reply.of("pizza\n\tplease  now\u200b"));

    handle(received(answerCommand(1, 10_000))).compose(v -> published(2))
        // When the next round comes
        .compose(v -> handle(received(answerCommand(2, 10_000))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then the answer went out normalized, and that is what the robot remembers
          assertThat(((RobotResponse.ResponseSubmitted) published.get(1).payload()).text()).isEqualTo("pizza please now");
          assertThat(provider.answers.get(1).memory()).extracting(RobotMemory.Entry::answer)
              .containsExactly("pizza please now");
          ctx.completeNow();
        })));
  }

  @Test
  void a_robot_told_that_the_match_is_over_forgets_it(VertxTestContext ctx) {
    // Given round 1 answered
    handle(received(answerCommand(1, 10_000))).compose(v -> published(2))
        // When the match completes, then (as if it were still on) round 2 comes
        .compose(v -> handle(received(new RobotCommand.ForgetMatch("forget-1", "robot-curious-student-1", "m1")))
            .map(forgotten -> published.size()))
        .compose(publishedAfterForgetting -> handle(received(answerCommand(2, 10_000)))
            .map(publishedAfterForgetting))
        .onComplete(ctx.succeeding(publishedAfterForgetting -> ctx.verify(() -> {
          // Then forgetting published nothing, and the robot remembers nothing of round 1
          assertThat(publishedAfterForgetting).isEqualTo(2);
          assertThat(provider.answers).hasSize(2);
          assertThat(provider.answers.get(1).memory()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void a_vote_goes_to_another_present_letter(VertxTestContext ctx) {
    // Given a provider that would vote for the robot itself
    provider.onVote = r -> Future.succeededFuture(Reply.of("B"));
    RobotCommand.GenerateVote command = voteCommand(Map.of("A", "pizza lol", "B", "mine", "C", "Pizza."));

    // When
    handle(received(command)).compose(v -> published(2)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the scripted heuristic votes instead
      RobotResponse.VoteSubmitted vote = (RobotResponse.VoteSubmitted) published.get(1).payload();
      assertThat(vote.vote()).isIn("A", "C");
      assertThat(vote.identity()).isEqualTo("B");
      assertThat(vote.commandId()).isEqualTo(command.commandId());
      RobotResponse.ResponseComplete complete = (RobotResponse.ResponseComplete) published.get(0).payload();
      assertThat(complete.kind()).isEqualTo("vote");
      assertThat(complete.fallback()).isTrue();
      assertThat(provider.votes.get(0).allowedLetters()).containsExactly("A", "C");
      ctx.completeNow();
    })));
  }

  @Test
  void with_nobody_else_to_vote_for_the_robot_does_not_vote(VertxTestContext ctx) {
    // Given
    Received onlyMe = received(voteCommand(Map.of("B", "mine")));

    // When
    handle(onlyMe).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then
      assertThat(provider.votes).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void a_robot_that_misses_asks_no_provider_and_submits_nothing(VertxTestContext ctx) {
    // Given a robot that misses every answer and every vote
    worker = worker(RobotTimingTest.fixed(HUMAN_DELAY_MS, MARGIN_MS, 1.0));

    // When
    handle(received(answerCommand(1, 10_000)))
        .compose(v -> handle(received(voteCommand(Map.of("A", "pizza lol", "B", "mine", "C", "Pizza.")))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then no provider was asked (a provider's reply is what gets submitted)
          assertThat(provider.answers).isEmpty();
          assertThat(provider.votes).isEmpty();
          assertThat(published).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void with_a_seeded_random_a_robot_misses_some_commands_and_answers_the_others(VertxTestContext ctx) {
    // Given a robot that misses half of its commands
    worker = worker(RobotTimingTest.fixed(0, MARGIN_MS, 0.5));
    int commands = 40;

    // When
    Future<Void> all = Future.succeededFuture();
    for (int round = 1; round <= commands; round++) {
      RobotCommand.GenerateResponse command = answerCommand(round, 10_000);
      all = all.compose(v -> handle(received(command)));
    }
    all.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the provider was asked only for the commands the robot did not miss
      System.out.println("answered " + provider.answers.size() + " of " + commands);
      assertThat(provider.answers.size()).isBetween(commands / 4, commands * 3 / 4);
      ctx.completeNow();
    })));
  }

  @Test
  void other_events_are_ignored_and_commands_without_ids_are_refused(VertxTestContext ctx) {
    // Given
    Envelope<Event> other = Envelope.of("round.starting", "test", "m1", new MatchEvent.RoundStarting("m1", 1), null,
        null);
    RobotCommand.GenerateResponse noId = new RobotCommand.GenerateResponse(null, "r1", "curious-student", "m1", 1,
        "A", "p", Instant.now().plusSeconds(10), List.of());

    // When / Then
    handle(new Received(Topic.ROBOT_COMMANDS, 0, 0, "m1", other))
        .compose(v -> handle(received(noId)))
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          assertThat(t).isInstanceOf(PoisonRecordException.class);
          assertThat(provider.answers).isEmpty();
          assertThat(published).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void the_command_is_done_only_once_its_answer_is_published(VertxTestContext ctx) {
    // Given an answer the robot types for a while
    long start = System.currentTimeMillis();

    // When the command is handled
    handle(received(answerCommand(1, 10_000))).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then it is done only after the answer went out (so only then is it committed)
      long doneAt = System.currentTimeMillis();
      assertThat(published).hasSize(2);
      assertThat(published.get(1).payload()).isInstanceOf(RobotResponse.ResponseSubmitted.class);
      assertThat(doneAt - start).isGreaterThanOrEqualTo(HUMAN_DELAY_MS - 5);
      ctx.completeNow();
    })));
  }

  @Test
  void a_vote_is_done_only_once_it_is_published(VertxTestContext ctx) {
    // When a vote command is handled
    handle(received(voteCommand(Map.of("A", "soup", "B", "mine", "C", "bread")))).onComplete(ctx.succeeding(v ->
        ctx.verify(() -> {
          // Then the vote is out when it is done
          assertThat(published).hasSize(2);
          assertThat(published.get(1).payload()).isInstanceOf(RobotResponse.VoteSubmitted.class);
          ctx.completeNow();
        })));
  }

  @Test
  void a_publish_that_fails_fails_the_command_and_its_redelivery_answers_it(VertxTestContext ctx) {
    // Given a broker that refuses the first publication
    failingPublishes.set(1);
    Received received = received(answerCommand(1, 10_000));

    // When the command is handled, then delivered again as the consumer retries it
    handle(received).onComplete(ctx.failing(first -> handle(received).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the first attempt failed (not committed), and the redelivery was answered, not skipped as a duplicate
      assertThat(first).hasMessageContaining("the broker is away");
      assertThat(provider.answers).hasSize(2);
      assertThat(published).extracting(Published::payload).hasAtLeastOneElementOfType(
          RobotResponse.ResponseSubmitted.class);
      ctx.completeNow();
    })))));
  }

  @Test
  void a_command_delivered_again_while_in_hand_is_worked_once_and_both_finish_with_it(VertxTestContext ctx) {
    // Given a command in hand
    Received received = received(answerCommand(1, 10_000));
    Future<Void> first = handle(received);

    // When it is delivered again before it is answered
    Future<Void> second = handle(received);

    // Then the provider is asked once, one answer goes out, and both deliveries finish when it is out
    Future.all(first, second).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(provider.answers).hasSize(1);
      assertThat(published).hasSize(2);
      ctx.completeNow();
    })));
  }

  @Test
  void a_stopped_worker_hands_its_unfinished_commands_back_and_publishes_nothing(VertxTestContext ctx) {
    // Given a command in hand, its answer not yet typed
    Future<Void> work = handle(received(answerCommand(1, 10_000)));

    // When the worker stops
    context.runOnContext(v -> worker.stop());

    // Then the command fails (so it is not committed and the partition's next owner answers it), and nothing is out
    work.onComplete(ctx.failing(t -> vertx.setTimer(HUMAN_DELAY_MS + 100, id -> ctx.verify(() -> {
      assertThat(published).isEmpty();
      ctx.completeNow();
    }))));
  }

  @Test
  void a_robot_new_to_the_match_takes_its_earlier_rounds_from_the_command(VertxTestContext ctx) {
    // Given a round-3 command for a robot this worker never served, listing what it said in rounds 1 and 2
    RobotCommand.GenerateResponse base = answerCommand(3, 10_000);
    RobotCommand.GenerateResponse moved = new RobotCommand.GenerateResponse(base.commandId(), base.robotId(),
        base.type(), base.matchId(), 3, base.identity(), base.prompt(), base.deadline(),
        List.of(new RobotCommand.EarlierRound(1, "Tea or coffee?", "tea, always"),
            new RobotCommand.EarlierRound(2, "Cats?", "two of them")));

    // When it is handled
    handle(received(moved)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      // Then the provider hears about both earlier rounds
      assertThat(provider.answers.get(0).memory()).containsExactly(
          new RobotMemory.Entry(1, "Tea or coffee?", "tea, always"), new RobotMemory.Entry(2, "Cats?", "two of them"));
      ctx.completeNow();
    })));
  }

  @Test
  void a_robot_that_remembers_the_match_keeps_its_own_memory(VertxTestContext ctx) {
    // Given round 1 answered here
    handle(received(answerCommand(1, 10_000)))
        // When round 2 comes listing another round 1
        .compose(v -> {
          RobotCommand.GenerateResponse base = answerCommand(2, 10_000);
          return handle(received(new RobotCommand.GenerateResponse(base.commandId(), base.robotId(), base.type(),
              base.matchId(), 2, base.identity(), base.prompt(), base.deadline(),
              List.of(new RobotCommand.EarlierRound(1, "Something else?", "something else")))));
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then what it remembers stands
          assertThat(provider.answers.get(1).memory()).containsExactly(
              new RobotMemory.Entry(1, "Describe your perfect sandwich.", "an answer"));
          ctx.completeNow();
        })));
  }

  @Test
  void the_health_check_counts_each_provider_call_whether_it_failed_and_the_robot(VertxTestContext ctx) {
    // Given a worker that reports its health, and a provider that fails once, then answers
    WorkerHealth.Member health = new WorkerHealth.Member(vertx, new WorkerHealth.Settings(1, 60));
    health.partitionCount(1);
    health.assigned(List.of(0));
    worker.reportTo(health);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    provider.onAnswer = r -> calls.getAndIncrement() == 0 ? Future.failedFuture(new IllegalStateException("boom"))
        : Future.succeededFuture(Reply.of("an answer"));

    // When two answers are worked
    handle(received(answerCommand(1, 10_000))).compose(v -> handle(received(answerCommand(2, 10_000))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Then the next check counts two calls of the provider, one failed, for that robot
          RobotResponse.HealthCheck check = health.tick(System.currentTimeMillis(),
              Map.of("curious-student", "fake"), Map.of());
          assertThat(check.providers().get("fake").calls()).isEqualTo(2);
          assertThat(check.providers().get("fake").errors()).isEqualTo(1);
          assertThat(check.robots()).containsExactly("robot-curious-student-1");
          ctx.completeNow();
        })));
  }
}
