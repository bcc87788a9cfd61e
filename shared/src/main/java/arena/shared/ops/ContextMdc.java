package arena.shared.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Logback's MDC plus the {@link Tracing#logFields() log context} of the work under way. The MDC is thread-local
 * and a record's handling hops across callbacks; its log context rides on the Vert.x context instead, so the
 * fields are set once (where a record or request comes in) and read here, for every log line, in any format.
 */
public final class ContextMdc extends LogbackMDCAdapter {

  /** Puts this adapter under Logback's events (once per JVM; later calls do nothing). */
  public static void install() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback
        && !(logback.getMDCAdapter() instanceof ContextMdc)) {
      logback.setMDCAdapter(new ContextMdc());
    }
  }

  @Override
  public Map<String, String> getPropertyMap() {
    Map<String, String> own = super.getPropertyMap();
    Map<String, String> fields = Tracing.logFields();
    if (fields.isEmpty()) {
      return own;
    }
    Map<String, String> merged = own == null ? new HashMap<>() : new HashMap<>(own);
    merged.putAll(fields);
    return merged;
  }

  @Override
  public String get(String key) {
    String field = Tracing.logFields().get(key);
    return field != null ? field : super.get(key);
  }
}
