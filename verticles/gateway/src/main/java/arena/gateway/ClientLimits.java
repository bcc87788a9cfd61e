package arena.gateway;

import arena.shared.config.ArenaConfig;
import arena.shared.state.MatchState;
import arena.shared.state.MatchState.Status;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What one client (a remote address) may do at once: requests per kind (token buckets), robots held by its live
 * matches (a share of the pool), and bridge sockets. Every gateway instance of a Vert.x counts into the same
 * clients, so {@code --instances gateway=N} gives nobody N times the limits. Settings in {@link LimitSettings};
 * with {@code enabled} false, everything is allowed and nothing is counted.
 */
public final class ClientLimits {
  /** What a client's requests are counted as. */
  public enum Kind { CREATE, JOIN, QUICK_PLAY, ACTION }

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final Map<Vertx, Clients> SHARED = new WeakHashMap<>();

  /** One client's buckets and the robot seats of its matches (matchId, or a reservation's key, to seats). */
  private static final class Client {
    final Map<Kind, TokenBucket> buckets = new EnumMap<>(Kind.class);
    final Map<String, Integer> matches = new HashMap<>();
  }

  /**
   * The state shared by the gateway instances of one Vert.x. Sockets are counted while open, so never expire. Owners
   * (matchId to client) find the client of a match that is forgotten.
   */
  private record Clients(Cache<String, Client> cache, Map<String, Integer> sockets, Map<String, String> owners) {
    static Clients of(LimitSettings settings, LongSupplier nanoTime) {
      return new Clients(Caffeine.newBuilder().maximumSize(settings.clients()).ticker(nanoTime::getAsLong)
          .expireAfterAccess(Duration.ofMinutes(settings.idleMinutes())).build(), new ConcurrentHashMap<>(),
          new ConcurrentHashMap<>());
    }
  }

  /** Robots set aside for a match being created; settle it with the match's id, or cancel it. */
  public record Reservation(String client, String key) {}

  private final LimitSettings settings;
  private final int poolSize;
  private final Projection projection;
  private final Requests requests;
  private final LongSupplier nanoTime;
  private final Clients clients;

  /** Shares its clients with every other gateway instance of {@code vertx}. */
  public ClientLimits(Vertx vertx, ArenaConfig cfg, Projection projection, Requests requests) {
    this(LimitSettings.of(cfg), poolSize(cfg), projection, requests, System::nanoTime, shared(vertx, cfg));
  }

  /** Clients of its own, on {@code nanoTime}: for tests. */
  ClientLimits(LimitSettings settings, int poolSize, Projection projection, Requests requests, LongSupplier nanoTime) {
    this(settings, poolSize, projection, requests, nanoTime, Clients.of(settings, nanoTime));
  }

  private ClientLimits(LimitSettings settings, int poolSize, Projection projection, Requests requests,
      LongSupplier nanoTime, Clients clients) {
    this.settings = settings;
    this.poolSize = poolSize;
    this.projection = projection;
    this.requests = requests;
    this.nanoTime = nanoTime;
    this.clients = clients;
  }

  private static synchronized Clients shared(Vertx vertx, ArenaConfig cfg) {
    return SHARED.computeIfAbsent(vertx, v -> Clients.of(LimitSettings.of(cfg), System::nanoTime));
  }

  /** What the robot pool may hold: it starts at the sum of {@code pool.robots} and scales up to its maxTotal. */
  static int poolSize(ArenaConfig cfg) {
    int starting = cfg.object("pool.robots").stream().mapToInt(e -> ((Number) e.getValue()).intValue()).sum();
    return Math.max(starting, cfg.integer("pool.scaling.maxTotal"));
  }

  public LimitSettings settings() {
    return settings;
  }

  /** Who is asking: the remote address, without its port. */
  public static String client(SocketAddress remote) {
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }

  /** Takes a request of {@code kind} from the client's bucket: empty if it may go on, else seconds to wait. */
  public OptionalLong take(String client, Kind kind) {
    if (!settings.enabled()) {
      return OptionalLong.empty();
    }
    TokenBucket bucket;
    Client state = clients.cache().get(client, c -> new Client());
    synchronized (state) {
      bucket = state.buckets.computeIfAbsent(kind, k -> bucket(rate(k)));
    }
    if (bucket.tryTake()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (bucket.nanosToNext() + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND));
  }

