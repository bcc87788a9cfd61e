// Starts the whole game (fat jar, embedded Kafka, all roles) on free ports with fast robots, for browser tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

export const OUT = process.env.ARENA_E2E_OUT ?? join(process.cwd(), 'out');
mkdirSync(join(OUT, 'screenshots'), { recursive: true });

export function freePort(port = 0) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      server.close(() => resolve(bound));
    });
  });
}

/** A free port whose next one is free too: the embedded broker's controller listens on --kafka-port + 1. */
async function freePortPair() {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (port < 65535 && await freePort(port + 1).then(() => true, () => false)) return port;
  }
  throw new Error('no two free ports in a row');
}

/** {@code env} adds to or overrides the game's environment; its output goes to {@code logName} under OUT. */
export async function startGame(env = {}, logName = 'game.log') {
  const jar = process.env.ARENA_JAR;
  if (!jar) throw new Error('ARENA_JAR is not set (run e2e/run.sh)');
  const kafka = await freePortPair();
  const other = async () => { let p; do p = await freePort(); while (p === kafka + 1); return p; };
  const [http, admin] = [await other(), await other()];
  const dir = mkdtempSync(join(tmpdir(), 'arena-e2e-'));
  const log = createWriteStream(join(OUT, logName));
  const child = spawn('java', ['-Xmx768m', '-jar', jar, '--http-port', String(http), '--kafka-port', String(kafka),
    '--admin-port', String(admin), '--data-dir', join(dir, 'kafka')], {
    cwd: dir,
    env: {
      ...process.env,
      OPENAI_API_KEY: '',
      ARENA_ROBOT_PROVIDER: 'scripted',
      // Robots timed like humans (robot.timing) but quick, and never missing a phase, so rounds end early.
      ARENA_ROBOT_TIMING_ANSWER_THINK_MEDIAN_MS: '300',
      ARENA_ROBOT_TIMING_ANSWER_MS_PER_CHAR: '5',
      ARENA_ROBOT_TIMING_ANSWER_MISS_RATE: '0',
      ARENA_ROBOT_TIMING_VOTE_THINK_MEDIAN_MS: '300',
      ARENA_ROBOT_TIMING_VOTE_MS_PER_CHAR: '1',
      ARENA_ROBOT_TIMING_VOTE_MISS_RATE: '0',
      ARENA_ROBOT_TIMING_FLOOR_MS: '200',
      ARENA_ROBOT_TIMING_JITTER_MS: '300',
      ARENA_MATCH_INTERMISSION_SECONDS: '2',
      ARENA_GATEWAY_QUICK_PLAY_LOBBY_SECONDS: '2',
      // Matches a test leaves behind hold robots until their deadlines: keep enough for the next test.
      ARENA_POOL_ROBOTS_CURIOUS_STUDENT: '6',
      ARENA_POOL_ROBOTS_SKEPTICAL_SCIENTIST: '6',
      ARENA_POOL_ROBOTS_CREATIVE_ARTIST: '6',
      ...env,
    },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const base = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the game exited with ${child.exitCode}; see ${OUT}/${logName}`);
    try {
      if ((await fetch(`${base}/health`)).status === 200) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  /** One call of the players' HTTP API: its status and JSON body (null when it has none). */
  const api = async (method, path, body, token) => {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: await r.json().catch(() => null) };
  };
  return {
    base,
    /** The admin listener (health, metrics, the operator dashboard), never the players' port. */
    admin: `http://127.0.0.1:${admin}`,
    api,
    /** Polls a player's view of a match until {@code until} accepts it (bounded: 60 s). */
    async awaitView(matchId, token, until) {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const { json } = await api('GET', `/api/matches/${matchId}`, null, token);
        if (json && until(json)) return json;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`match ${matchId}: the view never got there`);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A page that records console errors and failed requests, so a test can assert there were none. {@code expected}
 * lists the error answers a test asks for ({url, status}): those, and the console line Chromium writes for each,
 * are not problems.
 */
export async function watchedPage(context, { expected = [] } = {}) {
  const page = await context.newPage();
  page.problems = [];
  const asked = (url, status) => expected.some((x) => x.url === url && x.status === status);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const failed = m.text().match(/^Failed to load resource: the server responded with a status of (\d{3})\b/);
    if (failed && asked(m.location()?.url, Number(failed[1]))) return;
    page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A page closing or reloading aborts its open long-polls; that is not a failure of the page.
    if (!String(r.failure()?.errorText).includes('ERR_ABORTED')) page.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !asked(r.url(), r.status())) page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, 'screenshots', `${name}.png`), fullPage: true });
}
