package arena.launcher.faults;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The game's HTTP API over several gateways, as a resilient client uses it: a request that fails for a reason that
 * may pass (no connection, timeout, 5xx, 429, or 404 for a match known to exist: a gateway not caught up yet) is
 * tried again, through the next gateway, with backoff, until a time bound. A POST keeps one Idempotency-Key over
 * all its tries. What went wrong on the way is counted by kind.
 */
final class Gateways {
  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final List<String> bases;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, AtomicInteger> transients = new ConcurrentHashMap<>();

  Gateways(List<String> bases) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("the layout has no gateway");
    }
    this.bases = List.copyOf(bases);
  }

  int size() {
    return bases.size();
  }

  /**
   * Sends through gateway {@code home} first; returns the first answer that is not transient, or null when none
   * came within {@code within}. {@code known}: the match exists, so a 404 means a gateway that has not caught up.
   */
  Reply call(int home, String method, String path, String token, JsonObject body, Duration within, boolean known) {
    Instant end = Instant.now().plus(within);
    String key = UUID.randomUUID().toString();
    int gateway = home % bases.size();
    long backoffMs = 200;
    while (true) {
      String problem;
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bases.get(gateway) + path))
            .timeout(Duration.ofSeconds(15));
        if (body == null) {
          request.GET();
        } else {
          request.header("Content-Type", "application/json").header("Idempotency-Key", key)
              .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        }
        if (token != null) {
          request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status < 500 && status != 429 && !(status == 404 && known)) {
          return new Reply(status, r.body());
        }
        problem = status == 404 ? "404 for a live match" : String.valueOf(status);
      } catch (HttpTimeoutException e) {
        problem = "timeout";
      } catch (IOException e) {
        problem = "no connection";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      transients.computeIfAbsent(method + " " + problem, k -> new AtomicInteger()).incrementAndGet();
      if (!Instant.now().plusMillis(backoffMs).isBefore(end)) {
        return null;
      }
      Pause.of(Duration.ofMillis(backoffMs));
      backoffMs = Math.min(2000, backoffMs * 2);
      gateway = (gateway + 1) % bases.size();
    }
  }

  /** Transient failures by kind since the last call, and starts counting afresh. */
  Map<String, Integer> drainTransients() {
    Map<String, Integer> out = new TreeMap<>();
    transients.forEach((k, v) -> {
      int n = v.getAndSet(0);
      if (n > 0) {
        out.put(k, n);
      }
    });
    return out;
  }
}
