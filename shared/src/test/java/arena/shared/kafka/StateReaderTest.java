package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.state.PoolState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StateReaderTest {
  static final String NAME = "robot-pool-state";
  static final TopicPartition P0 = new TopicPartition(NAME, 0);
  static final Duration STALL = Duration.ofSeconds(1);

  final MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
  /** The reader's clock: only the polls below move it. */
  final AtomicLong nanos = new AtomicLong();

  @Test
  void aReadThatKeepsProgressingSucceedsHoweverLongItTakesInAll() throws Exception {
    // Given 20 records that come one per poll, each poll taking 300 ms: 6 s in all, six times the stall limit
    int records = 20;
    topicOf(records);
    for (int i = 0; i < records; i++) {
      long offset = i;
      consumer.schedulePollTask(() -> {
        nanos.addAndGet(Duration.ofMillis(300).toNanos());
        consumer.addRecord(record(offset, "k" + offset, state(offset)));
      });
    }

    // When the state is read back
    StateReader.Latest<PoolState> latest = read();

    // Then every key is there
    assertThat(latest.byKey()).hasSize(records);
    assertThat(latest.unreadable()).isEmpty();
  }

  @Test
  void aReadThatStopsProgressingFailsOnceTheStallLimitHasPassed() {
    // Given a partition that holds 3 records of which only the first ever arrives; polls take 300 ms
    topicOf(3);
    consumer.schedulePollTask(() -> consumer.addRecord(record(0, "k0", state(0))));
    for (int i = 0; i < 100; i++) {
      consumer.schedulePollTask(() -> nanos.addAndGet(Duration.ofMillis(300).toNanos()));
    }

    // When it is read back, then it fails after the stall limit without progress, long before the polls run out
    assertThatThrownBy(this::read).isInstanceOf(TimeoutException.class).hasMessageContaining("no progress");
    assertThat(nanos.get()).isLessThanOrEqualTo(STALL.plusMillis(600).toNanos());
  }

  @Test
  void aTombstoneDeletesItsKey() throws Exception {
    // Given a, b, then a tombstone for a
    topicOf(3);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(record(0, "a", state(1)));
      consumer.addRecord(record(1, "b", state(2)));
      consumer.addRecord(record(2, "a", null));
    });

    // When read back, then only b is left
    assertThat(read().byKey()).containsOnlyKeys("b");
  }

  @Test
  void aReplayHandsOnEveryRecordInOrderTombstonesIncluded() throws Exception {
    // Given a, b, a tombstone for a, then a again
    topicOf(4);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(record(0, "a", state(1)));
      consumer.addRecord(record(1, "b", state(2)));
      consumer.addRecord(record(2, "a", null));
      consumer.addRecord(record(3, "a", state(3)));
    });

    // When replayed
    List<StateReader.Entry<PoolState>> entries = new java.util.ArrayList<>();
    StateReader.replay(consumer, NAME, Topic.ROBOT_POOL_STATE, PoolState.class, List.of(0), STALL, nanos::get,
        entries::add);

    // Then every record comes, in offset order
    assertThat(entries).extracting(StateReader.Entry::key).containsExactly("a", "b", "a", "a");
    assertThat(entries).extracting(StateReader.Entry::offset).containsExactly(0L, 1L, 2L, 3L);
    assertThat(entries.get(2).value()).isNull();
    assertThat(entries.get(3).value()).isEqualTo(state(3));
  }

  void topicOf(long records) {
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(P0, records));
  }

  StateReader.Latest<PoolState> read() throws TimeoutException {
    return StateReader.read(consumer, NAME, Topic.ROBOT_POOL_STATE, PoolState.class, List.of(0), STALL, nanos::get);
  }

  static ConsumerRecord<String, String> record(long offset, String key, PoolState state) {
    String value = state == null ? null : Json.write(Envelope.of("pool.state", "test", key, state, null, null));
    return new ConsumerRecord<>(NAME, 0, offset, key, value);
  }

  static PoolState state(long version) {
    return new PoolState(version, List.of(), List.of(), List.of(), Map.of());
  }
}
