package arena.shared.config;

import arena.shared.Json;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The game's configuration: the defaults in {@code conf/arena.json} (packaged in the jar), deep-merged with
 * an optional file, then with environment variables. Every leaf of the defaults can be set from the
 * environment by its path in upper snake case behind {@code ARENA_}: {@code match.responseSeconds} is
 * {@code ARENA_MATCH_RESPONSE_SECONDS}. {@code KAFKA_BOOTSTRAP_SERVERS} is honoured as well.
 * Verticles get the merged object as their deployment config and read it through this class.
 */
public final class ArenaConfig {
  private final JsonObject json;

  private ArenaConfig(JsonObject json) {
    this.json = json;
  }

  public static ArenaConfig of(JsonObject json) {
    return new ArenaConfig(json);
  }

  public static JsonObject defaults() {
    return new JsonObject(resource("conf/arena.json"));
  }

  /** Defaults, then {@code file} (if any), then the environment. */
  public static JsonObject load(Path file, Map<String, String> env) {
    JsonObject merged = defaults();
    if (file != null) {
      try {
        merged.mergeIn(new JsonObject(Files.readString(file)), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read config " + file, e);
      }
    }
    applyEnv(merged, "ARENA", env);
    String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
    if (bootstrap != null && !bootstrap.isBlank()) {
      merged.getJsonObject("kafka").put("bootstrapServers", bootstrap);
    }
    return merged;
  }

  /**
   * Adds a file of standard Kafka client properties (security.protocol, sasl.jaas.config, ssl.*, …) to
   * {@code kafka.properties}, over any set there by the configuration file. Every client gets them (see KafkaClients).
   */
  public static void addKafkaProperties(JsonObject json, Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      // The path only: the file itself may hold a password.
      throw new UncheckedIOException("cannot read Kafka properties " + file, e);
    }
    JsonObject target = json.getJsonObject("kafka").getJsonObject("properties");
    properties.stringPropertyNames().forEach(name -> target.put(name, properties.getProperty(name)));
  }

  private static void applyEnv(JsonObject node, String prefix, Map<String, String> env) {
    for (String field : List.copyOf(node.fieldNames())) {
      String name = prefix + "_" + snake(field);
      Object value = node.getValue(field);
      if (value instanceof JsonObject child) {
        applyEnv(child, name, env);
      } else if (env.containsKey(name)) {
        String raw = env.get(name);
        node.put(field, value instanceof Number ? number(name, raw.strip())
            : value instanceof Boolean ? (Object) Boolean.valueOf(raw)
            : value instanceof JsonArray ? new JsonArray(List.of(raw.split(","))) : raw);
      }
    }
  }

  /** Whole numbers stay whole (rates like 0.25 are not cut to 0), and a typo names its variable. */
  private static Number number(String name, String raw) {
    try {
      if (raw.contains(".") || raw.contains("e") || raw.contains("E")) {
        return Double.valueOf(raw);
      }
      long whole = Long.parseLong(raw);
      return whole == (int) whole ? (Number) (int) whole : (Number) whole;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + raw + "'");
    }
  }

  static String snake(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').replace('.', '_').toUpperCase();
  }

  public JsonObject json() {
    return json;
  }

  public JsonObject object(String path) {
    Object v = lookup(path);
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException("config " + path + " is not an object");
    }
    return o;
  }

  /**
   * The section at {@code path} as a record: every field must be in the configuration (conf/arena.json holds the
   * defaults), so a missing or mistyped one fails at start instead of falling back to a value hidden in code.
   */
  public <T> T bind(String path, Class<T> type) {
    try {
      // Through JSON text: a deployed verticle's config is a copy whose nested sections are JsonObjects, not maps.
      return Json.MAPPER.readValue(object(path).encode(), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("config " + path + " does not fit " + type.getSimpleName() + ": "
          + e.getMessage(), e);
    }
  }

  public String string(String path) {
    Object v = lookup(path);
    return v == null ? null : v.toString();
  }

  public int integer(String path) {
    Object v = lookup(path);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("config " + path + " is not a number: " + v);
    }
    return n.intValue();
  }

  public long longValue(String path) {
    return ((Number) lookup(path)).longValue();
  }

  public boolean bool(String path) {
    return Boolean.TRUE.equals(lookup(path));
  }

  public List<String> strings(String path) {
    Object v = lookup(path);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      a.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  private Object lookup(String path) {
    Object node = json;
    for (String part : path.split("\\.")) {
      if (!(node instanceof JsonObject o) || !o.containsKey(part)) {
        throw new IllegalArgumentException("config has no " + path);
      }
      node = o.getValue(part);
    }
    return node;
  }

  public String bootstrapServers() {
    return string("kafka.bootstrapServers");
  }

  public String topic(Topic topic) {
    return topic.name(string("kafka.topicPrefix"));
  }

  /** A text file from the classpath's conf/ folder (prompts, personas). */
  public static String resource(String path) {
    try (InputStream in = ArenaConfig.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
