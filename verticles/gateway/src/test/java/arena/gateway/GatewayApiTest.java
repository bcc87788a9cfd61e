package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.MatchSettings;
import arena.shared.ops.ArenaHealth;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Phase;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import io.vertx.ext.healthchecks.Status;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API against a stand-in Match Service: no Kafka. */
class GatewayApiTest {
  private final Vertx vertx = Vertx.vertx();
  private final Projection projection = new Projection();
  private final FakeMatchService matchService = new FakeMatchService(projection);
  private HttpServer server;
  private HttpClient client;
  private final Context caller = vertx.getOrCreateContext();
  private final AtomicBoolean eventLogBusy = new AtomicBoolean();
  private final AtomicBoolean eventLogCut = new AtomicBoolean();

  @BeforeEach
  void start() {
    Requests requests = new Requests(Requests.Limits.of(ArenaConfig.of(ArenaConfig.defaults())));
    EventLog events = match -> eventLogBusy.get()
        ? Future.failedFuture(ApiError.unavailable("too many match histories are being read right now", 2))
        : Future.succeededFuture(new EventLog.Trail(new JsonArray().add(new JsonObject()
            .put("eventType", "match.created")), eventLogCut.get()));
    Clock clock = Clock.fixed(Matches.NOW, ZoneOffset.UTC);
    ArenaConfig cfg = ArenaConfig.of(ArenaConfig.defaults());
    ClientLimits limits = new ClientLimits(vertx, cfg, projection, requests);
    GatewayApi api = new GatewayApi(vertx, new PlayerActions(requests, projection, matchService, clock), events,
        clock, new Bridge(vertx, projection, limits), limits, new Idempotency(vertx, cfg));
    server = vertx.createHttpServer().requestHandler(api.router()).listen(0, "127.0.0.1").await();
    // A fresh connection per request, and a deadline on each: a lost request fails the test instead of hanging it.
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private record Res(int status, String contentType, String cacheControl, String body, MultiMap headers) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String error() {
      return json().getString("error");
    }
  }

  private Res call(HttpMethod method, String uri, String token, String body) {
    return call(method, uri, token, body, MultiMap.caseInsensitiveMultiMap());
  }

  private Res call(HttpMethod method, String uri, String token, String body, MultiMap headers) {
    return send(method, uri, token, body, headers).await();
  }

  private Future<Res> send(HttpMethod method, String uri, String token, String body, MultiMap headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setIdleTimeout(10_000)
        .setPort(server.actualPort()).setURI(uri).setHeaders(headers);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    // Started on an event loop: from the test thread, a response could end before its body was asked for.
    Promise<Res> done = Promise.promise();
    caller.runOnContext(v -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose((HttpClientResponse res) -> res.body().map(b -> new Res(res.statusCode(),
            res.getHeader("content-type"), res.getHeader("cache-control"), b.toString(), res.headers())))
        .onComplete(done));
    return done.future();
  }

