package arena.launcher.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** What the simulated humans counted and timed, from every client event loop. */
final class Tally {
  /** Error messages kept for the report; the count goes on past it. */
  private static final int KEPT = 50;

  final AtomicLong started = new AtomicLong();
  final AtomicLong running = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong actions = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong lost = new AtomicLong();
  final AtomicLong unseen = new AtomicLong();
  /** Views a human fetched over HTTP: the page's fallbacks when a push is missing or late. */
  final AtomicLong looks = new AtomicLong();
  private final Histogram visible = new Histogram(3_600_000, 3);
  private final Histogram sentVisible = new Histogram(3_600_000, 3);
  private final Histogram request = new Histogram(3_600_000, 3);
  private final List<String> messages = new ArrayList<>();
  private final Map<String, Long> kinds = new TreeMap<>();

  void error(String message) {
    errors.incrementAndGet();
    synchronized (messages) {
      if (messages.size() < KEPT) {
        messages.add(message);
      }
      kinds.merge(kind(message), 1L, Long::sum);
    }
  }

  /** An error's kind: its message without the ids and numbers that make each one different. */
  static String kind(String message) {
    return message.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<match>")
        .replaceAll("robot-[a-z-]+-\\d+", "<robot>").replaceAll("\\d+", "N");
  }

  /** How many errors of each kind. */
  Map<String, Long> kinds() {
    synchronized (messages) {
      return new TreeMap<>(kinds);
    }
  }

  void lost(String message) {
    lost.incrementAndGet();
    error(message);
  }

  /** An action reached another listener {@code afterAccepted} ms after its 202, {@code afterSent} after its request. */
  synchronized void visible(long afterAccepted, long afterSent) {
    visible.recordValue(Math.max(0, afterAccepted));
    sentVisible.recordValue(Math.max(0, afterSent));
  }

  synchronized void request(long ms) {
    request.recordValue(Math.max(0, ms));
  }

  synchronized Histogram visible() {
    return visible.copy();
  }

  synchronized Histogram sentVisible() {
    return sentVisible.copy();
  }

  synchronized Histogram request() {
    return request.copy();
  }

  List<String> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }
}
