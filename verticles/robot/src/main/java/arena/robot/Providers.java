package arena.robot;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the provider named by {@code robot.provider}: "auto", "scripted" or "openai". */
public final class Providers {
  private static final Logger log = LoggerFactory.getLogger(Providers.class);

  private Providers() {}

  /** "auto" uses OpenAI when OPENAI_API_KEY is set in {@code env}, else the scripted provider. */
  public static RobotProvider create(Vertx vertx, ArenaConfig cfg, Map<String, String> env,
      ScriptedProvider scripted) {
    String choice = cfg.string("robot.provider");
    boolean hasKey = OpenAiSettings.hasKey(env);
    boolean openai = switch (choice == null ? "auto" : choice.trim().toLowerCase()) {
      case "auto" -> hasKey;
      case "scripted" -> false;
      case "openai" -> {
        if (!hasKey) {
          throw new IllegalStateException("robot.provider is openai but " + OpenAiSettings.KEY_ENV + " is not set");
        }
        yield true;
      }
      default -> throw new IllegalArgumentException(
          "robot.provider must be auto, scripted or openai, not '" + choice + "'");
    };
    if (!openai) {
      log.info("robots answer with the scripted provider");
      return scripted;
    }
    OpenAiSettings settings = OpenAiSettings.from(cfg, env);
    log.info("robots answer with OpenAI model {} at {}", settings.model(), settings.baseUrl());
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs()))
        .setUserAgent("turing-arena-robot"));
    return new OpenAiProvider(vertx, client, settings, scripted);
  }
}
