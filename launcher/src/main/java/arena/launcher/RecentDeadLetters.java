package arena.launcher;

import arena.shared.kafka.DeadLetters;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The latest dead letters of the whole cluster for {@code /ops}, read from the dead-letter topic's tail on a worker
 * thread at most once per {@link #REFRESH} and only while someone looks: a request never waits for Kafka, it gets
 * what the last read found (the dashboard polls again soon).
 */
final class RecentDeadLetters {
  /** How many the dashboard lists; a read takes at most this many per partition. */
  static final int COUNT = 20;
  static final Duration REFRESH = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  /** BLOCKING: reads the latest dead letters, newest first. */
  private final Callable<List<DeadLetters.Parked>> reader;
  private JsonObject last;
  private long readAt;
  private boolean reading;

  RecentDeadLetters(Vertx vertx, Callable<List<DeadLetters.Parked>> reader) {
    this.vertx = vertx;
    this.reader = reader;
  }

  /**
   * What the last read found, {@code {"at", "letters"}} or {@code {"at", "error"}}; null before the first read
   * ends. Starts a new read when the last one is older than {@link #REFRESH} and none runs.
   */
  synchronized JsonObject latest() {
    long now = System.currentTimeMillis();
    if (!reading && (last == null || now - readAt >= REFRESH.toMillis())) {
      reading = true;
      vertx.executeBlocking(reader, false).onComplete(read -> done(read.succeeded()
          ? new JsonObject().put("letters", json(read.result()))
          : new JsonObject().put("error", String.valueOf(read.cause().getMessage()))));
    }
    return last;
  }

  private synchronized void done(JsonObject result) {
    readAt = System.currentTimeMillis();
    last = result.put("at", readAt);
    reading = false;
  }

  private static JsonArray json(List<DeadLetters.Parked> letters) {
    JsonArray out = new JsonArray();
    letters.forEach(p -> out.add(new JsonObject().put("consumer", p.consumer()).put("topic", p.topic())
        .put("partition", p.partition()).put("offset", p.offset()).put("reason", p.reason()).put("cause", p.cause())
        .put("time", p.time()).put("key", p.key())));
    return out;
  }
}
