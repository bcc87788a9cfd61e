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

const api = (...args) => game.api(...args);

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
      const matchId = new URL(link, game.base).hash.split('/').pop();
      assert.equal(await page.getByTestId('replay-link').getAttribute('href'), `#/replay/${matchId}`);
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

const awaitApiView = (...args) => game.awaitView(...args);

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

/** Two humans (through the API) play every round of match {@code id}: each answers, then votes for another letter. */
async function playByApi(id, players, rounds) {
  for (let round = 1; round <= rounds; round++) {
    for (const [i, p] of players.entries()) {
      await awaitApiView(id, p.token, (v) => v.round === round && v.phase === 'RESPONDING');
      const text = `${p.name} in round ${round}: ${i === 0 ? 'the smell of rain' : 'cold pizza at dawn'}`;
      assert.equal((await api('POST', `/api/matches/${id}/response`, { round, text }, p.token)).status, 202);
    }
    for (const [i, p] of players.entries()) {
      const v = await awaitApiView(id, p.token, (w) => w.round === round && w.phase === 'VOTING');
      const others = v.participants.filter((l) => l !== v.you);
      const identity = i === 0 ? others[0] : others.at(-1);
      assert.equal((await api('POST', `/api/matches/${id}/vote`, { round, identity }, p.token)).status, 202);
    }
  }
  return awaitApiView(id, null, (v) => v.status === 'COMPLETED');
}

/** Moves the replay with the arrow keys (focus off the slider) until its round heading matches {@code pattern}. */
async function stepUntil(page, pattern) {
  for (let i = 0; i < 60; i++) {
    if (pattern.test(await textOf(page, 'replay-round'))) return;
    await page.keyboard.press('ArrowRight');
  }
  assert.fail(`the replay never reached ${pattern}: it shows ${await textOf(page, 'replay-round')}`);
}

async function counterOf(page) {
  const m = (await textOf(page, 'replay-counter')).match(/^Event (\d+) of (\d+)$/);
  assert.ok(m, await textOf(page, 'replay-counter'));
  return { at: Number(m[1]), of: Number(m[2]) };
}

