package arena.fakellm;

import java.util.Arrays;

/**
 * How late replies went out after their drawn latency was over, over the latest {@code capacity} replies: the
 * server's own queueing (timers firing late on a busy event loop, replies waiting their turn), which a client would
 * otherwise count against itself.
 */
final class Lateness {
  private final long[] nanos;
  private long count;

  Lateness(int capacity) {
    this.nanos = new long[capacity];
  }

  synchronized void add(long lateNanos) {
    nanos[(int) (count++ % nanos.length)] = lateNanos;
  }

  synchronized void clear() {
    count = 0;
  }

  synchronized Stats.Late summary() {
    int n = (int) Math.min(count, nanos.length);
    if (n == 0) {
      return new Stats.Late(0, 0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return new Stats.Late(n, ms(sorted[(n - 1) / 2]), ms(sorted[(int) Math.ceil(n * 0.99) - 1]), ms(sorted[n - 1]));
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }
}
