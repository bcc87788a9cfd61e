// Whole matches played in real Chromium (Debian's), driven by Playwright, against the real game.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGame, launchBrowser, watchedPage, shot } from './game.js';

let game;
let browser;

before(async () => {
  game = await startGame();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await game?.stop();
});

const PHONE = { viewport: { width: 390, height: 844 } };
const LONG = { timeout: 60_000 };

async function api(method, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(game.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json().catch(() => null) };
}

async function textOf(page, testId) {
  return (await page.getByTestId(testId).textContent())?.trim();
}

async function waitForRound(page, round) {
  await page.waitForFunction((r) => {
    const el = document.querySelector('[data-testid="round"]');
    return el && new RegExp(`\\b${r}\\b`).test(el.textContent);
  }, round, LONG);
}

/** Joins from the match page when the page asks for a name. */
async function joinIfAsked(page, name) {
  const join = page.getByTestId('join-button');
  if (await join.isVisible().catch(() => false)) {
    await page.getByTestId('join-name').fill(name);
    await join.click();
  }
}

/** Answers the round, votes for the first letter offered, waits for the round's results. */
async function playRound(page, round, answer, shots) {
  await waitForRound(page, round);
  const input = page.getByTestId('answer-input');
  await input.waitFor({ state: 'visible', ...LONG });
  await input.fill(answer);
  assert.match(await textOf(page, 'answer-count'), new RegExp(`${[...answer].length}\\s*/\\s*280`));
  if (shots) await shot(page, `${shots}-round${round}-responding`);
  await page.getByTestId('answer-submit').click();
  const vote = page.locator('[data-testid^="vote-"]').first();
  await vote.waitFor({ state: 'visible', ...LONG });
  if (shots) await shot(page, `${shots}-round${round}-voting`);
  await vote.click();
  await page.getByTestId(`result-${round}`).waitFor({ state: 'visible', ...LONG });
  if (shots) await shot(page, `${shots}-round${round}-results`);
}

const BIDI_NAME = 'Bob\u202Eevil\u202C';
const FORMAT_CHARS = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Every name in the reveal and the final scores is its own <bdi>, and each of {@code names} is among them. */
async function assertNamesIsolated(page, names) {
  for (const testId of ['reveal-name', 'final-name']) {
    const shown = await page.getByTestId(testId).evaluateAll((els) => els.map((el) => ({
      tag: el.tagName, text: el.textContent, parentText: el.parentElement.textContent,
    })));
    assert.ok(shown.length >= 4, `${testId}: ${JSON.stringify(shown)}`);
    for (const el of shown) assert.equal(el.tag, 'BDI', `${testId} not isolated: ${JSON.stringify(el)}`);
    for (const name of names) {
      // The server may strip the override characters; the name's letters stay, inside the <bdi>.
      const plain = name.replace(FORMAT_CHARS, '');
      assert.ok(shown.some((el) => el.text.replace(FORMAT_CHARS, '') === plain),
        `${testId}: no <bdi> holds ${JSON.stringify(name)}: ${JSON.stringify(shown)}`);
    }
  }
}

test('two players in two browsers and two robots play a private match to the reveal', async () => {
  const annContext = await browser.newContext(PHONE);
  const bobContext = await browser.newContext();
  try {
    const ann = await watchedPage(annContext);
    await ann.goto(game.base + '/');
    await ann.getByTestId('name-input').fill('Ann');
    await ann.getByTestId('create-seats').fill('4');
    await ann.getByTestId('create-humans').fill('2');
    await ann.getByTestId('create-rounds').fill('2');
    await ann.getByTestId('create-match').click();
    const share = ann.getByTestId('share-link');
    await share.waitFor({ state: 'visible', ...LONG });
    const link = (await share.getAttribute('href')) ?? (await share.inputValue());
    await joinIfAsked(ann, 'Ann');
    await shot(ann, 'private-lobby');

    // Bob's name carries a right-to-left override: it must not reorder anything around it
    const bob = await watchedPage(bobContext);
    await bob.goto(new URL(link, game.base).href);
    await joinIfAsked(bob, BIDI_NAME);

    for (let round = 1; round <= 2; round++) {
      await Promise.all([
        playRound(ann, round, `Ann's answer for round ${round}: pancakes, obviously.`, 'private-ann'),
        playRound(bob, round, `bob here, round ${round}, I'd say a long nap`),
      ]);
    }
    for (const page of [ann, bob]) {
      await page.getByTestId('reveal').waitFor({ state: 'visible', ...LONG });
      const rows = await page.getByTestId('reveal-row').allTextContents();
      assert.ok(rows.length >= 4, `reveal rows: ${rows}`);
      assert.ok(rows.some((r) => r.includes('Ann')) && rows.some((r) => r.includes('Bob')));
      await page.getByTestId('final-scores').waitFor({ state: 'visible' });
      await assertNamesIsolated(page, ['Ann', BIDI_NAME]);
      await page.getByTestId('play-again').waitFor({ state: 'visible' });
    }
    await shot(ann, 'private-reveal');
    assert.deepEqual(ann.problems, []);
    assert.deepEqual(bob.problems, []);
  } finally {
    await annContext.close();
    await bobContext.close();
  }
});