  private Res post(String uri, String token, String body) {
    return call(HttpMethod.POST, uri, token, body, MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json"));
  }

  private Future<Res> sendWithKey(String uri, String token, String body, String key) {
    return send(HttpMethod.POST, uri, token, body, MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json").add("Idempotency-Key", key));
  }

  private Res postWithKey(String uri, String token, String body, String key) {
    return sendWithKey(uri, token, body, key).await();
  }

  private Res get(String uri, String token) {
    return call(HttpMethod.GET, uri, token, null);
  }

  @Test
  void aPlayerCreatesJoinsAndSeesTheMatch() {
    // When a match is created with an empty body
    Res created = post("/api/matches", null, null);

    // Then it is 201 with a new id, and the command carried the defaults
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/json");
    String matchId = created.json().getString("matchId");
    assertThat(matchId).isNotBlank();
    assertThat(matchService.received.get(0)).isEqualTo(
        new MatchCommand.Create(matchId, new arena.shared.events.MatchSettings(4, 1, 3, 60, 30, 5)));

    // When Ann joins
    Res joined = post("/api/matches/" + matchId + "/players", null, "{\"name\":\" Ann \"}");

    // Then she gets an id and a token, and only the token's hash went to the Match Service
    assertThat(joined.status()).isEqualTo(201);
    String token = joined.json().getString("token");
    String playerId = joined.json().getString("playerId");
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    MatchCommand.Join join = (MatchCommand.Join) matchService.received.get(1);
    assertThat(join).isEqualTo(new MatchCommand.Join(matchId, playerId, "Ann", Tokens.hash(token)));

    // And she sees the match at once
    Res view = get("/api/matches/" + matchId, token);
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.json().getString("status")).isEqualTo("WAITING");
    assertThat(view.json().getInteger("humansJoined")).isEqualTo(1);
    assertThat(view.json().getInteger("yourScore")).isZero();
    assertThat(view.body()).doesNotContain(playerId, "Ann");
  }

  @Test
  void quickPlayOpensAMatchThenFillsItOldestFirst() {
    // When Ann asks for quick play with no match open
    Res ann = post("/api/quickplay", null, "{\"name\":\"Ann\"}");

    // Then a quick-play match is created with 4 seats, 3 humans, default timings and a 10 s lobby, and she sits in it
    assertThat(ann.status()).isEqualTo(201);
    String matchId = ann.json().getString("matchId");
    assertThat(ann.json().getString("token")).matches("[A-Za-z0-9_-]{43}");
    assertThat(matchService.received.get(0)).isEqualTo(
        new MatchCommand.Create(matchId, new MatchSettings(4, 3, 3, 60, 30, 5, 10, true)));
    MatchState match = projection.match(matchId).orElseThrow();
    assertThat(match.players()).extracting(MatchState.Player::playerId).containsExactly(ann.json().getString("playerId"));
    JsonObject view = get("/api/matches/" + matchId, ann.json().getString("token")).json();
    assertThat(view.getBoolean("quickPlay")).isTrue();
    assertThat(view.getString("lobbyDeadline")).isEqualTo(Matches.NOW.plusSeconds(10).toString());

    // When Bob and Cat ask too, they join Ann's match; Dan finds it full and gets a new one
    assertThat(post("/api/quickplay", null, "{\"name\":\"Bob\"}").json().getString("matchId")).isEqualTo(matchId);
    assertThat(post("/api/quickplay", null, "{\"name\":\"Cat\"}").json().getString("matchId")).isEqualTo(matchId);
    String dans = post("/api/quickplay", null, "{\"name\":\"Dan\"}").json().getString("matchId");
    assertThat(dans).isNotEqualTo(matchId);

    // And a private match is never offered to quick players
    String privateMatch = post("/api/matches", null, "{\"humans\":3}").json().getString("matchId");
    assertThat(post("/api/quickplay", null, "{\"name\":\"Eve\"}").json().getString("matchId")).isEqualTo(dans);
    assertThat(projection.match(privateMatch).orElseThrow().players()).isEmpty();
  }

  @Test
  void quickPlayTriesAnotherMatchWhenOneFillsUnderItsFeet() {
    // Given an open quick-play match that the Match Service will say is full
    projection.apply(Matches.quickPlayWaiting(Matches.ANN));
    matchService.nextRejection = new MatchEvent.CommandRejected(Matches.MATCH, "player.join", 409, "the match is full");

    // When Cat asks for quick play
    Res cat = post("/api/quickplay", null, "{\"name\":\"Cat\"}");

    // Then she is seated in a new match instead
    assertThat(cat.status()).isEqualTo(201);
    assertThat(cat.json().getString("matchId")).isNotEqualTo(Matches.MATCH);
    assertThat(matchService.received).hasSize(3);
    assertThat(matchService.received.get(1)).isInstanceOf(MatchCommand.Create.class);
  }

  @Test
  void quickPlayGivesUpAfterThreeRefusals() {
    // Given a Match Service that refuses every seat
    Commands refusing = (matchId, command) -> Future.succeededFuture(command instanceof MatchCommand.Create
        ? matchService.send(matchId, command).result()
        : new MatchEvent.CommandRejected(matchId, "player.join", 409, "the match has already started"));
    PlayerActions actions = new PlayerActions(new Requests(Requests.Limits.of(ArenaConfig.of(ArenaConfig.defaults()))),
        projection, refusing, Clock.fixed(Matches.NOW, ZoneOffset.UTC));

    // When Ann asks for quick play
    Future<JsonObject> seat = actions.quickPlay("{\"name\":\"Ann\"}");

    // Then after three matches she gets the last refusal
    assertThat(seat.failed()).isTrue();
    assertThat(((ApiError) seat.cause()).status()).isEqualTo(409);
    assertThat(matchService.received).hasSize(3).allMatch(c -> c instanceof MatchCommand.Create);
  }

  @Test
  void quickPlayNeedsAGoodName() {
    Res res = post("/api/quickplay", null, "{\"name\":\"  \"}");

    assertThat(res.status()).isEqualTo(400);
    assertThat(res.error()).contains("name");
    assertThat(post("/api/quickplay", null, null).status()).isEqualTo(400);
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void refusedQuickPlaysHoldNoRobots() {
    // Given a client whose quick plays were refused for their names, more often than its share of robots allows
    for (int i = 0; i < 5; i++) {
      assertThat(post("/api/quickplay", null, "{\"name\":\"\"}").status()).isEqualTo(400);
    }

    // When it asks with a good name, Then it gets its seat
    assertThat(post("/api/quickplay", null, "{\"name\":\"Ann\"}").status()).isEqualTo(201);
  }

  @Test
  void badSettingsAreA400NamingTheField() {
    Res res = post("/api/matches", null, "{\"seats\":40}");

    assertThat(res.status()).isEqualTo(400);
    assertThat(res.error()).contains("seats");
    assertThat(post("/api/matches", null, "{oops").error()).isEqualTo("malformed JSON body");
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void rejectionsArePassedThrough() {
    projection.apply(Matches.waiting(Matches.ANN));
    matchService.nextRejection = new MatchEvent.CommandRejected(Matches.MATCH, "player.join", 409, "no room left");

    Res res = post("/api/matches/" + Matches.MATCH + "/players", null, "{\"name\":\"Bob\"}");

    assertThat(res.status()).isEqualTo(409);
    assertThat(res.error()).isEqualTo("no room left");
  }

  @Test
  void joiningAStartedMatchIsRefusedLocally() {
    projection.apply(Matches.running(Phase.RESPONDING));

    Res res = post("/api/matches/" + Matches.MATCH + "/players", null, "{\"name\":\"Cat\"}");

    assertThat(res.status()).isEqualTo(409);
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void viewingNeedsAKnownMatchAndAPlayersToken() {
    projection.apply(Matches.running(Phase.VOTING));

    assertThat(get("/api/matches/nope", null).status()).isEqualTo(404);
    assertThat(get("/api/matches/nope", null).error()).isEqualTo(PlayerActions.NO_SUCH_MATCH);
    assertThat(get("/api/matches/" + Matches.MATCH, Tokens.newToken()).status()).isEqualTo(401);
    assertThat(get("/api/matches/" + Matches.MATCH, "short").status()).isEqualTo(401);
    Res onlooker = get("/api/matches/" + Matches.MATCH, null);
    assertThat(onlooker.status()).isEqualTo(200);
    assertThat(onlooker.json().containsKey("you")).isFalse();
    Res ann = get("/api/matches/" + Matches.MATCH, Matches.ANN_TOKEN);
    assertThat(ann.json().getString("you")).isEqualTo("D");
    assertThat(ann.body()).doesNotContain(Matches.SECRETS);
  }

  @Test
  void answeringNeedsATokenAndAGoodBody() {
    projection.apply(Matches.running(Phase.STARTING));
    String uri = "/api/matches/" + Matches.MATCH + "/response";

    assertThat(post(uri, null, "{\"round\":2,\"text\":\"hi\"}").status()).isEqualTo(401);
    assertThat(post(uri, Tokens.newToken(), "{\"round\":2,\"text\":\"hi\"}").status()).isEqualTo(401);
    assertThat(post("/api/matches/nope/response", Matches.ANN_TOKEN, "{\"round\":2,\"text\":\"hi\"}").status())
        .isEqualTo(404);
    Res blank = post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"text\":\"   \"}");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.error()).isEqualTo("text must be 1 to 280 characters long");
    assertThat(post(uri, Matches.ANN_TOKEN, "{\"text\":\"hi\"}").error()).isEqualTo("round must be an integer");
    Res past = post(uri, Matches.ANN_TOKEN, "{\"round\":1,\"text\":\"hi\"}");
    assertThat(past.status()).isEqualTo(409);
    assertThat(matchService.received).isEmpty();

    // When the answer is good
    Res ok = post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"text\":\" Cut grass. \"}");

    // Then it is accepted and the Match Service got it trimmed, with the token's hash
    assertThat(ok.status()).isEqualTo(202);
    assertThat(ok.json()).isEqualTo(new JsonObject().put("accepted", true));
    assertThat(matchService.received).containsExactly(
        new MatchCommand.SubmitResponse(Matches.MATCH, Tokens.hash(Matches.ANN_TOKEN), 2, "Cut grass."));
  }

  @Test
  void aSecondAnswerIsRefusedLocally() {
    projection.apply(Matches.running(Phase.RESPONDING));

    Res res = post("/api/matches/" + Matches.MATCH + "/response", Matches.ANN_TOKEN,
        "{\"round\":2,\"text\":\"again\"}");

    assertThat(res.status()).isEqualTo(409);
    assertThat(res.error()).isEqualTo("already answered");
  }

  @Test
  void votesAreCheckedAgainstTheRoundsLetters() {
    projection.apply(Matches.running(Phase.VOTING));
    String uri = "/api/matches/" + Matches.MATCH + "/vote";

    Res self = post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"D\"}");
    assertThat(self.status()).isEqualTo(400);
    assertThat(self.error()).isEqualTo("you cannot vote for yourself");
    Res unknown = post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"Q\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.error()).isEqualTo("unknown letter Q");
    assertThat(post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"dd\"}").error())
        .isEqualTo("identity must be a single capital letter");
    assertThat(post(uri, Matches.BOB_TOKEN, "{\"round\":2,\"identity\":\"A\"}").error()).isEqualTo("already voted");
    assertThat(post(uri, null, "{\"round\":2,\"identity\":\"A\"}").status()).isEqualTo(401);
    assertThat(matchService.received).isEmpty();

