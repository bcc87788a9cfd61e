package arena.fakellm;

import arena.fakellm.Api.Quota;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Counts requests against a {@link RateLimit} in fixed windows, the first opening with the first request. */
final class RateWindow {
  /** One request against the budget: whether it may be served, and the budget after it (null when unlimited). */
  record Admission(boolean admitted, Quota quota) {}

  private final RateLimit limit;
  private Instant resetAt = Instant.EPOCH; // guarded by this
  private int used; // guarded by this

  RateWindow(RateLimit limit) {
    this.limit = limit;
  }

  synchronized Admission admit(Instant now) {
    if (!limit.limited()) {
      return new Admission(true, null);
    }
    if (!now.isBefore(resetAt)) {
      // whole milliseconds, as clients read the reset back
      resetAt = now.truncatedTo(ChronoUnit.MILLIS).plusMillis(limit.windowMs());
      used = 0;
    }
    boolean admitted = used < limit.requestsPerWindow();
    if (admitted) {
      used++;
    }
    return new Admission(admitted, new Quota(limit.requestsPerWindow(), limit.requestsPerWindow() - used, resetAt));
  }
}
