package arena.fakellm;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One request to an LLM endpoint. {@code headers} have lower-case names (repeated headers joined by ", ");
 * {@code body} is null when it was not a JSON object; {@code behaviour} is null when the request was refused
 * (401/400) before any behaviour applied.
 */
public record Recorded(String path, Map<String, String> headers, JsonObject body, Behaviour behaviour,
    Instant receivedAt) {
  private static final Set<String> SECRETS = Set.of("authorization", "x-api-key");

  /** For GET /fake/requests: credentials are cut to their first characters, a real key may have been sent here. */
  public JsonObject toJson() {
    JsonObject h = new JsonObject();
    headers.forEach((name, value) -> h.put(name, SECRETS.contains(name) ? redact(value) : value));
    return new JsonObject().put("path", path).put("headers", h).put("body", body)
        .put("behaviour", behaviour == null ? null : behaviour.name()).put("receivedAt", receivedAt.toString());
  }

  private static String redact(String secret) {
    return secret.substring(0, Math.min(secret.length(), 10)) + (secret.length() > 10 ? "…" : "");
  }
}
