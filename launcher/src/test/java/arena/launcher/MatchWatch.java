package arena.launcher;

import arena.launcher.adversary.Observation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Everything onlookers of one match receive, with arrival times: the public channel, each human's own channel, and
 * every distinct view a poller without a token gets from GET /api/matches/{id}. Views reach the match's humans too,
 * as their page would show them.
 */
final class MatchWatch {
  static final long POLL_MS = 50;

  final GameApi api;
  final String matchId;
  final List<SimulatedHuman> humans = new ArrayList<>();
  final CompletableFuture<JsonObject> completed = new CompletableFuture<>();
  private final List<Observation> observations = new ArrayList<>();
  private String lastPolled;
  private ScheduledFuture<?> poller;

  MatchWatch(GameApi api, String matchId) {
    this.api = api;
    this.matchId = matchId;
  }

  String updates() {
    return "match." + matchId + ".updates";
  }

  /** A frame on a socket registered to {@code address}: a view pushed there is observed as {@code source}. */
  void frame(String address, String source, long nanos, JsonObject frame, SimulatedHuman human) {
    if ("rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))) {
      JsonObject view = frame.getJsonObject("body");
      record(new Observation(source, nanos, view));
      if (human != null) {
        human.saw(view, nanos);
      }
    } else if (human != null) {
      human.replied(frame);
    }
  }

  void poll(ScheduledExecutorService pollers) {
    poller = pollers.scheduleWithFixedDelay(() -> {
      if (completed.isDone()) {
        return;
      }
      try {
        GameApi.Response r = api.view(matchId, null);
        long nanos = System.nanoTime();
        if (r.status() != 200) {
          return;
        }
        JsonObject view = r.json();
        JsonObject content = view.copy();
        content.remove("secondsLeft");
        if (content.encode().equals(lastPolled)) {
          return;
        }
        lastPolled = content.encode();
        record(new Observation(Observation.POLL, nanos, view));
        humans.forEach(h -> h.saw(view, nanos));
        if ("COMPLETED".equals(view.getString("status"))) {
          completed.complete(view);
        }
      } catch (RuntimeException e) {
        // A poll that failed is a poll that saw nothing; the next one tries again.
      }
    }, 0, POLL_MS, TimeUnit.MILLISECONDS);
  }

  private void record(Observation o) {
    synchronized (observations) {
      observations.add(o);
    }
  }

  List<Observation> observations() {
    synchronized (observations) {
      return List.copyOf(observations);
    }
  }

  void stop() {
    if (poller != null) {
      poller.cancel(false);
    }
  }
}
