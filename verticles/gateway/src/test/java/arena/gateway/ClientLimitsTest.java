package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.gateway.ClientLimits.Kind;
import arena.gateway.ClientLimits.Reservation;
import arena.shared.config.ArenaConfig;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Per-client limits on their own, on a clock the test moves. */
class ClientLimitsTest {
  private static final int POOL = 8;
  private final AtomicLong now = new AtomicLong(1_000);
  private final Projection projection = new Projection();
  private final Requests requests = new Requests(Requests.Limits.of(ArenaConfig.of(ArenaConfig.defaults())));

  /** The defaults, on, with answers and votes at a burst of 2 refilled at 6 a minute, and {@code tweak}. */
  private ClientLimits limits(Consumer<JsonObject> tweak) {
    JsonObject json = ArenaConfig.defaults();
    JsonObject limits = json.getJsonObject("gateway").getJsonObject("limits").put("enabled", true)
        .put("actions", new JsonObject().put("burst", 2).put("perMinute", 6)).put("robotShare", 0.5);
    tweak.accept(limits);
    return new ClientLimits(LimitSettings.of(ArenaConfig.of(json)), POOL, projection, requests, now::get);
  }

  private void advanceSeconds(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void thePoolAClientSharesIsAsLargeAsScalingLetsItGrow() {
    // Given the defaults: robots to start with, and a pool that may scale up to pool.scaling.maxTotal
    JsonObject json = ArenaConfig.defaults();
    json.getJsonObject("pool").put("robots", new JsonObject().put("curious-student", 3).put("chill-gamer", 2));
    json.getJsonObject("pool").getJsonObject("scaling").put("maxTotal", 40);

    // When / Then the share is measured against what the pool may hold, not only what it starts with
    assertThat(ClientLimits.poolSize(ArenaConfig.of(json))).isEqualTo(40);
    json.getJsonObject("pool").getJsonObject("scaling").put("maxTotal", 4);
    assertThat(ClientLimits.poolSize(ArenaConfig.of(json))).isEqualTo(5);
  }

  @Test
  void eachClientHasABucketPerKind_refilledAtItsRate() {
    ClientLimits limits = limits(l -> {});
    // Given a client that sent its burst of 2 answers
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();

    // When it sends a third
    OptionalLong wait = limits.take("10.0.0.1", Kind.ACTION);

    // Then it must wait for the next token: 10 s at 6 a minute
    assertThat(wait).hasValue(10);
    // And neither its other kinds of request nor other clients are held back
    assertThat(limits.take("10.0.0.1", Kind.CREATE)).isEmpty();
    assertThat(limits.take("10.0.0.2", Kind.ACTION)).isEmpty();

    // And the token comes back in its time
    advanceSeconds(4);
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).hasValue(6);
    advanceSeconds(6);
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();
  }

  @Test
  void anIdleClientIsForgotten() {
    ClientLimits limits = limits(l -> l.put("idleMinutes", 1));
    // Given a client that used up its answers
    limits.take("10.0.0.1", Kind.ACTION);
    limits.take("10.0.0.1", Kind.ACTION);
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isPresent();

    // When it is not seen for a minute
    advanceSeconds(61);

    // Then it starts afresh, with its whole burst
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();
    assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();
  }

