package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.match.MatchVerticle;
import arena.robot.RobotVerticle;
import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.Topic;
import arena.shared.ops.Tracing;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One round is one trace across the roles, and log lines written while handling a record name it. */
class TracingTest {
  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("arena.service");

  @Test
  void aRoundIsOneTraceAcrossGatewayMatchServiceOrchestratorAndRobots() throws Exception {
    // Given an SDK that keeps its spans in memory, and the log lines of the arena's classes
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = inMemory(exported);
    Tracing.install(sdk);
    ListAppender<ILoggingEvent> lines = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent line) {
        line.prepareForDeferredProcessing(); // takes the MDC now, on the thread that logged
        super.append(line);
      }
    };
    lines.list = new java.util.concurrent.CopyOnWriteArrayList<>(); // written on event loops, read here
    Logger arenaLogs = (Logger) LoggerFactory.getLogger("arena");
    lines.start();
    arenaLogs.addAppender(lines);
    try (TestArena arena = TestArena.start()) {
      // And a robots request the orchestrator finds invalid, sent in a trace of its own
      String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      MatchEvent.RobotsNeeded bad = new MatchEvent.RobotsNeeded("m-traced", 1, 3, List.of(), List.of(),
          "m-traced/round-1");
      produce(arena.arenaConfig(), Topic.MATCH_EVENTS, "m-traced",
          Json.write(Envelope.of("round.robots_needed", "test", "m-traced", bad, "corr-traced", null)),
          "00-" + traceId + "-00f067aa0ba902b7-01");

      // When a human plays a one-round match against robots
      String matchId = arena.api.createMatch(new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1));
      Play ann = new Play(arena.api, matchId, "Ann");
      ann.playRound(1, "Umbrellas are overrated.");
      ann.awaitCompleted();

      // Then the round's trace holds the gateway's span of Ann's answer and the work of every role it caused
      String round = Tracing.round(matchId, 1).getSpanContext().getTraceId();
      long deadline = System.nanoTime() + 20_000_000_000L;
      List<SpanData> inRound;
      Set<String> groups;
      do {
        inRound = exported.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(round)).toList();
        groups = inRound.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).map(s -> s.getAttributes().get(GROUP))
            .collect(Collectors.toSet());
        Thread.sleep(100);
      } while (!groups.containsAll(Set.of(MatchVerticle.SERVICE, "robot-orchestrator", RobotVerticle.GROUP))
          && System.nanoTime() < deadline);
      assertThat(groups).contains(MatchVerticle.SERVICE, "robot-orchestrator", RobotVerticle.GROUP);
      assertThat(inRound).anySatisfy(s -> {
        assertThat(s.getName()).isEqualTo("gateway response.submit");
        assertThat(s.getAttributes().get(SERVICE)).isEqualTo("gateway");
      });
      assertThat(inRound).anySatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.PRODUCER));
      // And what the robots and the orchestrator published reached the Match Service in the same trace
      assertThat(inRound).anySatisfy(s -> {
        assertThat(s.getName()).isEqualTo("robot-responses process");
        assertThat(s.getAttributes().get(GROUP)).isEqualTo(MatchVerticle.SERVICE);
      });
      assertThat(inRound).anySatisfy(s -> {
        assertThat(s.getName()).isEqualTo("robot-orchestration-events process");
        assertThat(s.getAttributes().get(GROUP)).isEqualTo(MatchVerticle.SERVICE);
      });
      // And the next round (none here) or the lobby are not in it: another match's trace differs
      assertThat(Tracing.round(matchId, 2).getSpanContext().getTraceId()).isNotEqualTo(round);

      // And the warning written while parking the invalid request names its correlation, match and trace
      assertThat(lines.list).anySatisfy(line -> {
        assertThat(line.getFormattedMessage()).contains("parking record");
        assertThat(line.getMDCPropertyMap()).containsEntry(Tracing.CORRELATION_ID, "corr-traced")
            .containsEntry(Tracing.MATCH_ID, "m-traced").containsEntry(Tracing.TRACE_ID, traceId);
      });
    } finally {
      arenaLogs.detachAppender(lines);
      Tracing.uninstall();
      sdk.close();
    }
  }

  @Test
  void theCallersTraceparentComesInThroughTheHttpApiAndTheBridge() throws Exception {
    // Given an SDK that keeps its spans in memory, and a browser's end of the bridge
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = inMemory(exported);
    Tracing.install(sdk);
    Vertx client = Vertx.vertx();
    WebSocketClient sockets = client.createWebSocketClient();
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    try (TestArena arena = TestArena.start()) {
      String created = "11111111111111111111111111111111";
      String answered = "22222222222222222222222222222222";
      String voted = "33333333333333333333333333333333";

      // When a match is created over HTTP with a traceparent
      GameApi.Response create = arena.api.send("POST", "/api/matches", null,
          new JsonObject().put("seats", 3).put("humans", 1).put("rounds", 1).encode(),
          Map.of("Content-Type", "application/json", "traceparent", traceparent(created)));
      assertThat(create.status()).isEqualTo(201);
      String matchId = create.json().getString("matchId");

      // Then the gateway's span of the command continues the caller's trace
      awaitSpan(exported, s -> s.getName().equals("gateway match.create") && s.getTraceId().equals(created));

      // When Ann answers over the bridge and votes over HTTP, each with a traceparent of her own
      Play ann = new Play(arena.api, matchId, "Ann");
      JsonObject view = ann.await(v -> v.getInteger("round", 0) == 1 && "RESPONDING".equals(v.getString("phase")));
      int port = arena.config.getJsonObject("http").getInteger("port");
      try (BridgeTap bridge = BridgeTap.connect(client, sockets, port, (nanos, frame) -> frames.add(frame))) {
        bridge.register("match." + matchId + ".updates", null);
        String replyTo = bridge.send("arena.player.commands",
            new JsonObject().put("token", ann.token).put("traceparent", traceparent(answered)),
            new JsonObject().put("matchId", matchId).put("action", "response").put("round", 1)
                .put("text", "Umbrellas are overrated."));
        JsonObject reply = awaitFrame(frames, f -> replyTo.equals(f.getString("address")));
        assertThat(reply.getJsonObject("body").getInteger("status")).isEqualTo(202);
        view = ann.await(v -> v.getInteger("round", 0) == 1 && "VOTING".equals(v.getString("phase")));
        String me = view.getString("you");
        String letter = view.getJsonArray("participants").stream().map(String::valueOf)
            .filter(l -> !l.equals(me)).findFirst().orElseThrow();
        GameApi.Response vote = arena.api.send("POST", "/api/matches/" + matchId + "/vote", ann.token,
            new JsonObject().put("round", 1).put("identity", letter).encode(),
            Map.of("Content-Type", "application/json", "traceparent", traceparent(voted)));
        assertThat(vote.status()).isEqualTo(202);
        assertThat(vote.headers().map().keySet()).doesNotContain("traceparent", "tracestate");
        JsonObject pushed = awaitFrame(frames, f -> "VOTING".equals(f.getJsonObject("body", new JsonObject())
            .getString("phase")));

        // And nothing the bridge sent (the reply, the pushes) holds anything of a trace
        List<String> sent = new java.util.ArrayList<>(List.of(reply.encode(), pushed.encode()));
        frames.forEach(f -> sent.add(f.encode()));
        String round = Tracing.round(matchId, 1).getSpanContext().getTraceId();
        for (String frame : sent) {
          assertThat(frame).doesNotContain("traceparent", "tracestate", round, answered, voted);
        }
      }

      // Then both actions are spans of the round's trace, each linked to the trace its caller sent
      String round = Tracing.round(matchId, 1).getSpanContext().getTraceId();
      awaitSpan(exported, s -> s.getName().equals("gateway response.submit") && s.getTraceId().equals(round)
          && s.getLinks().stream().anyMatch(l -> l.getSpanContext().getTraceId().equals(answered)));
      awaitSpan(exported, s -> s.getName().equals("gateway vote.submit") && s.getTraceId().equals(round)
          && s.getLinks().stream().anyMatch(l -> l.getSpanContext().getTraceId().equals(voted)));

      // And no view a player saw holds anything of a trace
      for (String seen : ann.viewsBeforeReveal()) {
        assertThat(seen).doesNotContain(round, answered, voted, "traceparent", "traceId");
      }
    } finally {
      client.close();
      Tracing.uninstall();
      sdk.close();
    }
  }

  private static String traceparent(String traceId) {
    return "00-" + traceId + "-00f067aa0ba902b7-01";
  }

  private static void awaitSpan(InMemorySpanExporter exported, Predicate<SpanData> wanted) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (exported.getFinishedSpanItems().stream().noneMatch(wanted)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such span among " + exported.getFinishedSpanItems().stream()
            .map(s -> s.getName() + "@" + s.getTraceId() + " links " + s.getLinks()).toList());
      }
      Thread.sleep(50);
    }
  }

  private static JsonObject awaitFrame(BlockingQueue<JsonObject> frames, Predicate<JsonObject> wanted)
      throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonObject frame = frames.poll(100, TimeUnit.MILLISECONDS);
      if (frame != null && wanted.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("no such frame");
  }

  private static OpenTelemetrySdk inMemory(InMemorySpanExporter exported) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  @Test
  void withoutAnEndpointNoSdkIsInstalled() {
    // Given an environment without OTEL_EXPORTER_OTLP_ENDPOINT
    // When the node would set tracing up
    var sdk = Telemetry.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "x"), List.of("match"));

    // Then there is no SDK, the API stays the no-op one, and nothing records spans
    assertThat(sdk).isEmpty();
    assertThat(Tracing.on()).isFalse();
    assertThat(Tracing.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isFalse();
  }

  @Test
  void withAnEndpointTheSdkIsInstalledForTheJvm() {
    // Given an environment naming an OTLP endpoint
    try {
      // When the node sets tracing up
      var sdk = Telemetry.fromEnvironment(Map.of(Telemetry.ENDPOINT, "http://127.0.0.1:4318"), List.of("match"));

      // Then an SDK records spans
      assertThat(sdk).isPresent();
      assertThat(Tracing.on()).isTrue();
      assertThat(Tracing.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isTrue();
      sdk.get().shutdown();
    } finally {
      Tracing.uninstall();
    }
  }

  @Test
  void theEndpointIsLoggedWithoutCredentials() {
    // Given endpoints carrying a user's password or a token, When logged, Then only scheme, host and port remain
    assertThat(Telemetry.where("https://user:secret@otel.example:4318/v1?token=abc"))
        .isEqualTo("https://otel.example:4318");
    assertThat(Telemetry.where("http://collector:4318")).isEqualTo("http://collector:4318");
    assertThat(Telemetry.where("not a uri")).doesNotContain("not a uri");
  }

  private static void produce(ArenaConfig config, Topic topic, String key, String value, String traceparent)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("acks", "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      ProducerRecord<String, String> record = new ProducerRecord<>(config.topic(topic), key, value);
      record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }
}
