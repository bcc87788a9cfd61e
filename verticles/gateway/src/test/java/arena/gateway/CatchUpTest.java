package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.kafka.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CatchUpTest {

  @Test
  void caughtUpOnceEveryPartitionsLastRecordWasHandled_andNotBeforeTheTargetsAreKnown() {
    AtomicInteger caughtUp = new AtomicInteger();
    CatchUp catchUp = new CatchUp(caughtUp::incrementAndGet);

    // Given records handled before the gateway knows where match-state ends
    catchUp.handled(0, 5);
    assertThat(catchUp.done()).isFalse();
    assertThat(catchUp.behind()).isEqualTo(-1);

    // When the targets come: partition 0 ends at 5, partition 1 at 9, partition 2 holds nothing
    catchUp.targets(Map.of(0, 5L, 1, 9L));

    // Then it waits for partition 1 alone, and is caught up once, with its last record
    assertThat(catchUp.behind()).isEqualTo(1);
    catchUp.handled(1, 8);
    assertThat(catchUp.done()).isFalse();
    catchUp.handled(1, 9);
    catchUp.handled(1, 10);
    assertThat(catchUp.done()).isTrue();
    assertThat(caughtUp).hasValue(1);
  }

  @Test
  void theTargetIsTheLastRecordAHandlerSees_aTombstoneCountsAndPoisonDoesNot() throws Exception {
    // Given match-state: partition 0 ends with a state, a tombstone, then a record nobody can decode; partition 1
    // is empty; partition 2 holds one state 100 records before poison that fills the rest
    String topic = "match-state";
    MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    consumer.updatePartitions(topic, List.of(info(topic, 0), info(topic, 1), info(topic, 2)));
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    TopicPartition p2 = new TopicPartition(topic, 2);
    consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L, p2, 0L));
    consumer.updateEndOffsets(Map.of(p0, 3L, p1, 0L, p2, 101L));
    String state = Json.write(Envelope.of("match.state", "test", Matches.MATCH, Matches.completed(), null, null));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>(topic, 0, 0, Matches.MATCH, state));
      consumer.addRecord(new ConsumerRecord<>(topic, 0, 1, "m-2", null));
      consumer.addRecord(new ConsumerRecord<>(topic, 0, 2, "m-3", "not JSON"));
    });
    for (int i = 0; i < 20; i++) {
      consumer.schedulePollTask(() -> {
        for (TopicPartition tp : List.of(p2)) {
          long at = consumer.position(tp);
          for (long o = at; o < 101; o++) {
            consumer.addRecord(new ConsumerRecord<>(topic, 2, o, "m-9", o == 0 ? state : "not JSON"));
          }
        }
      });
    }

    // When the last records are looked for
    Map<Integer, Long> last = CatchUp.lastRecords(consumer, topic, Topic.MATCH_STATE, 0, 1, Duration.ofSeconds(5));

    // Then partition 0 waits for the tombstone, partition 2 for its one state, partition 1 for nothing
    assertThat(last).isEqualTo(Map.of(0, 1L, 2, 0L));
  }

  private static PartitionInfo info(String topic, int partition) {
    return new PartitionInfo(topic, partition, Node.noNode(), new Node[0], new Node[0]);
  }
}
