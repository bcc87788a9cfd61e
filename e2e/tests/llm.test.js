// The fat jar's robots playing through an LLM provider over HTTP: the jar runs its own fake LLM (role fake-llm) and
// its robots reach it with the openai provider, as they would reach a real OpenAI-compatible server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGame, freePort } from './game.js';

let game;
let fake;

before(async () => {
  const port = await freePort();
  fake = `http://127.0.0.1:${port}`;
  game = await startGame({
    ARENA_ROLES: 'fake-llm,match,orchestrator,robot,gateway',
    ARENA_FAKE_LLM_PORT: String(port),
    ARENA_FAKE_LLM_LATENCY_MEDIAN_MS: '30',
    ARENA_FAKE_LLM_LATENCY_P99_MS: '150',
    ARENA_ROBOT_PROVIDER: 'openai',
    OPENAI_API_KEY: 'e2e-key-not-a-secret',
    OPENAI_BASE_URL: `${fake}/v1`,
  }, 'game-llm.log');
});

after(async () => {
  await game?.stop();
});

const api = (...args) => game.api(...args);

const awaitView = (...args) => game.awaitView(...args);

test('robots in the jar answer and vote through the openai provider against the fake LLM', async () => {
  // Given a match with one human and two robots
  const { json: created } = await api('POST', '/api/matches', { seats: 3, humans: 1, rounds: 1 });
  const { json: seat } = await api('POST', `/api/matches/${created.matchId}/players`, { name: 'Lee' });

  // When Lee plays the round
  await awaitView(created.matchId, seat.token, (v) => v.phase === 'RESPONDING');
  assert.equal((await api('POST', `/api/matches/${created.matchId}/response`, { round: 1, text: 'toast' }, seat.token)).status, 202);
  const voting = await awaitView(created.matchId, seat.token, (v) => v.phase === 'VOTING');
  const other = voting.participants.find((l) => l !== voting.you);
  assert.equal((await api('POST', `/api/matches/${created.matchId}/vote`, { round: 1, identity: other }, seat.token)).status, 202);
  await awaitView(created.matchId, seat.token, (v) => v.status === 'COMPLETED');

  // Then both robots answered and voted with the model's words, none with the scripted stand-in
  const { json: events } = await api('GET', `/api/matches/${created.matchId}/events`);
  const done = events.filter((e) => e.eventType === 'robot.response_complete').map((e) => e.payload);
  assert.equal(done.length, 4, JSON.stringify(done));
  for (const d of done) {
    assert.equal(d.provider, 'openai');
    assert.equal(d.fallback, false, JSON.stringify(d));
    assert.ok(d.inputTokens > 0 && d.outputTokens > 0);
  }
  // And the fake LLM saw those calls
  const stats = await (await fetch(`${fake}/fake/stats`)).json();
  assert.ok(stats.total >= 4, JSON.stringify(stats));
});
