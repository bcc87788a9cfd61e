package arena.shared.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest answer latencies of a robot or persona, for their p90, as counts per bucket rather than the latencies
 * themselves, so a tally rewritten at every answer stays small. Immutable.
 *
 * <p>Precision: a bucket per millisecond up to 31 ms, then 16 per doubling, each at most 1/16 of its lower bound wide;
 * a percentile reads as the middle of its bucket, so it is within 1/32 (3.2 %) of the nearest-rank percentile of the
 * same answers. Window: answers are counted in generations of {@link #GENERATION}, and a percentile is over the
 * current generation and the one before: the latest 251 to 500 answers (all of them while there are fewer).
 *
 * <p>Stored as {@code {"from":b,"recent":[…],"earlier":[…]}}: the counts of the current and the previous generation
 * from bucket {@code b} on. A tally written before holds its latest latencies themselves ({@code [412, 388, …]},
 * oldest first), which read as if counted one by one.
 */
public final class Latencies {
  /** Answers per generation. */
  public static final int GENERATION = 250;
  public static final Latencies NONE = new Latencies(0, new int[0], new int[0], 0);
  /** Latencies below this have a bucket of their own. */
  private static final int EXACT = 32;
  /** Buckets per doubling above {@link #EXACT}. */
  private static final int PER_DOUBLING = 16;

  /** The bucket of index 0 in both arrays. */
  private final int from;
  private final int[] recent;
  private final int[] earlier;
  /** Answers in {@link #recent}. */
  private final int recentCount;

  private Latencies(int from, int[] recent, int[] earlier, int recentCount) {
    this.from = from;
    this.recent = recent;
    this.earlier = earlier;
    this.recentCount = recentCount;
  }

  /** These latencies (ms, oldest first) counted one by one. */
  public static Latencies of(long... latenciesMs) {
    Latencies l = NONE;
    for (long ms : latenciesMs) {
      l = l.with(ms);
    }
    return l;
  }

  /** These latencies and one more answer's: a new generation begins when the current one is full. */
  public Latencies with(long latencyMs) {
    int bucket = bucket(latencyMs);
    int[] now = recent;
    int[] before = earlier;
    int count = recentCount;
    if (count == GENERATION) {
      before = now;
      now = new int[0];
      count = 0;
    }
    int base = now.length + before.length == 0 ? bucket : from;
    int lo = Math.min(bucket, base);
    int[] counts = new int[Math.max(now.length + base - lo, bucket - lo + 1)];
    System.arraycopy(now, 0, counts, base - lo, now.length);
    counts[bucket - lo]++;
    return trimmed(lo, counts, shifted(before, base - lo), count + 1);
  }

  /** {@code counts} starting {@code by} buckets later. */
  private static int[] shifted(int[] counts, int by) {
    if (by == 0 || counts.length == 0) {
      return counts;
    }
    int[] out = new int[counts.length + by];
    System.arraycopy(counts, 0, out, by, counts.length);
    return out;
  }

  /** No bucket below the first counted in either generation, and no trailing empty ones. */
  private static Latencies trimmed(int from, int[] recent, int[] earlier, int recentCount) {
    int lead = Math.min(leadingZeros(recent), leadingZeros(earlier));
    if (lead == Integer.MAX_VALUE) {
      return NONE;
    }
    return new Latencies(from + lead, trim(recent, lead), trim(earlier, lead), recentCount);
  }

  private static int leadingZeros(int[] counts) {
    int i = 0;
    while (i < counts.length && counts[i] == 0) {
      i++;
    }
    return i == counts.length ? Integer.MAX_VALUE : i;
  }

  private static int[] trim(int[] counts, int lead) {
    int end = counts.length;
    while (end > 0 && counts[end - 1] == 0) {
      end--;
    }
    return end <= lead ? new int[0] : lead == 0 && end == counts.length ? counts : Arrays.copyOfRange(counts, lead,
        end);
  }

  /** Answers counted in the window. */
  public int count() {
    return Arrays.stream(recent).sum() + Arrays.stream(earlier).sum();
  }

  /** The nearest-rank {@code quantile} (0 to 1) of the window's latencies, within 1/32; 0 while none. */
  public long percentile(double quantile) {
    long rank = (long) Math.ceil(quantile * count());
    long seen = 0;
    for (int i = 0; i < Math.max(recent.length, earlier.length); i++) {
      seen += at(recent, i) + at(earlier, i);
      if (seen >= Math.max(rank, 1)) {
        return middle(from + i);
      }
    }
    return 0;
  }

  private static int at(int[] counts, int i) {
    return i < counts.length ? counts[i] : 0;
  }

  /** The bucket of {@code ms}: itself below {@link #EXACT}, then {@link #PER_DOUBLING} per doubling. */
  static int bucket(long ms) {
    long v = Math.max(0, ms);
    if (v < EXACT) {
      return (int) v;
    }
    int log = 63 - Long.numberOfLeadingZeros(v);
    int shift = log - 4;
    return EXACT + (log - 5) * PER_DOUBLING + (int) ((v >> shift) - PER_DOUBLING);
  }

  /** The middle of bucket {@code b}: within 1/32 of any latency in it. */
  static long middle(int b) {
    if (b < EXACT) {
      return b;
    }
    int shift = (b - EXACT) / PER_DOUBLING + 1;
    long lower = (long) (PER_DOUBLING + (b - EXACT) % PER_DOUBLING) << shift;
    return lower + ((1L << shift) - 1) / 2;
  }

  @JsonValue
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("from", from);
    json.put("recent", recent);
    json.put("earlier", earlier);
    return json;
  }

  /** The stored form, or a tally's latest latencies as written before. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Latencies read(JsonNode json) {
    if (json.isArray()) {
      long[] latencies = new long[json.size()];
      for (int i = 0; i < latencies.length; i++) {
        latencies[i] = json.get(i).asLong();
      }
      return of(latencies);
    }
    int from = json.required("from").asInt();
    int[] recent = counts(json.required("recent"));
    int[] earlier = counts(json.required("earlier"));
    int recentCount = Arrays.stream(recent).sum();
    if (from < 0 || from + Math.max(recent.length, earlier.length) > bucket(Long.MAX_VALUE) + 1
        || recentCount > GENERATION || Arrays.stream(earlier).sum() > GENERATION) {
      throw new IllegalArgumentException("latencies out of range: " + json);
    }
    return trimmed(from, recent, earlier, recentCount);
  }

  private static int[] counts(JsonNode json) {
    if (!json.isArray()) {
      throw new IllegalArgumentException("latency counts must be an array, not " + json);
    }
    int[] counts = new int[json.size()];
    for (int i = 0; i < counts.length; i++) {
      if (!json.get(i).canConvertToInt() || json.get(i).asInt() < 0) {
        throw new IllegalArgumentException("a latency count must be a count, not " + json.get(i));
      }
      counts[i] = json.get(i).asInt();
    }
    return counts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Latencies l && from == l.from && recentCount == l.recentCount
        && Arrays.equals(recent, l.recent) && Arrays.equals(earlier, l.earlier);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * from + Arrays.hashCode(recent)) + Arrays.hashCode(earlier);
  }

  @Override
  public String toString() {
    return "Latencies" + json();
  }
}
