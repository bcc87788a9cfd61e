package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The tail of the dead-letter topic for the operator dashboard: bounded, newest first, with the provenance. */
class DeadLettersTest {
  static final String NAME = "dead-letters";
  static final TopicPartition P0 = new TopicPartition(NAME, 0);
  static final TopicPartition P1 = new TopicPartition(NAME, 1);
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  final MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
  /** The reader's clock: only the polls below move it. */
  final AtomicLong nanos = new AtomicLong();

  @Test
  void theLatestOfAllPartitionsComeNewestFirstWithWhereTheyCameFromAndWhy() throws Exception {
    // Given 30 dead letters on partition 0 and 5 on partition 1, written in turns, and one more after the read began
    topic(Map.of(P0, 30L, P1, 5L));
    consumer.schedulePollTask(() -> {
      for (long o = 0; o < 30; o++) {
        consumer.addRecord(letter(0, o, 1_000 + o * 10));
      }
      for (long o = 0; o < 5; o++) {
        consumer.addRecord(letter(1, o, 1_000 + o * 100));
      }
      consumer.addRecord(letter(0, 30, 99_999));
    });

    // When an operator asks for the last 10
    List<DeadLetters.Parked> recent = DeadLetters.recent(consumer, NAME, 10, TIMEOUT, nanos::get);

    // Then they are the 10 newest of both partitions as the read began, newest first
    assertThat(recent).hasSize(10);
    assertThat(recent).extracting(DeadLetters.Parked::timestamp)
        .containsExactly(1_400L, 1_300L, 1_290L, 1_280L, 1_270L, 1_260L, 1_250L, 1_240L, 1_230L, 1_220L);
    // And each says which consumer parked what from where, why and when
    DeadLetters.Parked first = recent.get(0);
    assertThat(first.consumer()).isEqualTo("match-service");
    assertThat(first.topic()).isEqualTo("match-commands");
    assertThat(first.partition()).isEqualTo("3");
    assertThat(first.offset()).isEqualTo("4");
    assertThat(first.reason()).isEqualTo("not JSON");
    assertThat(first.cause()).isEqualTo("arena.shared.kafka.PoisonRecordException");
    assertThat(first.time()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(first.key()).isEqualTo("match-1-4");
  }

  @Test
  void aReadThatCannotReachTheEndFailsAfterTheTimeout() {
    // Given a partition that claims 3 dead letters of which none ever arrives; polls take 300 ms
    topic(Map.of(P0, 3L));
    for (int i = 0; i < 100; i++) {
      consumer.schedulePollTask(() -> nanos.addAndGet(Duration.ofMillis(300).toNanos()));
    }

    // When read, then it gives up after the timeout, long before the polls run out
    assertThatThrownBy(() -> DeadLetters.recent(consumer, NAME, 10, TIMEOUT, nanos::get))
        .isInstanceOf(TimeoutException.class).hasMessageContaining("took over");
    assertThat(nanos.get()).isLessThanOrEqualTo(TIMEOUT.plusMillis(600).toNanos());
  }

  @Test
  void aMissingTopicHasNoDeadLetters() throws Exception {
    // Given no dead-letter topic (nothing parked, or not created yet)
    // When read, then there are none
    assertThat(DeadLetters.recent(consumer, NAME, 10, TIMEOUT, nanos::get)).isEmpty();
  }

  void topic(Map<TopicPartition, Long> ends) {
    consumer.updatePartitions(NAME, ends.keySet().stream()
        .map(tp -> new PartitionInfo(NAME, tp.partition(), null, null, null)).toList());
    consumer.updateBeginningOffsets(ends.keySet().stream().collect(
        java.util.stream.Collectors.toMap(tp -> tp, tp -> 0L)));
    consumer.updateEndOffsets(ends);
  }

  static ConsumerRecord<String, String> letter(int partition, long offset, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    Map.of("dead-letter-consumer", "match-service", "dead-letter-topic", "match-commands",
            "dead-letter-partition", "3", "dead-letter-offset", String.valueOf(offset),
            "dead-letter-reason", "not JSON", "dead-letter-cause", "arena.shared.kafka.PoisonRecordException",
            "dead-letter-time", "2026-01-01T00:00:00Z")
        .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(NAME, partition, offset, timestamp, TimestampType.CREATE_TIME, 0, 0,
        "match-" + partition + "-" + offset, "this is not JSON", headers, Optional.empty());
  }
}
