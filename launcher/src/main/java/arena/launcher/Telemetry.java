package arena.launcher;

import arena.shared.ops.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of this JVM, configured by the SDK's autoconfigure module from the standard OTEL_*
 * variables (endpoint, protocol, headers, sampler, resource attributes). Only when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set: without it no SDK exists and tracing costs nothing.
 */
final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";

  private Telemetry() {}

  /**
   * Installs the SDK when {@code env} names an OTLP endpoint and no tracer is installed yet; the SDK is returned so
   * its owner can flush it on stop. Spans only: metrics go to Prometheus and logs to the console.
   */
  static Optional<OpenTelemetrySdk> fromEnvironment(Map<String, String> env, List<String> roles) {
    String endpoint = env.get(ENDPOINT);
    if (endpoint == null || endpoint.isBlank() || Tracing.on()) {
      return Optional.empty();
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        // Defaults under the OTEL_* variables, which win.
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", "turing-arena-" + String.join("+", roles),
            // The JDK's HTTP client sends: OTLP over HTTP (port 4318), not gRPC.
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .addPropertiesCustomizer(props -> Map.of("otel.exporter.otlp.endpoint", endpoint))
        .disableShutdownHook() // the node flushes it once its roles stopped
        .build()
        .getOpenTelemetrySdk();
    Tracing.install(sdk);
    // Where to only: OTEL_EXPORTER_OTLP_HEADERS and an endpoint's user info or query may hold credentials.
    log.info("tracing: spans go over OTLP to {}", where(endpoint));
    return Optional.of(sdk);
  }

  /** The endpoint's scheme, host and port. */
  static String where(String endpoint) {
    try {
      URI uri = new URI(endpoint.trim());
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    } catch (URISyntaxException e) {
      return "(an endpoint that is not a URI)";
    }
  }
}
