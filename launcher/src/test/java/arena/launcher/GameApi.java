package arena.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** The game's HTTP API as a player's client sees it (tests run on their own thread, so plain blocking calls). */
final class GameApi {
  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    /** A response header, or null. */
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  private final String base;
  // HTTP/1.1 as browsers speak it to a plain-http server (no h2c upgrade).
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  GameApi(String base) {
    this.base = base;
  }

  Response send(String method, String path, String token, String body) {
    return send(method, path, token, body, body == null ? Map.of() : Map.of("Content-Type", "application/json"));
  }

  /** As a browser or another site might send it: only the {@code headers} given (and the token's). */
  Response send(String method, String path, String token, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  String createMatch(JsonObject settings) {
    Response r = send("POST", "/api/matches", null, settings.encode());
    if (r.status() != 201) {
      throw new AssertionError("create match: " + r);
    }
    return r.json().getString("matchId");
  }

  /** Joins and returns {playerId, token}. */
  JsonObject join(String matchId, String name) {
    Response r = send("POST", "/api/matches/" + matchId + "/players", null, new JsonObject().put("name", name).encode());
    if (r.status() != 201) {
      throw new AssertionError("join: " + r);
    }
    return r.json();
  }

  Response view(String matchId, String token) {
    return send("GET", "/api/matches/" + matchId, token, null);
  }

  Response respond(String matchId, String token, int round, String text) {
    return send("POST", "/api/matches/" + matchId + "/response", token,
        new JsonObject().put("round", round).put("text", text).encode());
  }

  Response vote(String matchId, String token, int round, String identity) {
    return send("POST", "/api/matches/" + matchId + "/vote", token,
        new JsonObject().put("round", round).put("identity", identity).encode());
  }

  Response events(String matchId) {
    return send("GET", "/api/matches/" + matchId + "/events", null, null);
  }

  /** Polls the player's view until it satisfies {@code until}; every view seen is given to {@code seen}. */
  JsonObject awaitView(String matchId, String token, Predicate<JsonObject> until, Duration timeout,
      java.util.function.Consumer<JsonObject> seen) {
    Instant end = Instant.now().plus(timeout);
    JsonObject last = null;
    while (Instant.now().isBefore(end)) {
      Response r = view(matchId, token);
      if (r.status() == 200) {
        last = r.json();
        seen.accept(last);
        if (until.test(last)) {
          return last;
        }
      }
      try {
        Thread.sleep(50); // the test thread polls; no service code waits like this
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("view of " + matchId + " never matched within " + timeout + "; last: " + last);
  }

  JsonObject awaitView(String matchId, String token, Predicate<JsonObject> until, Duration timeout) {
    return awaitView(matchId, token, until, timeout, v -> {});
  }

  /** Waits (bounded) until the game in {@code game} answers /health UP; {@code log} is where its output goes. */
  void awaitHealthy(Process game, String log) throws InterruptedException {
    Instant end = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(end)) {
      if (!game.isAlive()) {
        throw new AssertionError("the game exited with " + game.exitValue() + "; see " + log);
      }
      try {
        if (send("GET", "/health", null, null).status() == 200) {
          return;
        }
      } catch (IllegalStateException notYetListening) {
        // the gateway opens last
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the game never became healthy");
  }
}
