package arena.launcher.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A load run's figures: latency histograms as percentiles, totals, and series over time; as JSON and as one HTML
 * page that carries its chart library (uPlot, copied from the gateway's web build into the jar) inline.
 */
public final class LoadReport {
  /** The percentiles every latency is reported at. */
  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private LoadReport() {}

  /** count, p50, p90, p99, p99.9, max and mean of {@code h}, in its unit (milliseconds here). */
  public static JsonObject summary(Histogram h) {
    JsonObject out = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return out;
    }
    for (double p : PERCENTILES) {
      out.put(label(p), h.getValueAtPercentile(p));
    }
    return out.put("max", h.getMaxValue()).put("mean", Math.round(h.getMean() * 10) / 10.0);
  }

  static String label(double percentile) {
    String s = percentile == Math.rint(percentile) ? String.valueOf((long) percentile) : String.valueOf(percentile);
    return "p" + s;
  }

  /** One line per latency: name, count, percentiles, max (for the console). */
  public static String table(Map<String, Histogram> latencies) {
    StringBuilder out = new StringBuilder(String.format("%-42s %8s %8s %8s %8s %8s %8s%n", "latency (ms)", "count",
        "p50", "p90", "p99", "p99.9", "max"));
    latencies.forEach((name, h) -> {
      if (h.getTotalCount() == 0) {
        out.append(String.format("%-42s %8d %8s %8s %8s %8s %8s%n", name, 0, "-", "-", "-", "-", "-"));
      } else {
        out.append(String.format("%-42s %8d %8d %8d %8d %8d %8d%n", name, h.getTotalCount(),
            h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9), h.getMaxValue()));
      }
    });
    return out.toString();
  }

  /**
   * The whole report: {@code meta} (the run), each latency's summary and the sentence that defines it,
   * {@code totals} and {@code series}.
   */
  public static JsonObject json(JsonObject meta, Map<String, Histogram> latencies, Map<String, String> definitions,
      JsonObject totals, Map<String, List<Number>> series) {
    JsonObject lat = new JsonObject();
    JsonObject defined = new JsonObject();
    latencies.forEach((name, h) -> {
      lat.put(name, summary(h));
      defined.put(name, definitions.get(name));
    });
    JsonObject s = new JsonObject();
    series.forEach((name, values) -> s.put(name, new JsonArray(new ArrayList<>(values))));
    return new JsonObject().put("run", meta).put("latenciesMs", lat).put("definitions", defined).put("totals", totals)
        .put("series", s);
  }

  /** A page that shows {@code report} (as {@link #json} makes it) with no other file and no network. */
  public static String html(JsonObject report) {
    String js = resource("uPlot.iife.min.js");
    String css = resource("uPlot.min.css");
    // The data sits in a script element: "</" must not end it early.
    String data = report.encode().replace("</", "<\\/");
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Turing Arena load report</title>
        <style>%s</style>
        <style>
        body{font:14px system-ui,sans-serif;margin:24px;color:#222}
        table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
        th:first-child,td:first-child,td.text{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}
        </style>
        <script>%s</script>
        </head><body>
        <h1>Turing Arena load report</h1>
        <p id="verdict"></p>
        <h2>Run</h2><table id="run"></table>
        <h2>Latencies (ms)</h2><table id="lat"></table>
        <h2>Round overhead, part by part</h2><p id="split-note"></p><table id="split"></table>
        <h2>Game JVMs (their admin listeners' /metrics)</h2><p id="games-note"></p><table id="games"></table>
        <h2>Totals</h2><table id="totals"></table>
        <h2>Over time</h2><div class="charts" id="charts"></div>
        <script id="data" type="application/json">%s</script>
        <script>
        const r = JSON.parse(document.getElementById('data').textContent);
        const cell = (t, v) => { const e = document.createElement(t); e.textContent = v; return e; };
        const row = (table, values, head, text) => { const tr = document.createElement('tr');
          values.forEach((v, i) => { const c = tr.appendChild(cell(head ? 'th' : 'td', v));
            if (text && i === values.length - 1) c.className = 'text'; }); table.appendChild(tr); };
        const pairs = (id, o) => { const t = document.getElementById(id);
          Object.entries(o).forEach(([k, v]) => row(t, [k, typeof v === 'object' ? JSON.stringify(v) : v])); };
        pairs('run', r.run); pairs('totals', r.totals);
        const cols = ['count', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'];
        const lat = document.getElementById('lat'); row(lat, ['latency', ...cols, 'what it measures'], true);
        const defs = r.definitions || {};
        Object.entries(r.latenciesMs).forEach(([k, v]) =>
          row(lat, [k, ...cols.map(c => v[c] ?? '-'), defs[k] ?? ''], false, true));
        const split = r.totals.roundOverheadSplit;
        if (split) {
          document.getElementById('split-note').textContent = 'Mean per round over the ' + split.rounds
            + ' rounds that closed early; "unexplained" is the overhead less its parts (where the slowest'
            + " participant was not the last to act, a simulated human's timer firing late, parts not seen).";
          const t = document.getElementById('split'); row(t, ['part', 'mean (ms)', '%% of the overhead'], true);
          Object.keys(split.meanMs).forEach(k => row(t, [k, split.meanMs[k], split.percentOfOverhead[k]]));
        } else {
          document.getElementById('split-note').textContent = r.run.game === 'this JVM'
            ? 'No round closed early (everyone acted).'
            : 'Only when the game runs in the load JVM, whose robots answer as soon as the model does.';
        }
        const games = r.totals.gameJvms || [];
        document.getElementById('games-note').textContent = games.length
          ? "Scraped once a second; the load tool's own JVM is in Totals (peakHeapMb, peakThreads, gcMs)."
          : 'None scraped (--target-admin).';
        if (games.length) {
          const gc = ['admin', 'scrapes', 'failed', 'peakHeapMb', 'peakThreads', 'gcPauseMs', 'gcPauses',
            'peakCpuPercent'];
          const t = document.getElementById('games'); row(t, gc, true);
          games.forEach(g => row(t, gc.map(c => g[c] ?? '-')));
        }
        document.getElementById('verdict').textContent = r.totals.verdict;
        const t = r.series.seconds || [];
        const charts = [['Heap used (MB)', ['heapMb']], ['Threads', ['threads']],
          ['GC time per sample (ms)', ['gcMs']], ['CPU (%% of one core)', ['cpuPercent']],
          ['Matches', ['running', 'completed']],
          ['Actions per second', ['actionsPerSecond']], ['Errors and missed deadlines', ['errors', 'missed']]];
        const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
        // A JVM figure is this JVM's under its own name, a game JVM's under name@its admin listener.
        const jvm = ['heapMb', 'threads', 'gcMs', 'cpuPercent'];
        const label = n => { const at = n.indexOf('@');
          return at < 0 ? (jvm.includes(n) ? n + ' (' + r.run.jvm + ')' : n) : n.slice(0, at) + ' (game JVM ' + n.slice(at + 1) + ')'; };
        charts.forEach(([title, names]) => {
          const present = Object.keys(r.series).filter(k => names.some(n => k === n || k.startsWith(n + '@')));
          if (!present.length) return;
          const div = document.createElement('div'); document.getElementById('charts').appendChild(div);
          new uPlot({ title, width: 560, height: 260, scales: { x: { time: false } },
            axes: [{ label: 'seconds' }, {}],
            series: [{ label: 's' }, ...present.map((n, i) => ({ label: label(n), stroke: colours[i %% colours.length],
              width: 1.5 }))] },
            [t, ...present.map(n => r.series[n])], div);
        });
        </script>
        </body></html>
        """.formatted(css, js.replace("</script", "<\\/script"), data);
  }

  private static String resource(String name) {
    try (InputStream in = LoadReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not in the jar: the launcher's build copies it from the gateway's "
            + "web build (verticles/gateway/web/node_modules/uplot); build with the gateway module (-am)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}
