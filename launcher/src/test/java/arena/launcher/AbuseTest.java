package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.gateway.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The game against abuse over HTTP: per-client limits, requests other sites could make a visitor's browser send,
 * the headers every response carries, and SockJS without its CDN, JSONP, htmlfile and cookie.
 */
class AbuseTest {
  private static final String EVIL = "https://evil.example";

  /** Limits on, small enough to reach in a test. */
  private static void limits(JsonObject config) {
    config.getJsonObject("gateway").getJsonObject("limits").put("enabled", true)
        .put("creates", new JsonObject().put("burst", 3).put("perMinute", 6))
        .put("joins", new JsonObject().put("burst", 2).put("perMinute", 6))
        .put("quickPlay", new JsonObject().put("burst", 1).put("perMinute", 1))
        .put("actions", new JsonObject().put("burst", 2).put("perMinute", 6));
  }

  @Test
  void aClientThatAsksTooOftenGets429WithRetryAfter() {
    try (TestArena arena = TestArena.start(AbuseTest::limits)) {
      GameApi api = arena.api;
      // Given a client that created its 3 matches (the burst) and joined one twice
      JsonObject small = new JsonObject().put("seats", 2).put("humans", 1).put("rounds", 1);
      String matchId = api.createMatch(new JsonObject().put("seats", 4).put("humans", 3).put("rounds", 1));
      api.createMatch(small);
      api.createMatch(small);
      api.join(matchId, "Ann");
      api.join(matchId, "Bob");

      // And sent 2 answers (refused: its token is no player's)
      assertThat(api.respond(matchId, "forged-token", 1, "Hi").status()).isEqualTo(401);
      assertThat(api.vote(matchId, "forged-token", 1, "A").status()).isEqualTo(401);

      // When it creates, joins, answers and quick-plays once more
      GameApi.Response create = api.send("POST", "/api/matches", null, small.encode());
      GameApi.Response answer = api.respond(matchId, "forged-token", 1, "Hi again");
      GameApi.Response join = api.send("POST", "/api/matches/" + matchId + "/players", null, "{\"name\":\"Cat\"}");
      GameApi.Response first = api.send("POST", "/api/quickplay", null, "{\"name\":\"Dan\"}");
      GameApi.Response quick = api.send("POST", "/api/quickplay", null, "{\"name\":\"Eve\"}");

      // Then each is refused with 429, a JSON error and how many seconds to wait
      assertThat(first.status()).as(first.body()).isEqualTo(201);
      for (GameApi.Response refused : List.of(create, join, answer, quick)) {
        BadInputTest.assertError(refused, 429);
        assertThat(refused.json().getString("error")).contains("too many requests");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
      }
    }
  }

  @Test
  void oneClientCannotHoldMoreThanItsShareOfTheRobots() {
    // Given a pool of 6 robots, which may not grow, of which one client may hold half
    try (TestArena arena = TestArena.start(c -> {
      limits(c);
      c.getJsonObject("pool").put("robots", TestArena.pool(2));
      c.getJsonObject("pool").getJsonObject("scaling").put("maxTotal", 6);
      c.getJsonObject("gateway").getJsonObject("limits").put("robotShare", 0.5);
    })) {
      GameApi api = arena.api;
      // And a live match of its own with 2 robots, one 1-second round
      String first = api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1)
          .put("responseSeconds", 1).put("voteSeconds", 1));

