package arena.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar turing-arena.jar kafka …}: one real KRaft node (broker and controller) and nothing else, as one
 * member of a cluster of such processes. Three of them with the same voters and cluster id form a 3-broker cluster.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Runs one Kafka 3.9.2 KRaft node (broker and controller) of a cluster, until stopped.")
final class KafkaNodeCommand implements Callable<Integer> {

  @Option(names = "--node-id", required = true, description = "This node's id, one of the voters'.")
  int nodeId;

  @Option(names = "--port", required = true, description = "The client (PLAINTEXT) port on 127.0.0.1.")
  int port;

  @Option(names = "--controller-port", required = true, description = "The controller port on 127.0.0.1.")
  int controllerPort;

  @Option(names = "--voters", paramLabel = "ID@HOST:PORT[,...]",
      description = "The controller quorum, every node's id and controller address (default: this node alone).")
  String voters;

  @Option(names = "--data-dir", required = true, description = "This node's log directory (formatted on first use).")
  Path dataDir;

  @Option(names = "--cluster-id", description = "The cluster's id, the same on every node (default: a new one, "
      + "for a node alone). Only used to format a new data directory.")
  String clusterId;

  @Override
  public Integer call() throws Exception {
    String quorum = voters != null ? voters : nodeId + "@127.0.0.1:" + controllerPort;
    if (clusterId == null && quorum.contains(",")) {
      throw new IllegalArgumentException("--cluster-id is needed when the quorum has several voters");
    }
    EmbeddedKafka broker = EmbeddedKafka.start(new EmbeddedKafka.Node(nodeId, port, controllerPort, quorum, dataDir,
        clusterId != null ? clusterId : Uuid.randomUuid().toString()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "kafka-shutdown"));
    stopped.await();
    return 0;
  }
}
