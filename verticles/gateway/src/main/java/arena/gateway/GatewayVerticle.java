package arena.gateway;

import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.KafkaClients;
import arena.shared.ops.ArenaHealth;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventConsumer.Start;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.PoisonRecordException;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The players' door: an HTTP API and an event-bus bridge in front of Kafka. The instances of a JVM share the port,
 * one projection of every match and the pending replies ({@link Shares}); each reads, projects and pushes its share
 * of the partitions. After a start an instance listens at once but answers for matches (and counts as deployed and
 * healthy) only once the projection has read match-state as far as it went at the start, in every share.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final long DEFAULT_REPLY_TIMEOUT_MS = 10_000;
  /** Each instance's readiness check on the health endpoints: gateway/&lt;instance&gt;. */
  static final String HEALTH = "gateway/";
  private static final Duration TARGETS_TIMEOUT = Duration.ofSeconds(30);
  private static final long TARGETS_RETRY_MS = 1000;

  private EventPublisher publisher;
  private EventConsumer consumer;
  private HttpServer server;
  private Projection projection;
  private KafkaCommands commands;
  private Pusher pusher;
  private MessageConsumer<Object> bridgeCommands;
  private KafkaEventLog eventLog;
  private ClientLimits limits;
  private CatchUp catchUp;
  private Shares.Share share;
  private String name;
  private volatile boolean stopped;

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    long timeoutMs = replyTimeoutMs(cfg);
    publisher = EventPublisher.create(vertx, cfg, KafkaCommands.SOURCE);
    share = Shares.take(vertx, cfg.integer("instances.gateway"));
    projection = share.projection();
    // Named by share, so names (and metric labels) stay the same from start to start.
    name = "gateway-" + (share.number() + 1);
    Promise<Void> caughtUp = Promise.promise();
    catchUp = new CatchUp(() -> {
      projection.caughtUp(share.number());
      caughtUp.tryComplete();
    });
    commands = new KafkaCommands(vertx, publisher::publish, projection, timeoutMs, share.shares().replies);
    // The player port's /health and the admin's /ready are DOWN until every instance has caught up and its bridge
    // takes commands.
    ArenaHealth.readiness(vertx).register(HEALTH + name, promise -> promise.complete(readiness()));
    consumer = EventConsumer.everyPartition(vertx, cfg, name,
        Map.of(Topic.MATCH_STATE, Start.EARLIEST, Topic.MATCH_EVENTS, Start.LATEST), publisher, this::onRecord)
        // Of the match events, only the replies to its commands: the rest are views' business, read as match-state.
        .only(Set.of(MatchState.class, MatchEvent.CommandAccepted.class, MatchEvent.CommandRejected.class))
        .share(share.number(), share.shares().count);
    Clock clock = Clock.systemUTC();
    pusher = new Pusher(vertx, clock);
    Requests requests = new Requests(Requests.Limits.of(cfg));
    PlayerActions actions = new PlayerActions(requests, projection, commands, clock);
    limits = new ClientLimits(vertx, cfg, projection, requests);
    eventLog = new KafkaEventLog(vertx, cfg);
    GatewayApi api = new GatewayApi(vertx, actions, eventLog, clock, new Bridge(vertx, projection, limits), limits,
        new Idempotency(vertx, cfg));
    bridgeCommands = new BridgeCommands(actions).listen(vertx);
    int port = cfg.integer("http.port");
    String host = cfg.string("http.host");
    return bridgeCommands.completion()
        .compose(v -> consumer.start())
        .compose(v -> vertx.createHttpServer(GatewayApi.serverOptions(cfg)).requestHandler(api.router())
            .listen(port, host))
        .compose(s -> {
          server = s;
          log.info("{} listening on http://{}:{}, catching up with its share of match-state", name, host,
              s.actualPort());
          findTargets(cfg);
          // Deployed once caught up: until then the port answers, but only that it is not ready.
          return caughtUp.future();
        })
        .onSuccess(v -> log.info("{} caught up: {} matches in the JVM's projection", name, projection.size()));
  }

  /** Ready once caught up with match-state and listening for the bridge's commands. */
  private Status readiness() {
    boolean bridge = bridgeCommands != null && bridgeCommands.isRegistered();
    if (projection.ready() && bridge) {
      return Status.OK();
    }
    JsonObject detail = new JsonObject().put("bridge", bridge ? "UP" : "DOWN");
    if (!catchUp.done()) {
      detail.put("catchingUp", "reading match-state").put("partitionsBehind", catchUp.behind());
    } else if (!projection.ready()) {
      detail.put("catchingUp", "other instances are reading match-state");
    }
    return Status.KO(detail);
  }

  /** Where this share of match-state ends now; tried again until the broker tells. */
  private void findTargets(ArenaConfig cfg) {
    vertx.<Map<Integer, Long>>executeBlocking(() -> {
      Map<String, Object> props = new HashMap<>(KafkaClients.standalone(cfg, name + "-catch-up"));
      try (KafkaConsumer<String, String> probe = new KafkaConsumer<>(props)) {
        return CatchUp.lastRecords(probe, cfg.topic(Topic.MATCH_STATE), Topic.MATCH_STATE, share.number(),
            share.shares().count, TARGETS_TIMEOUT);
      }
    }, false).onSuccess(catchUp::targets).onFailure(t -> {
      log.warn("{}: cannot tell where match-state ends yet, trying again: {}", name, t.toString());
      if (!stopped) {
        vertx.setTimer(TARGETS_RETRY_MS, id -> findTargets(cfg));
      }
    });
  }

  private Future<Void> onRecord(Received received) {
    try {
      if (received.topic() == Topic.MATCH_STATE) {
        onState(received);
        catchUp.handled(received.partition(), received.offset());
      } else if (!received.tombstone()) {
        commands.onReply(received.envelope());
      }
    } catch (RuntimeException e) {
      // Only memory is touched here: a record that breaks it would break it on every retry.
      return Future.failedFuture(new PoisonRecordException("cannot apply record " + received.topic() + "-"
          + received.partition() + "@" + received.offset() + ": " + e, e));
    }
    return Future.succeededFuture();
  }

  private void onState(Received received) {
    if (received.tombstone()) {
      // The Match Service forgot a match that ended a while ago: so do we.
      if (received.key() != null && projection.drop(received.key())) {
        limits.forget(received.key());
      }
    } else if (received.payload() instanceof MatchState state && state.matchId() != null
        && projection.apply(state)) {
      pusher.changed(state);
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (name != null) {
      ArenaHealth.readiness(vertx).unregister(HEALTH + name);
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> bridgeCommands == null ? Future.succeededFuture() : bridgeCommands.unregister())
        .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.stop())
        .eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close())
        .eventually(() -> eventLog == null ? Future.succeededFuture() : eventLog.close())
        .eventually(() -> {
          if (share != null) {
            Shares.giveBack(vertx, share);
          }
          return Future.succeededFuture();
        });
  }

  private static long replyTimeoutMs(ArenaConfig cfg) {
    try {
      return cfg.longValue("gateway.replyTimeoutMs");
    } catch (RuntimeException e) {
      return DEFAULT_REPLY_TIMEOUT_MS;
    }
  }
}
