// The match screen. Built once, then updated in place part by part, so typing, focus and scroll survive the
// live updates. Every piece of player text goes in through textContent (see dom.js).
import { serverNow } from './api.js';
import { charCount, fill, formatSeconds, h, setText, show } from './dom.js';
import { draftOf } from './store.js';

const MAX_CHARS = 280;

const PHASE_TITLES = {
  STARTING: 'Get ready…',
  RESPONDING: 'Answer the prompt',
  VOTING: 'Vote: who is human?',
  SCORED: 'Round results',
};

export function gameView(main, { matchId, playing, onAnswer, onVote, onDraft, onPlayAgain }) {
  const shareUrl = `${location.origin}${location.pathname}#/m/${matchId}`;
  const memo = new Map();
  // Re-renders a part only when what it shows has changed.
  const part = (key, data, draw) => {
    const sig = JSON.stringify(data);
    if (memo.get(key) === sig) return;
    memo.set(key, sig);
    draw();
  };

  // Top: who you are, where the match is, and the clock.
  const status = h('p', { class: 'status', testid: 'status' });
  const round = h('span', { testid: 'round' });
  const rounds = h('span');
  const roundLine = h('p', { class: 'roundline', hidden: true }, 'Round ', round, ' of ', rounds);
  const letter = h('strong', { class: 'letter', testid: 'your-letter' });
  const letterLine = h('p', { class: 'you', hidden: true }, 'Your letter ', letter);
  const score = h('strong', { testid: 'your-score' });
  const scoreLine = h('p', { class: 'score', hidden: true }, 'Score ', score);
  const phase = h('h1', { class: 'phase', testid: 'phase', tabindex: -1, 'aria-live': 'polite' });
  const countdown = h('span', { class: 'countdown', testid: 'countdown', role: 'timer', 'aria-atomic': 'true' });
  const clockLabel = h('span', { class: 'clock-label' });
  const clock = h('p', { class: 'clock', hidden: true }, countdown, ' ', clockLabel);

  const banner = playing ? null : h('p', { class: 'banner', testid: 'spectator-banner' },
    'You are watching this match: read-only. Answers appear once voting opens.');

  // Lobby.
  const lobbyText = h('p', { class: 'lobby-text' });
  const share = playing ? shareBox(shareUrl, matchId)
    : h('p', {}, h('a', { href: `#/m/${matchId}` }, 'Take a seat in this match'), ' while seats are free.');
  const lobby = h('section', { class: 'card lobby', hidden: true }, lobbyText, share);

  // The round.
  const prompt = h('p', { class: 'prompt', testid: 'prompt' });
  const seating = h('p', { class: 'prompt muted' }, 'The prompt is coming: everyone is taking their seats…');
  const promptCard = h('section', { class: 'card prompt-card', 'aria-label': 'Prompt' }, prompt, seating);
  const participants = h('ul', { class: 'chips', testid: 'participants', 'aria-label': 'Participants' });
  // How many have acted, never which letters: one letter's pace would tell a human from a robot.
  const progress = h('p', { class: 'hint progress', testid: 'progress' });
  const people = h('section', { class: 'people' }, participants, progress);

  const input = h('textarea', {
    id: 'answer', testid: 'answer-input', rows: 3, enterkeyhint: 'send', autocomplete: 'off',
    'aria-describedby': 'answer-count answer-help', placeholder: 'Type like a human…',
  });
  const count = h('span', { id: 'answer-count', class: 'count', testid: 'answer-count' }, `0/${MAX_CHARS}`);
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'answer-submit' }, 'Send answer');
  const form = h('form', {
    class: 'card answer', 'aria-label': 'Your answer',
    onsubmit: (e) => {
      e.preventDefault();
      onAnswer(input.value);
    },
  },
  h('label', { for: 'answer' }, 'Your answer'),
  input,
  h('div', { class: 'row spread' }, count,
    h('span', { id: 'answer-help', class: 'hint small' }, 'Enter sends · Shift+Enter for a new line'), submit));
  input.addEventListener('input', () => {
    updateCount();
    onDraft(Number(form.dataset.round), input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  function updateCount() {
    const n = charCount(input.value);
    setText(count, `${n}/${MAX_CHARS}`);
    count.classList.toggle('over', n > MAX_CHARS);
  }

  const mineText = h('p', { class: 'mine-text' });
  const mineTitle = h('h2', { tabindex: -1 }, 'Your answer');
  const mine = h('section', { class: 'card mine', hidden: true }, mineTitle, mineText,
    h('p', { class: 'hint' }, 'Sent. Waiting for the others…'));

  const responsesTitle = h('h2', { tabindex: -1 }, 'The answers');
  const responsesHint = h('p', { class: 'hint' });
  const responses = h('ol', { class: 'responses', testid: 'responses' });
  const voting = h('section', { class: 'card voting', hidden: true }, responsesTitle, responsesHint, responses);

  const play = h('div', { class: 'play', hidden: true }, promptCard, people, form, mine, voting);

  // Results of every scored round, newest first.
  const resultsTitle = h('h2', { tabindex: -1 }, 'Results');
  const resultsList = h('div', { class: 'results-list' });
  const results = h('section', { class: 'results', testid: 'results', hidden: true }, resultsTitle, resultsList);

  // The end.
  const revealTitle = h('h2', { tabindex: -1 }, 'Who was who');
  const revealList = h('ul', { class: 'reveal-list' });
  const finalScores = h('ol', { class: 'final', testid: 'final-scores', 'aria-label': 'Final scores' });
  const playAgain = h('button', { type: 'button', class: 'primary big', testid: 'play-again', onclick: onPlayAgain },
    'Play again');
  const reveal = h('section', { class: 'card reveal', testid: 'reveal', hidden: true },
    revealTitle,
    revealList,
    h('h2', {}, 'Final scores'), finalScores,
    h('p', {}, h('a', { href: `#/replay/${matchId}`, testid: 'replay-link' }, 'Replay this match'),
      ': step through it round by round.'),
    playAgain);

  // A lobby nobody filled in time, or a round whose robots never came: over, with nothing left to wait for.
  const expiredText = h('p', { tabindex: -1 }, EXPIRED_TEXT);
  const expired = h('section', { class: 'card expired', testid: 'expired', hidden: true },
    expiredText,
    h('p', {}, h('a', { href: '#/' }, 'Back home'), ' to start or join another match.'));

  const missingBox = h('section', { class: 'card', hidden: true },
    h('h1', {}, 'No such match'),
    h('p', {}, 'There is no match with this code (or the server forgot it). '),
    h('p', {}, h('a', { href: '#/' }, 'Back home')));

  const header = h('div', { class: 'matchbar' }, status, h('div', { class: 'facts' }, roundLine, letterLine, scoreLine));
  const screen = h('div', { class: 'game' }, banner, header, phase, clock, lobby, expired, reveal, play, results);
  main.append(screen, missingBox);

  let phaseKey = null;

  function render(v, local) {
    const s = v.settings ?? {};
    const running = v.status === 'RUNNING';
    const completed = v.status === 'COMPLETED';
    const waiting = v.status === 'WAITING';
    const over = v.status === 'EXPIRED' || v.status === 'CANCELLED';
    const current = v.phase;

    setText(status, statusText(v, playing));
    show(roundLine, (running || completed) && v.round > 0);
    setText(round, v.round);
    setText(rounds, v.rounds ?? s.rounds);
    show(letterLine, playing && running && !!v.you);
    setText(letter, v.you ?? '');
    show(scoreLine, playing && v.yourScore !== undefined && v.yourScore !== null && !waiting);
    setText(score, v.yourScore ?? 0);
    const title = waiting ? 'Waiting for players' : completed ? 'The reveal' : over ? 'Match over'
      : PHASE_TITLES[current] ?? '';
    setText(phase, title);
    document.title = `${title} · Turing Arena`;

    show(lobby, waiting);
    if (waiting) setText(lobbyText, lobbyMessage(v, playing));
    show(expired, over);
    if (over) setText(expiredText, v.status === 'CANCELLED' ? CANCELLED_TEXT : EXPIRED_TEXT);
    if (banner) show(banner, !over);

    show(play, running);
    if (running) renderRound(v, local);

    part('results', [v.results ?? [], playing], () => renderResults(v.results ?? []));
    show(results, (v.results ?? []).length > 0);

    show(reveal, completed);
    if (completed) part('reveal', [v.reveal, v.finalScores], () => renderReveal(v));

    tick(v);
    moveFocus(v);
  }

  function renderRound(v, local) {
    const current = v.phase;
    const open = current !== 'STARTING';
    setText(prompt, open ? v.prompt ?? '' : '');
    show(prompt, open);
    show(seating, !open);

    // Every chip says the same until the phase ends, whoever has answered or voted.
    part('people', [current, v.participants, playing ? v.you : null], () => {
      const state = PHASE_CHIPS[current] ?? null;
      fill(participants, (v.participants ?? []).map((l) => h('li', { class: 'chip', 'data-letter': l },
        h('span', { class: 'chip-letter' }, l),
        playing && l === v.you ? h('span', { class: 'chip-you' }, 'you') : null,
        state ? h('span', { class: 'chip-state' }, state) : null)));
    });
    setText(progress, progressText(v));
    show(progress, current === 'RESPONDING' || current === 'VOTING');

    const myAnswer = v.yourResponse ?? (local.answered && local.answered.round === v.round ? local.answered.text : null);
    const canAnswer = playing && current === 'RESPONDING' && myAnswer == null;
    if (form.dataset.round !== String(v.round)) {
      form.dataset.round = String(v.round);
      input.value = draftOf(matchId, v.round);
      updateCount();
    }
    show(form, canAnswer);
    // Busy, not disabled: a disabled button would drop the keyboard focus (match.js ignores a second press).
    submit.setAttribute('aria-busy', String(local.sending === 'answer'));
    setText(submit, local.sending === 'answer' ? 'Sending…' : 'Send answer');
    show(mine, playing && myAnswer != null && (current === 'RESPONDING' || current === 'STARTING'));
    setText(mineText, myAnswer ?? '');

    const myVote = v.yourVote ?? (local.voted && local.voted.round === v.round ? local.voted.letter : null);
    const canVote = playing && current === 'VOTING' && !myVote;
    show(voting, current === 'VOTING');
    part('responses', [v.round, current, v.participants, v.responses, v.you, myVote, canVote], () => {
      setText(responsesHint, !playing ? 'Players are voting for the letter they believe is human.'
        : myVote ? `You voted for ${myVote}. Waiting for the others…`
          : 'Vote for the letter you believe is human (not your own).');
      const texts = v.responses ?? {};
      fill(responses, (v.participants ?? []).map((l) => {
        const text = texts[l];
        const mineLetter = playing && l === v.you;
        return h('li', { class: `response ${mineLetter ? 'own' : ''} ${myVote === l ? 'chosen' : ''}` },
          h('span', { class: 'response-letter', 'aria-hidden': 'true' }, l),
          h('div', { class: 'response-body' },
            text != null ? h('p', { class: 'response-text', testid: `response-${l}`, 'aria-label': `Answer ${l}` }, text)
              : h('p', { class: 'response-text muted' }, 'No answer'),
            mineLetter ? h('span', { class: 'tag' }, 'Your answer') : null,
            myVote === l ? h('span', { class: 'tag vote-tag' }, 'Your vote') : null),
          canVote && !mineLetter ? h('button', {
            type: 'button', class: 'vote', testid: `vote-${l}`,
            'aria-label': `Vote for ${l}`, onclick: () => onVote(l),
          }, `Vote ${l}`) : null);
      }));
    });
    for (const button of responses.querySelectorAll('button.vote')) {
      button.setAttribute('aria-busy', String(local.sending === 'vote'));
    }
  }

  function renderResults(list) {
    fill(resultsList, [...list].reverse().map((r) => {
      const votes = r.votesReceived ?? {};
      const texts = r.responses ?? {};
      const rows = Object.keys(votes).sort().map((l) => h('tr', { class: l === r.yourLetter ? 'own' : '' },
        h('th', { scope: 'row' }, l, l === r.yourLetter ? h('span', { class: 'tag' }, 'you') : null,
          playing && l === r.yourVote ? h('span', { class: 'tag vote-tag' }, 'your vote') : null),
        h('td', { class: 'answer-cell' }, texts[l] ?? '—'),
        h('td', { class: 'num' }, String(votes[l]))));
      const points = r.yourPoints ?? 0;
      return h('article', { class: 'card result', testid: `result-${r.round}` },
        h('h3', {}, `Round ${r.round}`),
        r.prompt ? h('p', { class: 'result-prompt' }, r.prompt) : null,
        h('div', { class: 'scroll' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Letter'), h('th', { scope: 'col' }, 'Answer'),
            h('th', { scope: 'col', class: 'num' }, 'Votes'))),
          h('tbody', {}, rows))),
        playing ? h('p', { class: 'points', testid: `points-${r.round}` },
          `You were ${r.yourLetter ?? '—'}, voted for ${r.yourVote ?? 'nobody'}, and gained `,
          h('strong', {}, `${points} ${points === 1 ? 'point' : 'points'}`), '.') : null);
    }));
  }

  function renderReveal(v) {
    fill(revealList, (v.reveal ?? []).map((p) => h('li', { testid: 'reveal-row', class: `reveal-row ${p.human ? 'human' : 'robot'}` },
      h('div', { class: 'reveal-who' },
        // <bdi>: a name's own direction never reorders what is around it.
        h('bdi', { class: 'reveal-name', testid: 'reveal-name' }, p.name),
        playing && p.you ? h('span', { class: 'tag' }, 'you') : null,
        h('span', { class: `kind ${p.human ? 'kind-human' : 'kind-robot'}` },
          p.human ? 'Human' : `Robot · ${p.persona ?? 'robot'}`)),
      h('p', { class: 'reveal-letters' }, 'Letters by round: ',
        h('span', { class: 'letters' }, (p.letters ?? []).map((l) => l ?? '–').join(' · '))),
      h('p', { class: 'reveal-score' }, h('strong', {}, String(p.score ?? 0)), ` ${p.score === 1 ? 'point' : 'points'}`))));
    fill(finalScores, (v.finalScores ?? []).map((p) => h('li', { class: p.human ? 'human' : 'robot' },
      h('bdi', { class: 'final-name', testid: 'final-name' }, p.name), ' ',
      h('span', { class: 'tag' }, p.human ? 'human' : 'robot'), ' ',
      h('strong', { class: 'final-score' }, `${p.score} ${p.score === 1 ? 'point' : 'points'}`))));
  }

  function tick(v) {
    const target = v.status === 'WAITING' ? v.lobbyDeadline
      : v.status === 'RUNNING' && v.phase !== 'STARTING' ? v.deadline : null;
    const at = Date.parse(target ?? '');
    if (Number.isNaN(at)) {
      show(clock, false);
      return;
    }
    const left = (at - serverNow()) / 1000;
    show(clock, true);
    setText(countdown, formatSeconds(left));
    setText(clockLabel, clockText(v, left));
    clock.classList.toggle('urgent', left <= 10 && (v.phase === 'RESPONDING' || v.phase === 'VOTING'));
  }

  // Keyboard users must never be left focused on nothing: when the element they were on goes away (an answer
  // sent, a vote cast, a phase over), focus moves to what the screen now asks of them.
  let lastFocused = null;
  screen.addEventListener('focusin', (e) => {
    lastFocused = e.target;
  });
  const idle = () => {
    const active = document.activeElement;
    return !active || active === document.body || active === main;
  };
  const gone = (el) => !el || !el.isConnected || el.disabled || el.closest('[hidden]') !== null;

  function moveFocus(v) {
    const key = `${v.status}:${v.round}:${v.phase}`;
    const changed = key !== phaseKey;
    phaseKey = key;
    const target = v.status === 'COMPLETED' ? revealTitle : v.status === 'EXPIRED' || v.status === 'CANCELLED' ? expiredText
      : v.phase === 'RESPONDING' ? (form.hidden ? mineTitle : input)
        : v.phase === 'VOTING' ? responsesTitle
          : v.phase === 'SCORED' ? resultsTitle : phase;
    const lost = lastFocused !== null && gone(lastFocused) && (idle() || gone(document.activeElement));
    // A new round's answer box takes the focus when nothing else has it.
    const fresh = changed && target === input && idle();
    if ((lost || fresh) && !target.closest('[hidden]')) {
      target.focus({ preventScroll: target !== input });
      lastFocused = target;
    }
  }

  return {
    render,
    tick,
    missing() {
      screen.hidden = true;
      missingBox.hidden = false;
    },
  };
}

