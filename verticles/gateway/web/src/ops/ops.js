// The operator dashboard: polls /api/ops every 2 s, keeps the last 15 minutes of points in memory and draws them
// with uPlot. Parts this JVM lacks (no orchestrator, no robots, a meter not registered) are named, not errors.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './ops.css';

const POLL_MS = 2000;
const WINDOW_S = 15 * 60;
const WIDTH = 300;

// One chart per series: its title, unit, and how a point is taken from two successive reports.
const CHARTS = [
  { id: 'matches', title: 'Active matches', unit: '', point: (now) => num(now.meters.matchesActive) },
  { id: 'round', title: 'Round duration (s)', unit: 's', point: (now, before) => mean(now, before, 'roundDuration') },
  { id: 'assignment', title: 'Assignment latency (s)', unit: 's',
    point: (now, before) => mean(now, before, 'assignmentLatency') },
  { id: 'response', title: 'Robot response time (s)', unit: 's',
    point: (now, before) => mean(now, before, 'robotResponse') },
];

const series = { t: [], ...Object.fromEntries(CHARTS.map((c) => [c.id, []])) };
const plots = {};
let previous = null;

function num(value) {
  if (value == null) return null;
  return typeof value === 'number' ? value : value.total ?? null;
}

// The mean of what a timer recorded between two reports; null when it recorded nothing then.
function mean(now, before, key) {
  const a = now.meters[key];
  const b = before?.meters[key];
  if (a == null || b == null) return null;
  const count = a.count - b.count;
  return count > 0 ? (a.total - b.total) / count : null;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function fill(tableId, rows, emptyText) {
  const body = document.querySelector(`#${tableId} tbody`);
  const columns = document.querySelectorAll(`#${tableId} thead th`).length || 2;
  body.replaceChildren(...(rows.length ? rows.map((cells) => {
    const tr = el('tr');
    cells.forEach((c) => tr.append(typeof c === 'object' && c !== null ? c : el('td', c, typeof c === 'number' ? 'num' : null)));
    return tr;
  }) : [(() => { const tr = el('tr'); const td = el('td', emptyText, 'empty'); td.colSpan = columns; tr.append(td); return tr; })()]));
}

function makeCharts() {
  const holder = document.getElementById('charts');
  for (const c of CHARTS) {
    const figure = el('figure');
    figure.id = `chart-${c.id}`;
    holder.append(figure);
    plots[c.id] = new uPlot({
      title: c.title,
      width: WIDTH,
      height: 150,
      legend: { show: false },
      scales: { x: { time: true } },
      series: [{}, { label: c.title, stroke: '#2f6fdf', width: 2, spanGaps: true,
        value: (u, v) => (v == null ? '–' : `${+v.toFixed(3)}${c.unit}`) }],
      axes: [{}, { size: 50 }],
    }, [[], []], figure);
  }
}

function record(report) {
  const t = report.at / 1000;
  series.t.push(t);
  for (const c of CHARTS) series[c.id].push(c.point(report, previous));
  while (series.t.length && series.t[0] < t - WINDOW_S) {
    series.t.shift();
    for (const c of CHARTS) series[c.id].shift();
  }
  for (const c of CHARTS) {
    plots[c.id].setData([series.t, series[c.id]]);
    // How many points the chart shows, for the browser tests.
    document.getElementById(`chart-${c.id}`).dataset.points = String(series[c.id].filter((v) => v != null).length);
  }
  previous = report;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');

function render(report) {
  const matches = report.matches;
  fill('matches', matches ? matches.matches.map((m) => [m.matchId, m.phase, `${m.round}/${m.rounds}`,
    `${m.humans}/${m.humansWanted}`, m.seats, time(m.createdAt)]) : [], matches ? 'none' : 'absent in this process');
  document.getElementById('phases').textContent = matches
    ? `${matches.active} in all${Object.entries(matches.byPhase).map(([phase, n]) => ` · ${phase} ${n}`).join('')}` : '';
  const pool = report.pool;
  fill('pool', pool ? Object.entries(pool.byType).map(([type, n]) => [type, n.idle, n.busy]) : [],
    pool ? 'no robots' : 'absent in this process');
  fill('seated', pool ? Object.entries(pool.matches).map(([id, m]) => [id, m.round, m.robots]) : [],
    pool ? 'none' : 'absent in this process');
  fill('queue', pool ? pool.queue.map((q) => [q.matchId, q.round, q.count, time(q.queuedAt)]) : [],
    pool ? 'empty' : 'absent in this process');
  document.getElementById('queued').textContent = pool ? `${pool.queued} waiting` : '';
  const providers = report.providers;
  fill('providers', providers ? Object.entries(providers).map(([name, p]) => [name,
    el('td', p.breaker, p.breaker === 'closed' ? null : 'bad'), el('td', p.paused ? 'yes' : 'no', p.paused ? 'bad' : null)]) : [],
  providers ? 'none' : 'absent in this process');
  const m = report.meters;
  // Per label value, those that are not zero.
  const by = (v, digits) => {
    const parts = v && typeof v === 'object' && v.by ? Object.entries(v.by).filter(([, n]) => n) : [];
    return parts.length ? ` (${parts.map(([k, n]) => `${k}: ${+n.toFixed(digits)}`).join(', ')})` : '';
  };
  const total = (v, digits = 0) => (v == null ? 'absent' : `${+num(v).toFixed(digits)}${by(v, digits)}`);
  fill('totals', [
    ['active matches', total(m.matchesActive)],
    ['matches over', total(m.matchesCompleted)],
    ['scaling events', total(m.scaled)],
    ['cost so far (USD)', total(m.costUsd, 4)],
    ['dead letters (this process)', total(m.deadLetters)],
  ]);
  const dead = report.deadLetters;
  fill('dead-letters', dead ? dead.letters.map((d) => [time(d.time), d.consumer ?? '–',
    `${d.topic ?? '?'}-${d.partition ?? '?'}@${d.offset ?? '?'}`, d.key ?? '–', el('td', d.reason ?? '–', 'reason')]) : [],
  dead ? 'none' : report.absent.deadLetters ?? 'absent');
  document.getElementById('dead-read').textContent = dead ? `whole cluster, read ${time(new Date(dead.at).toISOString())}` : '';
  fill('health', Object.entries(report.health ?? {}).map(([id, status]) => [id, el('td', status, status === 'UP' ? null : 'bad')]),
    'no checks');
  const absent = Object.entries(report.absent);
  const note = document.getElementById('absent');
  note.hidden = absent.length === 0;
  note.textContent = absent.length ? `Not in this process: ${absent.map(([part, why]) => `${part} (${why})`).join('; ')}` : '';
}

async function poll() {
  const updated = document.getElementById('updated');
  try {
    const response = await fetch('/api/ops', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const report = await response.json();
    render(report);
    record(report);
    updated.textContent = `updated ${new Date(report.at).toLocaleTimeString()}`;
    updated.className = '';
    document.body.dataset.polls = String(Number(document.body.dataset.polls ?? 0) + 1);
  } catch (e) {
    updated.textContent = `no data: ${e.message}`;
    updated.className = 'stale';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

makeCharts();
poll();
