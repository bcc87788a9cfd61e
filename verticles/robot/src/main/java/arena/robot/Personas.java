package arena.robot;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every persona a robot can play, read from {@code conf/personas.json}. */
public final class Personas {
  private static final Logger log = LoggerFactory.getLogger(Personas.class);
  public static final String RESOURCE = "conf/personas.json";

  private final Map<String, Persona> byType;

  private Personas(Map<String, Persona> byType) {
    if (byType.isEmpty()) {
      throw new IllegalArgumentException("no personas defined");
    }
    this.byType = Collections.unmodifiableMap(byType);
  }

  public static Personas load() {
    return parse(ArenaConfig.resource(RESOURCE));
  }

  public static Personas of(List<Persona> personas) {
    Map<String, Persona> map = new LinkedHashMap<>();
    personas.forEach(p -> map.put(p.type(), p));
    return new Personas(map);
  }

  public static Personas parse(String json) {
    JsonArray array = new JsonArray(json);
    List<Persona> list = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      list.add(persona(array.getJsonObject(i)));
    }
    return of(list);
  }

  private static Persona persona(JsonObject o) {
    String type = required(o, "type");
    JsonObject s = o.getJsonObject("style", new JsonObject());
    Persona.Style style = new Persona.Style(
        unit(s.getDouble("verbosity", 0.5)), unit(s.getDouble("typoRate", 0.0)), s.getBoolean("lowercase", false),
        unit(s.getDouble("emojiRate", 0.0)), Math.max(0, s.getDouble("typingCharsPerSecond", 0.0)));
    JsonObject p = o.getJsonObject("phrases", new JsonObject());
    List<String> opinions = strings(p, "opinions");
    if (opinions.isEmpty()) {
      throw new IllegalArgumentException("persona " + type + " has no opinions");
    }
    Persona.Phrases phrases = new Persona.Phrases(strings(p, "openers"), opinions, strings(p, "details"),
        strings(p, "fillers"), strings(p, "signOffs"), strings(p, "callbacks"), strings(p, "emojis"));
    String provider = o.getString("provider");
    return new Persona(type, o.getString("name", type), required(o, "systemPrompt"), style, phrases,
        provider == null || provider.isBlank() ? null : provider.strip().toLowerCase());
  }

  private static String required(JsonObject o, String field) {
    String v = o.getString(field);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("persona without " + field + ": " + o.getString("type"));
    }
    return v;
  }

  private static double unit(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static List<String> strings(JsonObject o, String field) {
    JsonArray a = o.getJsonArray(field, new JsonArray());
    List<String> out = new ArrayList<>();
    a.forEach(x -> {
      if (x instanceof String str && !str.isBlank()) {
        out.add(str);
      }
    });
    return List.copyOf(out);
  }

  /** The persona of {@code type}; an unknown type plays the first persona so the robot still answers. */
  public Persona forType(String type) {
    Persona p = type == null ? null : byType.get(type);
    if (p == null) {
      Persona first = byType.values().iterator().next();
      log.warn("unknown robot type '{}', playing '{}'", type, first.type());
      return first;
    }
    return p;
  }

  public boolean has(String type) {
    return byType.containsKey(type);
  }

  public List<Persona> all() {
    return List.copyOf(byType.values());
  }
}
