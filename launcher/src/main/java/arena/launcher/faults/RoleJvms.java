package arena.launcher.faults;

import arena.launcher.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The game's JVMs: each runs some roles ({@code java -jar … --roles match --kafka …}) with ports of its own, the
 * suite's configuration file, and a small heap.
 */
final class RoleJvms {
  /** One JVM of the game, its roles and its ports. */
  record Jvm(Children.Child child, List<String> roles, int httpPort, int adminPort) {
    boolean has(String role) {
      return roles.contains(role);
    }

    String base() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  final List<Jvm> jvms = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** {@code layout}: one entry per JVM, its roles joined by '+', e.g. {@code match, orchestrator+robot+gateway}. */
  RoleJvms(Children children, List<String> layout, String bootstrap, Path config) {
    Map<String, Integer> seen = new HashMap<>();
    for (String entry : layout) {
      List<String> roles = List.of(entry.trim().split("\\+"));
      String name = String.join("+", roles) + "-" + seen.merge(String.join("+", roles), 1, Integer::sum);
      int httpPort = FreePorts.next();
      int adminPort = FreePorts.next();
      Children.Child child = children.add(name, "160m", List.of("--kafka", bootstrap, "--roles", String.join(",", roles),
          "--config", config.toString(), "--http-port", String.valueOf(httpPort), "--admin-port",
          String.valueOf(adminPort)));
      jvms.add(new Jvm(child, roles, httpPort, adminPort));
    }
  }

  List<Jvm> with(String role) {
    return jvms.stream().filter(j -> j.has(role)).toList();
  }

  /** The gateways' base URLs, in layout order. */
  List<String> gateways() {
    return with("gateway").stream().map(Jvm::base).toList();
  }

  void startMissing() {
    jvms.forEach(j -> j.child().start());
  }

  /** Whether this JVM's admin /health says UP (Kafka answers, every role deployed). */
  boolean healthy(Jvm jvm) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jvm.adminPort() + "/health"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** Waits until every JVM is alive and healthy; returns those that were not within the time given. */
  List<Jvm> awaitHealthy(Duration within) {
    Instant end = Instant.now().plus(within);
    List<Jvm> waiting = new ArrayList<>(jvms);
    while (!waiting.isEmpty() && Instant.now().isBefore(end)) {
      waiting.removeIf(j -> j.child().alive() && healthy(j));
      if (!waiting.isEmpty()) {
        Pause.of(Duration.ofMillis(500));
      }
    }
    return waiting;
  }

  private static final Pattern CLIENT = Pattern.compile("\\[Consumer clientId=([^,\\]]+), groupId=([^\\]]+)]");

  /**
   * The JVM whose consumer in {@code group} holds this partition now: the group's member is found with the admin
   * client, and its client id in the JVMs' logs (the consumer coordinator logs it at INFO).
   */
  Optional<Jvm> owner(Admin admin, String group, TopicPartition partition) throws Exception {
    ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
        .get(group);
    String clientId = null;
    for (MemberDescription member : described.members()) {
      if (member.assignment().topicPartitions().contains(partition)) {
        clientId = member.clientId();
      }
    }
    if (clientId == null) {
      return Optional.empty();
    }
    Map<String, Jvm> byClient = new LinkedHashMap<>();
    for (Jvm jvm : jvms) {
      Matcher m = CLIENT.matcher(jvm.child().logText());
      while (m.find()) {
        if (m.group(2).equals(group)) {
          byClient.put(m.group(1), jvm);
        }
      }
    }
    return Optional.ofNullable(byClient.get(clientId));
  }
}
