package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.gateway.BridgeClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event-bus bridge at /eventbus, without a browser: a client speaking the bridge's JSON frames over
 * /eventbus/websocket. Attacks on the bridge are refused while a whole match is played through it.
 */
class BridgeSecurityTest {
  private static final String COMMANDS = "arena.player.commands";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOO_FAST = "Slow down: too many messages";

  private final Browsers browsers = new Browsers();

  @AfterEach
  void close() {
    browsers.close();
  }

  @Test
  void attacksOnTheBridgeAreRefusedWhileAMatchIsPlayedThroughIt() {
    try (TestArena arena = TestArena.start()) {
      int port = arena.config.getJsonObject("http").getInteger("port");
      // Given match A (Ann and two robots) and match B, waiting for its second human, where Bob sits
      String a = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 2));
      String b = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 2).put("rounds", 1));
      JsonObject bob = arena.api.join(b, "Bob");
      String bobToken = bob.getString("token");
      String forged = UUID.randomUUID().toString().replace("-", "") + "forgedtoken";

      // And Ann playing A in her browser, an onlooker watching A, and two attackers, each on a socket of their own
      BridgeClient ann = browser(port);
      BridgeClient onlooker = browser(port);
      BridgeClient mallory = browser(port);
      BridgeClient eve = browser(port);
      JsonObject seat = arena.api.join(a, "Ann");
      String annToken = seat.getString("token");
      String annsViews = "match." + a + ".player." + seat.getString("playerId");
      String updates = "match." + a + ".updates";
      ann.register(annsViews, annToken);
      onlooker.register(updates, null);

      // When Mallory tries to listen to Ann's views with Bob's token or a forged one, and to Bob's with Ann's
      mallory.register(annsViews, bobToken);
      mallory.register(annsViews, forged);
      String bobsViews = "match." + b + ".player." + bob.getString("playerId");
      mallory.register(bobsViews, annToken);

      // And Eve sends and publishes to outbound addresses, and sends commands with tokens of other players/matches
      JsonObject fakeView = new JsonObject().put("matchId", a).put("status", "COMPLETED").put("forged", true);
      String toUpdates = eve.send(updates, annToken, fakeView);
      eve.publish(updates, fakeView);
      eve.publish(annsViews, fakeView);
      String toKafka = eve.send("match-commands", annToken, vote(a, 1, "A"));
      String annInB = eve.send(COMMANDS, annToken, vote(b, 1, "A"));
      String bobInA = eve.send(COMMANDS, bobToken, vote(a, 1, "A"));
      String forgedInA = eve.send(COMMANDS, forged, response(a, 1, "I am Ann, honest."));

      // Then every one of them is refused
      assertThat(mallory.awaitAt(annsViews, WAIT).getInteger("failureCode")).isEqualTo(401);
      assertThat(mallory.awaitAll(f -> "err".equals(f.getString("type")) && annsViews.equals(f.getString("address")),
          2, WAIT)).hasSize(2);
      assertThat(mallory.awaitAt(bobsViews, WAIT).getInteger("failureCode")).isEqualTo(401);
      assertThat(eve.awaitAt(toUpdates, WAIT).getInteger("failureCode")).isEqualTo(403);
      assertThat(eve.awaitAt(toKafka, WAIT).getInteger("failureCode")).isEqualTo(403);
      assertThat(eve.awaitAt(annInB, WAIT).getInteger("failureCode")).isEqualTo(401);
      assertThat(eve.awaitAt(bobInA, WAIT).getInteger("failureCode")).isEqualTo(401);
      assertThat(eve.awaitAt(forgedInA, WAIT).getInteger("failureCode")).isEqualTo(401);
      assertThat(eve.awaitAll(f -> "rejected".equals(f.getString("body")), 7, WAIT)).hasSize(7);
      assertThat(eve.frames()).noneMatch(f -> "rec".equals(f.getString("type")));

      // And Ann answers round 1 through the bridge; saying it twice is refused by the bridge itself
      play(arena, ann, a, annToken, annsViews, 1, true);
      JsonObject again = ann.awaitAt(ann.send(COMMANDS, annToken, response(a, 1, "Me again.")), WAIT);
      assertThat(again.getInteger("failureCode")).isEqualTo(409);

      // When Bob's browser floods the bridge with 30 votes at once
      BridgeClient flood = browser(port);
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        replies.add(flood.send(COMMANDS, bobToken, vote(b, 1, "A")));
      }

      // Then it is cut off by the rate limit: only about the burst of 10 got past the bridge
      List<JsonObject> answers = replies.stream().map(r -> flood.awaitAt(r, WAIT)).toList();
      long slowed = answers.stream().filter(r -> Integer.valueOf(429).equals(r.getInteger("failureCode"))
          && TOO_FAST.equals(r.getString("message"))).count();
      assertThat(slowed).isGreaterThanOrEqualTo(15);
      assertThat(answers).allMatch(r -> "err".equals(r.getString("type")), "match B has not started: no vote counts");

      // And play goes on: Ann votes in round 1 and plays round 2, and the match completes, all through the bridge
      play(arena, ann, a, annToken, annsViews, 1, false);
      play(arena, ann, a, annToken, annsViews, 2, true);
      play(arena, ann, a, annToken, annsViews, 2, false);
      JsonObject end = ann.awaitView(annsViews, v -> "COMPLETED".equals(v.getString("status")), null, Play.PHASE);
      assertThat(end.getJsonArray("reveal")).isNotEmpty();
      assertThat(end.getJsonArray("results")).hasSize(2);
      JsonObject watched = onlooker.awaitView(updates, v -> "COMPLETED".equals(v.getString("status")), null,
          Play.PHASE);
      assertThat(watched.containsKey("you")).isFalse();
      assertThat(watched.getJsonArray("results")).hasSize(2);

      // And nothing forged reached anyone, nobody heard views that were not theirs, and no view gave robots away
      for (BridgeClient browser : List.of(ann, onlooker, mallory, eve, flood)) {
        assertThat(browser.frames()).noneMatch(f -> f.encode().contains("forged"));
      }
      assertThat(mallory.frames()).noneMatch(f -> "rec".equals(f.getString("type")));
      for (BridgeClient browser : List.of(ann, onlooker)) {
        List<JsonObject> views = browser.frames().stream().filter(f -> "rec".equals(f.getString("type")))
            .map(f -> f.getJsonObject("body")).toList();
        assertThat(views).hasSizeGreaterThan(4);
        views.stream().filter(v -> !"COMPLETED".equals(v.getString("status"))).map(JsonObject::encode)
            .forEach(v -> assertThat(v).doesNotContain(Play.giveaways()));
      }
    }
  }

  @Test
  void onlyMatchesThatExist_andNotTooManyAddressesOrSockets() {
    try (TestArena arena = TestArena.start(c -> c.getJsonObject("gateway").getJsonObject("limits")
        .put("enabled", true).put("registrationsPerSocket", 2).put("socketsPerClient", 3))) {
      int port = arena.config.getJsonObject("http").getInteger("port");
      // Given three matches waiting for their humans
      JsonObject settings = new JsonObject().put("seats", 3).put("humans", 2).put("rounds", 1);
      List<String> updates = List.of(arena.api.createMatch(settings), arena.api.createMatch(settings),
          arena.api.createMatch(settings)).stream().map(id -> "match." + id + ".updates").toList();

      // When a browser listens to the updates of a match that does not exist
      BridgeClient watcher = browser(port);
      String unknown = "match." + UUID.randomUUID() + ".updates";
      watcher.register(unknown, null);

      // Then it is refused, once the grace for a lagging copy of the match is over
      assertThat(watcher.awaitAt(unknown, WAIT).getInteger("failureCode")).isEqualTo(404);

      // When it listens to the three matches
      updates.forEach(address -> watcher.register(address, null));

      // Then the third is one address too many for one socket, and the first two are heard
      JsonObject refused = watcher.awaitAt(updates.get(2), WAIT);
      assertThat(refused.getInteger("failureCode")).isEqualTo(429);
      assertThat(refused.getString("message")).contains("too many addresses");
      assertThat(watcher.frames()).noneMatch(f -> updates.subList(0, 2).contains(f.getString("address")));
      JsonObject seat = arena.api.join(updates.get(0).split("\\.")[1], "Ann");
      assertThat(seat.getString("token")).isNotBlank();
      assertThat(watcher.awaitView(updates.get(0), v -> v.getInteger("humansJoined") == 1, null, WAIT)).isNotNull();

      // When the same client opens two more sockets, then a fourth
      BridgeClient second = browser(port);
      BridgeClient third = browser(port);
      BridgeClient fourth = browser(port);

      // Then the fourth is turned away and closed, while the others still work
      assertThat(admitted(fourth, unknown)).isFalse();
      assertThat(fourth.awaitClosed(WAIT)).isTrue();
      assertThat(fourth.frames()).allMatch(f -> f.getString("message").contains("too many connections"));
      assertThat(admitted(second, unknown)).isTrue();
      assertThat(admitted(third, unknown)).isTrue();

      // And once one of them closes, the client may open another (as soon as the gateway has seen it close)
      second.close();
      Instant end = Instant.now().plus(WAIT);
      boolean admitted;
      do {
        admitted = admitted(browser(port), unknown);
      } while (!admitted && Instant.now().isBefore(end));
      assertThat(admitted).isTrue();
    }
  }

  /** Whether the gateway let {@code browser} in: it then hears its register at {@code unknown} refused (404). */
  private static boolean admitted(BridgeClient browser, String unknown) {
    browser.register(unknown, null);
    Instant end = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(end)) {
      List<JsonObject> refused = browser.awaitAll(f -> unknown.equals(f.getString("address"))
          || Integer.valueOf(429).equals(f.getInteger("failureCode")), 1, Duration.ofMillis(100));
      if (!refused.isEmpty()) {
        return refused.get(0).getInteger("failureCode") == 404;
      }
      if (browser.awaitClosed(Duration.ZERO)) {
        return false;
      }
    }
    throw new AssertionError("the bridge neither answered nor closed the socket within " + WAIT);
  }

  /** Ann's answer (or vote) for {@code round}, sent through the bridge once her pushed view asks for it. */
  private static void play(TestArena arena, BridgeClient ann, String matchId, String token, String views, int round,
      boolean answer) {
    String phase = answer ? "RESPONDING" : "VOTING";
    JsonObject view = ann.awaitView(views, v -> v.getInteger("round", 0) == round && phase.equals(v.getString("phase")),
        () -> arena.api.view(matchId, token).json(), Play.PHASE);
    JsonObject command;
    if (answer) {
      command = response(matchId, round, "Toast and tea, round " + round + ".");
    } else {
      String me = view.getString("you");
      String other = view.getJsonArray("participants").stream().map(String::valueOf).filter(l -> !l.equals(me))
          .findFirst().orElseThrow();
      command = vote(matchId, round, other);
    }
    JsonObject reply = ann.awaitAt(ann.send(COMMANDS, token, command), WAIT);
    assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("rec");
    assertThat(reply.getJsonObject("body")).isEqualTo(new JsonObject().put("status", 202).put("accepted", true));
  }

  private static JsonObject vote(String matchId, int round, String letter) {
    return new JsonObject().put("matchId", matchId).put("action", "vote").put("round", round)
        .put("identity", letter);
  }

  private static JsonObject response(String matchId, int round, String text) {
    return new JsonObject().put("matchId", matchId).put("action", "response").put("round", round).put("text", text);
  }

  private BridgeClient browser(int port) {
    return browsers.open(port);
  }
}
