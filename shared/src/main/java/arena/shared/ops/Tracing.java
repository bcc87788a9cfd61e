package arena.shared.ops;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The trace and the log context of the work under way. Both live in the OpenTelemetry {@link Context}, which
 * vertx-opentelemetry keeps on the Vert.x (duplicated) context, so they follow a record's handling across its
 * asynchronous steps. Until {@link #install} is called (the launcher does so only when OTLP export is configured)
 * the OpenTelemetry API is the no-op one: no spans, no propagation, nothing but the log context.
 */
public final class Tracing {
  /** The MDC keys every log line written while handling a record carries. */
  public static final String CORRELATION_ID = "correlationId";
  public static final String MATCH_ID = "matchId";
  public static final String TRACE_ID = "traceId";

  /** The record being handled, as the log lines name it. */
  public record LogContext(String correlationId, String matchId) {}

  private static final ContextKey<LogContext> LOG = ContextKey.named("arena-log-context");
  private static volatile OpenTelemetry openTelemetry = OpenTelemetry.noop();
  private static volatile boolean on;

  private Tracing() {}

  /** Makes {@code sdk} this JVM's tracer (once, before the Vert.x instance is built). */
  public static void install(OpenTelemetry sdk) {
    openTelemetry = sdk;
    on = true;
  }

  /** Back to the no-op API (tests that installed an SDK). */
  public static void uninstall() {
    openTelemetry = OpenTelemetry.noop();
    on = false;
  }

  /** Whether spans are recorded and propagated: false keeps every tracing step off the hot path. */
  public static boolean on() {
    return on;
  }

  public static OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public static Tracer tracer() {
    return openTelemetry.getTracer("turing-arena");
  }

  /**
   * The trace of round {@code round} of {@code matchId}: the same ids in every JVM, after any restart, retry or
   * redelivery, so the Match Service's timers, the gateway's commands and everything they cause land in one trace.
   * Its root is never recorded; every span of the round hangs under it.
   */
  public static Span round(String matchId, int round) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest((matchId + "/" + round).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
    HexFormat hex = HexFormat.of();
    SpanContext root = SpanContext.createFromRemoteParent(hex.formatHex(hash, 0, 16), hex.formatHex(hash, 16, 24),
        TraceFlags.getSampled(), TraceState.getDefault());
    return Span.wrap(root);
  }

  /**
   * The context to do round {@code round}'s work in: the current one when it is already in the round's trace (a
   * record of the round being handled), else the current one moved into the round's trace (its log context kept).
   */
  public static Context inRound(String matchId, int round) {
    Context current = Context.current();
    if (!on) {
      return current;
    }
    Span root = round(matchId, round);
    return Span.fromContext(current).getSpanContext().getTraceId().equals(root.getSpanContext().getTraceId())
        ? current : current.with(root);
  }

  /** Makes {@code context} the one of the duplicated Vert.x context under way for the rest of its life. */
  public static void adopt(Context context) {
    ContextInternal vertx = ContextInternal.current();
    if (vertx != null && vertx.isDuplicate()) {
      VertxContextStorageProvider.VertxContextStorage.INSTANCE.attach(vertx, context);
    }
  }

  /** {@code context} with the log context of a record. */
  public static Context withLog(Context context, String correlationId, String matchId) {
    return context.with(LOG, new LogContext(correlationId, matchId));
  }

  /** Runs {@code work} (its synchronous part) with {@code context} current. */
  public static <T> T within(Context context, Supplier<T> work) {
    try (Scope ignored = context.makeCurrent()) {
      return work.get();
    }
  }

  /** The MDC fields of the work under way on this thread; empty outside any record. */
  public static Map<String, String> logFields() {
    Context context = Context.current();
    LogContext log = context.get(LOG);
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (log == null && !span.isValid()) {
      return Map.of();
    }
    Map<String, String> fields = new LinkedHashMap<>(4);
    if (log != null && log.correlationId() != null) {
      fields.put(CORRELATION_ID, log.correlationId());
    }
    if (log != null && log.matchId() != null) {
      fields.put(MATCH_ID, log.matchId());
    }
    if (span.isValid()) {
      fields.put(TRACE_ID, span.getTraceId());
    }
    return fields;
  }
}
