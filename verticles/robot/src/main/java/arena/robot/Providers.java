package arena.robot;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which provider each persona plays with: the pool's {@code robot.provider} ("auto", "scripted", "openai",
 * "anthropic"), unless the persona names its own. "auto" means OpenAI when OPENAI_API_KEY is set, else
 * Anthropic when ANTHROPIC_API_KEY is set, else scripted.
 */
public final class Providers {
  private static final Logger log = LoggerFactory.getLogger(Providers.class);

  private final RobotProvider pool;
  private final Map<String, RobotProvider> byPersonaType;
  private final List<RobotProvider> created;

  private Providers(RobotProvider pool, Map<String, RobotProvider> byPersonaType, List<RobotProvider> created) {
    this.pool = pool;
    this.byPersonaType = Map.copyOf(byPersonaType);
    this.created = List.copyOf(created);
  }

  /** Every persona plays with {@code provider}. */
  public static Providers of(RobotProvider provider) {
    return new Providers(provider, Map.of(), List.of());
  }

  /**
   * Reads the choice from {@code cfg} and the keys from {@code env}. The pool's choice must be usable (an
   * explicit provider without its key is refused); a persona naming a provider without its key plays with
   * the pool's, with a warning.
   */
  public static Providers create(Vertx vertx, ArenaConfig cfg, Map<String, String> env, ScriptedProvider scripted,
      Personas personas) {
    Prices prices = Prices.load();
    Map<Dialect, RobotProvider> llms = new HashMap<>();
    List<RobotProvider> created = new ArrayList<>();
    Function<Dialect, RobotProvider> llm = d -> llms.computeIfAbsent(d, x -> {
      LlmSettings settings = LlmSettings.from(x, cfg, env);
      log.info("robots may answer with {} model {} at {}", x.providerName(), settings.model(), settings.baseUrl());
      RobotProvider p = new LlmProvider(vertx, settings, scripted, prices);
      created.add(p);
      return p;
    });

    String choice = cfg.string("robot.provider");
    String poolChoice = choice == null ? "auto" : choice.strip().toLowerCase(Locale.ROOT);
    RobotProvider pool = switch (poolChoice) {
      case "auto" -> LlmSettings.hasKey(Dialect.OPENAI, env) ? llm.apply(Dialect.OPENAI)
          : LlmSettings.hasKey(Dialect.ANTHROPIC, env) ? llm.apply(Dialect.ANTHROPIC) : scripted;
      case ScriptedProvider.NAME -> scripted;
      default -> {
        Dialect d = dialect(poolChoice, "robot.provider");
        if (!LlmSettings.hasKey(d, env)) {
          throw new IllegalStateException("robot.provider is " + poolChoice + " but " + d.env("API_KEY")
              + " is not set");
        }
        yield llm.apply(d);
      }
    };
    log.info("robots answer with the {} provider unless their persona names another", pool.name());

    Map<String, RobotProvider> byPersonaType = new HashMap<>();
    for (Persona persona : personas.all()) {
      String named = persona.provider();
      if (named == null || named.equals(pool.name())) {
        continue;
      }
      if (named.equals(ScriptedProvider.NAME)) {
        byPersonaType.put(persona.type(), scripted);
        continue;
      }
      Dialect d = dialect(named, "persona " + persona.type() + "'s provider");
      if (LlmSettings.hasKey(d, env)) {
        byPersonaType.put(persona.type(), llm.apply(d));
      } else {
        log.warn("persona {} asks for the {} provider but {} is not set: it plays with {}", persona.type(), named,
            d.env("API_KEY"), pool.name());
      }
    }
    return new Providers(pool, byPersonaType, created);
  }

  private static Dialect dialect(String name, String where) {
    for (Dialect d : Dialect.values()) {
      if (d.providerName().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(where + " must be auto, scripted, openai or anthropic, not '" + name + "'");
  }

  /** The provider {@code persona} plays with. */
  public RobotProvider forPersona(Persona persona) {
    RobotProvider own = persona == null ? null : byPersonaType.get(persona.type());
    return own == null ? pool : own;
  }

  /** The pool's provider: every persona that names none plays with it. */
  public RobotProvider pool() {
    return pool;
  }

  /** Closes the providers {@link #create} made. */
  public void close() {
    created.forEach(RobotProvider::close);
  }
}
