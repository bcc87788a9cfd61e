package arena.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka 3.9.2 broker in KRaft mode (broker and controller in one node), running in this JVM.
 * Its log directory persists, so a restart in the same folder finds every match where it was.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Formats {@code dataDir} on first use and starts the broker; blocks until it is up (call off the event loop). */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
    return start(dataDir, port, controllerPort, Map.of());
  }

  /** As {@link #start(Path, int, int)}, with broker settings over the defaults (tests: a SASL listener). */
  static EmbeddedKafka start(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
    requireFree(port);
    requireFree(controllerPort);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dataDir, e);
    }
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", dataDir.toAbsolutePath().toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "10");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // The default dedupe buffer takes 128 MiB at start; the game's compacted topics are small.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    props.putAll(overrides);
    format(props, dataDir);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    log.info("embedded Kafka 3.9.2 (KRaft) listening on 127.0.0.1:{}, data in {}", port, dataDir.toAbsolutePath());
    return new EmbeddedKafka(server, port);
  }

  private static void format(Properties props, Path dataDir) {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return; // formatted before: a restart keeps its cluster id and every match
    }
    try {
      Path file = dataDir.resolve("server.properties");
      try (var out = Files.newOutputStream(file)) {
        props.store(out, "written by Turing Arena's launcher");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int code = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
          file.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
      if (code != 0) {
        throw new IllegalStateException("formatting " + dataDir + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " is taken: is another broker running? Use --kafka-port, or"
          + " --kafka host:port to use it instead", e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
