package arena.robot;

import io.netty.channel.EventLoop;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Robots backed by an LLM over HTTP, in the {@link Dialect} of OpenAI or Anthropic. Each exchange is bounded
 * by the request's timeout and the robot's due time, retried with backoff on 429, 5xx and network failures,
 * and counted by a circuit breaker shared by every robot verticle of this Vert.x. A reply saying the rate
 * limits are used up (or a 429) pauses every call of the provider in this Vert.x until the reset. Whatever goes
 * wrong (the breaker is open, the pause outlasts the due time, the reply is late, malformed, empty, betrays the
 * robot or is not one allowed letter), the scripted provider answers instead, so a round never waits on the
 * network.
 */
public final class LlmProvider implements RobotProvider {
  private static final Logger log = LoggerFactory.getLogger(LlmProvider.class);
  private static final double ANSWER_TEMPERATURE = 0.9;
  private static final double VOTE_TEMPERATURE = 0.2;
  private static final String SHARED = "arena.robot.providers";
  private static final String USER_AGENT = "turing-arena-robot";
  /**
   * Connections per HTTP pool at most. Vert.x 5.0's pool looks through every connection it holds on each lease (twice
   * when none is free), which at 2,000 connections in one pool was an eighth of the robots' event loop.
   */
  static final int CONNECTIONS_PER_POOL = 64;

  /** The reply's text and what the call cost. */
  private record Exchange(String text, Reply.Usage usage) {}

  /**
   * One breaker, one rate-limit pause and the calls in hand per pool (in flight or waiting for a connection) per
   * provider, in the Vert.x instance's local shared data.
   */
  record Shared(CircuitBreaker breaker, RatePause pause, AtomicIntegerArray calls) implements Shareable {}

  private final Vertx vertx;
  private final LlmSettings settings;
  private final ScriptedProvider scripted;
  private final Prices prices;
  /**
   * The provider's connections, split into pools of {@link #CONNECTIONS_PER_POOL} at most, each made at its first
   * call: making an HTTP client takes Vert.x's next event loop in turn, and dozens made while the node deploys its
   * roles pushed the next role onto the loop of one before it.
   */
  private final AtomicReferenceArray<HttpClient> pools;
  private final AtomicIntegerArray calls;
  private final CircuitBreaker breaker;
  private final RatePause pause;
  /** One context of no deployment per event loop the calls come from (see {@link #beside}). */
  private final Map<EventLoop, ContextInternal> bareContexts = new ConcurrentHashMap<>();

  public LlmProvider(Vertx vertx, LlmSettings settings, ScriptedProvider scripted, Prices prices) {
    this(vertx, settings, scripted, prices, CONNECTIONS_PER_POOL);
  }

  LlmProvider(Vertx vertx, LlmSettings settings, ScriptedProvider scripted, Prices prices, int connectionsPerPool) {
    this.vertx = vertx;
    this.settings = settings;
    this.scripted = scripted;
    this.prices = prices;
    // Shared by name, so every robot verticle of this Vert.x draws on the same pools, maxConcurrent HTTP/1.1
    // connections together, each carrying one call at a time: the concurrency limit per provider per JVM. A call
    // goes to the pool with the fewest calls in hand, so it waits only when every pool is full, in that pool's FIFO
    // queue, bounded by its connect timeout (the robot's remaining budget).
    // The plain HTTP client, not WebClient: a call is one JSON body out and one back, and on the robots' one event
    // loop WebClient's request and response wrappers were work for nothing.
    this.pools = new AtomicReferenceArray<>((settings.maxConcurrent() + connectionsPerPool - 1) / connectionsPerPool);
    Shared shared = shared(vertx).computeIfAbsent(name(), n ->
        new Shared(newBreaker(vertx, n, settings.breaker()), new RatePause(), new AtomicIntegerArray(pools.length())));
    this.calls = shared.calls();
    this.breaker = shared.breaker();
    this.pause = shared.pause();
  }