  @Test
  void aClientHoldsTheRobotsOfItsLiveMatches_upToItsShareOfThePool() {
    ClientLimits limits = limits(l -> {});
    // Given a client whose match (4 seats, 2 humans) holds 2 of the pool's 8 robots; it may hold 4
    Reservation first = limits.reserveCreate("10.0.0.1", "{\"seats\":4,\"humans\":2}");
    limits.settle(first, Matches.MATCH);
    projection.apply(Matches.running(Phase.RESPONDING));

    // When it asks for a match with 3 robots
    // Then it is refused, saying why
    assertThatThrownBy(() -> limits.reserveCreate("10.0.0.1", "{\"seats\":4,\"humans\":1}"))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.getMessage()).contains("hold 2 robots", "needs 3", "at most 4 of the 8");
        });
    // And another client is not
    limits.cancel(limits.reserveCreate("10.0.0.2", "{\"seats\":4,\"humans\":1}"));

    // And 2 more robots fit; cancelled, they are free again
    Reservation second = limits.reserveCreate("10.0.0.1", "{\"seats\":3,\"humans\":1}");
    assertThatThrownBy(() -> limits.reserveCreate("10.0.0.1", "{\"seats\":2,\"humans\":1}"))
        .isInstanceOf(ApiError.class);
    limits.cancel(second);
    limits.cancel(limits.reserveCreate("10.0.0.1", "{\"seats\":3,\"humans\":1}"));

    // And once its match is over, the client may take 4 robots at once
    projection.apply(Matches.completed());
    limits.cancel(limits.reserveCreate("10.0.0.1", "{\"seats\":5,\"humans\":1}"));
    // And a bad body is refused for what it is
    assertThatThrownBy(() -> limits.reserveCreate("10.0.0.1", "{\"seats\":1}"))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aForgottenMatchHoldsNoRobots_evenIfItsClientWasNotSeenWhileItWasOver() {
    ClientLimits limits = limits(l -> {});
    // Given a client whose running match holds 2 of its 4 robots
    Reservation first = limits.reserveCreate("10.0.0.1", "{\"seats\":4,\"humans\":2}");
    limits.settle(first, Matches.MATCH);
    projection.apply(Matches.running(Phase.RESPONDING));

    // When the match ends and is forgotten before the client asks for anything again
    projection.apply(Matches.completed());
    projection.drop(Matches.MATCH);
    limits.forget(Matches.MATCH);

    // Then the client may take 4 robots at once
    limits.cancel(limits.reserveCreate("10.0.0.1", "{\"seats\":5,\"humans\":1}"));
  }

  @Test
  void aQuickPlayHoldsTheRobotsItMayStartWith() {
    ClientLimits limits = limits(l -> {});
    // Given a client in a quick-play lobby: alone, its match would start with 3 robots
    Reservation quick = limits.reserveQuickPlay("10.0.0.1");
    limits.settle(quick, Matches.MATCH);
    assertThatThrownBy(() -> limits.reserveCreate("10.0.0.1", "{\"seats\":3,\"humans\":1}"))
        .isInstanceOf(ApiError.class);

    // When a second human joins that lobby, only 2 robots are left to come
    projection.apply(Matches.quickPlayWaiting(Matches.ANN, Matches.BOB));

    // Then the client may set 2 more aside
    limits.cancel(limits.reserveCreate("10.0.0.1", "{\"seats\":3,\"humans\":1}"));
  }

  @Test
  void socketsAreCountedPerClientWhileOpen_andAddressesPerSocket() {
    ClientLimits limits = limits(l -> l.put("socketsPerClient", 2).put("registrationsPerSocket", 3));
    // Given a client with two sockets open
    assertThat(limits.openSocket("10.0.0.1")).isTrue();
    assertThat(limits.openSocket("10.0.0.1")).isTrue();

    // Then a third is refused, another client's is not, and one closing makes room
    assertThat(limits.openSocket("10.0.0.1")).isFalse();
    assertThat(limits.openSocket("10.0.0.2")).isTrue();
    limits.closeSocket("10.0.0.1");
    assertThat(limits.openSocket("10.0.0.1")).isTrue();
    assertThat(limits.openSocket("10.0.0.1")).isFalse();

    // And a socket may listen at 3 addresses
    assertThat(limits.mayRegister(2)).isTrue();
    assertThat(limits.mayRegister(3)).isFalse();
  }

  @Test
  void switchedOff_nothingIsLimited() {
    ClientLimits limits = limits(l -> l.put("enabled", false).put("socketsPerClient", 1)
        .put("registrationsPerSocket", 1).put("robotShare", 0.0));
    for (int i = 0; i < 100; i++) {
      assertThat(limits.take("10.0.0.1", Kind.ACTION)).isEmpty();
      assertThat(limits.openSocket("10.0.0.1")).isTrue();
      limits.reserveCreate("10.0.0.1", "{\"seats\":12,\"humans\":1}");
    }
    assertThat(limits.mayRegister(100)).isTrue();
  }
}
