package arena.launcher.load;

import java.util.ArrayList;
import java.util.List;
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
  private final Histogram visible = new Histogram(3_600_000, 3);
  private final Histogram sentVisible = new Histogram(3_600_000, 3);
  private final Histogram request = new Histogram(3_600_000, 3);
  private final List<String> messages = new ArrayList<>();

  void error(String message) {
    errors.incrementAndGet();
    synchronized (messages) {
      if (messages.size() < KEPT) {
        messages.add(message);
      }
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
