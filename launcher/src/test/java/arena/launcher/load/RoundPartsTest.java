package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundPartsTest {
  private static final long T = 1_000_000;

  /** A round that closed early: 1 s of assignment, 100 ms of seating, then 10 ms, 20 ms, 30 ms, 40 ms per part. */
  private static RoundTimes early(long unexplainedMs) {
    // The slowest voter thought unexplainedMs less than it took to send: a late timer, unexplained.
    return new RoundTimes(T, T, T + 1000, T + 1100, T + 31_100, T + 6130, T + 26_130, T + 10_200 + unexplainedMs,
        new RoundTimes.Acts(5000, T + 1110, T + 6110, List.of(T + 1110L, T + 1150L)),
        new RoundTimes.Acts(4000, T + 6160, T + 10_160 + unexplainedMs, List.of(T + 6160L, T + 6170L)),
        List.of(T + 10_300 + unexplainedMs));
  }

  @Test
  void theSplitGivesEachPartsMeanAndShareAndWhatIsLeftUnexplained() {
    // Given two rounds that closed early, the second with 200 ms its parts do not explain
    RoundParts parts = new RoundParts();
    parts.add(early(0));
    parts.add(early(200));

    // When their shares are taken
    JsonObject shares = parts.shares();

    // Then the overhead (1,200 and 1,400 ms) is the sum of its means, and the unexplained part 100 ms on average,
    // 7.7 % of the 2,600 ms in all
    assertThat(shares.getLong("rounds")).isEqualTo(2);
    assertThat(shares.getJsonObject("meanMs")).isEqualTo(new JsonObject().put("overhead", 1300.0)
        .put("seating less assignment", 100.0).put("assignment", 1000.0).put("answering shown", 10.0)
        .put("answering closed", 20.0).put("voting shown", 30.0).put("voting closed", 40.0)
        .put("unexplained", 100.0));
    assertThat(shares.getJsonObject("percentOfOverhead").getDouble("assignment")).isEqualTo(76.9);
    assertThat(shares.getJsonObject("percentOfOverhead").getDouble("unexplained")).isEqualTo(7.7);
    // And each line has one value per round, the transitions one per human and round
    assertThat(parts.split().get(RoundParts.OVERHEAD).getTotalCount()).isEqualTo(2);
    assertThat(parts.split().get(RoundParts.OVERHEAD).getMaxValue()).isEqualTo(1400);
    assertThat(parts.split().get(RoundParts.ASSIGNMENT).getMaxValue()).isEqualTo(1000);
    assertThat(parts.transitions().get(RoundParts.TO_ANSWERING).getTotalCount()).isEqualTo(4);
    assertThat(parts.transitions().get(RoundParts.TO_VOTING).getMaxValue()).isEqualTo(60);
    assertThat(parts.transitions().get(RoundParts.TO_SCORES).getMaxValue()).isEqualTo(140);
  }

  @Test
  void aRoundThatRanOutGivesTransitionsButNoSplit() {
    // Given only a round whose answering phase ran to its deadline
    RoundParts parts = new RoundParts();
    parts.add(new RoundTimes(T, T, T + 1000, T + 1100, T + 31_100, T + 31_150, T + 51_150, T + 40_000,
        new RoundTimes.Acts(0, 0, 0, List.of(T + 1120L)), new RoundTimes.Acts(0, 0, T + 39_990, List.of(T + 31_170L)),
        List.of()));

    // Then there is nothing to split, and its transitions count from the deadline where the phase ran out
    assertThat(parts.shares()).isNull();
    assertThat(parts.split().get(RoundParts.OVERHEAD).getTotalCount()).isZero();
    assertThat(parts.transitions().get(RoundParts.TO_VOTING).getMaxValue()).isEqualTo(70);
  }

  @Test
  void theConsoleLineNamesEveryPartAndTheUnexplainedRest() {
    RoundParts parts = new RoundParts();
    parts.add(early(0));

    assertThat(LoadCommand.parts(parts.shares())).isEqualTo("overhead 1200 ms = seating less assignment 100 ms "
        + "(8.3 %) + assignment 1000 ms (83.3 %) + answering shown 10 ms (0.8 %) + answering closed 20 ms (1.7 %) + "
        + "voting shown 30 ms (2.5 %) + voting closed 40 ms (3.3 %); unexplained 0 ms (0.0 %)");
  }
}
