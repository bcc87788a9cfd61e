package arena.gateway;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads and checks request bodies before anything is sent to Kafka. Every refusal is a 400 whose message
 * names the offending field. Pure, so every rule is unit-tested.
 */
public final class Requests {
  private static final ObjectReader READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  // Letters run from A to Z, so no match can seat more than 26.
  private static final int MAX_LETTERS = 26;
  static final int QUICK_PLAY_SEATS = 4;
  static final int QUICK_PLAY_HUMANS = 3;

  /**
   * What a new match may look like, from config {@code match.*}, and how long a quick-play lobby waits for
   * more humans ({@code gateway.quickPlay.lobbySeconds}).
   */
  public record Limits(int seats, int humans, int rounds, int responseSeconds, int voteSeconds,
      int maxSeats, int maxRounds, int minSeconds, int maxSeconds, int intermissionSeconds,
      int nameMaxChars, int answerMaxChars, int quickPlayLobbySeconds) {

    static final int DEFAULT_LOBBY_SECONDS = 10;

    public static Limits of(ArenaConfig cfg) {
      return new Limits(
          cfg.integer("match.defaults.seats"), cfg.integer("match.defaults.humans"),
          cfg.integer("match.defaults.rounds"), cfg.integer("match.defaults.responseSeconds"),
          cfg.integer("match.defaults.voteSeconds"),
          Math.min(cfg.integer("match.limits.maxSeats"), MAX_LETTERS), cfg.integer("match.limits.maxRounds"),
          cfg.integer("match.limits.minSeconds"), cfg.integer("match.limits.maxSeconds"),
          cfg.integer("match.intermissionSeconds"), cfg.integer("match.nameMaxChars"),
          cfg.integer("match.answerMaxChars"), lobbySeconds(cfg));
    }

    private static int lobbySeconds(ArenaConfig cfg) {
      try {
        return Math.max(0, cfg.integer("gateway.quickPlay.lobbySeconds"));
      } catch (IllegalArgumentException e) {
        return DEFAULT_LOBBY_SECONDS;
      }
    }
  }

  public record Answer(int round, String text) {}

  public record Vote(int round, String identity) {}

  private final Limits limits;

  public Requests(Limits limits) {
    this.limits = limits;
  }

  /** The settings of a new match; an empty body takes every default. */
  public MatchSettings settings(String body) {
    JsonNode json = body == null || body.isBlank() ? Json.MAPPER.createObjectNode() : object(body);
    int seats = integer(json, "seats", limits.seats());
    int humans = integer(json, "humans", limits.humans());
    int rounds = integer(json, "rounds", limits.rounds());
    int responseSeconds = integer(json, "responseSeconds", limits.responseSeconds());
    int voteSeconds = integer(json, "voteSeconds", limits.voteSeconds());
    within("seats", seats, 2, limits.maxSeats());
    if (humans < 1 || humans > seats - 1) {
      throw ApiError.badRequest("humans must be between 1 and " + (seats - 1) + " (seats - 1), got " + humans);
    }
    within("rounds", rounds, 1, limits.maxRounds());
    within("responseSeconds", responseSeconds, limits.minSeconds(), limits.maxSeconds());
    within("voteSeconds", voteSeconds, limits.minSeconds(), limits.maxSeconds());
    return new MatchSettings(seats, humans, rounds, responseSeconds, voteSeconds, limits.intermissionSeconds());
  }

  /**
   * A quick-play match: four seats, room for three strangers, default timings, and a lobby that starts it
   * with whoever came.
   */
  public MatchSettings quickPlay() {
    return new MatchSettings(QUICK_PLAY_SEATS, QUICK_PLAY_HUMANS, limits.rounds(), limits.responseSeconds(),
        limits.voteSeconds(), limits.intermissionSeconds(), limits.quickPlayLobbySeconds(), true);
  }

  /** A player's name, trimmed. */
  public String name(String body) {
    JsonNode json = object(body);
    // strip(), not trim(): trim() would silently eat control characters at the ends.
    String name = string(json, "name").strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > limits.nameMaxChars()) {
      throw ApiError.badRequest("name must be 1 to " + limits.nameMaxChars() + " characters");
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      throw ApiError.badRequest("name must not contain control characters");
    }
    return name;
  }

  /** An answer, trimmed. */
  public Answer answer(String body) {
    JsonNode json = object(body);
    int round = requiredInteger(json, "round");
    String text = string(json, "text").trim();
    if (text.isEmpty()) {
      throw ApiError.badRequest("text must not be empty");
    }
    if (text.codePointCount(0, text.length()) > limits.answerMaxChars()) {
      throw ApiError.badRequest("text must be at most " + limits.answerMaxChars() + " characters");
    }
    return new Answer(round, text);
  }

  public Vote vote(String body) {
    JsonNode json = object(body);
    int round = requiredInteger(json, "round");
    JsonNode identity = json.get("identity");
    if (identity == null || !identity.isTextual() || !identity.asText().matches("[A-Z]")) {
      throw ApiError.badRequest("identity must be a single capital letter");
    }
    return new Vote(round, identity.asText());
  }

  private static JsonNode object(String body) {
    if (body == null || body.isBlank()) {
      throw ApiError.badRequest("body must be a JSON object");
    }
    JsonNode json;
    try {
      json = READER.readTree(body);
    } catch (Exception e) {
      throw ApiError.badRequest("malformed JSON body");
    }
    if (json == null || !json.isObject()) {
      throw ApiError.badRequest("body must be a JSON object");
    }
    return json;
  }

  private static int integer(JsonNode json, String field, int fallback) {
    return json.has(field) ? requiredInteger(json, field) : fallback;
  }

  private static int requiredInteger(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.badRequest(field + " must be an integer");
    }
    return v.intValue();
  }

  private static String string(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      throw ApiError.badRequest(field + " is required");
    }
    if (!v.isTextual()) {
      throw ApiError.badRequest(field + " must be a string");
    }
    return v.asText();
  }

  private static void within(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw ApiError.badRequest(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