test('a finished match is replayed round by round: prompts, who answered what and when, votes, scores', async () => {
  const context = await browser.newContext();
  try {
    // Given a match of two humans (through the API) and two robots
    const { json: created } = await api('POST', '/api/matches', { seats: 4, humans: 2, rounds: 2 });
    const id = created.matchId;
    const players = [];
    for (const name of ['Uma', 'Vic']) {
      players.push({ name, ...(await api('POST', `/api/matches/${id}/players`, { name })).json });
    }
    const page = await watchedPage(context);
    const asked = [];
    page.on('request', (r) => asked.push(r.url()));

    // When its replay is opened while it is played
    await awaitApiView(id, players[0].token, (v) => v.status === 'RUNNING');
    await page.goto(`${game.base}/#/replay/${id}`);

    // Then the page says it is not over, and has not asked for its events
    const message = page.getByTestId('replay-message');
    await message.waitFor({ state: 'visible', ...LONG });
    assert.match(await message.textContent(), /still being played/);
    assert.match(await page.locator('h1').textContent(), /Not over yet/);
    assert.deepEqual(asked.filter((u) => u.includes('/events')), []);

    // When the match is played to its end and the reveal's link is followed
    const finished = await playByApi(id, players, 2);
    const { json: trail } = await api('GET', `/api/matches/${id}/events`);
    await page.goto(`${game.base}/#/watch/${id}`);
    await page.getByTestId('reveal').waitFor({ state: 'visible', ...LONG });
    await page.getByTestId('replay-link').click();

    // Then the replay opens at the match's first step
    const slider = page.getByTestId('replay-slider');
    await slider.waitFor({ state: 'visible', ...LONG });
    assert.match(await textOf(page, 'replay-step'), /Match created: 4 seats, 2 humans, 2 rounds/);
    assert.equal(await slider.inputValue(), '0');
    assert.match(page.url(), new RegExp(`#/replay/${id}\\?at=1$`));
    await shot(page, 'replay-start');

    // And every round, once scored, shows the prompt, who had each letter, their answers, votes and the scores
    for (let round = 1; round <= 2; round++) {
      const result = finished.results[round - 1];
      const scored = trail.find((e) => e.eventType === 'round.completed' && e.payload.round === round).payload;
      await page.getByTestId('replay-next-round').click();
      assert.match(await textOf(page, 'replay-round'), new RegExp(`^Round ${round} of 2`));
      await stepUntil(page, new RegExp(`^Round ${round} of 2 · Scored$`));
      assert.equal(await textOf(page, 'replay-prompt'), result.prompt);
      for (const [letter, text] of Object.entries(result.responses)) {
        const who = finished.reveal.find((p) => p.letters[round - 1] === letter);
        assert.equal(await textOf(page, `replay-answer-${letter}`), text);
        assert.equal(await textOf(page, `replay-who-${letter}`), who.name);
        assert.match(await page.getByTestId(`replay-row-${letter}`).textContent(), who.human ? /Human/ : /Robot/);
        assert.match(await page.getByTestId(`replay-row-${letter}`).textContent(), /\d+\.\d s into answering/);
        assert.equal(await textOf(page, `replay-vote-${letter}`), `→ ${scored.votes[letter]}`);
        assert.equal(await textOf(page, `replay-received-${letter}`), String(result.votesReceived[letter]));
      }
      const scores = await page.getByTestId('replay-score-row').evaluateAll((rows) => rows.map((r) => ({
        name: r.querySelector('[data-testid="replay-score-name"]').textContent,
        score: Number(r.querySelector('[data-testid="replay-score-value"]').textContent),
      })));
      for (const p of players) {
        assert.deepEqual(scores.filter((s) => s.name === p.name), [{ name: p.name, score: scored.scores[p.playerId] }],
          `round ${round}: ${JSON.stringify(scores)}`);
      }
      await shot(page, `replay-round${round}-scored`);
    }

    // And the position is in the link: a reload opens the same step
    const here = await counterOf(page);
    const step = await textOf(page, 'replay-step');
    assert.match(page.url(), new RegExp(`\\?at=${here.at}$`));
    await page.reload();
    await slider.waitFor({ state: 'visible', ...LONG });
    assert.deepEqual(await counterOf(page), here);
    assert.equal(await textOf(page, 'replay-step'), step);

    // And the buttons and the slider's own keys move it: one event, the ends, the rounds
    await page.getByTestId('replay-prev').click();
    assert.equal((await counterOf(page)).at, here.at - 1);
    await page.getByTestId('replay-next').click();
    assert.equal((await counterOf(page)).at, here.at);
    await slider.focus();
    await page.keyboard.press('End');
    assert.deepEqual(await counterOf(page), { at: here.of, of: here.of });
    assert.match(await textOf(page, 'replay-step'), /The match is over/);
    assert.match(await textOf(page, 'replay-round'), /Match over/);
    const final = await page.getByTestId('replay-score-row').evaluateAll((rows) => rows.map((r) => ({
      name: r.querySelector('[data-testid="replay-score-name"]').textContent,
      score: Number(r.querySelector('[data-testid="replay-score-value"]').textContent),
    })));
    assert.deepEqual(final, finished.finalScores.map((p) => ({ name: p.name, score: p.score })));
    await page.keyboard.press('ArrowLeft');
    assert.equal((await counterOf(page)).at, here.of - 1);
    await page.keyboard.press('Shift+ArrowLeft');
    assert.match(await textOf(page, 'replay-round'), /^Round 2 of 2 · Taking seats$/);
    await page.keyboard.press('Home');
    assert.equal((await counterOf(page)).at, 1);
    assert.match(page.url(), /\?at=1$/);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('replaying an unknown match, or one whose events the server will not give yet, says so', async () => {
  const context = await browser.newContext();
  try {
    // Given a code no match has
    const unknown = 'no-such-match-e2e';
    const missing = `${game.base}/api/matches/${unknown}`;
    const page = await watchedPage(context, { expected: [{ url: missing, status: 404 }] });

    // When its replay is opened
    await page.goto(`${game.base}/#/replay/${unknown}`);

    // Then the page says there is no such match, with a way home
    const message = page.getByTestId('replay-message');
    await message.waitFor({ state: 'visible', ...LONG });
    assert.match(await page.locator('h1').textContent(), /No such match/);
    assert.equal(await message.getByRole('link', { name: /back home/i }).count(), 1);
    await shot(page, 'replay-unknown');
    assert.deepEqual(page.problems, []);

    // Given a finished match whose events the server answers with 409 (a gateway that has not seen the end yet)
    const id = 'replay-conflict-e2e';
    const events = `${game.base}/api/matches/${id}/events`;
    const completed = {
      matchId: id, version: 9, status: 'COMPLETED', quickPlay: false,
      settings: { seats: 3, humans: 1, rounds: 1, responseSeconds: 60, voteSeconds: 30 },
      humansJoined: 1, round: 1, rounds: 1, phase: 'SCORED', participants: ['A', 'B', 'C'], results: [],
      reveal: [], finalScores: [],
    };
    await context.route(`**/api/matches/${id}`, (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify(completed),
    }));
    await context.route(`**/api/matches/${id}/events`, (route) => route.fulfill({
      status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'the match is not over yet' }),
    }));
    const conflict = await watchedPage(context, { expected: [{ url: events, status: 409 }] });

    // When its replay is opened
    await conflict.goto(`${game.base}/#/replay/${id}`);

    // Then the page says the match is not over yet, and offers to watch it
    await conflict.getByTestId('replay-message').waitFor({ state: 'visible', ...LONG });
    assert.match(await conflict.locator('h1').textContent(), /Not over yet/);
    assert.equal(await conflict.getByRole('link', { name: /watch it live/i }).count(), 1);
    assert.deepEqual(conflict.problems, []);
  } finally {
    await context.close();
  }
});

