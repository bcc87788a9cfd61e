package arena.launcher.adversary;

import io.vertx.core.json.JsonObject;

/**
 * One view as an onlooker received it: pushed on the bridge or answered to a poll, with its arrival time.
 *
 * @param source where it came from: {@link #UPDATES} (the public channel), {@link #PLAYER} (a human's own channel),
 *               {@link #POLL} (GET /api/matches/{id} without a token)
 * @param nanos  {@link System#nanoTime()} on arrival
 */
public record Observation(String source, long nanos, JsonObject view) {
  public static final String UPDATES = "updates";
  public static final String PLAYER = "player";
  public static final String POLL = "poll";
  public static final java.util.List<String> SOURCES = java.util.List.of(UPDATES, PLAYER, POLL);
}
