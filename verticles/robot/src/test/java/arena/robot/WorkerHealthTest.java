package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.events.RobotResponse.HealthCheck;
import arena.shared.events.RobotResponse.ProviderHealth;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WorkerHealthTest {
  private static final WorkerHealth.Settings SETTINGS = new WorkerHealth.Settings(2, 60);
  private static final Map<String, String> PERSONAS = Map.of("chill-gamer", "openai", "backpacker", "scripted");
  private static final long T0 = 1_000_000;

  @Test
  void theJvmsMembersPublishOneCheckTogether(Vertx vertx) {
    // Given two robot verticles of one JVM, each with its partitions, robots and calls
    WorkerHealth.Member a = new WorkerHealth.Member(vertx, SETTINGS);
    WorkerHealth.Member b = new WorkerHealth.Member(vertx, SETTINGS);
    for (WorkerHealth.Member m : List.of(a, b)) {
      m.partitionCount(6);
    }
    a.assigned(List.of(0, 1, 2));
    b.assigned(List.of(3, 4, 5));
    a.saw("robot-chill-gamer-1", T0);
    b.saw("robot-backpacker-2", T0);
    for (int i = 1; i <= 10; i++) {
      (i % 2 == 0 ? a : b).called("openai", i * 100, i > 8, T0);
    }

    // When both tick, once each has put its part in the JVM's map
    a.tick(T0 + 10, PERSONAS, Map.of("openai", "OPEN"));
    b.tick(T0 + 20, PERSONAS, Map.of("openai", "OPEN"));
    HealthCheck fromA = a.tick(T0 + 2010, PERSONAS, Map.of("openai", "OPEN"));
    HealthCheck fromB = b.tick(T0 + 2020, PERSONAS, Map.of("openai", "OPEN"));

    // Then exactly one of them publishes, for both
    assertThat(Stream.of(fromA, fromB).filter(c -> c != null)).hasSize(1);
    HealthCheck check = fromA != null ? fromA : fromB;
    assertThat(check.workerId()).isEqualTo(WorkerHealth.workerId(vertx));
    assertThat(check.partitionCount()).isEqualTo(6);
    assertThat(check.partitions()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(check.robots()).containsExactly("robot-backpacker-2", "robot-chill-gamer-1");
    assertThat(check.personas()).isEqualTo(PERSONAS);
    // And the providers' figures merge both: 10 calls, 2 failed, p90 of 100..1000 ms
    assertThat(check.providers()).containsEntry("openai", new ProviderHealth("open", 10, 2, 900))
        .containsEntry("scripted", new ProviderHealth("closed", 0, 0, 0));
  }

  @Test
  void callsAndRobotsOlderThanTheWindowAndMembersThatStoppedTickingLeaveTheCheck(Vertx vertx) {
    // Given a member that called long ago, and another that stopped ticking (its verticle died)
    WorkerHealth.Member live = new WorkerHealth.Member(vertx, SETTINGS);
    WorkerHealth.Member gone = new WorkerHealth.Member(vertx, SETTINGS);
    live.partitionCount(6);
    gone.partitionCount(6);
    live.assigned(List.of(0));
    gone.assigned(List.of(1));
    live.called("openai", 20_000, true, T0);
    live.saw("robot-chill-gamer-1", T0);
    gone.tick(T0, PERSONAS, Map.of());

    // When the live one ticks after the window (60 s) and past two intervals of the other's silence
    long later = T0 + 61_000;
    HealthCheck check = live.tick(later, PERSONAS, Map.of());

    // Then only the live one's partitions, and no stale call or robot
    assertThat(check.partitions()).containsExactly(0);
    assertThat(check.robots()).isEmpty();
    assertThat(check.providers().get("openai").calls()).isZero();
  }

  @Test
  void nothingIsPublishedBeforeThePartitionCountIsKnown(Vertx vertx) {
    WorkerHealth.Member m = new WorkerHealth.Member(vertx, SETTINGS);
    assertThat(m.tick(T0, PERSONAS, Map.of())).isNull();
  }
}
