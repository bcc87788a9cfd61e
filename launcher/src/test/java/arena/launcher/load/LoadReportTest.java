package arena.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadReportTest {

  @Test
  void aSummaryHasTheCountPercentilesMaxAndMean() {
    // Given the values 1..1000 ms
    Histogram h = new Histogram(3_600_000, 3);
    for (int v = 1; v <= 1000; v++) {
      h.recordValue(v);
    }

    // When summarised
    JsonObject s = LoadReport.summary(h);

    // Then the percentiles are those of the values
    assertThat(s.getLong("count")).isEqualTo(1000);
    assertThat(s.getLong("p50")).isEqualTo(500);
    assertThat(s.getLong("p90")).isEqualTo(900);
    assertThat(s.getLong("p99")).isEqualTo(990);
    assertThat(s.getLong("p99.9")).isEqualTo(999);
    assertThat(s.getLong("max")).isEqualTo(1000);
    assertThat(s.getDouble("mean")).isEqualTo(500.5);
  }

  @Test
  void anEmptyHistogramHasOnlyItsCount() {
    assertThat(LoadReport.summary(new Histogram(3))).isEqualTo(new JsonObject().put("count", 0L));
  }

  @Test
  void thePageCarriesItsChartLibraryAndDataAndLoadsNothing() {
    // Given a report whose data holds a closing script tag
    Histogram h = new Histogram(3);
    h.recordValue(42);
    Map<String, Histogram> latencies = new LinkedHashMap<>();
    latencies.put("round overhead", h);
    JsonObject report = LoadReport.json(new JsonObject().put("command", "load </script><b>"), latencies,
        Map.of("round overhead", "what is left </script>"), new JsonObject().put("verdict", "PASS"),
        Map.of("seconds", List.of(1, 2), "heapMb", List.of(10, 20)));

    // When written as a page
    String html = LoadReport.html(report);

    // Then uPlot is inline, nothing is fetched, and the data cannot end its script early
    assertThat(html).contains("uPlot").doesNotContain("src=\"http", "href=\"http", "<link")
        .contains("load <\\/script><b>").doesNotContain("load </script>", "left </script>");
    assertThat(report.getJsonObject("latenciesMs").getJsonObject("round overhead").getLong("p50")).isEqualTo(42);
    // And each line carries the sentence that defines it
    assertThat(report.getJsonObject("definitions").getString("round overhead")).isEqualTo("what is left </script>");
  }
}
