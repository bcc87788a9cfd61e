package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A gateway that has just started and not yet read match-state to its end: never a wrong 404. */
class CatchingUpTest {
  private final Vertx vertx = Vertx.vertx();
  private final Projection projection = Projection.catchingUp(1);
  private final FakeMatchService matchService = new FakeMatchService(projection);
  private final Clock clock = Clock.fixed(Matches.NOW, ZoneOffset.UTC);
  private volatile HttpServer server;
  private volatile Context loop;
  private HttpClient client;

  private record Res(int status, String retryAfter, JsonObject json) {}

  @BeforeEach
  void start() {
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        loop = context;
        ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());
        Requests requests = new Requests(Requests.Limits.of(cfg));
        ClientLimits limits = new ClientLimits(vertx, cfg, projection, requests);
        EventLog none = match -> Future.succeededFuture(new EventLog.Trail(new JsonArray(), false));
        GatewayApi api = new GatewayApi(vertx, new PlayerActions(requests, projection, matchService, clock), none,
            clock, new Bridge(vertx, projection, limits), limits, new Idempotency(vertx, cfg));
        return vertx.createHttpServer(GatewayApi.serverOptions(cfg)).requestHandler(api.router())
            .listen(0, "127.0.0.1").onSuccess(s -> server = s);
      }
    }).await();
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Res call(HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
        .setURI(uri).setIdleTimeout(10_000).putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + Matches.ANN_TOKEN);
    Promise<Res> done = Promise.promise();
    loop.runOnContext(v -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose((HttpClientResponse res) -> res.body().map(b -> new Res(res.statusCode(),
            res.getHeader("Retry-After"), new JsonObject(b.toString()))))
        .onComplete(done));
    return done.future().await();
  }

  @Test
  void everyMatchRequestIs503WithRetryAfter_untilCaughtUp() {
    // Given a gateway whose projection has not read match-state to its end (Ann's running match not yet)
    String uri = "/api/matches/" + Matches.MATCH;

    // When players ask about the match, act in it, or create and join matches
    for (Res res : new Res[] {call(HttpMethod.GET, uri, null), call(HttpMethod.GET, uri + "/events", null),
        call(HttpMethod.POST, uri + "/response", "{\"round\":2,\"text\":\"hi\"}"),
        call(HttpMethod.POST, "/api/matches", "{}"), call(HttpMethod.POST, "/api/quickplay", "{\"name\":\"Cy\"}"),
        call(HttpMethod.POST, uri + "/players", "{\"name\":\"Cy\"}")}) {
      // Then each is told to come back in a second, not that the match does not exist
      assertThat(res.status()).isEqualTo(503);
      assertThat(res.retryAfter()).isEqualTo("1");
      assertThat(res.json().getString("error")).contains("catching up");
    }
    assertThat(matchService.received).isEmpty();

    // And once caught up, the match is there
    loop.runOnContext(v -> {
      projection.apply(Matches.running(Phase.RESPONDING));
      projection.caughtUp(0);
    });
    Res view = call(HttpMethod.GET, uri, null);
    for (int i = 0; i < 50 && view.status() != 200; i++) {
      view = call(HttpMethod.GET, uri, null);
    }
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.json().getString("you")).isNotBlank();
  }

  @Test
  void theBridgeWaitsForTheCatchUpInsteadOfSayingNoSuchMatch() {
    // Given a browser listening to a match the gateway has not read yet
    BridgeClient browser = BridgeClient.connect(vertx, vertx.createWebSocketClient(), server.actualPort());
    try {
      String updates = BridgeRules.updates(Matches.MATCH);
      browser.register(updates, null);

      // When the gateway catches up and finds the match, then the match changes
      vertx.setTimer(600, id -> loop.runOnContext(v -> {
        projection.apply(Matches.running(Phase.RESPONDING));
        projection.caughtUp(0);
      }));
      Pusher pusher = new Pusher(vertx, clock);
      JsonObject pushed = null;
      for (int i = 0; i < 50 && pushed == null; i++) {
        MatchState next = Matches.withVersion(Matches.running(Phase.RESPONDING), 20 + i);
        loop.runOnContext(v -> {
          if (projection.ready() && projection.apply(next)) {
            pusher.changed(next);
          }
        });
        try {
          pushed = browser.await(f -> updates.equals(f.getString("address")) && "rec".equals(f.getString("type")),
              Duration.ofMillis(200));
        } catch (AssertionError notYet) {
          // not registered yet
        }
      }

      // Then the registration was not refused, and the browser gets the match's views
      assertThat(browser.awaitAll(f -> "err".equals(f.getString("type")), 1, Duration.ofMillis(100))).isEmpty();
      assertThat(pushed).isNotNull();
    } finally {
      browser.close();
    }
  }

  @Test
  void theBridgeSays503WhenTheCatchUpTakesLongerThanAFrameMayWait() {
    // Given a gateway that does not catch up
    BridgeClient browser = BridgeClient.connect(vertx, vertx.createWebSocketClient(), server.actualPort());
    try {
      String updates = BridgeRules.updates(Matches.MATCH);

      // When a browser listens to a match
      browser.register(updates, null);

      // Then after a few seconds it is told to try again, not that the match does not exist
      JsonObject refused = browser.await(f -> "err".equals(f.getString("type")) && f.containsKey("failureCode"),
          Duration.ofSeconds(15));
      assertThat(refused.getInteger("failureCode")).isEqualTo(503);
      assertThat(refused.getString("message")).contains("catching up");
    } finally {
      browser.close();
    }
  }
}
