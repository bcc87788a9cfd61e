package arena.fakellm;

import arena.fakellm.Api.Answer;
import arena.fakellm.Api.Failure;
import arena.fakellm.Api.Quota;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An OpenAI- and Anthropic-compatible LLM server that answers like a plausible model, with latency and faults
 * to order, and records what it was sent. It listens on one or more event loops (each connection is served by one
 * of them); the methods below may be called from any thread while it runs.
 *
 * <p>Every reply given after a drawn latency says that latency in the {@value #LATENCY_HEADER} header, so that a
 * client can tell the model's time from its own; how late the replies went out past their latency (this server's
 * own queueing) is in {@link #stats()}.
 */
public final class FakeLlm {
  /** A load run must not fill the heap: only the latest requests are kept. */
  private static final int MAX_RECORDED = 10_000;
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final long STREAM_GAP_MS = 15;
  private static final List<String> MODELS = List.of("fake-llm", "gpt-4o-mini", "claude-3-5-haiku-latest");
  private static final Api OPENAI = new OpenAiApi();
  private static final Api ANTHROPIC = new AnthropicApi();
  /** The latency drawn for the reply, in milliseconds. */
  public static final String LATENCY_HEADER = "x-fake-latency-ms";

  /** Settings, the random numbers they seed and the request budget they set, swapped together. */
  private record State(FakeLlmSettings settings, Random random, RateWindow window) {}

  private final Vertx vertx;
  private volatile State state;
  private volatile HttpServer server;
  private volatile String deployment;
  private final Queue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private final Deque<Recorded> recorded = new ArrayDeque<>(); // guarded by itself
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong maxInFlight = new AtomicLong();
  private final Map<String, LongAdder> byBehaviour = new ConcurrentHashMap<>();
  private final AtomicLong connections = new AtomicLong();
  private final Lateness lateness = new Lateness(MAX_RECORDED);

  private FakeLlm(Vertx vertx, FakeLlmSettings settings) {
    this.vertx = vertx;
    settings(settings);
  }

  /** Listening on one event loop. */
  public static Future<FakeLlm> start(Vertx vertx, FakeLlmSettings settings) {
    return start(vertx, settings, 1);
  }

  /**
   * Listening on {@code eventLoops} event loops, which share the port: with thousands of requests at once, one loop
   * reading them, timing them and writing the replies would make them late by its own queue.
   */
  public static Future<FakeLlm> start(Vertx vertx, FakeLlmSettings settings, int eventLoops) {
    if (eventLoops < 1) {
      return Future.failedFuture(new IllegalArgumentException("eventLoops must be at least 1, was " + eventLoops));
    }
    FakeLlm llm = new FakeLlm(vertx, settings);
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer().connectionHandler(c -> llm.connections.incrementAndGet())
            .requestHandler(llm.router()).listen(settings.port(), settings.host())
            .onSuccess(s -> llm.server = s);
      }
    }, new DeploymentOptions().setInstances(eventLoops)).map(id -> {
      llm.deployment = id;
      return llm;
    });
  }

  public int port() {
    return server.actualPort();
  }

  public String openAiBaseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Anthropic clients append /v1/messages themselves. */
  public String anthropicBaseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * The next requests get these behaviours, in order, before the settings' rates apply again. A request refused
   * for a spent {@link RateLimit} budget takes none.
   */
  public void script(Behaviour... next) {
    script.addAll(Arrays.asList(next));
  }

  public FakeLlmSettings settings() {
    return state.settings();
  }

  /** Takes effect with the next request; the random numbers restart from the new seed, the budget afresh. */
  public void settings(FakeLlmSettings settings) {
    state = new State(settings, new Random(settings.seed()), new RateWindow(settings.rateLimit()));
  }

  public List<Recorded> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  public void clearRequests() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  public Stats stats() {
    Map<String, Long> counts = new TreeMap<>();
    byBehaviour.forEach((name, n) -> counts.put(name, n.sum()));
    return new Stats(total.get(), inFlight.get(), maxInFlight.get(), Collections.unmodifiableMap(counts),
        connections.get(), lateness.summary());
  }

  /** Counts restart; the requests still in flight stay counted. */
  public void resetStats() {
    total.set(0);
    maxInFlight.set(inFlight.get());
    byBehaviour.clear();
    connections.set(0);
    lateness.clear();
  }

  /** Stops listening on every event loop and closes every connection, hanging requests included. */
  public Future<Void> close() {
    return vertx.undeploy(deployment);
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/v1/chat/completions").handler(ctx -> serve(ctx, OPENAI));
    router.post("/v1/messages").handler(ctx -> serve(ctx, ANTHROPIC));
    router.get("/v1/models").handler(this::models);
    router.get("/fake/requests").handler(ctx -> {
      JsonArray list = new JsonArray();
      requests().forEach(r -> list.add(r.toJson()));
      send(ctx.response(), 200, list.encode());
    });
    router.delete("/fake/requests").handler(ctx -> {
      clearRequests();
      ctx.response().setStatusCode(204).end();
    });
    router.post("/fake/script").handler(this::scriptOverHttp);
    router.get("/fake/stats").handler(ctx -> send(ctx.response(), 200, stats().toJson().encode()));
    router.delete("/fake/stats").handler(ctx -> {
      resetStats();
      ctx.response().setStatusCode(204).end();
    });
    router.get("/fake/settings").handler(ctx -> send(ctx.response(), 200, settings().toJson().encode()));
    router.put("/fake/settings").handler(this::settingsOverHttp);
    return router;
  }

  private void serve(RoutingContext ctx, Api api) {
    long flying = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(flying, Math::max);
    // Runs when the reply ends and also when the connection closes first: an abandoned HANG leaves the count.
    ctx.addEndHandler(ended -> inFlight.decrementAndGet());
    total.incrementAndGet();
    JsonObject body = jsonBody(ctx);
    Failure refusal = api.check(ctx.request().headers(), body);
    if (refusal != null) {
      record(ctx, body, null, Stats.REJECTED);
      fail(ctx.response(), refusal);
      return;
    }
    State s = state;
    Instant now = Instant.now();
    RateWindow.Admission admission = s.window().admit(now);
    if (!admission.admitted()) {
      // Like a real API: refused at once, before any work.
      record(ctx, body, Behaviour.RATE_LIMITED, Behaviour.RATE_LIMITED.name());
      fail(ctx.response(), api.rateLimited(admission.quota(), now));
      return;
    }
    Behaviour behaviour = next(s);
    record(ctx, body, behaviour, behaviour.name());
    if (behaviour == Behaviour.HANG) {
      return;
    }
    long delayMs = s.settings().latency().sampleMs(s.random());
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    ctx.response().putHeader(LATENCY_HEADER, String.valueOf(delayMs));
    Runnable answer = () -> {
      answer(ctx.response(), api, body, behaviour, s, admission.quota());
      lateness.add(Math.max(0, System.nanoTime() - due));
    };
    if (delayMs > 0) {
      vertx.setTimer(delayMs, id -> answer.run());
    } else {
      answer.run();
    }
  }

  /** The script first; else a fault with its rate's probability; else OK. */
  private Behaviour next(State s) {
    Behaviour scripted = script.poll();
    if (scripted != null) {
      return scripted;
    }
    FakeLlmSettings c = s.settings();
    double r = s.random().nextDouble();
    if ((r -= c.errorRate()) < 0) {
      return s.random().nextBoolean() ? Behaviour.SERVER_ERROR : Behaviour.UNAVAILABLE;
    }
    if ((r -= c.rateLimitRate()) < 0) {
      return Behaviour.RATE_LIMITED;
    }
    if ((r -= c.malformedRate()) < 0) {
      return Behaviour.MALFORMED;
    }
    return r - c.hangRate() < 0 ? Behaviour.HANG : Behaviour.OK;
  }

  /** {@code quota} is what the request left of the budget, null when there is none. */
  private void answer(HttpServerResponse res, Api api, JsonObject body, Behaviour behaviour, State s, Quota quota) {
    if (behaviour == Behaviour.SERVER_ERROR || behaviour == Behaviour.UNAVAILABLE
        || behaviour == Behaviour.RATE_LIMITED) {
      fail(res, api.failure(behaviour, s.settings()));
      return;
    }
    if (quota != null && !res.closed()) {
      api.quotaHeaders(quota, Instant.now()).forEach(res::putHeader);
    }
    Conversation conversation = Conversation.of(body);
    String text = behaviour == Behaviour.EMPTY ? "" : conversation.reply(s.settings().gullible(), s.random());
    Answer answer = new Answer(Long.toHexString(s.random().nextLong() & Long.MAX_VALUE), body, conversation, text,
        Instant.now().getEpochSecond());
    if (behaviour == Behaviour.MALFORMED) {
      String json = api.reply(answer).encode();
      send(res, 200, json.substring(0, json.length() / 2));
    } else if (Boolean.TRUE.equals(body.getValue("stream"))) {
      res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
      stream(res, api.events(answer), 0);
    } else {
      send(res, 200, api.reply(answer).encode());
    }
  }

  /** One event now, the next a moment later, the way tokens trickle out of a model. */
  private void stream(HttpServerResponse res, List<String> events, int i) {
    if (res.closed()) {
      return;
    }
    if (i == events.size() - 1) {
      res.end(events.get(i));
    } else {
      res.write(events.get(i));
      vertx.setTimer(STREAM_GAP_MS, id -> stream(res, events, i + 1));
    }
  }

  private void record(RoutingContext ctx, JsonObject body, Behaviour behaviour, String counted) {
    byBehaviour.computeIfAbsent(counted, k -> new LongAdder()).increment();
    Map<String, String> headers = new TreeMap<>();
    ctx.request().headers().forEach(h ->
        headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
    Recorded r = new Recorded(ctx.request().path(), Collections.unmodifiableMap(headers), body, behaviour,
        Instant.now());
    synchronized (recorded) {
      recorded.addLast(r);
      if (recorded.size() > MAX_RECORDED) {
        recorded.removeFirst();
      }
    }
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body().buffer() == null ? null : ctx.body().buffer().toJsonObject();
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }

  private void models(RoutingContext ctx) {
    JsonArray data = new JsonArray();
    MODELS.forEach(id -> data.add(new JsonObject().put("id", id).put("object", "model").put("created", 1700000000)
        .put("owned_by", "turing-arena")));
    send(ctx.response(), 200, new JsonObject().put("object", "list").put("data", data).encode());
  }

  private void scriptOverHttp(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null || !(body.getValue("next") instanceof JsonArray next)) {
      error(ctx, "the body must be {\"next\":[\"RATE_LIMITED\",\"OK\"]}");
      return;
    }
    List<Behaviour> behaviours = new ArrayList<>();
    for (Object name : next) {
      try {
        behaviours.add(Behaviour.valueOf(String.valueOf(name)));
      } catch (IllegalArgumentException e) {
        error(ctx, "unknown behaviour " + name + ", expected one of " + Arrays.toString(Behaviour.values()));
        return;
      }
    }
    script(behaviours.toArray(Behaviour[]::new));
    send(ctx.response(), 200, new JsonObject().put("queued", script.size()).encode());
  }

  /** The body is merged over the current settings, so {"errorRate":0.2} changes only that. */
  private void settingsOverHttp(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      error(ctx, "the body must be a JSON object like the fakeLlm configuration section");
      return;
    }
    try {
      FakeLlmSettings next = FakeLlmSettings.fromJson(settings().toJson().mergeIn(body, true));
      settings(next);
      send(ctx.response(), 200, next.toJson().encode());
    } catch (IllegalArgumentException e) {
      error(ctx, e.getMessage());
    }
  }

  private static void error(RoutingContext ctx, String message) {
    send(ctx.response(), 400, new JsonObject().put("error", message).encode());
  }

  private static void fail(HttpServerResponse res, Failure failure) {
    failure.headers().forEach(res::putHeader);
    send(res, failure.status(), failure.body().encode());
  }

  /** A reply due after the latency may find its client gone, or the server stopped. */
  private static void send(HttpServerResponse res, int status, String json) {
    if (!res.closed() && !res.ended()) {
      res.setStatusCode(status).putHeader("content-type", "application/json").end(json);
    }
  }
}
