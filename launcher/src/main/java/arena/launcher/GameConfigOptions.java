package arena.launcher;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command that reads or runs a game takes to find its configuration and its Kafka cluster, as a
 * picocli mixin: one spelling, one meaning, one way to load them.
 */
public final class GameConfigOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "A JSON file merged over the defaults in conf/.")
  Path config;

  @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster (default: $KAFKA_BOOTSTRAP_SERVERS, else kafka.bootstrapServers of the "
          + "configuration; a command that can starts an embedded broker when neither is set).")
  String kafka;

  @Option(names = "--kafka-properties", paramLabel = "FILE", defaultValue = "${env:KAFKA_PROPERTIES_FILE}",
      description = "Standard Kafka client properties (security.protocol, sasl.*, ssl.*, …) for every client of "
          + "this JVM (default: $KAFKA_PROPERTIES_FILE). Values may name secrets as $${env:NAME} or $${file:PATH:KEY} "
          + "with Kafka's config providers.")
  Path kafkaProperties;

  /** Defaults, then --config, then the environment, then --kafka and --kafka-properties. */
  public JsonObject load(Map<String, String> env) {
    JsonObject json = ArenaConfig.load(config, env);
    if (kafka != null) {
      json.getJsonObject("kafka").put("bootstrapServers", kafka);
    }
    if (kafkaProperties != null) {
      ArenaConfig.addKafkaProperties(json, kafkaProperties);
    }
    return json;
  }
}
