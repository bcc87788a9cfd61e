package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.gateway.Idempotency.Outcome;
import arena.gateway.Idempotency.Replay;
import arena.gateway.Idempotency.Run;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyTest {
  private final AtomicLong now = new AtomicLong();
  private final Idempotency keys = new Idempotency(new Idempotency.Settings(600, 2), now::get);

  @Test
  void aDuplicateInFlightWaitsForTheFirstOutcome() {
    // Given a first call under a key that is still running
    Run first = (Run) keys.check("k", "client", "POST /api/matches\n");

    // When the same call comes again, it waits
    Future<Outcome> waiting = ((Replay) keys.check("k", "client", "POST /api/matches\n")).outcome();
    assertThat(waiting.isComplete()).isFalse();

    // Then it gets the first call's outcome once there is one, and so does any later duplicate
    keys.settle(first.ticket(), new Outcome(201, "{\"matchId\":\"m\"}"));
    assertThat(waiting.result()).isEqualTo(new Outcome(201, "{\"matchId\":\"m\"}"));
    assertThat(((Replay) keys.check("k", "client", "POST /api/matches\n")).outcome().result())
        .isEqualTo(new Outcome(201, "{\"matchId\":\"m\"}"));

    // And a later settle (the response ending) changes nothing
    keys.settle(first.ticket(), null);
    assertThat(keys.check("k", "client", "POST /api/matches\n")).isInstanceOf(Replay.class);
  }

  @Test
  void transientFailuresAreForgottenSoThatARetryRuns() {
    for (Outcome failed : new Outcome[] {new Outcome(503, "{}"), new Outcome(500, "{}"), new Outcome(429, "{}"),
        null}) {
      // Given a first call that failed for now, with a duplicate waiting for it
      Run first = (Run) keys.check("k", "client", "POST /api/quickplay\n{}");
      Future<Outcome> waiting = ((Replay) keys.check("k", "client", "POST /api/quickplay\n{}")).outcome();
      keys.settle(first.ticket(), failed);

      // Then the duplicate is told to run itself, and so is the next retry
      assertThat(waiting.result()).isNull();
      assertThat(keys.check("k", "client", "POST /api/quickplay\n{}")).as("%s", failed).isInstanceOf(Run.class);
      now.addAndGet(TimeUnit.SECONDS.toNanos(601));
    }
  }

  @Test
  void keysAreKeptPerCallerWithinTheWindowAndForOneRequestOnly() {
    Run ann = (Run) keys.check("k", "client\nBearer ann", "POST /vote\nA");
    keys.settle(ann.ticket(), new Outcome(409, "{\"error\":\"already voted\"}"));

    // Another caller's same key is a call of its own; another request under Ann's key is 422
    assertThat(keys.check("k", "client\nBearer bob", "POST /vote\nA")).isInstanceOf(Run.class);
    assertThatThrownBy(() -> keys.check("k", "client\nBearer ann", "POST /vote\nB"))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(422));

    // And after the window the key is free again
    now.addAndGet(TimeUnit.SECONDS.toNanos(601));
    assertThat(keys.check("k", "client\nBearer ann", "POST /vote\nB")).isInstanceOf(Run.class);
  }
}