const PHASE_CHIPS = {
  STARTING: 'getting ready…',
  RESPONDING: 'typing…',
  VOTING: 'voting…',
};

/** "2 of 4 answered", "1 of 4 voted". */
function progressText(v) {
  const of = (v.participants ?? []).length;
  if (v.phase === 'RESPONDING') return `${v.answeredCount ?? 0} of ${of} answered`;
  if (v.phase === 'VOTING') return `${v.votedCount ?? 0} of ${of} voted`;
  return '';
}

const EXPIRED_TEXT = 'This match expired before enough players joined.';
export const CANCELLED_TEXT = 'This match was cancelled: its robots did not come in time.';

function statusText(v, playing) {
  const s = v.settings ?? {};
  if (v.status === 'WAITING') {
    return v.quickPlay ? `Quick play: finding players (${v.humansJoined ?? 0} here)`
      : `Waiting: ${v.humansJoined ?? 0} of ${s.humans} humans here`;
  }
  if (v.status === 'COMPLETED') return 'Match over';
  if (v.status === 'EXPIRED') return 'Expired: not enough players joined';
  if (v.status === 'CANCELLED') return 'Cancelled: the robots did not come';
  const who = `${s.seats} players, ${s.humans} ${s.humans === 1 ? 'is' : 'are'} human`;
  return playing ? `In play: ${who}` : `Live: ${who}`;
}

