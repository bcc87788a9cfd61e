package arena.gateway;

import arena.shared.config.ArenaConfig;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The {@code Idempotency-Key} header of a POST: the same key from the same caller within the window gets the
 * first call's outcome again instead of a second run. Every gateway instance of a Vert.x shares the same keys.
 * Only outcomes the caller could not change by trying again are remembered: 2xx and 4xx but 429.
 */
public final class Idempotency {
  public static final String HEADER = "Idempotency-Key";
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Map<Vertx, Cache<String, Call>> SHARED = new WeakHashMap<>();

  /**
   * The {@code gateway.idempotency} section.
   *
   * @param windowSeconds how long a key is remembered after its first call
   * @param keys          how many keys are remembered at once; beyond that, some are forgotten early
   */
  public record Settings(int windowSeconds, int keys) {
    public static Settings of(ArenaConfig cfg) {
      return cfg.bind("gateway.idempotency", Settings.class);
    }
  }

  /** What a call answered: its status and its JSON body. */
  public record Outcome(int status, String body) {
    boolean remembered() {
      return status < 500 && status != 429;
    }
  }

  /** A call under a key: what it asked for, and its outcome once known (null: not remembered, run it again). */
  record Call(String request, Promise<Outcome> outcome) {}

  /** What to do with a request: run it and {@link #settle} the ticket, or answer with the earlier outcome. */
  sealed interface Verdict {}

  /** The first call under its key: run it, then settle. */
  record Run(Ticket ticket) implements Verdict {}

  /** The same call seen before: answer with its outcome, or run it when it was not remembered (null). */
  record Replay(Future<Outcome> outcome) implements Verdict {}

  /** What a first call is settled with: its key and its call. */
  record Ticket(String key, Call call) {}

  private final Cache<String, Call> calls;

  /** Shares its keys with every other gateway instance of {@code vertx}. */
  public Idempotency(Vertx vertx, ArenaConfig cfg) {
    this(shared(vertx, Settings.of(cfg)));
  }

  /** Keys of its own, on {@code nanoTime}: for tests. */
  Idempotency(Settings settings, LongSupplier nanoTime) {
    this(cache(settings, nanoTime));
  }

  private Idempotency(Cache<String, Call> calls) {
    this.calls = calls;
  }

  private static Cache<String, Call> cache(Settings settings, LongSupplier nanoTime) {
    return Caffeine.newBuilder().maximumSize(settings.keys()).ticker(nanoTime::getAsLong)
        .expireAfterWrite(Duration.ofSeconds(settings.windowSeconds())).build();
  }

  private static synchronized Cache<String, Call> shared(Vertx vertx, Settings settings) {
    return SHARED.computeIfAbsent(vertx, v -> cache(settings, System::nanoTime));
  }

  /**
   * The verdict for {@code key} (the header, valid or not) from {@code caller} (its address, and its
   * Authorization header when it has one, so that players behind one address never share keys), asking
   * {@code request} (method, path and body). 400 for a malformed key, 422 for a key reused for another request.
   */
  public Verdict check(String key, String caller, String request) {
    if (!KEY.matcher(key).matches()) {
      throw ApiError.badRequest(HEADER + " must be 1 to 128 visible ASCII characters");
    }
    String id = Tokens.hash(caller + '\n' + key);
    String asked = Tokens.hash(request);
    Call mine = new Call(asked, Promise.promise());
    Call first = calls.asMap().putIfAbsent(id, mine);
    if (first == null) {
      return new Run(new Ticket(id, mine));
    }
    if (!first.request().equals(asked)) {
      throw new ApiError(422, HEADER + " was already used for a different request: use a new key");
    }
    return new Replay(first.outcome().future());
  }

  /** Remembers the first call's outcome, or forgets the key when it is worth trying again (null: no outcome). */
  public void settle(Ticket ticket, Outcome outcome) {
    Call call = ticket.call();
    if (call.outcome().future().isComplete()) {
      return;
    }
    if (outcome == null || !outcome.remembered()) {
      calls.asMap().remove(ticket.key(), call);
      call.outcome().tryComplete(null);
    } else {
      call.outcome().tryComplete(outcome);
    }
  }
}
