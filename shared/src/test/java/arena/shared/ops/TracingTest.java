package arena.shared.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TracingTest {
  private static final Span OTHER = Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c",
      "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault()));

  @AfterEach
  void off() {
    Tracing.uninstall();
  }

  @Test
  void aRoundsTraceIsTheSameWhereverAndWheneverItIsDerived() {
    // Given a match's round, When its trace is derived twice (another JVM, a restart, a redelivery)
    SpanContext once = Tracing.round("m-1", 2).getSpanContext();
    SpanContext again = Tracing.round("m-1", 2).getSpanContext();

    // Then it is the same valid, sampled trace, and another round or match has another one
    assertThat(once.isValid()).isTrue();
    assertThat(once.isSampled()).isTrue();
    assertThat(again.getTraceId()).isEqualTo(once.getTraceId());
    assertThat(again.getSpanId()).isEqualTo(once.getSpanId());
    assertThat(Tracing.round("m-1", 3).getSpanContext().getTraceId()).isNotEqualTo(once.getTraceId());
    assertThat(Tracing.round("m-2", 2).getSpanContext().getTraceId()).isNotEqualTo(once.getTraceId());
  }

  @Test
  void roundWorkMovesIntoTheRoundsTraceKeepingTheLogContext() {
    // Given tracing on, and work under way in another trace for a record of m-1
    Tracing.install(OpenTelemetry.noop());
    Context other = Tracing.withLog(Context.root().with(OTHER), "c-1", "m-1");

    // When round 1's work is placed
    Context placed = Tracing.within(other, () -> Tracing.inRound("m-1", 1));

    // Then it is in round 1's trace, still naming the record
    String round = Tracing.round("m-1", 1).getSpanContext().getTraceId();
    assertThat(Span.fromContext(placed).getSpanContext().getTraceId()).isEqualTo(round);
    assertThat(Tracing.within(placed, Tracing::logFields)).containsEntry(Tracing.CORRELATION_ID, "c-1")
        .containsEntry(Tracing.MATCH_ID, "m-1").containsEntry(Tracing.TRACE_ID, round);

    // And work already in the round's trace stays where it is
    Context inRound = Context.root().with(Span.wrap(SpanContext.create(round, "1111111111111111",
        TraceFlags.getSampled(), TraceState.getDefault())));
    assertThat(Tracing.within(inRound, () -> Tracing.inRound("m-1", 1))).isSameAs(inRound);
  }

  @Test
  void tracingOffLeavesWorkWhereItIs() {
    // Given tracing off (no SDK), When round work is placed, Then nothing moves: no trace is started
    Context current = Context.root().with(OTHER);
    assertThat(Tracing.within(current, () -> Tracing.inRound("m-1", 1))).isSameAs(current);
    assertThat(Tracing.on()).isFalse();
  }

  @Test
  void logLinesCarryTheLogContextOfTheWorkUnderWayAndNothingOutsideIt() {
    // Given Logback's events read through the context MDC
    ContextMdc.install();
    ListAppender<ILoggingEvent> lines = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent line) {
        line.prepareForDeferredProcessing(); // takes the MDC now, on the thread that logged
        super.append(line);
      }
    };
    Logger logger = (Logger) LoggerFactory.getLogger("arena.tracing-test");
    lines.start();
    logger.addAppender(lines);
    try {
      // When a line is written inside a record's handling, and one outside
      Tracing.within(Tracing.withLog(Context.root().with(OTHER), "c-9", "m-9"), () -> {
        logger.warn("inside");
        return null;
      });
      logger.warn("outside");

      // Then the first names the record's correlation, match and trace; the second nothing
      assertThat(lines.list.get(0).getMDCPropertyMap()).containsEntry(Tracing.CORRELATION_ID, "c-9")
          .containsEntry(Tracing.MATCH_ID, "m-9")
          .containsEntry(Tracing.TRACE_ID, OTHER.getSpanContext().getTraceId());
      assertThat(lines.list.get(1).getMDCPropertyMap()).doesNotContainKeys(Tracing.CORRELATION_ID,
          Tracing.MATCH_ID, Tracing.TRACE_ID);
    } finally {
      logger.detachAppender(lines);
    }
  }
}
