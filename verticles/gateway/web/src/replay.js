// Replaying a finished match, step by step: its finished view says who sat behind each letter (the reveal), its
// event trail says what happened and when. Only a match that is over is replayed: before its end the page asks the
// server for nothing but the view everyone may see.
import { api } from './api.js';
import { fill, h, setText, show } from './dom.js';
import { explain, setConnection } from './ui.js';

const PHASES = {
  LOBBY: 'Lobby',
  SEATING: 'Taking seats',
  RESPONDING: 'Answering',
  VOTING: 'Voting',
  SCORED: 'Scored',
  OVER: 'Match over',
};

export function replayMatch(main, matchId, at) {
  setConnection(null);
  document.title = 'Replay · Turing Arena';
  let disposed = false;
  let stop = () => {};

  const title = h('h1', { tabindex: -1 }, 'Replay');
  const loading = h('p', { class: 'hint', role: 'status' }, 'Loading the match…');
  main.append(title, loading);

  function message(heading, ...text) {
    loading.remove();
    setText(title, heading);
    const card = h('section', { class: 'card', testid: 'replay-message' }, ...text.map((t) => h('p', {}, t)));
    main.append(card);
    document.title = `${heading} · Turing Arena`;
    return card;
  }
  const home = () => [h('a', { href: '#/' }, 'Back home'), '.'];
  const unknown = () => message('No such match',
    'There is no match with this code (or the server forgot it), so there is nothing to replay.', home());
  const unavailable = (err) => {
    const card = message('Replay unavailable', err.status === 503
      ? 'The server is busy right now: try again in a moment.' : explain(err), home());
    // The router builds the screen anew on a hash change: the same hash, asked again.
    card.append(h('button', { type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) },
      'Try again'));
  };
  const notOver = () => message('Not over yet',
    'This match is still being played. Its replay opens once the match is over and everyone has seen who was who.',
    [h('a', { href: `#/watch/${matchId}` }, 'Watch it live'), ' or ', h('a', { href: '#/' }, 'go back home'), '.']);

  (async () => {
    let view;
    try {
      view = await api.view(matchId);
    } catch (err) {
      if (disposed) return;
      if (err.status === 404) unknown();
      else unavailable(err);
      return;
    }
    if (disposed) return;
    if (view.status === 'WAITING' || view.status === 'RUNNING') {
      notOver();
      return;
    }
    if (view.status !== 'COMPLETED') {
      message('Nothing to replay', view.status === 'CANCELLED'
        ? 'This match was cancelled before its end: it has no reveal to replay.'
        : 'This match expired before enough players joined: it never started.', home());
      return;
    }
    let trail;
    try {
      trail = await api.events(matchId);
    } catch (err) {
      if (disposed) return;
      if (err.status === 404) unknown();
      else if (err.status === 409) notOver();
      else unavailable(err);
      return;
    }
    if (disposed) return;
    loading.remove();
    stop = player(main, title, matchId, view, replayOf(view, trail.events), trail.truncated, at);
  })();

  return () => {
    disposed = true;
    stop();
  };
}