  /** The providers this Vert.x has used, by name. */
  static LocalMap<String, Shared> shared(Vertx vertx) {
    return vertx.sharedData().getLocalMap(SHARED);
  }

  private static CircuitBreaker newBreaker(Vertx vertx, String provider, LlmSettings.Breaker s) {
    // One execution is a whole exchange with its retries and timeouts, so the breaker's own timeout, retries
    // and event-bus notifications stay off. Failures count while they come in a row (a success resets them)
    // within the breaker's rolling window.
    return CircuitBreaker.create("llm-" + provider, vertx, new CircuitBreakerOptions()
            .setMaxFailures(s.maxFailures()).setResetTimeout(s.resetTimeoutMs()).setTimeout(-1).setMaxRetries(0)
            .setNotificationAddress(null))
        .openHandler(v -> breakerMoved(provider, "open"))
        .halfOpenHandler(v -> breakerMoved(provider, "half_open"))
        .closeHandler(v -> breakerMoved(provider, "closed"));
  }

  private static void breakerMoved(String provider, String state) {
    RobotMetrics.breaker(provider, state);
    log.warn("the {} circuit breaker is now {}", provider, state);
  }

  @Override
  public String name() {
    return settings.dialect().providerName();
  }

  @Override
  public void close() {
    for (int i = 0; i < pools.length(); i++) {
      HttpClient pool = pools.getAndSet(i, null);
      if (pool != null) {
        pool.close();
      }
    }
  }

  /** The breaker's state, shared by every robot verticle of this Vert.x. */
  public CircuitBreakerState circuit() {
    return breaker.state();
  }

  @Override
  public Future<Reply> answer(AnswerRequest request) {
    Prompts.Conversation conversation = Prompts.answer(request);
    Supplier<Future<Reply>> standIn = () -> scripted.answer(request);
    return exchange(conversation, ANSWER_TEMPERATURE, request.replyBy()).compose(done -> {
      String text = Prompts.clean(done.text());
      if (text.isEmpty()) {
        return standIn("response", "empty", "empty answer", done.usage(), standIn);
      }
      if (RevealGuard.betrays(text, conversation.system())) {
        RobotMetrics.revealBlocked(name(), request.persona().type());
        return standIn("response", "reveal", "the answer would give the robot away", done.usage(), standIn);
      }
      return Future.succeededFuture(new Reply(text, done.usage(), false));
    }, t -> standIn("response", reasonOf(t), describe(t), null, standIn));
  }