  /** Sets robots aside for a new match made from {@code body}; 429 when the client would hold too many. */
  public Reservation reserveCreate(String client, String body) {
    return reserve(client, requests.settings(body).robots());
  }

  /** As {@link #reserveCreate}, for quick play: a quick-play match may start with its one human and robots. */
  public Reservation reserveQuickPlay(String client) {
    return reserve(client, requests.quickPlay().seats() - 1);
  }

  private Reservation reserve(String client, int robots) {
    String key = "reserved-" + UUID.randomUUID();
    if (!settings.enabled()) {
      return new Reservation(client, key);
    }
    int most = (int) Math.floor(settings.robotShare() * poolSize);
    Client state = clients.cache().get(client, c -> new Client());
    synchronized (state) {
      int held = held(state);
      if (held + robots > most) {
        throw new ApiError(429, "too many robots at once: your live matches hold " + held + " robots and this one needs "
            + robots + "; one player may hold at most " + most + " of the " + poolSize
            + " robots; finish a match first");
      }
      state.matches.put(key, robots);
    }
    return new Reservation(client, key);
  }

  /** The reservation's robots now belong to {@code matchId}, counted until it is over. */
  public void settle(Reservation reservation, String matchId) {
    Client state = clients.cache().getIfPresent(reservation.client());
    if (state != null) {
      synchronized (state) {
        Integer robots = state.matches.remove(reservation.key());
        if (robots != null) {
          state.matches.merge(matchId, robots, Math::max);
          clients.owners().put(matchId, reservation.client());
        }
      }
    }
  }

  /**
   * The match is forgotten (it ended a while ago): it holds no robots. Without this, a match our copy no longer
   * knows would look like one it has not seen yet and count for ever.
   */
  public void forget(String matchId) {
    String owner = clients.owners().remove(matchId);
    Client state = owner == null ? null : clients.cache().getIfPresent(owner);
    if (state != null) {
      synchronized (state) {
        state.matches.remove(matchId);
      }
    }
  }

  /** The match was not made: its robots are free again. */
  public void cancel(Reservation reservation) {
    Client state = clients.cache().getIfPresent(reservation.client());
    if (state != null) {
      synchronized (state) {
        state.matches.remove(reservation.key());
      }
    }
  }

  /** Robot seats of the client's live matches, forgetting those that are over. Called holding {@code state}. */
  private int held(Client state) {
    int held = 0;
    for (Iterator<Map.Entry<String, Integer>> it = state.matches.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Integer> entry = it.next();
      // A reservation, or a match our copy has not seen yet, counts what it asked for.
      Optional<MatchState> match = projection.match(entry.getKey());
      if (match.isPresent() && match.get().status() != Status.WAITING && match.get().status() != Status.RUNNING) {
        it.remove();
        clients.owners().remove(entry.getKey());
      } else {
        held += match.map(ClientLimits::robotSeats).orElse(entry.getValue());
      }
    }
    return held;
  }

  /** A quick-play match fills its empty human seats with robots when its lobby closes. */
  static int robotSeats(MatchState match) {
    return match.settings().quickPlay()
        ? match.settings().seats() - Math.max(1, match.players().size())
        : match.settings().robots();
  }

  /** Counts a new bridge socket of {@code client}; false (nothing counted) when it has too many open. */
  public boolean openSocket(String client) {
    if (!settings.enabled()) {
      return true;
    }
    boolean[] opened = {false};
    clients.sockets().compute(client, (c, open) -> {
      int now = open == null ? 0 : open;
      opened[0] = now < settings.socketsPerClient();
      return opened[0] ? (Integer) (now + 1) : open;
    });
    return opened[0];
  }

  /** A socket counted by {@link #openSocket} closed. */
  public void closeSocket(String client) {
    clients.sockets().computeIfPresent(client, (c, open) -> open <= 1 ? null : open - 1);
  }

  /** Whether a socket listening at {@code registered} addresses may listen at one more. */
  public boolean mayRegister(int registered) {
    return !settings.enabled() || registered < settings.registrationsPerSocket();
  }

  private LimitSettings.Rate rate(Kind kind) {
    return switch (kind) {
      case CREATE -> settings.creates();
      case JOIN -> settings.joins();
      case QUICK_PLAY -> settings.quickPlay();
      case ACTION -> settings.actions();
    };
  }

  private TokenBucket bucket(LimitSettings.Rate rate) {
    return new TokenBucket(rate.burst(), rate.perMinute() / 60, nanoTime);
  }
}