test('quick play fills the empty seats with robots after the lobby wait', async () => {
  const context = await browser.newContext();
  try {
    const page = await watchedPage(context);
    await page.goto(game.base + '/');
    await shot(page, 'quick-home');
    await page.getByTestId('name-input').fill('Quinn');
    await page.getByTestId('quick-play').click();
    await shot(page, 'quick-lobby');
    for (let round = 1; round <= 3; round++) {
      await playRound(page, round, `quick round ${round}: tea with too much honey`, 'quick');
    }
    await page.getByTestId('reveal').waitFor({ state: 'visible', ...LONG });
    await shot(page, 'quick-reveal');
    const rows = await page.getByTestId('reveal-row').allTextContents();
    assert.ok(rows.some((r) => r.includes('Quinn')));
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

/** Presses Tab until the element with {@code testId} (or the first whose id starts with it) has the focus. */
async function tabTo(page, testId, prefix = false) {
  const selector = prefix ? `[data-testid^="${testId}"]` : `[data-testid="${testId}"]`;
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

test('a phone-sized page is played with the keyboard alone', async () => {
  const context = await browser.newContext({ ...PHONE, hasTouch: true });
  try {
    const page = await watchedPage(context);
    await page.goto(game.base + '/');
    await tabTo(page, 'name-input');
    await page.keyboard.type('Kim');
    await tabTo(page, 'quick-play');
    await page.keyboard.press('Enter');

    await page.getByTestId('answer-input').waitFor({ state: 'visible', ...LONG });
    await tabTo(page, 'answer-input');
    await page.keyboard.type('typed without a mouse, on a small screen');
    await page.keyboard.press('Enter');

    await page.locator('[data-testid^="vote-"]').first().waitFor({ state: 'visible', ...LONG });
    await tabTo(page, 'vote-', true);
    await page.keyboard.press('Enter');
    await page.getByTestId('result-1').waitFor({ state: 'visible', ...LONG });
    await shot(page, 'keyboard-round1-results');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page scrolls sideways on a phone: ${width}px wide`);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('a reload mid-round resumes the same seat', async () => {
  const context = await browser.newContext();
  try {
    const { json: created } = await api('POST', '/api/matches', { seats: 3, humans: 1, rounds: 1, responseSeconds: 60 });
    const page = await watchedPage(context);
    await page.goto(`${game.base}/#/m/${created.matchId}`);
    await joinIfAsked(page, 'Rae');
    await page.getByTestId('answer-input').waitFor({ state: 'visible', ...LONG });
    const letter = await textOf(page, 'your-letter');
    const prompt = await textOf(page, 'prompt');

    await page.reload();

    await page.getByTestId('answer-input').waitFor({ state: 'visible', ...LONG });
    assert.equal(await textOf(page, 'your-letter'), letter);
    assert.equal(await textOf(page, 'prompt'), prompt);
    assert.equal(await page.getByTestId('join-button').isVisible(), false);
    await playRound(page, 1, 'still me after the reload', 'reload');
  } finally {
    await context.close();
  }
});

test('a spectator watches the rounds without a seat, and player text renders as text', async () => {
  const watcher = await browser.newContext();
  const player = await browser.newContext();
  try {
    // Given a match with two humans: Mallory plays through the API, Pat in the browser
    const { json: created } = await api('POST', '/api/matches', { seats: 4, humans: 2, rounds: 1 });
    const id = created.matchId;
    const spectator = await watchedPage(watcher);
    await spectator.goto(`${game.base}/#/watch/${id}`);
    await spectator.getByTestId('spectator-banner').waitFor({ state: 'visible', ...LONG });

    const mallory = (await api('POST', `/api/matches/${id}/players`, { name: 'Mallory' })).json;
    const pat = await watchedPage(player);
    await pat.goto(`${game.base}/#/m/${id}`);
    await joinIfAsked(pat, 'Pat');

    // When Mallory answers with markup and script
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b>';
    await pat.getByTestId('answer-input').waitFor({ state: 'visible', ...LONG });
    let view;
    for (;;) {
      view = (await api('GET', `/api/matches/${id}`, null, mallory.token)).json;
      if (view.phase === 'RESPONDING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await api('POST', `/api/matches/${id}/response`, { round: 1, text: payload }, mallory.token)).status, 202);
    await pat.getByTestId('answer-input').fill('a calm and ordinary answer');
    await pat.getByTestId('answer-submit').click();

    // Then in the voting view both the player and the spectator see it as text, and nothing ran
    const malloryLetter = view.you;
    for (const page of [pat, spectator]) {
      const answer = page.getByTestId(`response-${malloryLetter}`);
      await answer.waitFor({ state: 'visible', ...LONG });
      assert.equal((await answer.textContent()).trim(), payload);
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.equal(await page.locator('[data-testid="responses"] img, [data-testid="responses"] b').count(), 0);
    }
    await shot(spectator, 'spectator-voting');
    assert.equal(await spectator.locator('[data-testid^="vote-"]').count(), 0, 'a spectator cannot vote');

    // And the spectator follows the round to its results
    await pat.locator('[data-testid^="vote-"]').first().click();
    await spectator.getByTestId('result-1').waitFor({ state: 'visible', ...LONG });
    await shot(spectator, 'spectator-results');
    assert.deepEqual(spectator.problems, []);
  } finally {
    await watcher.close();
    await player.close();
  }
});

/** The spectator's progress line and the letters' chips, as the page shows them. */
async function progressOf(page) {
  return page.evaluate(() => ({
    progress: document.querySelector('[data-testid="progress"]')?.textContent.trim() ?? null,
    chips: [...document.querySelectorAll('[data-testid="participants"] li')].map((li) => ({
      html: li.outerHTML.replace(/data-letter="[A-Z]"/, '').replace(/>[A-Z]</, '><'),
    })),
    text: document.querySelector('.play')?.textContent ?? '',
  }));
}

/** Waits until the page's progress line reads {@code pattern}; returns what the page showed then. */
async function awaitProgress(page, pattern) {
  await page.waitForFunction((source) => {
    const el = document.querySelector('[data-testid="progress"]');
    return el && !el.closest('[hidden]') && new RegExp(source).test(el.textContent.trim());
  }, pattern.source, LONG);
  return progressOf(page);
}

async function awaitApiView(id, token, until) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { json } = await api('GET', `/api/matches/${id}`, null, token);
    if (json && until(json)) return json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`match ${id}: the view never got there`);
}

test('during a phase the page counts answers and votes and never shows which letter acted', async () => {
  const context = await browser.newContext();
  try {
    // Given a match of two humans (playing through the API) and two robots, watched in the browser
    const { json: created } = await api('POST', '/api/matches',
      { seats: 4, humans: 2, rounds: 1, responseSeconds: 120, voteSeconds: 120 });
    const id = created.matchId;
    const spectator = await watchedPage(context);
    await spectator.goto(`${game.base}/#/watch/${id}`);
    const uma = (await api('POST', `/api/matches/${id}/players`, { name: 'Uma' })).json;
    const vic = (await api('POST', `/api/matches/${id}/players`, { name: 'Vic' })).json;
    const view = await awaitApiView(id, uma.token, (v) => v.phase === 'RESPONDING');

    // When Uma answers and the robots answer (Vic has not)
    assert.equal((await api('POST', `/api/matches/${id}/response`, { round: 1, text: 'rain on a hot road' }, uma.token)).status, 202);
    const answering = await awaitProgress(spectator, /^3 of 4 answered$/);
    await shot(spectator, 'counts-responding');

    // Then the page says how many answered, and every letter's chip looks the same
    assert.equal(answering.chips.length, 4);
    assert.equal(new Set(answering.chips.map((c) => c.html)).size, 1, JSON.stringify(answering.chips));
    assert.match(answering.chips[0].html, /typing…/);
    assert.doesNotMatch(answering.text, /answered:|\b[A-D]\b answered|voted:/i);

    // When Vic answers, voting opens; Uma votes
    assert.equal((await api('POST', `/api/matches/${id}/response`, { round: 1, text: 'cut grass, always' }, vic.token)).status, 202);
    await awaitApiView(id, uma.token, (v) => v.phase === 'VOTING');
    const other = view.participants.find((l) => l !== view.you);
    assert.equal((await api('POST', `/api/matches/${id}/vote`, { round: 1, identity: other }, uma.token)).status, 202);

    // Then the page counts the votes (Uma's and the robots') the same way, naming nobody
    const voting = await awaitProgress(spectator, /^3 of 4 voted$/);
    await shot(spectator, 'counts-voting');
    assert.equal(new Set(voting.chips.map((c) => c.html)).size, 1, JSON.stringify(voting.chips));
    assert.match(voting.chips[0].html, /voting…/);

    // And once Vic votes too the round's results follow
    const vicView = (await api('GET', `/api/matches/${id}`, null, vic.token)).json;
    const vicVote = vicView.participants.find((l) => l !== vicView.you);
    assert.equal((await api('POST', `/api/matches/${id}/vote`, { round: 1, identity: vicVote }, vic.token)).status, 202);
    await spectator.getByTestId('result-1').waitFor({ state: 'visible', ...LONG });
    assert.deepEqual(spectator.problems, []);
  } finally {
    await context.close();
  }
});

test('a match that expired in its lobby shows as over, with a way home', async () => {
  const context = await browser.newContext();
  try {
    // Given a waiting match the server reports as EXPIRED (answered here by the page's own HTTP route, so the
    // page is tested whatever lobby timeout the game runs with)
    const id = 'expired-lobby-e2e';
    const expired = {
      matchId: id, version: 4, status: 'EXPIRED', quickPlay: false,
      settings: { seats: 4, humans: 3, rounds: 2, responseSeconds: 60, voteSeconds: 30 },
      humansJoined: 1, round: 0, rounds: 2, phase: null, prompt: null, deadline: null, secondsLeft: null,
      participants: [], answeredCount: 0, votedCount: 0, results: [],
    };
    await context.route(`**/api/matches/${id}`, (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify(expired),
    }));
    const page = await watchedPage(context);

    for (const path of [`#/watch/${id}`, `#/m/${id}`]) {
      // When a spectator, then someone with the link, opens it
      await page.goto(`${game.base}/${path}`);

      // Then the page says it expired, offers nothing to play, and links back home
      const message = page.getByText('This match expired before enough players joined');
      await message.waitFor({ state: 'visible', ...LONG });
      assert.equal(await page.getByTestId('join-button').isVisible(), false);
      assert.equal(await page.getByTestId('answer-input').isVisible(), false);
      const home = page.getByRole('link', { name: /back home/i }).filter({ visible: true });
      assert.equal(await home.count(), 1, `${path}: one way home`);
    }
    await shot(page, 'expired');
    // And following it leads home
    await page.getByRole('link', { name: /back home/i }).filter({ visible: true }).click();
    await page.getByTestId('quick-play').waitFor({ state: 'visible', ...LONG });

    // And a player whose seat this browser remembers sees the same, not a lobby
    await page.evaluate((match) => localStorage.setItem(`arena.token.${match}`,
      JSON.stringify({ playerId: 'p-1', token: 'not-a-real-token-not-a-real-token-00000', name: 'Uma' })), id);
    await page.goto(`${game.base}/#/m/${id}`);
    await page.getByText('This match expired before enough players joined').waitFor({ state: 'visible', ...LONG });
    assert.equal(await page.getByTestId('share-link').isVisible(), false);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
