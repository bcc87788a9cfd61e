package arena.launcher.faults;

import java.time.Duration;

/** The suite's threads wait on the clock (humans think, polls space out); none of this runs on an event loop. */
final class Pause {
  private Pause() {}

  static void of(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
