package arena.gateway;

import static arena.gateway.Matches.ANN;
import static arena.gateway.Matches.ANN_TOKEN;
import static arena.gateway.Matches.BOB;
import static arena.gateway.Matches.BOB_TOKEN;
import static arena.gateway.Matches.MATCH;
import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchCommand;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.Future;
import io.vertx.core.Context;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event-bus bridge at /eventbus, over a real WebSocket, against a stand-in Match Service: no Kafka. */
class BridgeTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Vertx vertx = Vertx.vertx();
  private final Projection projection = new Projection();
  private final FakeMatchService matchService = new FakeMatchService(projection);
  private final Clock clock = Clock.fixed(Matches.NOW, ZoneOffset.UTC);
  private final Pusher pusher = new Pusher(vertx, clock);
  private final List<BridgeClient> clients = new ArrayList<>();
  private final WebSocketClient sockets = vertx.createWebSocketClient();
  private final AtomicLong version = new AtomicLong(10);
  private volatile HttpServer server;
  private volatile Context loop;

  @BeforeEach
  void start() {
    // Everything on one event loop, as in the gateway verticle.
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        loop = context;
        Requests requests = new Requests(Requests.Limits.of(ArenaConfig.of(ArenaConfig.defaults())));
        PlayerActions actions = new PlayerActions(requests, projection, matchService, clock);
        ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());
        ClientLimits limits = new ClientLimits(vertx, cfg, projection, requests);
        EventLog none = match -> Future.succeededFuture(new EventLog.Trail(new JsonArray(), false));
        GatewayApi api = new GatewayApi(vertx, actions, none, clock, new Bridge(vertx, projection, limits), limits,
            new Idempotency(vertx, cfg));
        projection.apply(Matches.running(Phase.VOTING));
        return new BridgeCommands(actions).listen(vertx).completion()
            .compose(v -> vertx.createHttpServer(GatewayApi.serverOptions(cfg)).requestHandler(api.router())
                .listen(0, "127.0.0.1"))
            .onSuccess(s -> server = s);
      }
    }).await();
  }

  @AfterEach
  void stop() {
    clients.forEach(BridgeClient::close);
    vertx.close().await();
  }

  /** The projection learns a change, as if read from Kafka. Runs on an event loop, like the consumer. */
  private void change(MatchState state) {
    loop.runOnContext(v -> {
      if (projection.apply(state)) {
        pusher.changed(state);
      }
    });
  }

  private BridgeClient browser() {
    BridgeClient client = BridgeClient.connect(vertx, sockets, server.actualPort());
    clients.add(client);
    return client;
  }

  private static JsonObject vote(String matchId, String identity) {
    return new JsonObject().put("matchId", matchId).put("action", "vote").put("round", 2).put("identity", identity);
  }

  /**
   * Registers and proves it took effect (the bridge does not acknowledge it): changes the match until a change
   * reaches the address. Returns the view that did.
   */
  private JsonObject listen(BridgeClient client, String address, String token) {
    client.register(address, token);
    for (int i = 0; i < 50; i++) {
      long v = version.incrementAndGet();
      change(Matches.withVersion(Matches.running(Phase.VOTING), v));
      try {
        return client.await(f -> address.equals(f.getString("address")) && "rec".equals(f.getString("type"))
            && f.getJsonObject("body").getLong("version") >= v, Duration.ofMillis(200)).getJsonObject("body");
      } catch (AssertionError notYet) {
        // not registered yet: change again
      }
    }
    throw new AssertionError("nothing ever reached " + address);
  }

  /** Changes the match once more and waits until {@code client} has seen it at {@code address}. */
  private JsonObject nextChange(BridgeClient client, String address) {
    long v = version.incrementAndGet();
    change(Matches.withVersion(Matches.running(Phase.VOTING), v));
    return client.await(f -> address.equals(f.getString("address")) && "rec".equals(f.getString("type"))
        && f.getJsonObject("body").getLong("version") == v, WAIT).getJsonObject("body");
  }

  @Test
  void playersAndSpectatorsGetEveryChangePushed() {
    // Given Ann listening to her own views and an onlooker to the public updates
    BridgeClient ann = browser();
    BridgeClient onlooker = browser();
    String annsViews = BridgeRules.player(MATCH, ANN.playerId());
    listen(ann, annsViews, ANN_TOKEN);
    listen(onlooker, BridgeRules.updates(MATCH), null);

    // When the match changes
    nextChange(onlooker, BridgeRules.updates(MATCH));
    JsonObject annsView = ann.await(f -> annsViews.equals(f.getString("address"))
        && f.getJsonObject("body").getLong("version") == version.get(), WAIT).getJsonObject("body");
    JsonObject publicView = onlooker.await(f -> f.getJsonObject("body") != null
        && f.getJsonObject("body").getLong("version") == version.get(), WAIT).getJsonObject("body");

    // Then Ann gets her own view and the onlooker the public one, whole, with the version, and no secrets
    assertThat(annsView.getString("you")).isEqualTo("D");
    assertThat(annsView.getString("phase")).isEqualTo("VOTING");
    assertThat(publicView.containsKey("you")).isFalse();
    assertThat(publicView.getJsonObject("responses").getMap()).hasSize(3);
    for (BridgeClient c : List.of(ann, onlooker)) {
      // Bodies only: Ann's own address names her own player id, which she already knows.
      assertThat(c.frames().stream().map(f -> String.valueOf(f.getValue("body")))).noneMatch(f -> Matches.SECRETS
          .stream().anyMatch(f::contains));
    }
  }

  @Test
  void listeningToAnotherPlayersViewsIsRefused() {
    // Given Bob's browser trying to listen to Ann's views with his own token, a made-up one, and none
    BridgeClient bob = browser();
    String annsViews = BridgeRules.player(MATCH, ANN.playerId());
    bob.register(annsViews, BOB_TOKEN);
    JsonObject refused = bob.awaitAt(annsViews, WAIT);
    bob.register(annsViews, Tokens.newToken());
    bob.register(annsViews, null);

    // Then each is refused with a 401 addressed to where he tried to listen
    assertThat(refused.getString("type")).isEqualTo("err");
    assertThat(refused.getInteger("failureCode")).isEqualTo(401);
    bob.await(f -> f.getString("type").equals("err") && "rejected".equals(f.getString("body")), WAIT);

    // And while Bob legitimately listens to his own views, none of Ann's ever reach him
    String bobsViews = BridgeRules.player(MATCH, BOB.playerId());
    listen(bob, bobsViews, BOB_TOKEN);
    assertThat(nextChange(bob, bobsViews).getString("you")).isEqualTo("B");
    assertThat(bob.frames()).noneMatch(f -> "rec".equals(f.getString("type")) && annsViews.equals(
        f.getString("address")));
  }

  @Test
  void sendingOrPublishingToAnOutboundAddressIsRefused() {
    // Given an onlooker listening to the match's updates
    BridgeClient onlooker = browser();
    listen(onlooker, BridgeRules.updates(MATCH), null);
    BridgeClient mallory = browser();

    // When Mallory sends and publishes fake views to the match's addresses
    JsonObject fake = new JsonObject().put("status", "COMPLETED").put("forged", true);
    String reply = mallory.send(BridgeRules.updates(MATCH), ANN_TOKEN, fake);
    mallory.publish(BridgeRules.updates(MATCH), fake);
    mallory.publish(BridgeRules.player(MATCH, ANN.playerId()), fake);
    mallory.publish(BridgeRules.COMMANDS, vote(MATCH, "C"));

    // Then the send is refused with a 403, every publish is refused, and nothing reached anyone
    JsonObject refused = mallory.awaitAt(reply, WAIT);
    assertThat(refused.getInteger("failureCode")).isEqualTo(403);
    mallory.await(f -> mallory.frames().stream().filter(x -> "rejected".equals(x.getString("body"))).count() == 4,
        WAIT);
    nextChange(onlooker, BridgeRules.updates(MATCH));
    assertThat(onlooker.frames()).noneMatch(f -> f.encode().contains("forged"));
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void aPlayerVotesOverTheBridgeAndGetsTheApisAnswer() {
    // Given Ann's browser
    BridgeClient ann = browser();

    // When she votes for C
    JsonObject ok = ann.awaitAt(ann.send(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH, "C")), WAIT);

    // Then it is accepted, and the Match Service got it with her token's hash
    assertThat(ok.getString("type")).isEqualTo("rec");
    assertThat(ok.getJsonObject("body")).isEqualTo(new JsonObject().put("status", 202).put("accepted", true));
    assertThat(matchService.received).containsExactly(
        new MatchCommand.SubmitVote(MATCH, ANN.tokenHash(), 2, "C"));

    // And what the HTTP API refuses is refused the same way: voting for herself, a bad letter
    JsonObject self = ann.awaitAt(ann.send(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH, "D")), WAIT);
    assertThat(self.getInteger("failureCode")).isEqualTo(400);
    assertThat(self.getString("message")).isEqualTo("you cannot vote for yourself");
    JsonObject letter = ann.awaitAt(ann.send(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH, "dd")), WAIT);
    assertThat(letter.getString("message")).isEqualTo("identity must be a single capital letter");
    JsonObject answer = new JsonObject().put("matchId", MATCH).put("action", "response").put("round", 2)
        .put("text", "late");
    JsonObject late = ann.awaitAt(ann.send(BridgeRules.COMMANDS, ANN_TOKEN, answer), WAIT);
    assertThat(late.getInteger("failureCode")).isEqualTo(409);
    assertThat(late.getString("message")).isEqualTo("round 2 is not open for answers");
    assertThat(matchService.received).hasSize(1);
  }

  @Test
  void aTokenOfAnotherMatchAForgedTokenOrABigBodyNeverReachTheMatchService() {
    BridgeClient mallory = browser();

    JsonObject otherMatch = mallory.awaitAt(mallory.send(BridgeRules.COMMANDS, ANN_TOKEN, vote("m-2", "C")), WAIT);
    JsonObject forged = mallory.awaitAt(mallory.send(BridgeRules.COMMANDS, Tokens.newToken(), vote(MATCH, "C")),
        WAIT);
    JsonObject big = mallory.awaitAt(mallory.send(BridgeRules.COMMANDS, ANN_TOKEN,
        vote(MATCH, "C").put("padding", "x".repeat(3000))), WAIT);
    JsonObject action = mallory.awaitAt(mallory.send(BridgeRules.COMMANDS, ANN_TOKEN,
        vote(MATCH, "C").put("action", "join")), WAIT);

    assertThat(otherMatch.getInteger("failureCode")).isEqualTo(404);
    assertThat(forged.getInteger("failureCode")).isEqualTo(401);
    assertThat(big.getInteger("failureCode")).isEqualTo(400);
    assertThat(big.getString("message")).contains("2048");
    assertThat(action.getInteger("failureCode")).isEqualTo(400);
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void aFloodIsCutOffAndOtherSocketsPlayOn() {
    // Given a browser flooding the bridge with 30 of Ann's votes at once
    BridgeClient flood = browser();
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      replies.add(flood.send(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH, "A")));
    }

    // Then about the burst of 10 gets through to the Match Service, the rest are told to slow down
    List<JsonObject> answers = replies.stream().map(r -> flood.awaitAt(r, WAIT)).toList();
    List<JsonObject> slowed = answers.stream().filter(a -> Integer.valueOf(429).equals(a.getInteger("failureCode")))
        .toList();
    assertThat(slowed).hasSizeGreaterThanOrEqualTo(15);
    assertThat(slowed).allMatch(a -> Bridge.TOO_FAST.equals(a.getString("message")));
    assertThat(matchService.received.size()).isBetween(1, 15);

    // And Ann, on another socket, still plays
    BridgeClient ann = browser();
    JsonObject ok = ann.awaitAt(ann.send(BridgeRules.COMMANDS, ANN_TOKEN, vote(MATCH, "C")), WAIT);
    assertThat(ok.getJsonObject("body").getInteger("status")).isEqualTo(202);
  }

  @Test
  void theCommandAddressChecksTheTokenItselfToo() {
    // A message that did not come through the bridge is held to the same rules
    DeliveryOptions noToken = new DeliveryOptions();
    Throwable refused = vertx.eventBus().request(BridgeRules.COMMANDS, vote(MATCH, "C"), noToken)
        .map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(401);
    Throwable notJson = vertx.eventBus().request(BridgeRules.COMMANDS, "vote",
            new DeliveryOptions().addHeader("token", ANN_TOKEN))
        .map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(((ReplyException) notJson).failureCode()).isEqualTo(400);
    assertThat(matchService.received).isEmpty();
  }
}
