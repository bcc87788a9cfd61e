package arena.shared.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import arena.shared.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  /** The nearest-rank p90 of {@code ms}, as a tally computed it from its raw latencies. */
  private static long exactP90(List<Long> ms) {
    List<Long> sorted = ms.stream().sorted().toList();
    return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
  }

  @Test
  void theP90IsWithinOneThirtySecondOfTheExactOneOverTheLatest251To500Answers() {
    // Given answers whose latencies spread from a few ms to a minute, as LLM calls and fallbacks do
    Random random = new Random(42);
    Latencies latencies = Latencies.NONE;
    List<Long> all = new ArrayList<>();
    for (int n = 1; n <= 3000; n++) {
      long ms = (long) Math.exp(random.nextGaussian() * 1.2 + 7); // median ~1.1 s
      latencies = latencies.with(ms);
      all.add(ms);

      // Then after every answer the p90 is that of the latest answers (all while 250 or fewer, then 251 to 500)
      int window = n <= Latencies.GENERATION ? n : Latencies.GENERATION + (n - 1) % Latencies.GENERATION + 1;
      long exact = exactP90(all.subList(n - window, n));
      assertThat(latencies.count()).isEqualTo(window);
      assertThat((double) Math.abs(latencies.percentile(0.9) - exact)).as("after %d answers", n)
          .isLessThanOrEqualTo(exact / 32.0);
    }
  }

  @Test
  void shortLatenciesAreExactAndEveryBucketsMiddleIsWithinOneThirtySecondOfItsLatencies() {
    // Given latencies below 32 ms, and every latency up to a million ms and some far larger ones
    for (long ms = 0; ms < 32; ms++) {
      // Then the short ones are exact
      assertThat(Latencies.middle(Latencies.bucket(ms))).isEqualTo(ms);
    }
    for (long ms = 32; ms < 1_000_000; ms++) {
      // And a longer one reads within 1/32 of itself
      assertThat((double) Math.abs(Latencies.middle(Latencies.bucket(ms)) - ms)).as("%d ms", ms)
          .isLessThanOrEqualTo(ms / 32.0);
    }
    for (long ms : new long[] {Long.MAX_VALUE, Long.MAX_VALUE / 3, 1L << 40}) {
      assertThat((double) Math.abs(Latencies.middle(Latencies.bucket(ms)) - ms)).isLessThanOrEqualTo(ms / 32.0);
    }
    // And a negative latency (clocks apart) counts as 0
    assertThat(Latencies.of(-5).percentile(0.9)).isZero();
  }

  @Test
  void noAnswersHaveAP90OfZero() {
    assertThat(Latencies.NONE.percentile(0.9)).isZero();
    assertThat(Latencies.NONE.count()).isZero();
  }

  @Test
  void storedAsCountsPerBucketAndReadBackTheSame() throws Exception {
    // Given 600 answers of 400 to 4,000 ms
    Random random = new Random(7);
    Latencies latencies = Latencies.NONE;
    for (int i = 0; i < 600; i++) {
      latencies = latencies.with(400 + random.nextInt(3600));
    }

    // When written and read back
    String json = Json.write(latencies);
    Latencies read = Json.MAPPER.readValue(json, Latencies.class);

    // Then it is the same, in a few hundred characters instead of the latencies themselves
    assertThat(read).isEqualTo(latencies);
    assertThat(read.percentile(0.9)).isEqualTo(latencies.percentile(0.9));
    assertThat(json).startsWith("{\"from\":").hasSizeLessThan(400);
  }

  @Test
  void theLatestLatenciesAsATallyWroteThemBeforeReadAsCountedOneByOne() throws Exception {
    // Given a tally's latest latencies as written before: the latencies themselves, oldest first
    List<Long> old = new ArrayList<>();
    for (long i = 1; i <= 500; i++) {
      old.add(i * 7);
    }

    // When read
    Latencies read = Json.MAPPER.readValue(Json.write(old), Latencies.class);

    // Then they are as if counted one by one, all 500 in the window, with their p90 within 1/32
    assertThat(read).isEqualTo(Latencies.of(old.stream().mapToLong(Long::longValue).toArray()));
    assertThat(read.count()).isEqualTo(500);
    long exact = exactP90(old);
    assertThat((double) Math.abs(read.percentile(0.9) - exact)).isLessThanOrEqualTo(exact / 32.0);
  }

  @Test
  void countsThatAreNotCountsDoNotRead() {
    assertThatThrownBy(() -> Json.MAPPER.readValue("{\"from\":3,\"recent\":[1,-2],\"earlier\":[]}",
        Latencies.class)).hasMessageContaining("count");
    assertThatThrownBy(() -> Json.MAPPER.readValue("{\"from\":3,\"recent\":[1]}", Latencies.class))
        .hasMessageContaining("earlier");
    assertThatThrownBy(() -> Json.MAPPER.readValue("{\"from\":960,\"recent\":[1],\"earlier\":[]}",
        Latencies.class)).hasMessageContaining("out of range");
  }
}
