package arena.robot;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Until when a provider's rate limits hold every call back. One per provider per Vert.x, shared by the robot
 * verticles (each on its own event loop), hence atomic.
 */
final class RatePause {
  private final AtomicLong untilMs = new AtomicLong();

  /** Holds calls back until {@code untilMs} unless already held longer; true when a pause starts (none ran). */
  boolean extend(long nowMs, long untilMs) {
    long before = this.untilMs.getAndAccumulate(untilMs, Math::max);
    return before <= nowMs && untilMs > nowMs;
  }

  /** How long calls still wait; 0 when not paused. */
  long remainingMs(long nowMs) {
    return Math.max(0, untilMs.get() - nowMs);
  }
}
