package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"arena\" password=\"s3cret-in-file\";";

  @Test
  void aPropertiesFileReachesEveryKindOfClient() throws Exception {
    // Given a properties file with a cluster's security settings
    Path file = Files.createTempFile("kafka", ".properties");
    Files.writeString(file, """
        # a managed cluster
        security.protocol=SASL_SSL
        sasl.mechanism=PLAIN
        sasl.jaas.config=%s
        ssl.truststore.location=/etc/arena/truststore.jks
        request.timeout.ms=20000
        """.formatted(JAAS.replace("\"", "\\\"")));

    // When the configuration is loaded with it
    ArenaConfig config = config(file);

    // Then producers, group consumers, standalone consumers (state restore, event log) and admin clients all get them
    List<Map<String, String>> clients = List.of(KafkaClients.producer(config, "p"),
        KafkaClients.consumer(config, "g", "c"), KafkaClients.standalone(config, "s"), KafkaClients.admin(config, "a"));
    for (Map<String, String> client : clients) {
      assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
          .containsEntry("sasl.jaas.config", JAAS).containsEntry("ssl.truststore.location", "/etc/arena/truststore.jks")
          // a tuning setting the game has its own default for: the file's wins
          .containsEntry("request.timeout.ms", "20000")
          .containsEntry("bootstrap.servers", "kafka-1:9092");
    }
    // And the game's own guarantees stay
    assertThat(KafkaClients.producer(config, "p")).containsEntry("acks", "all").containsEntry("client.id", "p");
    assertThat(KafkaClients.consumer(config, "g", "c")).containsEntry("enable.auto.commit", "false");
  }

  @Test
  void everyReaderSkipsWhatAFencedOrchestratorLeftUncommittedAndTheOperatorCannotChangeThat() {
    // Given the defaults, and properties that try to read uncommitted records
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", "kafka-1:9092");
    JsonObject dirty = json.copy();
    dirty.getJsonObject("kafka").put("properties", new JsonObject().put("isolation.level", "read_uncommitted"));

    // Then group and standalone consumers read committed records only (the orchestrator writes in transactions)
    assertThat(KafkaClients.consumer(ArenaConfig.of(json), "g", "c")).containsEntry("isolation.level",
        "read_committed");
    assertThat(KafkaClients.standalone(ArenaConfig.of(json), "s")).containsEntry("isolation.level", "read_committed");
    // And the operator's properties may not turn that off
    assertThatThrownBy(() -> KafkaClients.standalone(ArenaConfig.of(dirty), "s"))
        .hasMessageContaining("isolation.level");
  }

  @Test
  void theConfigFilesKafkaSectionAddsPropertiesToo() {
    // Given properties in the JSON configuration rather than a properties file
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", "kafka-1:9092")
        .put("properties", new JsonObject().put("security.protocol", "SSL").put("request.timeout.ms", 20000));

    // Then every client gets them, as text
    assertThat(KafkaClients.admin(ArenaConfig.of(json), "a")).containsEntry("security.protocol", "SSL")
        .containsEntry("request.timeout.ms", "20000");
  }

  @Test
  void aSecretCanStayOutOfThePropertiesFileWithKafkasConfigProviders() throws Exception {
    // Given the password in a secrets file (or the environment, with ${env:NAME}) and only its name in the properties
    Path secrets = Files.createTempFile("secrets", ".properties");
    Files.writeString(secrets, "password=s3cret-elsewhere\n");
    Path file = Files.createTempFile("kafka", ".properties");
    Files.writeString(file, """
        config.providers=file
        config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
        sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
          username="arena" password="${file:%s:password}";
        """.formatted(secrets));

    // When a producer's configuration is made from it
    Map<String, String> producer = KafkaClients.producer(config(file), "p");

    // Then the game holds only the reference, and Kafka resolves it when the client is made
    assertThat(producer.get("sasl.jaas.config")).doesNotContain("s3cret-elsewhere");
    assertThat(new ProducerConfig(new HashMap<>(producer)).getPassword("sasl.jaas.config").value())
        .contains("password=\"s3cret-elsewhere\"");
  }

  @Test
  void aSettingTheGameReliesOnIsRefused() throws Exception {
    // Given a file that would turn off acks=all
    Path file = Files.createTempFile("kafka", ".properties");
    Files.writeString(file, "acks=1\nsecurity.protocol=SSL\n");
    ArenaConfig config = config(file);

    // Then no client is made with it, and the message names the setting
    assertThatThrownBy(() -> KafkaClients.producer(config, "p")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acks");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = Path.of("/nonexistent/kafka.properties");
    assertThatThrownBy(() -> config(missing)).hasMessageContaining("/nonexistent/kafka.properties");
  }

  private static ArenaConfig config(Path file) {
    JsonObject json = ArenaConfig.load(null, Map.of());
    json.getJsonObject("kafka").put("bootstrapServers", "kafka-1:9092");
    ArenaConfig.addKafkaProperties(json, file);
    return ArenaConfig.of(json);
  }
}