      // When it asks for another match with 2 robots
      GameApi.Response second = api.send("POST", "/api/matches", null,
          new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1).encode());

      // Then it is refused, saying why
      BadInputTest.assertError(second, 429);
      assertThat(second.json().getString("error")).contains("robots", "3 of the 6");

      // And once its first match is over, it may
      Play ann = new Play(api, first, "Ann");
      ann.awaitCompleted();
      assertThat(api.send("POST", "/api/matches", null,
          new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1).encode()).status()).isEqualTo(201);
    }
  }

  @Test
  void postsMustBeJson_andNoOtherSiteMayCallTheGame() {
    try (TestArena arena = TestArena.start()) {
      GameApi api = arena.api;
      // When another site's form or script posts to the API
      GameApi.Response form = api.send("POST", "/api/matches", null, "seats=4",
          Map.of("Content-Type", "application/x-www-form-urlencoded", "Origin", EVIL));
      GameApi.Response text = api.send("POST", "/api/quickplay", null, "{\"name\":\"Ann\"}",
          Map.of("Content-Type", "text/plain", "Origin", EVIL));
      GameApi.Response bare = api.send("POST", "/api/matches", null, null, Map.of("Origin", EVIL));

      // Then it is refused with 415 and nothing is created
      for (GameApi.Response refused : List.of(form, text, bare)) {
        BadInputTest.assertError(refused, 415);
        assertThat(refused.json().getString("error")).contains("application/json");
      }
      assertThat(api.send("POST", "/api/matches", null, "{}", Map.of("Content-Type",
          "application/json; charset=utf-8")).status()).isEqualTo(201);

      // And no cross-origin call is allowed: no preflight approved, no origin reflected, no credentials
      List<GameApi.Response> crossOrigin = List.of(
          api.send("OPTIONS", "/api/matches", null, null, Map.of("Origin", EVIL,
              "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")),
          api.send("OPTIONS", "/eventbus/info", null, null, Map.of("Origin", EVIL,
              "Access-Control-Request-Method", "GET")),
          api.send("GET", "/eventbus/info", null, null, Map.of("Origin", EVIL)),
          api.send("POST", "/eventbus/000/s1/xhr", null, null, Map.of("Origin", EVIL)),
          api.send("GET", "/api/matches/nope", null, null, Map.of("Origin", EVIL)));
      for (GameApi.Response response : crossOrigin) {
        assertThat(response.headers().map().keySet()).as(response.body())
            .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
      }
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    try (TestArena arena = TestArena.start()) {
      GameApi api = arena.api;
      int port = arena.config.getJsonObject("http").getInteger("port");
      String matchId = api.createMatch(new JsonObject());
      // When pages, assets, API answers, errors and SockJS answers are fetched
      for (String path : List.of("/", "/index.html", "/api.html", "/favicon.svg", "/sockjs.min.js",
          "/api/matches/" + matchId, "/api/matches/nope", "/health", "/eventbus/info", "/eventbus/iframe.html",
          "/nowhere")) {
        GameApi.Response response = api.send("GET", path, null, null);

        // Then each carries a policy that allows only the game's own origin and its WebSocket
        String csp = response.header("Content-Security-Policy");
        assertThat(csp).as(path).isNotNull().contains("default-src 'self'", "frame-ancestors 'none'",
            "base-uri 'none'", "form-action 'self'", "object-src 'none'",
            "connect-src 'self' ws://127.0.0.1:" + port + " wss://127.0.0.1:" + port + ";")
            .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
      }
    }
  }

  @Test
  void sockJsServesItsLibraryFromTheJar_withoutJsonpHtmlfileOrCookie() {
    try (TestArena arena = TestArena.start()) {
      GameApi api = arena.api;
      // When SockJS's iframe page is fetched
      GameApi.Response iframe = api.send("GET", "/eventbus/iframe.html", null, null);

      // Then it loads the library from the game itself, which serves it
      assertThat(iframe.status()).isEqualTo(200);
      assertThat(Pattern.compile("<script src=\"([^\"]*)\"").matcher(iframe.body()).results()
          .map(m -> m.group(1)).toList()).containsExactly("/sockjs.min.js");
      GameApi.Response library = api.send("GET", "/sockjs.min.js", null, null);
      assertThat(library.status()).isEqualTo(200);
      assertThat(library.body()).contains("SockJS");

      // And SockJS needs no cookie and sets none, and its JSONP and htmlfile transports are gone
      GameApi.Response info = api.send("GET", "/eventbus/info", null, null);
      assertThat(info.json().getBoolean("cookie_needed")).isFalse();
      assertThat(api.send("POST", "/eventbus/000/s2/xhr", null, null).header("Set-Cookie")).isNull();
      assertThat(api.send("GET", "/eventbus/000/s3/jsonp?c=steal", null, null).status()).isEqualTo(404);
      assertThat(api.send("GET", "/eventbus/000/s4/htmlfile?c=steal", null, null).status()).isEqualTo(404);
    }
  }

  @Test
  void bridgeFramesOverTheSizeLimitAreRefusedBeforeTheyAreParsed() throws IOException {
    Vertx vertx = Vertx.vertx();
    WebSocketClient sockets = vertx.createWebSocketClient();
    try (TestArena arena = TestArena.start()) {
      int port = arena.config.getJsonObject("http").getInteger("port");
      // Given a browser on the bridge
      BridgeClient browser = BridgeClient.connect(vertx, sockets, port);

      // When it sends a 32 KB frame
      browser.writeText(new JsonObject().put("type", "send").put("address", "arena.player.commands")
          .put("replyAddress", "r").put("body", new JsonObject().put("text", "x".repeat(32 * 1024))).encode());

      // Then the socket is closed without an answer: the frame was never read as a message
      assertThat(browser.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(browser.frames()).isEmpty();

      // And over SockJS's xhr transport, a 12 KB post is refused with 413 before its body is read
      assertThat(arena.api.send("POST", "/eventbus/000/big/xhr", null, null).status()).isEqualTo(200);
      assertThat(statusBeforeTheBody(port, "/eventbus/000/big/xhr_send", 12 * 1024)).isEqualTo("HTTP/1.1 413");
    } finally {
      vertx.close().await();
    }
  }

  /**
   * The status line the game answers a POST of {@code length} bytes with, while the body is held back (Expect:
   * 100-continue): a server that refuses a body it has not read may close the connection under a client that is
   * still sending it, before the client reads the answer.
   */
  private static String statusBeforeTheBody(int port, String path, int length) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Content-Type: text/plain\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return status == null ? null : status.substring(0, Math.min(12, status.length()));
    }
  }
}
