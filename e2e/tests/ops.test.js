// The operator dashboard (/ops on the admin listener) in real Chromium, against the whole game with its robots on
// the openai provider (the jar's fake LLM), so every panel has something to show. With ARENA_OPS_SCREENSHOT set,
// its screenshot during a game in progress is also written there (e2e/ops-screenshot.sh makes docs/ops.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGame, freePort, launchBrowser, watchedPage, shot } from './game.js';

let game;
let browser;

before(async () => {
  const port = await freePort();
  game = await startGame({
    ARENA_ROLES: 'fake-llm,match,orchestrator,robot,gateway',
    ARENA_FAKE_LLM_PORT: String(port),
    ARENA_FAKE_LLM_LATENCY_MEDIAN_MS: '300',
    ARENA_FAKE_LLM_LATENCY_P99_MS: '1200',
    ARENA_ROBOT_PROVIDER: 'openai',
    OPENAI_API_KEY: 'e2e-key-not-a-secret',
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
  }, 'game-ops.log');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await game?.stop();
});

const LONG = { timeout: 60_000 };

const api = (...args) => game.api(...args);

const awaitView = (...args) => game.awaitView(...args);

/** Plays one round through the player API: answers, waits for the vote, votes for someone else. */
async function playRound(matchId, token, round) {
  await awaitView(matchId, token, (v) => v.phase === 'RESPONDING' && v.round === round);
  assert.equal((await api('POST', `/api/matches/${matchId}/response`, { round, text: `toast, round ${round}` }, token)).status, 202);
  const voting = await awaitView(matchId, token, (v) => v.phase === 'VOTING' && v.round === round);
  const other = voting.participants.find((l) => l !== voting.you);
  assert.equal((await api('POST', `/api/matches/${matchId}/vote`, { round, identity: other }, token)).status, 202);
}

const points = (page, chart) => page.$eval(`#chart-${chart}`, (f) => Number(f.dataset.points ?? 0));
const polls = (page) => page.evaluate(() => Number(document.body.dataset.polls ?? 0));
const rowsOf = (page, table) => page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => tr.textContent));

test('the operator dashboard shows every panel, follows a game live, and has no errors', async () => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await watchedPage(context);

  // Given the dashboard open on the admin listener (the bare /ops sends it on to /ops/)
  await page.goto(`${game.admin}/ops`);
  assert.equal(new URL(page.url()).pathname, '/ops/');
  await page.waitForFunction(() => Number(document.body.dataset.polls ?? 0) >= 1, null, LONG);

  // Then every panel is there: four charts, the tables, and no players' data on the players' port
  for (const chart of ['matches', 'round', 'assignment', 'response']) {
    assert.ok(await page.locator(`#chart-${chart} .uplot canvas`).count() >= 1, `chart ${chart}`);
  }
  for (const panel of ['matches', 'pool', 'seated', 'queue', 'providers', 'totals', 'dead-letters', 'health']) {
    assert.ok(await page.locator(`#panel-${panel}`).isVisible(), `panel ${panel}`);
    assert.ok((await rowsOf(page, panel)).length >= 1, `rows of ${panel}`);
  }
  assert.ok((await rowsOf(page, 'pool')).some((r) => r.startsWith('curious-student')), 'the pool by type');
  assert.ok((await rowsOf(page, 'providers')).some((r) => r.startsWith('openai')), 'the openai provider');
  assert.ok((await rowsOf(page, 'totals')).some((r) => r.startsWith('cost so far')), 'the cost');
  assert.equal((await api('GET', '/ops/')).status, 404, 'the dashboard is not on the players\' port');
  const pointsBefore = await points(page, 'matches');

  // When a game is played through the player API: one match in its rounds, one waiting for a second human
  const { json: playing } = await api('POST', '/api/matches', { seats: 4, humans: 1, rounds: 3 });
  const { json: ann } = await api('POST', `/api/matches/${playing.matchId}/players`, { name: 'Ann' });
  const { json: waiting } = await api('POST', '/api/matches', { seats: 5, humans: 2, rounds: 2 });
  assert.equal((await api('POST', `/api/matches/${waiting.matchId}/players`, { name: 'Bo' })).status, 201);

  // Then the dashboard shows both matches in their phases, and robots seated in the one that started
  await page.waitForFunction((id) => [...document.querySelectorAll('#matches tbody tr')]
    .some((tr) => tr.textContent.startsWith(id) && tr.textContent.includes('waiting')), waiting.matchId, LONG);
  await page.waitForFunction((id) => [...document.querySelectorAll('#seated tbody tr')]
    .some((tr) => tr.textContent.startsWith(id)), playing.matchId, LONG);
  assert.match(await page.locator('#phases').textContent(), /\b2 in all\b/);
  const busy = await page.$$eval('#pool tbody tr', (trs) => trs.reduce((n, tr) => n + Number(tr.cells[2]?.textContent ?? 0), 0));
  assert.ok(busy >= 3, `busy robots: ${busy}`);

  // And as rounds go by, the charts get new points: matches every poll, then assignment latency, robot response
  // time and round duration as they are measured
  await playRound(playing.matchId, ann.token, 1);
  await playRound(playing.matchId, ann.token, 2);
  await awaitView(playing.matchId, ann.token, (v) => v.round === 3 && v.phase === 'RESPONDING');
  for (const chart of ['assignment', 'response', 'round']) {
    await page.waitForFunction((c) => Number(document.getElementById(`chart-${c}`).dataset.points ?? 0) >= 1, chart, LONG);
  }
  assert.ok(await points(page, 'matches') > pointsBefore, 'the matches chart grew');
  // (the last round waits for Ann's answer until its deadline, robots seated)
  await page.waitForFunction((id) => [...document.querySelectorAll('#matches tbody tr')]
    .some((tr) => tr.textContent.startsWith(id) && tr.textContent.includes('responding')), playing.matchId, LONG);
  await page.waitForFunction((id) => [...document.querySelectorAll('#seated tbody tr')]
    .some((tr) => tr.textContent.startsWith(id)), playing.matchId, LONG);
  assert.ok(await polls(page) >= 3);

  // A game in progress, for the README
  await shot(page, 'ops');
  if (process.env.ARENA_OPS_SCREENSHOT) await page.screenshot({ path: process.env.ARENA_OPS_SCREENSHOT, fullPage: true });

  // And nothing went wrong in the page
  assert.deepEqual(page.problems, []);
  await context.close();
});