function lobbyMessage(v, playing) {
  const s = v.settings ?? {};
  const missing = Math.max(0, (s.humans ?? 0) - (v.humansJoined ?? 0));
  const robots = (s.seats ?? 0) - (s.humans ?? 0);
  if (v.quickPlay) {
    return `${v.humansJoined ?? 0} ${v.humansJoined === 1 ? 'human is' : 'humans are'} here. The match starts `
      + 'when the lobby closes or every seat is taken; robots fill the empty seats.';
  }
  const wait = missing === 1 ? 'Waiting for 1 more human' : `Waiting for ${missing} more humans`;
  return `${wait}. ${robots} ${robots === 1 ? 'robot takes' : 'robots take'} the other `
    + `${robots === 1 ? 'seat' : 'seats'}. ${playing ? 'Invite your friends:' : ''}`.trim();
}

function clockText(v, left) {
  if (v.status === 'WAITING') return left > 0 ? 'until robots fill the empty seats' : 'starting…';
  if (left <= 0) {
    return v.phase === 'SCORED' ? 'starting…' : "time's up";
  }
  switch (v.phase) {
    case 'RESPONDING': return 'left to answer';
    case 'VOTING': return 'left to vote';
    case 'SCORED': return v.round >= (v.rounds ?? v.settings?.rounds) ? 'until the reveal' : 'until the next round';
    default: return '';
  }
}

function shareBox(url, matchId) {
  const link = h('a', { class: 'share-link', testid: 'share-link', href: url }, url);
  const copy = h('button', { type: 'button', class: 'quiet' }, 'Copy link');
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(url).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => { copy.textContent = 'Copy link'; }, 2000);
    }, () => {
      copy.textContent = 'Copy failed: select the link';
    });
  });
  // Clipboard access needs a secure context (https or localhost).
  copy.hidden = !(navigator.clipboard && window.isSecureContext);
  return h('div', { class: 'share' },
    h('p', { class: 'share-row' }, link, ' ', copy),
    h('p', { class: 'hint' }, 'Or give them the code ', h('code', { class: 'code', testid: 'share-code' }, matchId),
      ' to paste on the home page.'));
}
