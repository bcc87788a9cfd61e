package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final TokenBucket bucket = new TokenBucket(10, 5, nanos::get);

  private long taken(int tries) {
    return IntStream.range(0, tries).filter(i -> bucket.tryTake()).count();
  }

  private void pass(long millis) {
    nanos.addAndGet(millis * 1_000_000L);
  }

  @Test
  void aBurstOfTenPassesAndTheEleventhIsRefused() {
    // When a socket sends 30 messages at once
    // Then only the burst of 10 gets through
    assertThat(taken(30)).isEqualTo(10);
  }

  @Test
  void tokensComeBackAtFivePerSecond() {
    // Given an empty bucket
    taken(10);

    // When 200 ms pass, one message may go; after a whole second, five
    pass(199);
    assertThat(bucket.tryTake()).isFalse();
    pass(1);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
    pass(1000);
    assertThat(taken(10)).isEqualTo(5);
  }

  @Test
  void aQuietSocketSavesUpNoMoreThanTheBurst() {
    // Given a socket quiet for a minute
    pass(60_000);

    // Then it may still send only 10 at once
    assertThat(taken(100)).isEqualTo(10);
  }

  @Test
  void steadyFivePerSecondIsNeverRefused() {
    taken(10);
    for (int i = 0; i < 50; i++) {
      pass(200);
      assertThat(bucket.tryTake()).isTrue();
    }
  }

  @Test
  void aClockThatGoesBackGivesNothingBack() {
    taken(10);
    nanos.addAndGet(-5_000_000_000L);
    assertThat(bucket.tryTake()).isFalse();
  }

  @Test
  void nonsenseLimitsAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 5, nanos::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(10, 0, nanos::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