    assertThat(post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"B\"}").status()).isEqualTo(202);
    matchService.nextRejection = new MatchEvent.CommandRejected(Matches.MATCH, "vote.submit", 409, "already voted");
    Res second = post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"B\"}");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.error()).isEqualTo("already voted");
  }

  @Test
  void beforeVotingOpensTheMatchServiceJudgesTheVote() {
    // Given our copy still shows round 2 open for answers (voting may have opened already)
    projection.apply(Matches.running(Phase.RESPONDING));
    matchService.nextRejection = new MatchEvent.CommandRejected(Matches.MATCH, "vote.submit", 409,
        "round 2 is not open for votes");

    // When Ann votes, even for her own letter
    Res res = post("/api/matches/" + Matches.MATCH + "/vote", Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"D\"}");

    // Then the Match Service's verdict is what she gets
    assertThat(matchService.received).hasSize(1);
    assertThat(res.status()).isEqualTo(409);
    assertThat(res.error()).isEqualTo("round 2 is not open for votes");
  }

  @Test
  void eventsAreShownOnlyOnceTheMatchIsOver() {
    String uri = "/api/matches/" + Matches.MATCH + "/events";
    assertThat(get(uri, null).status()).isEqualTo(404);

    projection.apply(Matches.running(Phase.VOTING));
    assertThat(get(uri, null).status()).isEqualTo(409);

    projection.apply(Matches.completed());
    Res res = get(uri, null);
    assertThat(res.status()).isEqualTo(200);
    assertThat(new JsonArray(res.body()).getJsonObject(0).getString("eventType")).isEqualTo("match.created");
  }

  @Test
  void eventsThatCannotBeReadNowAre503WithRetryAfter_andACutLogSaysSo() {
    // Given a completed match
    projection.apply(Matches.completed());
    String uri = "/api/matches/" + Matches.MATCH + "/events";

    // When every read of the event logs is taken
    eventLogBusy.set(true);
    Res busy = get(uri, null);

    // Then the player is told to come back, and when
    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.headers().get("Retry-After")).isEqualTo("2");
    assertThat(busy.error()).contains("too many");

    // And a log cut at its cap says so in a header; a whole one does not
    eventLogBusy.set(false);
    assertThat(get(uri, null).headers().get(GatewayApi.TRUNCATED)).isNull();
    eventLogCut.set(true);
    Res cut = get(uri, null);
    assertThat(cut.status()).isEqualTo(200);
    assertThat(cut.headers().get(GatewayApi.TRUNCATED)).isEqualTo("true");
  }

  @Test
  void anExpiredMatchRefusesJoinsAndAnswersShowsItsStatusAndItsEvents() {
    // Given a match that expired in its lobby with Ann alone
    projection.apply(Matches.expired());
    String uri = "/api/matches/" + Matches.MATCH;

    // Then a join and an answer are refused without asking the Match Service
    Res join = post(uri + "/players", null, "{\"name\":\"Cat\"}");
    assertThat(join.status()).isEqualTo(409);
    assertThat(join.error()).isEqualTo("the match has expired");
    Res answer = post(uri + "/response", Matches.ANN_TOKEN, "{\"round\":1,\"text\":\"hi\"}");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.error()).isEqualTo("the match has expired");
    assertThat(matchService.received).isEmpty();

    // And the view says EXPIRED, with nothing to count down to
    JsonObject view = get(uri, Matches.ANN_TOKEN).json();
    assertThat(view.getString("status")).isEqualTo("EXPIRED");
    assertThat(view.getValue("deadline")).isNull();
    assertThat(view.containsKey("lobbyDeadline")).isFalse();

    // And its events can be read back, as a completed match's
    Res events = get(uri + "/events", null);
    assertThat(events.status()).isEqualTo(200);
    assertThat(new JsonArray(events.body()).getJsonObject(0).getString("eventType")).isEqualTo("match.created");
  }

  @Test
  void aCancelledMatchRefusesJoinsAndAnswersAndShowsItsEvents() {
    // Given a match cancelled while its second round waited for robots
    projection.apply(Matches.cancelled());
    String uri = "/api/matches/" + Matches.MATCH;

    // Then a join and an answer are refused without asking the Match Service
    Res join = post(uri + "/players", null, "{\"name\":\"Cat\"}");
    assertThat(join.status()).isEqualTo(409);
    assertThat(join.error()).isEqualTo("the match is over");
    Res answer = post(uri + "/response", Matches.ANN_TOKEN, "{\"round\":2,\"text\":\"hi\"}");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.error()).isEqualTo("the match is over");
    assertThat(matchService.received).isEmpty();

    // And its events can be read back, as an ended match's
    assertThat(get(uri + "/events", null).status()).isEqualTo(200);
    assertThat(get(uri, Matches.ANN_TOKEN).json().getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  void postsThatAreNotJsonAreA415_andReachNobody() {
    // When a form, plain text and a body without a type are posted
    for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/plain", null}) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      if (type != null) {
        headers.add("Content-Type", type);
      }
      Res res = call(HttpMethod.POST, "/api/quickplay", null, "{\"name\":\"Ann\"}", headers);

      // Then each is refused with 415 and a JSON error
      assertThat(res.status()).as(type).isEqualTo(415);
      assertThat(res.error()).contains("application/json");
    }
    // And nothing was sent to the Match Service
    assertThat(matchService.received).isEmpty();
  }

  @Test
  void aTooLargeBodyIsA413() {
    String big = new JsonObject().put("name", "x".repeat(GatewayApi.BODY_LIMIT)).encode();

    Res res = post("/api/matches/" + Matches.MATCH + "/players", null, big);

    assertThat(res.status()).isEqualTo(413);
    assertThat(res.contentType()).startsWith("application/json");
    assertThat(res.error()).contains("too large");
  }

  @Test
  void unknownRoutesAreJson404s() {
    for (Res res : List.of(get("/api/nothing", null), post("/nowhere", null, "{}"),
        call(HttpMethod.DELETE, "/api/matches/" + Matches.MATCH, null, null))) {
      assertThat(res.status()).isIn(404, 405);
      assertThat(res.contentType()).startsWith("application/json");
      assertThat(res.error()).isNotBlank();
    }
  }

  @Test
  void theHomePageFaviconAndHealthAreServed_metricsAreNot() {
    ArenaHealth.readiness(vertx).register("test", p -> p.complete(Status.OK(new JsonObject().put("secret", "detail"))));

    Res home = get("/", null);
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.contentType()).startsWith("text/html");
    assertThat(home.body()).contains("curl", "/api/matches", "favicon.svg");
    assertThat(home.cacheControl()).as("the page naming the hashed assets is revalidated").isEqualTo("no-cache");
    assertThat(get("/favicon.svg", null).status()).isEqualTo(200);
    assertThat(get("/favicon.ico", null).status()).isEqualTo(200);
    Res health = get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "UP"));
    Res metrics = get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(404);
    assertThat(metrics.error()).isNotBlank();

    // And when a check fails, the player port says DOWN and no more
    ArenaHealth.readiness(vertx).register("failing", p -> p.complete(Status.KO(new JsonObject().put("why", "gone"))));
    Res down = get("/health", null);
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.json()).isEqualTo(new JsonObject().put("status", "DOWN"));
  }

  @Test
  void theSameIdempotencyKeyCreatesOneMatch() {
    // When a match is created twice with the same key, the reply of the first having been lost
    Res first = postWithKey("/api/matches", null, "{\"rounds\":2}", "create-1");
    Res again = postWithKey("/api/matches", null, "{\"rounds\":2}", "create-1");

    // Then both get the same match and the Match Service heard of it once
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().get("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.headers().get("Idempotent-Replayed")).isNull();
    assertThat(matchService.received).hasSize(1);

    // And without a key, every call creates a match, as before
    String one = post("/api/matches", null, null).json().getString("matchId");
    String two = post("/api/matches", null, null).json().getString("matchId");
    assertThat(one).isNotEqualTo(two);
    assertThat(matchService.received).hasSize(3);
  }

  @Test
  void aKeyReusedForAnotherRequestIs422AndAMalformedKeyIs400() {
    // Given a key already used for a match of 2 rounds
    assertThat(postWithKey("/api/matches", null, "{\"rounds\":2}", "k").status()).isEqualTo(201);

    // When it comes again with another body, or on another path, it is refused and nothing runs
    for (Res other : List.of(postWithKey("/api/matches", null, "{\"rounds\":3}", "k"),
        postWithKey("/api/quickplay", null, "{\"rounds\":2}", "k"))) {
      assertThat(other.status()).isEqualTo(422);
      assertThat(other.error())
          .isEqualTo("Idempotency-Key was already used for a different request: use a new key");
    }

    // And keys that are empty, too long or not visible ASCII are 400
    for (String bad : List.of("", "x".repeat(129), "two words", "caf\u00e9")) {
      Res res = postWithKey("/api/matches", null, null, bad);
      assertThat(res.status()).as(bad).isEqualTo(400);
      assertThat(res.error()).isEqualTo("Idempotency-Key must be 1 to 128 visible ASCII characters");
    }
    assertThat(postWithKey("/api/matches", null, null, "~".repeat(128)).status()).isEqualTo(201);
    assertThat(matchService.received).hasSize(2);
  }

  @Test
  void aRetriedAnswerWithItsKeyGetsTheSame202AndKeysOfPlayersNeverMix() {
    projection.apply(Matches.running(Phase.STARTING));
    String uri = "/api/matches/" + Matches.MATCH + "/response";

    // When Bob's answer is sent twice with the same key
    Res first = postWithKey(uri, Matches.BOB_TOKEN, "{\"round\":2,\"text\":\"Rain.\"}", "answer-2");
    Res again = postWithKey(uri, Matches.BOB_TOKEN, "{\"round\":2,\"text\":\"Rain.\"}", "answer-2");

    // Then the retry gets the same 202 and the Match Service got one answer
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(matchService.received).hasSize(1);

    // And Ann's answer under the same key is hers, not a replay of Bob's
    assertThat(postWithKey(uri, Matches.ANN_TOKEN, "{\"round\":2,\"text\":\"Rain.\"}", "answer-2").status())
        .isEqualTo(202);
    assertThat(matchService.received).hasSize(2);

    // And a refusal is an outcome too: the same key gets the same 409 without asking again
    matchService.nextRejection = new MatchEvent.CommandRejected(Matches.MATCH, "vote.submit", 409, "already voted");
    String vote = "/api/matches/" + Matches.MATCH + "/vote";
    assertThat(postWithKey(vote, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"B\"}", "v").error())
        .isEqualTo("already voted");
    Res refusedAgain = postWithKey(vote, Matches.ANN_TOKEN, "{\"round\":2,\"identity\":\"B\"}", "v");
    assertThat(refusedAgain.status()).isEqualTo(409);
    assertThat(refusedAgain.error()).isEqualTo("already voted");
    assertThat(matchService.received).hasSize(3);
  }

  @Test
  void theSameAnswerSentAgainWithoutAKeyGoesToTheMatchService() {
    // Given our copy shows Ann's answer "Coffee first." in
    projection.apply(Matches.running(Phase.RESPONDING));
    String uri = "/api/matches/" + Matches.MATCH + "/response";

    // When she sends it again (its reply was lost), it is not refused here: the Match Service accepts it again
    assertThat(post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"text\":\" Coffee  first.\"}").status()).isEqualTo(202);
    assertThat(matchService.received).hasSize(1);

    // And another answer is still refused here
    assertThat(post(uri, Matches.ANN_TOKEN, "{\"round\":2,\"text\":\"Tea.\"}").error()).isEqualTo("already answered");

    // And so is it for votes: Bob's same letter passes, another one is refused
    projection.apply(Matches.withVersion(Matches.running(Phase.VOTING), 99));
    String vote = "/api/matches/" + Matches.MATCH + "/vote";
    assertThat(post(vote, Matches.BOB_TOKEN, "{\"round\":2,\"identity\":\"D\"}").status()).isEqualTo(202);
    assertThat(post(vote, Matches.BOB_TOKEN, "{\"round\":2,\"identity\":\"A\"}").error()).isEqualTo("already voted");
    assertThat(matchService.received).hasSize(2);
  }

  @Test
  void concurrentDuplicatesRunOnce() {
    // Given a Match Service slow to answer
    Promise<Void> slow = Promise.promise();
    matchService.hold = slow.future();

    // When the same create is sent three times at once under one key
    List<Future<Res>> sent = List.of(sendWithKey("/api/matches", null, null, "same"),
        sendWithKey("/api/matches", null, null, "same"), sendWithKey("/api/matches", null, null, "same"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (matchService.asked.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    slow.complete();
    List<Res> replies = sent.stream().map(f -> f.await()).toList();

    // Then one command ran and all three got its match
    assertThat(matchService.asked).hasValue(1);
    assertThat(matchService.received).hasSize(1);
    assertThat(replies).extracting(Res::status).containsOnly(201);
    assertThat(replies).extracting(Res::body).containsOnly(replies.get(0).body());
  }

  @Test
  void aReplayTakesNothingFromTheRateLimits() {
    // Given one answer under a key (answers and votes have a burst of 60)
    projection.apply(Matches.running(Phase.STARTING));
    String uri = "/api/matches/" + Matches.MATCH + "/response";
    String body = "{\"round\":2,\"text\":\"Rain.\"}";
    assertThat(postWithKey(uri, Matches.BOB_TOKEN, body, "once").status()).isEqualTo(202);

    // When it is retried more times than the burst allows
    for (int i = 0; i < 70; i++) {
      assertThat(postWithKey(uri, Matches.BOB_TOKEN, body, "once").status()).isEqualTo(202);
    }

    // Then none of the retries counted: the rest of the burst is still there for new calls
    for (int i = 0; i < 59; i++) {
      assertThat(post(uri, Matches.BOB_TOKEN, body).status()).isEqualTo(202);
    }
    assertThat(matchService.received).hasSize(60);

    // And a call the limits refused is not remembered: under the same key it is counted and refused again
    int key = 0;
    while (postWithKey(uri, Matches.BOB_TOKEN, body, "fresh-" + key).status() == 202 && key < 100) {
      key++;
    }
    assertThat(key).isLessThan(100);
    // (it may be 202 if a token came back meanwhile: either way, it ran again)
    Res again = postWithKey(uri, Matches.BOB_TOKEN, body, "fresh-" + key);
    assertThat(again.headers().get("Idempotent-Replayed")).isNull();
  }

  @Test
  void aTransientFailureIsNotRemembered() {
    // Given the Match Service did not answer in time
    matchService.nextRejection = new MatchEvent.CommandRejected(null, "match.create", 503, "try again");
    assertThat(postWithKey("/api/matches", null, null, "retry-me").status()).isEqualTo(503);

    // When the client retries with the same key, it runs again
    Res retried = postWithKey("/api/matches", null, null, "retry-me");
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.headers().get("Idempotent-Replayed")).isNull();
    assertThat(matchService.received).hasSize(2);
  }
}
