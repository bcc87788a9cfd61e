package arena.gateway;

import java.util.function.LongSupplier;

/**
 * A rate limit: holds up to {@code burst} tokens, refilled at {@code perSecond}; every message takes one. Safe
 * from any thread.
 */
public final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double burst;
  private final double perNano;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  /** {@code nanoTime} is {@code System::nanoTime} outside tests. */
  public TokenBucket(int burst, double perSecond, LongSupplier nanoTime) {
    if (burst < 1 || perSecond <= 0) {
      throw new IllegalArgumentException("burst must be at least 1 and perSecond above 0");
    }
    this.burst = burst;
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Takes a token if one is left; returns whether it did. */
  public synchronized boolean tryTake() {
    refill();
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** How long until the next token is there: 0 when one is. */
  public synchronized long nanosToNext() {
    refill();
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + Math.max(0, now - refilledAt) * perNano);
    refilledAt = now;
  }
}
