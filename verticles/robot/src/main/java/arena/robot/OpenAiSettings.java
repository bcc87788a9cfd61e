package arena.robot;

import arena.shared.config.ArenaConfig;
import java.util.Map;

/**
 * Where and how to call OpenAI. The API key comes only from the environment and is never printed:
 * {@link #toString()} leaves it out.
 */
public record OpenAiSettings(String baseUrl, String model, String apiKey, long timeoutMs, int maxTokens) {
  public static final String KEY_ENV = "OPENAI_API_KEY";

  /** OPENAI_BASE_URL / OPENAI_MODEL win over robot.openai.baseUrl / model; the key is OPENAI_API_KEY. */
  public static OpenAiSettings from(ArenaConfig cfg, Map<String, String> env) {
    String baseUrl = nonBlank(env.get("OPENAI_BASE_URL"), cfg.string("robot.openai.baseUrl"));
    String model = nonBlank(env.get("OPENAI_MODEL"), cfg.string("robot.openai.model"));
    return new OpenAiSettings(baseUrl.replaceAll("/+$", ""), model, env.get(KEY_ENV),
        cfg.longValue("robot.openai.timeoutMs"), cfg.integer("robot.openai.maxTokens"));
  }

  public static boolean hasKey(Map<String, String> env) {
    String key = env.get(KEY_ENV);
    return key != null && !key.isBlank();
  }

  private static String nonBlank(String preferred, String otherwise) {
    return preferred != null && !preferred.isBlank() ? preferred : otherwise;
  }

  @Override
  public String toString() {
    return "OpenAiSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
        + ", timeoutMs=" + timeoutMs + ", maxTokens=" + maxTokens + "]";
  }
}