  @Override
  public Future<Reply> vote(VoteRequest request) {
    if (request.allowedLetters().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("no letter to vote for"));
    }
    Supplier<Future<Reply>> standIn = () -> scripted.vote(request);
    return exchange(Prompts.vote(request), VOTE_TEMPERATURE, request.replyBy()).compose(done ->
        Prompts.parseVote(done.text(), request.allowedLetters())
            .map(letter -> Future.succeededFuture(new Reply(letter, done.usage(), false)))
            .orElseGet(() -> standIn("vote", "unparseable", "the vote is not one allowed letter", done.usage(),
                standIn)),
        t -> standIn("vote", reasonOf(t), describe(t), null, standIn));
  }

  private Future<Reply> standIn(String kind, String reason, String detail, Reply.Usage usage,
      Supplier<Future<Reply>> standIn) {
    RobotMetrics.fallback(name(), reason);
    log.warn("{} {} failed ({}), the scripted provider stands in", name(), kind, redact(detail));
    return standIn.get().map(r -> new Reply(r.text(), usage, true));
  }

  private Future<Exchange> exchange(Prompts.Conversation conversation, double temperature, long replyBy) {
    if (replyBy - System.currentTimeMillis() < Backoff.MIN_ATTEMPT_MS) {
      // Not the provider's fault: the breaker does not hear about it.
      return Future.failedFuture(new LlmException("deadline", "no time left for a call"));
    }
    JsonObject body = settings.dialect().body(settings, conversation, temperature);
    // Nor is waiting out the rate limits: the breaker hears only about calls made.
    return afterPause(replyBy)
        .compose(v -> breaker.<Dialect.Completion>execute(() -> attempt(body, replyBy, 0)))
        .map(c -> new Exchange(c.text(), new Reply.Usage(settings.model(), c.inputTokens(), c.outputTokens(),
            prices.costUsd(settings.model(), c.inputTokens(), c.outputTokens()))));
  }

  /** One HTTP call, then a retry after the wait {@link Backoff} allows, as long as the due time permits. */
  private Future<Dialect.Completion> attempt(JsonObject body, long replyBy, int retry) {
    long timeout = Math.max(1, Math.min(settings.timeoutMs(), replyBy - System.currentTimeMillis()));
    // The connect timeout bounds the wait for a pooled connection, the idle timeout a silent one.
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(settings.baseUrl() + settings.dialect().path())
        .setConnectTimeout(timeout).setIdleTimeout(timeout)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    settings.dialect().authorize(options::putHeader, settings.apiKey());
    return beside(() -> {
          int pool = leastBusy(calls);
          calls.incrementAndGet(pool);
          return pool(pool).request(options)
              .compose(request -> request.send(body.toBuffer()))
              .compose(response -> response.body().map(b -> read(response.statusCode(), response::getHeader, b)))
              .andThen(done -> calls.decrementAndGet(pool));
        })
        // this one bounds a reply that trickles in
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .recover(t -> {
          long now = System.currentTimeMillis();
          UnaryOperator<String> headers = t instanceof LlmException e ? e.headers : name -> null;
          OptionalLong wait = Backoff.nextWait(t instanceof LlmException e ? e.status : 0, headers, retry,
              settings.retries(), now, replyBy - now, ThreadLocalRandom.current()::nextDouble);
          if (wait.isEmpty()) {
            return Future.failedFuture(t);
          }
          RobotMetrics.retry(name(), reasonOf(t));
          log.debug("{} call failed ({}), retry {} in {} ms", name(), redact(describe(t)), retry + 1,
              wait.getAsLong());
          return vertx.timer(Math.max(1, wait.getAsLong()))
              .compose(v -> afterPause(replyBy))
              .compose(v -> attempt(body, replyBy, retry + 1));
        });
  }

  /** Pool {@code i}, made now if this is its first call. */
  private HttpClient pool(int i) {
    HttpClient pool = pools.get(i);
    if (pool == null) {
      int n = pools.length();
      int max = settings.maxConcurrent();
      pool = vertx.createHttpClient(
          new HttpClientOptions().setShared(true).setName("arena-llm-" + name() + "-" + i).setKeepAlive(true)
              .setPipelining(false),
          new PoolOptions().setHttp1MaxSize(max / n + (i < max % n ? 1 : 0)));
      if (!pools.compareAndSet(i, null, pool)) {
        pool.close();
        pool = pools.get(i);
      }
    }
    return pool;
  }

  /** The pool with the fewest calls in hand (the first of them). */
  static int leastBusy(AtomicIntegerArray calls) {
    int least = 0;
    for (int i = 1; i < calls.length(); i++) {
      if (calls.get(i) < calls.get(least)) {
        least = i;
      }
    }
    return least;
  }

  /**
   * Runs {@code call} on a context that belongs to no deployment, carrying the caller's trace, on an event loop other
   * than the caller's, and completes on the caller's context. Why no deployment: Vert.x 5.0 makes a context for every
   * request it leases a connection to, and one made from a verticle's context copies the verticle's whole
   * configuration, which was a sixth of the robots' event loop at 2,000 calls in flight. Why another loop: the robot
   * verticle's loop also consumes the commands and publishes the answers, and replies queued behind that work.
   */
  private <T> Future<T> beside(Supplier<Future<T>> call) {
    ContextInternal caller = ContextInternal.current();
    if (caller == null || caller.deployment() == null) {
      return call.get();
    }
    ContextInternal bare = bareContexts.computeIfAbsent(caller.nettyEventLoop(),
        loop -> ((VertxInternal) vertx).contextBuilder().withEventLoop(besides(loop)).build()).duplicate();
    VertxContextStorageProvider.VertxContextStorage.INSTANCE.attach(bare, io.opentelemetry.context.Context.current());
    // Bound to the caller's context, so what follows (the timeout among it) runs there.
    Promise<T> back = caller.promise();
    bare.dispatch(v -> {
      Future<T> called;
      try {
        called = call.get();
      } catch (RuntimeException e) {
        called = Future.failedFuture(e);
      }
      called.onComplete(ar -> {
        if (caller.inThread()) {
          caller.emit(ar, back::handle);
        } else {
          caller.execute(ar, back::handle);
        }
      });
    });
    return back.future();
  }

  /**
   * An event loop for the calls of {@code loop}'s callers: one no deployed verticle runs on (the node has twice the
   * loops its instances take), chosen by the caller's loop so that several robot instances spread over them; any
   * other than {@code loop} when all are taken; {@code loop} itself when it is the only one.
   */
  private EventLoop besides(EventLoop loop) {
    VertxInternal internal = (VertxInternal) vertx;
    Set<EventLoop> taken = new HashSet<>();
    internal.deploymentManager().deployments().forEach(d -> d.deployment().contexts()
        .forEach(c -> taken.add(((ContextInternal) c).nettyEventLoop())));
    List<EventLoop> all = new ArrayList<>();
    internal.nettyEventLoopGroup().forEach(e -> all.add((EventLoop) e));
    List<EventLoop> free = all.stream().filter(e -> !taken.contains(e) && e != loop).toList();
    List<EventLoop> others = free.isEmpty() ? all.stream().filter(e -> e != loop).toList() : free;
    return others.isEmpty() ? loop : others.get(Math.max(0, all.indexOf(loop)) % others.size());
  }

  /**
   * Completes once this provider's rate-limit pause is over (at once when there is none), on a timer; fails
   * "rate_limited" when the pause would outlast the robot's due time, so that it does not call at all.
   */
  private Future<Void> afterPause(long replyBy) {
    long now = System.currentTimeMillis();
    long wait = pause.remainingMs(now);
    if (wait == 0) {
      return Future.succeededFuture();
    }
    if (now + wait + Backoff.MIN_ATTEMPT_MS > replyBy) {
      return Future.failedFuture(new LlmException("rate_limited", "rate limits used up until after the due time"));
    }
    // Looked at again after the wait: another reply may have extended the pause meanwhile.
    return vertx.timer(wait).compose(v -> afterPause(replyBy));
  }

  /** Any reply may say the budget is used up; then every call of this provider waits for the reset. */
  private void heedRateLimits(int status, UnaryOperator<String> header) {
    long now = System.currentTimeMillis();
    OptionalLong wait = Backoff.pauseMs(status, header, now);
    if (wait.isPresent() && pause.extend(now, now + wait.getAsLong())) {
      RobotMetrics.paused(name());
      log.debug("{} rate limits are used up: its calls wait {} ms", name(), wait.getAsLong());
    }
  }

  private Dialect.Completion read(int status, UnaryOperator<String> header, Buffer body) {
    heedRateLimits(status, header);
    if (status != 200) {
      throw LlmException.http(status, header);
    }
    String type = header.apply("content-type");
    boolean streamed = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    return settings.dialect().read(body.toString(), streamed);
  }

  private static String reasonOf(Throwable t) {
    if (t instanceof LlmException e) {
      return e.reason;
    }
    if (t instanceof OpenCircuitException) {
      return "breaker_open";
    }
    return t instanceof TimeoutException ? "timeout" : "connection";
  }

  private static String describe(Throwable t) {
    if (t instanceof LlmException || t instanceof OpenCircuitException) {
      return t.getMessage();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** Belt and braces: no message that leaves this class may carry the key. */
  private String redact(String text) {
    String key = settings.apiKey();
    return text == null || key == null || key.isEmpty() ? text : text.replace(key, "***");
  }
}
