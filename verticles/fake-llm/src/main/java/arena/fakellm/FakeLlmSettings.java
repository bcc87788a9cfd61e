package arena.fakellm;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;

/**
 * How the fake server behaves. The rates are the share of requests answered with each fault (errors split
 * evenly between 500 and 503/529); whatever they leave is answered normally. {@code rateLimit} is a request
 * budget on top of them, answered with the rate-limit headers. {@code host} and {@code port} matter only at
 * start; everything else can change while it runs.
 */
public record FakeLlmSettings(String host, int port, Latency latency, double errorRate, double rateLimitRate,
    int retryAfterSeconds, double malformedRate, double hangRate, boolean gullible, long seed, RateLimit rateLimit) {

  public FakeLlmSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be within 0..65535, was " + port);
    }
    if (latency == null) {
      throw new IllegalArgumentException("latency is required");
    }
    checkRate("errorRate", errorRate);
    checkRate("rateLimitRate", rateLimitRate);
    checkRate("malformedRate", malformedRate);
    checkRate("hangRate", hangRate);
    double faults = errorRate + rateLimitRate + malformedRate + hangRate;
    if (faults > 1.0 + 1e-9) {
      throw new IllegalArgumentException(
          "errorRate + rateLimitRate + malformedRate + hangRate must be at most 1, was " + faults);
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must be >= 0, was " + retryAfterSeconds);
    }
    if (rateLimit == null) {
      throw new IllegalArgumentException("rateLimit is required");
    }
  }

  private static void checkRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be within 0..1, was " + rate);
    }
  }

  /** For tests: an ephemeral port on loopback, instant replies, no faults. */
  public static FakeLlmSettings defaults() {
    return new FakeLlmSettings("127.0.0.1", 0, Latency.fixed(0), 0, 0, 1, 0, 0, false, 0, RateLimit.unlimited());
  }

  /** The {@code fakeLlm} section of the configuration. */
  public static FakeLlmSettings from(ArenaConfig cfg) {
    return fromJson(cfg.object("fakeLlm"));
  }

  /** A JSON shaped like the {@code fakeLlm} section; a missing field keeps its value from {@link #defaults()}. */
  public static FakeLlmSettings fromJson(JsonObject json) {
    FakeLlmSettings d = defaults();
    JsonObject lat = object(json, "latency", "{\"medianMs\":400,\"p99Ms\":1500}");
    JsonObject limit = object(json, "rateLimit", "{\"requestsPerWindow\":60,\"windowMs\":60000}");
    Object host = json.getValue("host", d.host());
    if (!(host instanceof String)) {
      throw new IllegalArgumentException("host must be a string, was " + host);
    }
    Object gullible = json.getValue("gullible", d.gullible());
    if (!(gullible instanceof Boolean)) {
      throw new IllegalArgumentException("gullible must be true or false, was " + gullible);
    }
    return new FakeLlmSettings((String) host, number(json, "port", d.port()).intValue(),
        new Latency(number(lat, "medianMs", d.latency().medianMs()).longValue(),
            number(lat, "p99Ms", d.latency().p99Ms()).longValue()),
        number(json, "errorRate", d.errorRate()).doubleValue(),
        number(json, "rateLimitRate", d.rateLimitRate()).doubleValue(),
        number(json, "retryAfterSeconds", d.retryAfterSeconds()).intValue(),
        number(json, "malformedRate", d.malformedRate()).doubleValue(),
        number(json, "hangRate", d.hangRate()).doubleValue(),
        (Boolean) gullible, number(json, "seed", d.seed()).longValue(),
        new RateLimit(number(limit, "requestsPerWindow", d.rateLimit().requestsPerWindow()).intValue(),
            number(limit, "windowMs", d.rateLimit().windowMs()).longValue()));
  }

  /** An optional nested object; missing, it is empty. */
  private static JsonObject object(JsonObject json, String field, String example) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof JsonObject)) {
      throw new IllegalArgumentException(field + " must be an object like " + example);
    }
    return v == null ? new JsonObject() : (JsonObject) v;
  }

  private static Number number(JsonObject json, String field, Number otherwise) {
    Object v = json.getValue(field, otherwise);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a number, was " + v);
    }
    return n;
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port)
        .put("latency", new JsonObject().put("medianMs", latency.medianMs()).put("p99Ms", latency.p99Ms()))
        .put("errorRate", errorRate).put("rateLimitRate", rateLimitRate).put("retryAfterSeconds", retryAfterSeconds)
        .put("malformedRate", malformedRate).put("hangRate", hangRate).put("gullible", gullible).put("seed", seed)
        .put("rateLimit", new JsonObject().put("requestsPerWindow", rateLimit.requestsPerWindow())
            .put("windowMs", rateLimit.windowMs()));
  }
}
