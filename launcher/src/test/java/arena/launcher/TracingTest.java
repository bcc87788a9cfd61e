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
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    Tracing.install(sdk);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
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