/** Server text as the Match Service stores it (Text.normalize), to know a submitted answer in the voting view. */
function tidy(text) {
  return String(text ?? '').normalize('NFC').replace(/\s+/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
}

/**
 * The match as a list of steps, one per thing that happened (a join, a round's start, each answer, each vote, the
 * scores), each with what the page shows at that moment. Pure: the finished view and the event trail in, steps out.
 */
export function replayOf(view, events) {
  const people = (view.reveal ?? []).map((p) => ({ name: p.name, human: !!p.human, persona: p.persona ?? null,
    letters: p.letters ?? [], id: null }));
  const find = (type) => events.filter((e) => e.eventType === type);
  const ofRound = (type) => new Map(find(type).map((e) => [e.payload.round, e.payload]));
  const voting = ofRound('round.voting_started');
  const scored = ofRound('round.completed');

  // Participant ids (scores are keyed by them): the completed event lists them in the reveal's order.
  const completed = find('match.completed')[0]?.payload;
  const revealed = completed?.reveal ?? [];
  const same = (r, i) => !!r.human === people[i].human && (!r.human || r.name === people[i].name);
  if (revealed.length === people.length && revealed.every(same)) {
    revealed.forEach((r, i) => { people[i].id = r.participantId; });
  } else {
    // Humans join in the reveal's order; robots are known by the letter they were given each round.
    const humans = people.filter((p) => p.human);
    find('player.joined').forEach((e, i) => { if (humans[i]) humans[i].id = e.payload.playerId; });
    for (const e of find('round.robots_assigned')) {
      for (const robot of e.payload.robots ?? []) {
        const p = people.find((q) => !q.human && !q.id && q.letters[e.payload.round - 1] === robot.identity);
        if (p) p.id = robot.id;
      }
    }
  }
  const owner = (round, letter) => people.find((p) => p.letters[round - 1] === letter) ?? null;
  const accepted = new Set(find('command.accepted').map((e) => e.correlationId));
  // Each letter's answer and vote is told once: a command retried, or a robot's late answer, is not a step.
  const told = new Set();
  const claim = (round, kind, letters, fits) => {
    const fitting = letters.filter((l) => !told.has(`${round}:${kind}:${l}`) && fits(l));
    if (fitting.length === 0) return {};
    told.add(`${round}:${kind}:${fitting[0]}`);
    // Two humans' identical answers (or votes) cannot be told apart: which one came first is not recorded.
    return { letter: fitting[0], shared: letters.filter(fits).length > 1 };
  };
  const humanLetters = (round) => people.filter((p) => p.human && p.letters[round - 1])
    .map((p) => p.letters[round - 1]).sort();

  const start = Date.parse(events[0]?.occurredAt ?? '') || 0;
  const ms = (e) => Date.parse(e.occurredAt) - start;
  const now = {
    round: 0, phase: 'LOBBY', prompt: null, participants: [], answers: {}, votes: {}, received: null,
    respondingAt: 0, votingAt: 0, joined: [], scores: people.map(() => 0), points: null,
  };
  const steps = [];
  const step = (e, text, chapter = now.round) => steps.push({ at: ms(e), text, chapter, ...structuredClone(now) });
  const who = (round, letter) => {
    const p = owner(round, letter);
    return p ? `${p.name}, ${p.human ? 'human' : 'robot'}` : 'unknown';
  };
  const seconds = (t) => `${(t / 1000).toFixed(1)} s`;

  for (const e of events) {
    const p = e.payload ?? {};
    switch (e.eventType) {
      case 'match.created': {
        const s = p.settings ?? {};
        step(e, `Match created: ${s.seats} seats, ${s.humans} ${s.humans === 1 ? 'human' : 'humans'}, `
          + `${s.rounds} ${s.rounds === 1 ? 'round' : 'rounds'}`);
        break;
      }
      case 'player.joined': {
        const name = people.find((q) => q.id === p.playerId)?.name
          ?? people.filter((q) => q.human)[now.joined.length]?.name ?? 'A human';
        now.joined.push(name);
        step(e, `${name} joined (${p.humansJoined} of ${p.humansNeeded} humans)`);
        break;
      }
      case 'match.started':
        step(e, 'The match starts');
        break;
      case 'round.robots_assigned':
        Object.assign(now, { round: p.round, phase: 'SEATING', prompt: null, participants: [], answers: {}, votes: {},
          received: null, points: null });
        step(e, `Round ${p.round}: robots take ${(p.robots ?? []).map((r) => r.identity).sort().join(', ')}`);
        break;
      case 'round.started':
        Object.assign(now, { round: p.round, phase: 'RESPONDING', prompt: p.prompt, participants: p.participants ?? [],
          answers: {}, votes: {}, received: null, points: null, respondingAt: ms(e) });
        step(e, `Round ${p.round}: the prompt is out`);
        break;
      case 'response.submit':
      case 'response.submitted': {
        const human = e.eventType === 'response.submit';
        if (human && !accepted.has(e.correlationId)) break;
        const final = voting.get(p.round)?.responses ?? {};
        const { letter, shared } = claim(p.round, 'answer', human ? humanLetters(p.round) : [p.identity],
          (l) => final[l] !== undefined && tidy(final[l]) === tidy(p.text));
        if (!letter || p.round !== now.round) break;
        const after = ms(e) - now.respondingAt;
        now.answers[letter] = { text: final[letter], after, shared };
        step(e, `${letter} answered (${who(p.round, letter)}) after ${seconds(after)}`);
        break;
      }
      case 'round.voting_started':
        Object.assign(now, { phase: 'VOTING', votingAt: ms(e) });
        // An answer the trail does not show arriving (none should be missing) still shows once voting opens.
        for (const [letter, text] of Object.entries(p.responses ?? {})) {
          if (!now.answers[letter]) now.answers[letter] = { text, after: null };
        }
        step(e, `Round ${p.round}: voting opens`);
        break;
      case 'vote.submit':
      case 'vote.submitted': {
        const human = e.eventType === 'vote.submit';
        if (human && !accepted.has(e.correlationId)) break;
        const target = human ? p.identity : p.vote;
        const final = scored.get(p.round)?.votes ?? {};
        const { letter, shared } = claim(p.round, 'vote', human ? humanLetters(p.round) : [p.identity],
          (l) => final[l] === target);
        if (!letter || p.round !== now.round) break;
        const after = ms(e) - now.votingAt;
        now.votes[letter] = { vote: target, after, shared };
        step(e, `${letter} (${who(p.round, letter)}) voted for ${target} after ${seconds(after)}`);
        break;
      }
      case 'round.completed': {
        const received = Object.fromEntries(now.participants.map((l) => [l, 0]));
        for (const [voter, target] of Object.entries(p.votes ?? {})) {
          received[target] = (received[target] ?? 0) + 1;
          if (!now.votes[voter]) now.votes[voter] = { vote: target, after: null };
        }
        const score = (map) => people.map((q, i) => (q.id && map?.[q.id] !== undefined ? map[q.id] : null));
        const points = score(p.points);
        const scores = score(p.scores);
        Object.assign(now, { phase: 'SCORED', received, points: points.map((x) => x ?? 0),
          scores: scores.map((x, i) => x ?? now.scores[i]) });
        step(e, `Round ${p.round} scored`);
        break;
      }
      case 'match.completed':
        // The reveal's scores are the final word (they include nothing the rounds did not).
        Object.assign(now, { phase: 'OVER', points: null, scores: (view.reveal ?? []).map((q) => q.score ?? 0) });
        step(e, 'The match is over: who was who is revealed', Infinity);
        break;
      default:
        break;
    }
  }
  return { people, steps, rounds: view.rounds ?? view.settings?.rounds ?? 0, settings: view.settings ?? {} };
}

/** The replay screen: the timeline, the step's round and the running scores. Returns its disposer. */
function player(main, title, matchId, view, replay, truncated, at) {
  const { people, steps, rounds, settings } = replay;
  setText(title, 'Replay');
  if (steps.length === 0) {
    main.append(h('section', { class: 'card', testid: 'replay-message' },
      h('p', {}, 'The server has no events left for this match (they are kept for a limited time).'),
      h('p', {}, h('a', { href: '#/' }, 'Back home'), '.')));
    return () => {};
  }
  const last = steps.length - 1;
  let pos = Math.min(Math.max((Number(at) || 1) - 1, 0), last);

  const slider = h('input', {
    id: 'replay-slider', testid: 'replay-slider', type: 'range', min: 0, max: last, step: 1, value: pos,
    'aria-describedby': 'replay-keys',
  });
  const button = (testid, text, label, onclick) => h('button', { type: 'button', class: 'quiet', testid,
    'aria-label': label, onclick: (e) => { if (e.currentTarget.getAttribute('aria-disabled') !== 'true') onclick(); } },
  text);
  const prevRound = button('replay-prev-round', '« Round', 'Previous round', () => go(roundStart(-1)));
  const prev = button('replay-prev', '‹ Back', 'Back one event', () => go(pos - 1));
  const next = button('replay-next', 'Next ›', 'Next event', () => go(pos + 1));
  const nextRound = button('replay-next-round', 'Round »', 'Next round', () => go(roundStart(1)));
  const counter = h('span', { class: 'count', testid: 'replay-counter' });
  const now = h('p', { class: 'replay-now', testid: 'replay-step', role: 'status', 'aria-live': 'polite' });

  const heading = h('h2', { testid: 'replay-round' });
  const prompt = h('p', { class: 'prompt', testid: 'replay-prompt' });
  const promptCard = h('section', { class: 'card prompt-card', 'aria-label': 'Prompt' }, prompt);
  const rows = h('tbody', { testid: 'replay-rows' });
  const table = h('section', { class: 'card', 'aria-labelledby': 'replay-letters' },
    h('h3', { id: 'replay-letters' }, 'Letters'),
    h('div', { class: 'scroll' }, h('table', { class: 'replay-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Letter'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Answer'),
        h('th', { scope: 'col' }, 'Vote'), h('th', { scope: 'col', class: 'num' }, 'Votes'))),
      rows)));
  const lobby = h('p', { class: 'hint', testid: 'replay-lobby' });
  const scores = h('ol', { class: 'final', testid: 'replay-scores', 'aria-label': 'Scores' });
  const scoreCard = h('section', { class: 'card', 'aria-labelledby': 'replay-scores-title' },
    h('h3', { id: 'replay-scores-title' }, 'Scores so far'), scores);

  main.append(...[
    h('p', { class: 'status' }, 'Match ', h('code', { class: 'code' }, matchId), ` · ${settings.seats} seats, `,
      `${settings.humans} ${settings.humans === 1 ? 'human' : 'humans'}, ${rounds} ${rounds === 1 ? 'round' : 'rounds'}`,
      ' · ', h('a', { href: `#/watch/${matchId}` }, 'The reveal')),
    truncated ? h('p', { class: 'banner', testid: 'replay-truncated' },
      'The server sent only the earliest events of this match: the replay stops early.') : null,
    h('section', { class: 'card replay-controls', 'aria-label': 'Timeline' },
      h('label', { for: 'replay-slider' }, 'Timeline'),
      slider,
      h('div', { class: 'row spread' }, h('div', { class: 'row' }, prevRound, prev), counter,
        h('div', { class: 'row' }, next, nextRound)),
      h('p', { id: 'replay-keys', class: 'hint small' }, '← → one event · Shift+← → one round')),
    now, heading, lobby, promptCard, table, scoreCard].filter(Boolean));

  /**
   * Next (+1): the first step of the next round, or the end. Previous (-1): the start of this round, or of the round
   * before when already there (as a music player's buttons do), or the beginning.
   */
  function roundStart(direction) {
    const chapter = steps[pos].chapter;
    if (direction > 0) {
      const i = steps.findIndex((s) => s.chapter > chapter);
      return i < 0 ? last : i;
    }
    const here = steps.findIndex((s) => s.chapter === chapter);
    if (here < pos && chapter > 0) return here;
    const before = steps.findLastIndex((s) => s.chapter < chapter && s.chapter > 0);
    return before < 0 ? 0 : steps.findIndex((s) => s.chapter === steps[before].chapter);
  }

  function go(to) {
    pos = Math.min(Math.max(to, 0), last);
    render();
  }

  function render() {
    const s = steps[pos];
    slider.value = String(pos);
    const label = `+${(s.at / 1000).toFixed(1)} s · ${s.text}`;
    slider.setAttribute('aria-valuetext', `Event ${pos + 1} of ${steps.length}: ${s.text}`);
    setText(counter, `Event ${pos + 1} of ${steps.length}`);
    setText(now, label);
    for (const [el, off] of [[prevRound, pos === 0], [prev, pos === 0], [next, pos === last], [nextRound, pos === last]]) {
      el.setAttribute('aria-disabled', String(off));
    }
    history.replaceState(null, '', `#/replay/${matchId}?at=${pos + 1}`);

    const inRound = s.round > 0;
    setText(heading, inRound ? `Round ${s.round} of ${rounds} · ${PHASES[s.phase]}` : PHASES[s.phase]);
    show(lobby, !inRound);
    setText(lobby, s.joined.length ? `Here so far: ${s.joined.join(', ')}.` : 'Nobody has joined yet.');
    show(promptCard, inRound && !!s.prompt);
    setText(prompt, s.prompt ?? '');
    show(table, inRound && s.participants.length > 0);
    fill(rows, s.participants.map((letter) => row(s, letter)));
    const order = people.map((p, i) => ({ p, score: s.scores[i], points: s.points?.[i] ?? null }))
      // As the reveal orders its final scores (the server compares names by code unit).
      .sort((a, b) => b.score - a.score || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0));
    fill(scores, order.map(({ p, score, points }) => h('li', { testid: 'replay-score-row', class: p.human ? 'human' : 'robot' },
      h('bdi', { class: 'final-name', testid: 'replay-score-name' }, p.name), ' ',
      h('span', { class: 'tag' }, p.human ? 'human' : 'robot'), ' ',
      h('strong', { class: 'final-score', testid: 'replay-score-value' }, String(score)),
      ` ${score === 1 ? 'point' : 'points'}`,
      points !== null && points > 0 ? h('span', { class: 'hint small' }, ` (+${points} this round)`) : null)));
  }

  function row(s, letter) {
    const p = people.find((q) => q.letters[s.round - 1] === letter);
    const answer = s.answers[letter];
    const vote = s.votes[letter];
    const when = ({ after, shared }, phase) => `${(after / 1000).toFixed(1)} s into ${phase}`
      + (shared ? ' (or the time of another human with the same one)' : '');
    return h('tr', { testid: `replay-row-${letter}`, class: p?.human ? 'replay-human' : '' },
      h('th', { scope: 'row' }, h('span', { class: 'chip-letter' }, letter)),
      h('td', {}, p ? h('bdi', { class: 'reveal-name', testid: `replay-who-${letter}` }, p.name) : '?',
        ' ', h('span', { class: `kind ${p?.human ? 'kind-human' : 'kind-robot'}` }, p?.human ? 'Human' : 'Robot')),
      h('td', { class: 'answer-cell' },
        answer ? h('span', { testid: `replay-answer-${letter}` }, answer.text)
          : h('span', { class: 'muted' }, s.phase === 'RESPONDING' ? 'not yet' : 'no answer'),
        answer && answer.after !== null ? h('span', { class: 'replay-when' },
          when(answer, `answering (of ${settings.responseSeconds ?? '?'} s)`)) : null),
      h('td', {}, vote ? [h('span', { testid: `replay-vote-${letter}` }, `→ ${vote.vote}`),
        vote.after !== null ? h('span', { class: 'replay-when' }, when(vote, `voting (of ${settings.voteSeconds ?? '?'} s)`)) : null]
        : h('span', { class: 'muted' }, s.phase === 'VOTING' ? 'not yet' : '—')),
      h('td', { class: 'num', testid: `replay-received-${letter}` }, s.received ? String(s.received[letter] ?? 0) : '—'));
  }

  slider.addEventListener('input', () => go(Number(slider.value)));
  const onKey = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    const target = e.target;
    // Typing keeps its arrows; the slider moves itself by one event.
    if (target instanceof Element && target.closest('textarea, select, [contenteditable], input:not([type="range"])')) return;
    if (target === slider && !e.shiftKey) return;
    e.preventDefault();
    const direction = e.key === 'ArrowRight' ? 1 : -1;
    go(e.shiftKey ? roundStart(direction) : pos + direction);
  };
  document.addEventListener('keydown', onKey);
  render();
  return () => document.removeEventListener('keydown', onKey);
}
