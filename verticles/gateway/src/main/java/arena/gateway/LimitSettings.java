package arena.gateway;

import arena.shared.config.ArenaConfig;

/**
 * Per-client limits, the {@code gateway.limits} section of the configuration. A client is a remote address.
 *
 * @param enabled                false switches every per-client limit off (load tests on a trusted network)
 * @param clients                how many clients are remembered at once; the least recently seen are forgotten
 * @param idleMinutes            a client not seen this long is forgotten (with its buckets and its matches)
 * @param creates                {@code POST /api/matches}
 * @param joins                  {@code POST /api/matches/{id}/players}
 * @param quickPlay              {@code POST /api/quickplay}
 * @param actions                answers and votes over HTTP
 * @param robotShare             the share of the robot pool one client's live matches may hold at once
 * @param socketsPerClient       bridge sockets open at once per client
 * @param registrationsPerSocket addresses one bridge socket may listen at
 * @param frameBytes             the largest bridge frame (WebSocket message or xhr body); always applies
 */
public record LimitSettings(boolean enabled, int clients, int idleMinutes, Rate creates, Rate joins, Rate quickPlay,
    Rate actions, double robotShare, int socketsPerClient, int registrationsPerSocket, int frameBytes) {

  /** A token bucket: {@code burst} requests at once, refilled at {@code perMinute}. */
  public record Rate(int burst, double perMinute) {}

  public static LimitSettings of(ArenaConfig cfg) {
    return cfg.bind("gateway.limits", LimitSettings.class);
  }
}