test('a replay says when the server cut the trail short, retries a busy server, and skips a match that never ended', async () => {
  const context = await browser.newContext(PHONE);
  try {
    // Given a finished match (answered by the page's own HTTP routes) whose trail the server cut after its first round
    // started, and which the server is at first too busy to read
    const id = 'replay-cut-e2e';
    const at = (s) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
    const event = (eventType, s, payload, correlationId = `${id}/c${s}`) => ({
      topic: 'match-events', partition: 0, offset: s, eventId: `e${s}`, eventType, occurredAt: at(s), correlationId,
      causationId: null, key: id, source: 'match-service', payload: { matchId: id, ...payload },
    });
    const view = {
      matchId: id, version: 20, status: 'COMPLETED', quickPlay: false,
      settings: { seats: 2, humans: 1, rounds: 1, responseSeconds: 60, voteSeconds: 30 },
      humansJoined: 1, round: 1, rounds: 1, phase: 'SCORED', participants: ['A', 'B'], results: [],
      reveal: [{ name: 'Ann', human: true, letters: ['B'], score: 2 },
        { name: 'chill-gamer', human: false, persona: 'chill-gamer', letters: ['A'], score: 0 }],
      finalScores: [{ name: 'Ann', score: 2, human: true }, { name: 'chill-gamer', score: 0, human: false }],
    };
    const trail = [
      event('match.created', 0, { settings: view.settings, createdAt: at(0) }),
      event('player.joined', 1, { playerId: 'p-ann', humansJoined: 1, humansNeeded: 1 }),
      event('match.started', 2, { rounds: 1 }),
      event('round.robots_assigned', 3, { round: 1, robots: [{ id: 'robot-chill-gamer-1', identity: 'A', type: 'chill-gamer' }] }),
      event('round.started', 4, { round: 1, participants: ['A', 'B'], prompt: 'Tea or coffee?', deadline: at(64) }),
    ];
    const events = `${game.base}/api/matches/${id}/events`;
    let busy = true;
    await context.route(`**/api/matches/${id}`, (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify(view),
    }));
    await context.route(`**/api/matches/${id}/events`, (route) => route.fulfill(busy
      ? { status: 503, contentType: 'application/json', headers: { 'retry-after': '1' },
        body: JSON.stringify({ error: 'too many event reads at once: try again in a moment' }) }
      : { status: 200, contentType: 'application/json', headers: { 'events-truncated': 'true' },
        body: JSON.stringify(trail) }));
    const page = await watchedPage(context, { expected: [{ url: events, status: 503 }] });

    // When its replay is opened
    await page.goto(`${game.base}/#/replay/${id}`);

    // Then the page says why there is no replay yet, and offers to try again
    await page.getByTestId('replay-message').waitFor({ state: 'visible', ...LONG });
    assert.match(await page.locator('h1').textContent(), /Replay unavailable/);
    assert.match(await page.getByTestId('replay-message').textContent(), /The server is busy/);

    // When the server has room again and the reader tries again
    busy = false;
    await page.getByRole('button', { name: 'Try again' }).click();

    // Then the replay shows what the trail holds, says it was cut, and fits a phone
    await page.getByTestId('replay-truncated').waitFor({ state: 'visible', ...LONG });
    await page.getByTestId('replay-slider').focus();
    await page.keyboard.press('End');
    assert.deepEqual(await counterOf(page), { at: 5, of: 5 });
    assert.match(await textOf(page, 'replay-step'), /Round 1: the prompt is out/);
    assert.equal(await textOf(page, 'replay-prompt'), 'Tea or coffee?');
    assert.equal(await textOf(page, 'replay-who-B'), 'Ann');
    assert.match(await page.getByTestId('replay-row-A').textContent(), /chill-gamer\s*Robot.*not yet/);
    await shot(page, 'replay-cut-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the replay scrolls sideways on a phone: ${width}px wide`);
    assert.deepEqual(page.problems, []);

    // And a match that expired in its lobby has nothing to replay, and its events are not asked for
    const expiredId = 'replay-expired-e2e';
    await context.route(`**/api/matches/${expiredId}`, (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify({ ...view, matchId: expiredId, status: 'EXPIRED',
        round: 0, phase: null, participants: [], reveal: undefined, finalScores: undefined }),
    }));
    const asked = [];
    page.on('request', (r) => asked.push(r.url()));
    await page.goto(`${game.base}/#/replay/${expiredId}`);
    await page.getByTestId('replay-message').waitFor({ state: 'visible', ...LONG });
    assert.match(await page.locator('h1').textContent(), /Nothing to replay/);
    assert.deepEqual(asked.filter((u) => u.includes('/events')), []);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
