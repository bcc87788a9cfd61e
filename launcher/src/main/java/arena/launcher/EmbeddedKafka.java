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

  /**
   * One node of a KRaft cluster, broker and controller in one process.
   *
   * @param voters    the controller quorum, {@code id@host:controllerPort} of every node, comma-separated
   * @param clusterId the same on every node of one cluster (a Kafka {@link Uuid}); used only to format new storage
   */
  public record Node(int nodeId, int port, int controllerPort, String voters, Path dataDir, String clusterId) {
    /** How many nodes the quorum names: the internal topics keep up to 3 copies across them. */
    int size() {
      return voters.split(",").length;
    }
  }

  /** A single-node cluster: formats {@code dataDir} on first use and starts; blocks until up (off the event loop). */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
    return start(dataDir, port, controllerPort, Map.of());
  }

  /** As {@link #start(Path, int, int)}, with broker settings over the defaults (tests: a SASL listener). */
  static EmbeddedKafka start(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
    return start(new Node(1, port, controllerPort, "1@127.0.0.1:" + controllerPort, dataDir,
        Uuid.randomUuid().toString()), overrides);
  }

  /** Formats the node's folder on first use (with the cluster's id) and starts it; blocks until it is up. */
  public static EmbeddedKafka start(Node node) {
    return start(node, Map.of());
  }

  private static EmbeddedKafka start(Node node, Map<String, String> overrides) {
    int port = node.port();
    requireFree(port);
    requireFree(node.controllerPort());
    Path dataDir = node.dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dataDir, e);
    }
    // Offsets and transactions keep as many copies as the game's topics: 3 with 2 in sync on 3+ nodes.
    int copies = Math.min(3, node.size());
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(node.nodeId()));
    props.put("controller.quorum.voters", node.voters());
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + node.controllerPort());
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", dataDir.toAbsolutePath().toString());
    props.put("offsets.topic.replication.factor", String.valueOf(copies));
    props.put("offsets.topic.num.partitions", "10");
    props.put("transaction.state.log.replication.factor", String.valueOf(copies));
    props.put("transaction.state.log.min.isr", copies >= 3 ? "2" : "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // The default dedupe buffer takes 128 MiB at start; the game's compacted topics are small.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    props.putAll(overrides);
    format(props, dataDir, node.clusterId());
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    log.info("embedded Kafka 3.9.2 (KRaft) node {} of {} listening on 127.0.0.1:{}, data in {}", node.nodeId(),
        node.size(), port, dataDir.toAbsolutePath());
    return new EmbeddedKafka(server, port);
  }

  private static void format(Properties props, Path dataDir, String clusterId) {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return; // formatted before: a restart keeps its cluster id and every match
    }
    try {
      Path file = dataDir.resolve("server.properties");
      try (var out = Files.newOutputStream(file)) {
        props.store(out, "written by Turing Arena's launcher");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c",
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
