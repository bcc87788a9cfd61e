package arena.gateway;

import arena.shared.game.Text;
import arena.shared.state.MatchState;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser may do on the event-bus bridge. It may listen to a match's public updates, and to a player's
 * own views with that player's token; it may send exactly one thing: a player's answer or vote, with a token of
 * a player of that match, for the round and phase that are open, in a small body. The rest of what the HTTP API
 * checks (text, letters) is checked where the message is handled, {@link BridgeCommands}. Pure: each rule answers
 * with the refusal, if any.
 */
public final class BridgeRules {
  /** The only address a browser may send to. */
  public static final String COMMANDS = "arena.player.commands";
  public static final int MAX_BODY_BYTES = 2048;
  static final Set<String> ACTIONS = Set.of(PlayerActions.RESPONSE, PlayerActions.VOTE);
  private static final String ID = "[A-Za-z0-9_-]{1,64}";
  static final String UPDATES_REGEX = "match\\." + ID + "\\.updates";
  static final String PLAYER_REGEX = "match\\." + ID + "\\.player\\." + ID;
  private static final Pattern PLAYER = Pattern.compile("match\\.(" + ID + ")\\.player\\.(" + ID + ")");
  private static final Pattern UPDATES = Pattern.compile("match\\.(" + ID + ")\\.updates");
  // A token is 43 characters: anything much longer is not worth hashing.
  private static final int MAX_TOKEN_CHARS = 128;

  private BridgeRules() {}

  /** Where every change of a match is published, as anyone may see it. */
  public static String updates(String matchId) {
    return "match." + matchId + ".updates";
  }

  /** Where every change of a match is published, as one of its players sees it. */
  public static String player(String matchId, String playerId) {
    return "match." + matchId + ".player." + playerId;
  }

  /** Whether a browser holding {@code token} (or none) may listen at {@code address}. */
  public static Optional<ApiError> register(String address, String token, Projection projection) {
    Matcher updates = address == null ? null : UPDATES.matcher(address);
    if (updates != null && updates.matches()) {
      // Only a match that exists: listening at made-up addresses would cost us and tell nobody anything.
      return projection.match(updates.group(1)).isPresent() ? Optional.empty() : refuse(404, PlayerActions.NO_SUCH_MATCH);
    }
    Matcher m = address == null ? null : PLAYER.matcher(address);
    if (m == null || !m.matches()) {
      return refuse(403, "this address is not open to browsers");
    }
    if (!wellFormed(token)) {
      return refuse(401, "a token header of this player is required");
    }
    String hash = Tokens.hash(token);
    boolean own = projection.match(m.group(1))
        .flatMap(match -> match.playerByTokenHash(hash))
        .filter(p -> p.playerId().equals(m.group(2)))
        .isPresent();
    return own ? Optional.empty() : refuse(401, "this token does not belong to this player");
  }

  /** Whether a browser may send {@code body} with {@code token} to {@code address}. */
  public static Optional<ApiError> command(String address, String token, Object body, Projection projection) {
    if (!COMMANDS.equals(address)) {
      return refuse(403, "browsers may only send to " + COMMANDS);
    }
    if (!(body instanceof JsonObject json)) {
      return refuse(400, "body must be a JSON object");
    }
    if (json.toBuffer().length() > MAX_BODY_BYTES) {
      return refuse(400, "message too large: at most " + MAX_BODY_BYTES + " bytes");
    }
    if (!(json.getValue("action") instanceof String action) || !ACTIONS.contains(action)) {
      return refuse(400, "action must be response or vote");
    }
    if (!(json.getValue("matchId") instanceof String matchId)) {
      return refuse(400, "matchId is required");
    }
    if (!wellFormed(token)) {
      return refuse(401, "a token header is required");
    }
    Optional<MatchState> match = projection.match(matchId);
    if (match.isEmpty()) {
      return refuse(404, PlayerActions.NO_SUCH_MATCH);
    }
    Optional<MatchState.Player> player = match.get().playerByTokenHash(Tokens.hash(token));
    if (player.isEmpty()) {
      return refuse(401, "this token does not belong to a player of this match");
    }
    if (!(json.getValue("round") instanceof Integer round)) {
      return refuse(400, "round must be an integer");
    }
    try {
      PlayerActions.checkRound(match.get(), player.get(), action, round, again(action, json));
    } catch (ApiError refused) {
      return Optional.of(refused);
    }
    return Optional.empty();
  }

  /** What the frame gives, as the Match Service compares it with what was given before; null when malformed. */
  private static String again(String action, JsonObject json) {
    Object given = json.getValue(PlayerActions.RESPONSE.equals(action) ? "text" : "identity");
    if (!(given instanceof String text)) {
      return null;
    }
    return PlayerActions.RESPONSE.equals(action) ? Text.normalize(text) : text;
  }

  /** The {@code token} header of a raw bridge frame, if it is a string. */
  public static String token(JsonObject frame) {
    return frame.getValue("headers") instanceof JsonObject headers && headers.getValue("token") instanceof String t
        ? t : null;
  }

  private static boolean wellFormed(String token) {
    return token != null && !token.isEmpty() && token.length() <= MAX_TOKEN_CHARS;
  }

  private static Optional<ApiError> refuse(int status, String message) {
    return Optional.of(new ApiError(status, message));
  }
}
