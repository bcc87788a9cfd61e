package arena.gateway;

import arena.shared.Json;
import arena.shared.config.ArenaConfig;
import arena.shared.events.MatchSettings;
import arena.shared.game.MatchRules;
import arena.shared.game.Text;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads and checks request bodies before anything is sent to Kafka. Every refusal is a 400 whose message
 * names the offending field. The game's rules are {@link MatchRules}, the same checks the Match Service makes, so
 * the two accept and refuse the same requests. Pure, so every rule is unit-tested.
 */
public final class Requests {
  private static final ObjectReader READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  static final int QUICK_PLAY_SEATS = 4;
  static final int QUICK_PLAY_HUMANS = 3;

  /**
   * The match rules (config {@code match}) and how long a quick-play lobby waits for more humans
   * ({@code gateway.quickPlay.lobbySeconds}).
   */
  public record Limits(MatchRules rules, int quickPlayLobbySeconds) {

    public Limits {
      if (quickPlayLobbySeconds < 0) {
        throw new IllegalArgumentException("gateway.quickPlay.lobbySeconds must not be negative");
      }
    }

    public static Limits of(ArenaConfig cfg) {
      return new Limits(MatchRules.of(cfg), cfg.integer("gateway.quickPlay.lobbySeconds"));
    }
  }

  public record Answer(int round, String text) {}

  public record Vote(int round, String identity) {}

  private final MatchRules rules;
  private final int quickPlayLobbySeconds;

  public Requests(Limits limits) {
    this.rules = limits.rules();
    this.quickPlayLobbySeconds = limits.quickPlayLobbySeconds();
  }

  /** The settings of a new match; an empty body takes every default. */
  public MatchSettings settings(String body) {
    JsonNode json = body == null || body.isBlank() ? Json.MAPPER.createObjectNode() : object(body);
    MatchRules.Defaults defaults = rules.defaults();
    MatchSettings settings = new MatchSettings(integer(json, "seats", defaults.seats()),
        integer(json, "humans", defaults.humans()), integer(json, "rounds", defaults.rounds()),
        integer(json, "responseSeconds", defaults.responseSeconds()),
        integer(json, "voteSeconds", defaults.voteSeconds()), rules.intermissionSeconds());
    refuse(rules.problemWith(settings));
    return settings;
  }

  /**
   * A quick-play match: four seats, room for three strangers, default timings, and a lobby that starts it
   * with whoever came.
   */
  public MatchSettings quickPlay() {
    MatchRules.Defaults defaults = rules.defaults();
    return new MatchSettings(QUICK_PLAY_SEATS, QUICK_PLAY_HUMANS, defaults.rounds(), defaults.responseSeconds(),
        defaults.voteSeconds(), rules.intermissionSeconds(), quickPlayLobbySeconds, true);
  }

  /** A player's name, {@link Text#normalize normalized}. */
  public String name(String body) {
    String name = Text.normalize(string(object(body), "name"));
    refuse(rules.nameProblem(name));
    return name;
  }

  /** An answer, {@link Text#normalize normalized} as every answer is, a human's or a robot's. */
  public Answer answer(String body) {
    JsonNode json = object(body);
    int round = requiredInteger(json, "round");
    String text = Text.normalize(string(json, "text"));
    refuse(rules.answerProblem(text));
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

  private static void refuse(String problem) {
    if (problem != null) {
      throw ApiError.badRequest(problem);
    }
  }
}
