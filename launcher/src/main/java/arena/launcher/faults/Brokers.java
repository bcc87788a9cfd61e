package arena.launcher.faults;

import arena.launcher.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

/** A KRaft cluster of real brokers on loopback, each its own process ({@code java -jar … kafka}). */
final class Brokers {
  final List<Children.Child> nodes = new ArrayList<>();
  private final String bootstrap;

  Brokers(Children children, int count, Path dataDir) {
    String clusterId = Uuid.randomUuid().toString();
    List<int[]> addresses = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      addresses.add(new int[] {i, FreePorts.next(), FreePorts.next()});
    }
    String voters = addresses.stream().map(a -> a[0] + "@127.0.0.1:" + a[2]).collect(Collectors.joining(","));
    bootstrap = addresses.stream().map(a -> "127.0.0.1:" + a[1]).collect(Collectors.joining(","));
    for (int[] a : addresses) {
      nodes.add(children.add("kafka-" + a[0], "384m", List.of("kafka", "--node-id", String.valueOf(a[0]),
          "--port", String.valueOf(a[1]), "--controller-port", String.valueOf(a[2]), "--voters", voters,
          "--data-dir", dataDir.resolve("kafka-" + a[0]).toString(), "--cluster-id", clusterId)));
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  void startAll() {
    nodes.forEach(Children.Child::start);
  }

  /** Waits until the cluster reports {@code expected} brokers; false if it does not within the time given. */
  boolean awaitBrokers(int expected, Duration within) {
    Instant end = Instant.now().plus(within);
    while (Instant.now().isBefore(end)) {
      try (Admin admin = admin()) {
        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= expected) {
          return true;
        }
      } catch (Exception e) {
        // not up yet
      }
      Pause.of(Duration.ofMillis(500));
    }
    return false;
  }

  /** The node that leads the most partitions of these topics: killing it moves the most leadership. */
  Children.Child busiestLeader(Collection<String> topics) throws Exception {
    try (Admin admin = admin()) {
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<Integer, Integer> led = new HashMap<>();
      described.values().forEach(t -> t.partitions().forEach(p -> {
        if (p.leader() != null) {
          led.merge(p.leader().id(), 1, Integer::sum);
        }
      }));
      int id = led.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(1);
      return nodes.get(id - 1);
    }
  }

  Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    return Admin.create(p);
  }
}
