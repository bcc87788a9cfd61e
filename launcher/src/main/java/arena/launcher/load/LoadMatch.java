package arena.launcher.load;

import arena.shared.game.HumanTiming;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One match played by simulated humans as the page plays it: the match is created and joined over HTTP, each human
 * listens on the event-bus bridge (its own player address and the match's public one) and looks at its view over HTTP
 * when the page would ({@link #overdue}, and a public push its own address did not follow); it answers and votes over
 * HTTP after a human-like think
 * ({@link HumanTiming}), counted from when it saw the phase. Everything of one match runs on one Vert.x context, so
 * its state needs no locks.
 *
 * <p>Action accepted → visible to the others: from a human's 202 to the first push, to any other listener (another
 * human's player address, or the public address on any socket), of a state version at least that of the first view
 * pushed to the actor that holds the action. A push can beat the 202 back: that counts as 0. The same, from the
 * moment the request was sent, is kept too.
 */
final class LoadMatch {
  private static final List<String> ANSWERS = List.of("Toast. Always toast.", "my grandmother's soup, no question",
      "probably a long walk by the river", "honestly? a nap", "the smell of rain on hot pavement",
      "I'd pick the bicycle every time", "cold pizza for breakfast", "that one song from the summer of 2009");
  // The page's fallbacks (match.js): how often it checks, how long past a deadline its view may stay, and how long
  // a player's own push may lag the public one that told of a change.
  private static final long POLL_MS = 3000;
  private static final long OVERDUE_MS = 3000;
  private static final long NUDGE_MS = 700;
  private static final long TIMEOUT_MS = 15_000;

  /** The HTTP and bridge clients every match shares, and where the gateway is. */
  record Clients(WebClient http, WebSocketClient sockets, URI base) {
    String host() {
      return base.getHost();
    }

    int port() {
      return base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
    }
  }

  /** One accepted answer or vote, until another listener saw it. */
  private static final class Action {
    final int actor;
    final String kind;
    final int round;
    final String value;
    long sentNanos = -1;
    long acceptedNanos = -1;
    long heldVersion = -1;
    boolean seen;

    Action(int actor, String kind, int round, String value) {
      this.actor = actor;
      this.kind = kind;
      this.round = round;
      this.value = value;
    }
  }

  /** A push heard: by whom (human index; public pushes are -1 - index), which version, when. */
  private record Push(int listener, long version, long nanos) {}

  private final Context context;
  private final Clients clients;
  private final LoadPlan plan;
  private final HumanTiming timing;
  private final Tally tally;
  private final Records records;
  private final SplittableRandom random;
  private final Promise<Void> done = Promise.promise();
  private final List<Human> humans = new ArrayList<>();
  private final List<Action> actions = new ArrayList<>();
  private final List<Push> pushes = new ArrayList<>();
  private String matchId;
  private int finished;

  LoadMatch(Context context, Clients clients, LoadPlan plan, HumanTiming timing, Tally tally, Records records,
      long seed) {
    this.context = context;
    this.clients = clients;
    this.plan = plan;
    this.timing = timing;
    this.tally = tally;
    this.records = records;
    this.random = new SplittableRandom(seed);
  }

  /** Plays the match to its end; completes once every human saw it end and its actions were checked. */
  Future<Void> play() {
    context.runOnContext(v -> create());
    return done.future();
  }

  String matchId() {
    return matchId;
  }

  private void create() {
    JsonObject settings = new JsonObject().put("seats", plan.seats()).put("humans", plan.humans())
        .put("rounds", plan.rounds()).put("responseSeconds", plan.responseSeconds())
        .put("voteSeconds", plan.voteSeconds());
    post("/api/matches", null, settings).onComplete(ar -> {
      if (!created(ar, 201, "create")) {
        return;
      }
      matchId = ar.result().bodyAsJsonObject().getString("matchId");
      join(0);
    });
  }

  private void join(int i) {
    if (i == plan.humans()) {
      humans.forEach(Human::listen);
      return;
    }
    post(path(""), null, new JsonObject().put("name", "Load " + (i + 1))).onComplete(ar -> {
      if (!created(ar, 201, "join")) {
        return;
      }
      JsonObject seat = ar.result().bodyAsJsonObject();
      humans.add(new Human(i, seat.getString("playerId"), seat.getString("token")));
      join(i + 1);
    });
  }

  private boolean created(io.vertx.core.AsyncResult<HttpResponse<Buffer>> ar, int expected, String what) {
    if (ar.succeeded() && ar.result().statusCode() == expected) {
      return true;
    }
    fail(what + (matchId == null ? "" : " " + matchId) + ": " + describe(ar));
    return false;
  }

  private void fail(String message) {
    tally.error(message);
    humans.forEach(Human::close);
    done.tryComplete();
  }

  private String path(String tail) {
    return "/api/matches/" + matchId + (tail.isEmpty() ? "/players" : tail);
  }

  private Future<HttpResponse<Buffer>> post(String path, String token, JsonObject body) {
    var request = clients.http().post(clients.port(), clients.host(), path).timeout(TIMEOUT_MS)
        .ssl("https".equals(clients.base().getScheme()))
        .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", UUID.randomUUID().toString());
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    long start = System.nanoTime();
    return request.sendBuffer(Buffer.buffer(body.encode()))
        .onSuccess(r -> tally.request(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
  }

  private Future<HttpResponse<Buffer>> get(String path, String token) {
    return clients.http().get(clients.port(), clients.host(), path).timeout(TIMEOUT_MS)
        .ssl("https".equals(clients.base().getScheme()))
        .putHeader("Authorization", "Bearer " + token).send();
  }

  private static String describe(io.vertx.core.AsyncResult<HttpResponse<Buffer>> ar) {
    return ar.failed() ? String.valueOf(ar.cause()) : ar.result().statusCode() + " " + ar.result().bodyAsString();
  }

  /** A push of {@code version} reached {@code listener}: times every action it makes visible. */
  private void heard(int listener, long version) {
    pushes.add(new Push(listener, version, System.nanoTime()));
    resolve();
  }

  private void resolve() {
    for (Action a : actions) {
      if (a.seen || a.acceptedNanos < 0 || a.heldVersion < 0) {
        continue;
      }
      long first = Long.MAX_VALUE;
      for (Push p : pushes) {
        if (p.listener() != a.actor && p.version() >= a.heldVersion) {
          first = Math.min(first, p.nanos());
        }
      }
      if (first != Long.MAX_VALUE) {
        a.seen = true;
        tally.visible(TimeUnit.NANOSECONDS.toMillis(Math.max(0, first - a.acceptedNanos)),
            TimeUnit.NANOSECONDS.toMillis(Math.max(0, first - a.sentNanos)));
      }
    }
  }

  private void humanFinished() {
    if (++finished == humans.size()) {
      long unseen = actions.stream().filter(a -> a.acceptedNanos >= 0 && !a.seen).count();
      tally.unseen.addAndGet(unseen);
      done.tryComplete();
    }
  }

  /** One seat: its socket, what it planned and what the gateway accepted. */
  private final class Human {
    final int index;
    final String playerId;
    final String token;
    final Set<String> planned = new HashSet<>();
    /** The phases and scores this human has seen, pushed or fetched. */
    final Set<String> shown = new HashSet<>();
    WebSocket socket;
    long pinger = -1;
    long watcher = -1;
    /** Its latest own view, pushed or fetched, and when it last asked for one. */
    JsonObject view;
    long lastAskedMs;
    boolean over;

    Human(int index, String playerId, String token) {
      this.index = index;
      this.playerId = playerId;
      this.token = token;
    }

    void listen() {
      clients.sockets().connect(clients.port(), clients.host(), "/eventbus/websocket").onComplete(ar -> {
        if (ar.failed()) {
          tally.error(matchId + ": bridge connection failed: " + ar.cause());
        } else {
          socket = ar.result();
          socket.handler(data -> frame(data.toString()));
          socket.closeHandler(v -> {
            if (!over) {
              tally.error(matchId + ": the gateway closed the bridge socket of a player");
            }
          });
          register("match." + matchId + ".player." + playerId, true);
          register("match." + matchId + ".updates", false);
          // The bridge closes sockets that stay silent longer than its ping timeout.
          pinger = context.owner().setPeriodic(5000, id -> write(new JsonObject().put("type", "ping")));
        }
        // Registering is not acknowledged: look once now, then as the page does.
        look();
        watcher = context.owner().setPeriodic(POLL_MS, id -> {
          if (!over && (socket == null || socket.isClosed() || overdue(view, System.currentTimeMillis(), lastAskedMs))) {
            look();
          }
        });
      });
    }

    void register(String address, boolean withToken) {
      JsonObject frame = new JsonObject().put("type", "register").put("address", address);
      if (withToken) {
        frame.put("headers", new JsonObject().put("token", token));
      }
      write(frame);
    }

    void write(JsonObject frame) {
      if (socket != null && !socket.isClosed()) {
        socket.writeTextMessage(frame.encode());
      }
    }

    void frame(String text) {
      JsonObject frame = new JsonObject(text);
      if ("err".equals(frame.getString("type"))) {
        tally.error(matchId + ": the bridge refused: " + frame.getValue("body"));
        return;
      }
      if (!"rec".equals(frame.getString("type")) || !(frame.getValue("body") instanceof JsonObject view)) {
        return;
      }
      boolean mine = frame.getString("address", "").endsWith(".player." + playerId);
      long version = view.getLong("version", -1L);
      heard(mine ? index : -1 - index, version);
      if (mine) {
        shown(view, true);
        see(view);
      } else if (version > versionSeen()) {
        // The public view only says there is news; the player's own view should follow on its address.
        context.owner().setTimer(NUDGE_MS, id -> {
          if (!over && versionSeen() < version) {
            look();
          }
        });
      }
    }

    long versionSeen() {
      return view == null ? -1 : view.getLong("version", -1L);
    }

    /**
     * Tells the records when a push first showed this human a phase, or a round's scores. A phase it first saw in a
     * fetched view (pushed before it listened, as round 1 is while the humans connect) gives no transition.
     */
    void shown(JsonObject view, boolean pushed) {
      if (records == null) {
        return;
      }
      long now = System.currentTimeMillis();
      int round = view.getInteger("round", 0);
      String phase = view.getString("phase");
      if ("RUNNING".equals(view.getString("status")) && ("RESPONDING".equals(phase) || "VOTING".equals(phase))
          && shown.add(phase + round) && pushed) {
        records.pushed(matchId, round, "VOTING".equals(phase) ? Records.Sight.VOTING : Records.Sight.ANSWERING, now);
      }
      for (Object o : view.getJsonArray("results", new JsonArray())) {
        int scored = ((JsonObject) o).getInteger("round", 0);
        if (shown.add("SCORES" + scored) && pushed) {
          records.pushed(matchId, scored, Records.Sight.SCORES, now);
        }
      }
    }

    void look() {
      lastAskedMs = System.currentTimeMillis();
      tally.looks.incrementAndGet();
      get("/api/matches/" + matchId, token).onComplete(ar -> {
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          JsonObject view = ar.result().bodyAsJsonObject();
          shown(view, false);
          see(view);
        } else if (!over) {
          tally.error(matchId + ": view: " + describe(ar));
        }
      });
    }

    /** Its own view: note which of its actions it holds, then act on it. */
    void see(JsonObject view) {
      if (over) {
        return;
      }
      long version = view.getLong("version", -1L);
      if (version >= versionSeen()) {
        this.view = view;
      }
      for (Action a : actions) {
        if (a.actor == index && a.heldVersion < 0 && holds(view, a)) {
          a.heldVersion = version;
        }
      }
      resolve();
      String status = view.getString("status");
      if (!"WAITING".equals(status) && !"RUNNING".equals(status)) {
        end(view);
        return;
      }
      int round = view.getInteger("round", 0);
      String phase = view.getString("phase");
      if ("RUNNING".equals(status) && view.getString("deadline") != null) {
        long window = Instant.parse(view.getString("deadline")).toEpochMilli() - System.currentTimeMillis();
        if ("RESPONDING".equals(phase) && view.getValue("yourResponse") == null && planned.add("answer" + round)) {
          if (!timing.missesAnswer(random)) {
            String text = ANSWERS.get(random.nextInt(ANSWERS.size())) + " (" + (index + 1) + "." + round + ")";
            long delay = timing.answerDelayMs(text.length(), 1, window, random);
            act("answer", round, text, delay, new JsonObject().put("round", round).put("text", text));
          }
        } else if ("VOTING".equals(phase) && view.getValue("yourVote") == null && planned.add("vote" + round)) {
          List<String> others = view.getJsonArray("participants", new JsonArray()).stream().map(String::valueOf)
              .filter(l -> !l.equals(view.getString("you"))).toList();
          if (!others.isEmpty() && !timing.missesVote(random)) {
            JsonObject responses = view.getJsonObject("responses", new JsonObject());
            int read = responses.stream().mapToInt(e -> String.valueOf(e.getValue()).length()).sum();
            String letter = others.get(random.nextInt(others.size()));
            act("vote", round, letter, timing.voteDelayMs(read, window, random),
                new JsonObject().put("round", round).put("identity", letter));
          }
        }
      }
    }

    void act(String kind, int round, String value, long delayMs, JsonObject body) {
      if (records != null) {
        records.thought(matchId, round, kind, System.currentTimeMillis(), delayMs);
      }
      Action action = new Action(index, kind, round, value);
      actions.add(action);
      context.owner().setTimer(Math.max(1, delayMs), id -> {
        action.sentNanos = System.nanoTime();
        if (records != null) {
          records.acted(matchId, round, kind, System.currentTimeMillis());
        }
        post(path("answer".equals(kind) ? "/response" : "/vote"), token, body).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 202) {
              action.acceptedNanos = System.nanoTime();
              tally.actions.incrementAndGet();
              resolve();
            } else {
              actions.remove(action);
              tally.error(matchId + ": " + kind + " in round " + round + ": " + describe(ar));
            }
          });
      });
    }

    /** The match is over: every action the gateway accepted must be in the final state. */
    void end(JsonObject view) {
      over = true;
      // Once per match, and only when no records tell it (they say why).
      if (!"COMPLETED".equals(view.getString("status")) && records == null && index == 0) {
        tally.error(matchId + " ended " + view.getString("status"));
      }
      // The final view over HTTP: the pushed one may be a spectator's.
      get("/api/matches/" + matchId, token).onComplete(ar -> {
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          JsonObject last = ar.result().bodyAsJsonObject();
          for (Action a : actions) {
            if (a.actor == index && a.acceptedNanos >= 0 && !inResults(last, a)) {
              tally.lost(matchId + ": " + a.kind + " of round " + a.round + " (" + a.value + ") accepted with 202"
                  + " but not in the final state");
            }
          }
        } else {
          tally.error(matchId + ": final view: " + describe(ar));
        }
        close();
        humanFinished();
      });
    }

    void close() {
      over = true;
      context.owner().cancelTimer(pinger);
      context.owner().cancelTimer(watcher);
      if (socket != null) {
        socket.close();
      }
    }
  }

  /**
   * Whether the page would look at its view over HTTP now, its bridge being open: it asked more than
   * {@link #POLL_MS} ago and the deadline its view shows (the lobby's while waiting) passed more than
   * {@link #OVERDUE_MS} ago with no newer view since.
   */
  static boolean overdue(JsonObject view, long nowMs, long lastAskedMs) {
    if (view == null || nowMs - lastAskedMs < POLL_MS) {
      return false;
    }
    String status = view.getString("status");
    if (!"WAITING".equals(status) && !"RUNNING".equals(status)) {
      return false;
    }
    String deadline = view.getString("WAITING".equals(status) ? "lobbyDeadline" : "deadline");
    return deadline != null && nowMs - Instant.parse(deadline).toEpochMilli() > OVERDUE_MS;
  }

  /** Whether {@code view} (the actor's own) holds {@code a}: in the current round, or among the scored ones. */
  private static boolean holds(JsonObject view, Action a) {
    if (view.getInteger("round", 0) == a.round
        && view.getValue("answer".equals(a.kind) ? "yourResponse" : "yourVote") != null) {
      return true;
    }
    return inResults(view, a);
  }

  private static boolean inResults(JsonObject view, Action a) {
    return inResults(view, a.kind, a.round, a.value);
  }

  /** Whether the scored rounds of a player's {@code view} hold its {@code kind} ("answer", "vote") {@code value}. */
  static boolean inResults(JsonObject view, String kind, int round, String value) {
    for (Object o : view.getJsonArray("results", new JsonArray())) {
      JsonObject r = (JsonObject) o;
      if (r.getInteger("round", 0) != round) {
        continue;
      }
      if ("vote".equals(kind)) {
        return value.equals(r.getString("yourVote"));
      }
      String letter = r.getString("yourLetter");
      return letter != null && value.equals(r.getJsonObject("responses", new JsonObject()).getString(letter));
    }
    return false;
  }
}
