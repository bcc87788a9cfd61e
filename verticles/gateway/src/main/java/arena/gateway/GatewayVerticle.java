package arena.gateway;

import arena.shared.config.ArenaConfig;
import arena.shared.kafka.EventConsumer;
import arena.shared.kafka.EventConsumer.Start;
import arena.shared.kafka.EventPublisher;
import arena.shared.kafka.Received;
import arena.shared.kafka.Topic;
import arena.shared.state.MatchState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The players' door: an HTTP API and an event-bus bridge in front of Kafka. Each instance keeps its own
 * projection of every match and its own pending replies; several instances may share the port, and one of them
 * per JVM pushes views to the bridge.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final long DEFAULT_REPLY_TIMEOUT_MS = 10_000;

  private EventPublisher publisher;
  private EventConsumer consumer;
  private HttpServer server;
  private Projection projection;
  private KafkaCommands commands;
  private Pusher pusher;
  private MessageConsumer<Object> bridgeCommands;
  private KafkaEventLog eventLog;
  private ClientLimits limits;

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    long timeoutMs = replyTimeoutMs(cfg);
    publisher = EventPublisher.create(vertx, cfg, KafkaCommands.SOURCE);
    projection = new Projection();
    commands = new KafkaCommands(vertx, publisher::publish, projection, timeoutMs);
    String name = "gateway-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = EventConsumer.everyPartition(vertx, cfg, name,
        Map.of(Topic.MATCH_STATE, Start.EARLIEST, Topic.MATCH_EVENTS, Start.LATEST), publisher, this::onRecord);
    Clock clock = Clock.systemUTC();
    pusher = new Pusher(vertx, name, clock);
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
        .onSuccess(s -> {
          server = s;
          log.info("{} listening on http://{}:{}", name, host, s.actualPort());
        });
  }

  private Future<Void> onRecord(Received received) {
    if (received.tombstone()) {
      // The Match Service forgot a match that ended a while ago: so do we.
      if (received.topic() == Topic.MATCH_STATE && received.key() != null && projection.drop(received.key())) {
        limits.forget(received.key());
      }
    } else if (received.payload() instanceof MatchState state) {
      if (state.matchId() != null && projection.apply(state)) {
        pusher.changed(state);
      }
    } else {
      commands.onReply(received.envelope());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (pusher != null) {
      pusher.release();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> bridgeCommands == null ? Future.succeededFuture() : bridgeCommands.unregister())
        .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.stop())
        .eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close())
        .eventually(() -> eventLog == null ? Future.succeededFuture() : eventLog.close());
  }

  private static long replyTimeoutMs(ArenaConfig cfg) {
    try {
      return cfg.longValue("gateway.replyTimeoutMs");
    } catch (RuntimeException e) {
      return DEFAULT_REPLY_TIMEOUT_MS;
    }
  }
}
