// A match: joining it, playing it, or watching it, live over the event-bus bridge.
import { api } from './api.js';
import { COMMANDS, openBus } from './bus.js';
import { h } from './dom.js';
import { CANCELLED_TEXT, gameView } from './view.js';
import { forgetSeat, saveDraft, saveName, saveSeat, savedName } from './store.js';
import { seatOf } from './store.js';
import { clearError, explain, setConnection, showError } from './ui.js';

const MAX_CHARS = 280;
const POLL_MS = 3000;
// A deadline this far behind us with no news means a push went missing: ask by HTTP.
const OVERDUE_MS = 3000;

export function playMatch(main, matchId) {
  let current = null;
  const swap = (next) => {
    if (current) current();
    const hadFocus = main.contains(document.activeElement);
    main.replaceChildren();
    if (hadFocus) main.focus({ preventScroll: true });
    current = next();
  };
  const toGame = (seat) => swap(() => game(main, matchId, seat, toJoin));
  const toJoin = () => swap(() => joinScreen(main, matchId, toGame));
  const seat = seatOf(matchId);
  if (seat) toGame(seat);
  else toJoin();
  return () => current && current();
}

export function watchMatch(main, matchId) {
  return game(main, matchId, null, null);
}

function joinScreen(main, matchId, joined) {
  setConnection(null);
  document.title = 'Join a match · Turing Arena';
  let disposed = false;
  const name = h('input', {
    id: 'join-name', testid: 'join-name', type: 'text', maxlength: 24, autocomplete: 'nickname',
    autocapitalize: 'words', spellcheck: 'false', value: savedName(),
  });
  const button = h('button', { type: 'submit', class: 'primary', testid: 'join-button' }, 'Join');
  const info = h('p', { class: 'hint' }, 'Looking up the match…');
  const fields = h('div', {}, h('label', { for: 'join-name' }, 'Your name'), h('div', { class: 'row' }, name, button));
  const title = h('h1', { id: 'join-title' }, 'Join the match');
  const watch = h('span', {}, h('a', { href: `#/watch/${matchId}` }, 'Watch this match'), ' or ');
  const elsewhere = h('p', { hidden: true }, watch, h('a', { href: '#/' }, 'go back home'), '.');
  const form = h('form', {
    class: 'card', 'aria-labelledby': 'join-title',
    onsubmit: async (e) => {
      e.preventDefault();
      const you = name.value.trim();
      if (!you) {
        showError('Type your name first.');
        name.focus();
        return;
      }
      saveName(you);
      button.disabled = true;
      clearError();
      try {
        const seat = await api.join(matchId, you);
        if (disposed) return;
        saveSeat(matchId, { ...seat, name: you });
        joined({ ...seat, name: you });
      } catch (err) {
        if (disposed) return;
        showError(explain(err));
        if (err.status === 409 || err.status === 404) elsewhere.hidden = false;
        button.disabled = false;
      }
    },
  }, title, info, fields, elsewhere);
  main.append(form);
  if (!name.value) name.focus();

  api.view(matchId).then((view) => {
    if (disposed) return;
    const s = view.settings ?? {};
    if (view.status === 'EXPIRED') {
      title.textContent = 'Match over';
      info.textContent = 'This match expired before enough players joined.';
      watch.hidden = true;
    } else if (view.status === 'CANCELLED') {
      title.textContent = 'Match over';
      info.textContent = CANCELLED_TEXT;
      watch.hidden = true;
    } else if (view.status === 'COMPLETED') {
      info.textContent = 'This match is over.';
    } else if (view.status === 'RUNNING') {
      info.textContent = 'This match has already started, so its seats are taken.';
    } else if ((view.humansJoined ?? 0) >= (s.humans ?? Infinity)) {
      info.textContent = 'This match is full.';
    } else {
      info.textContent = `${view.humansJoined ?? 0} of ${s.humans} humans are here. ${s.seats} seats, `
        + `${s.rounds} ${s.rounds === 1 ? 'round' : 'rounds'}; robots take the other seats.`;
      return;
    }
    fields.hidden = true;
    elsewhere.hidden = false;
  }).catch((err) => {
    if (disposed) return;
    info.textContent = err.status === 404 ? 'There is no match with this code.' : explain(err);
    if (err.status === 404) {
      fields.hidden = true;
      elsewhere.hidden = false;
    }
  });
  return () => {
    disposed = true;
  };
}

/** Plays (seat given) or watches (seat null) one match until the screen is left. */
function game(main, matchId, seat, seatLost) {
  const playing = seat !== null;
  const local = { sending: false, answered: null, voted: null };
  let view = null;
  let bus = null;
  let disposed = false;
  let finished = false;
  let catchUp = 0;
  let lastAsked = 0;

  const ui = gameView(main, {
    matchId,
    playing,
    onAnswer: answer,
    onVote: vote,
    onDraft: (round, text) => saveDraft(matchId, round, text),
    onPlayAgain: () => {
      location.hash = '#/';
    },
  });

  function accept(next) {
    if (disposed || !next || typeof next !== 'object') return;
    if (next.matchId && next.matchId !== matchId) return;
    // Pushes and HTTP answers can cross: only a newer snapshot replaces the one shown.
    if (view && (next.version ?? 0) < (view.version ?? 0)) return;
    view = next;
    if (local.answered && local.answered.round !== view.round) local.answered = null;
    if (local.voted && local.voted.round !== view.round) local.voted = null;
    ui.render(view, local);
    const ended = view.status === 'EXPIRED' || view.status === 'CANCELLED';
    if (ended && playing) forgetSeat(matchId);
    if (view.status === 'COMPLETED' || ended) finish();
  }

  async function refresh() {
    lastAsked = Date.now();
    try {
      accept(await api.view(matchId, seat?.token));
    } catch (err) {
      if (disposed) return;
      if (err.status === 401 && playing) {
        forgetSeat(matchId);
        showError('This browser no longer holds a seat in that match. Join again, or watch it.');
        seatLost();
      } else if (err.status === 404) {
        if (playing) forgetSeat(matchId);
        stop();
        ui.missing();
      } else if (!view) {
        showError(explain(err));
      }
    }
  }

  // For a player the public view is only a hint that there is news: their own view comes on their address.
  function nudge(publicView) {
    const version = publicView?.version;
    if (view && version !== undefined && version <= (view.version ?? 0)) return;
    clearTimeout(catchUp);
    catchUp = setTimeout(() => {
      if (!view || version === undefined || (view.version ?? 0) < version) refresh();
    }, 700);
  }

  function connect() {
    setConnection('connecting');
    bus = openBus({
      onOpen() {
        setConnection('live');
        if (playing && seat.playerId) {
          bus.register(`match.${matchId}.player.${seat.playerId}`, { token: seat.token }, accept);
        }
        bus.register(`match.${matchId}.updates`, {}, playing ? nudge : accept);
        // Whatever changed while we were not registered.
        refresh();
      },
      onClose() {
        if (!disposed) setConnection('offline');
      },
      onRefused() {
        // A refused registration leaves the HTTP fallback below doing the work.
      },
    });
  }

  function overdue() {
    if (!view || finished || Date.now() - lastAsked < POLL_MS) return false;
    const at = Date.parse((view.status === 'WAITING' ? view.lobbyDeadline : view.deadline) ?? '');
    return !Number.isNaN(at) && Date.now() - at > OVERDUE_MS;
  }

  const poll = setInterval(() => {
    if (disposed || finished) return;
    if (!bus || !bus.open || overdue()) refresh();
  }, POLL_MS);
  const tick = setInterval(() => view && ui.tick(view), 250);

  function finish() {
    if (finished) return;
    finished = true;
    // Nothing changes after the reveal.
    if (bus) bus.close();
    bus = null;
    setConnection(null);
  }

  function stop() {
    finished = true;
    clearInterval(poll);
    clearInterval(tick);
    clearTimeout(catchUp);
    if (bus) bus.close();
    bus = null;
    setConnection(null);
  }

  async function command(action, fields) {
    const round = view.round;
    if (bus && bus.open) {
      return bus.send(COMMANDS, { matchId, action, round, ...fields }, { token: seat.token });
    }
    return action === 'response'
      ? api.respond(matchId, seat.token, round, fields.text)
      : api.vote(matchId, seat.token, round, fields.identity);
  }

  async function act(kind, run) {
    if (local.sending) return;
    local.sending = kind;
    ui.render(view, local);
    try {
      await run();
      clearError();
    } catch (err) {
      showError(explain(err));
    } finally {
      local.sending = false;
      if (!disposed) {
        ui.render(view, local);
        refresh();
      }
    }
  }

  function answer(text) {
    const trimmed = text.trim();
    const length = [...trimmed].length;
    if (!trimmed) {
      showError('Write an answer first.');
      return;
    }
    if (length > MAX_CHARS) {
      showError(`Your answer is ${length - MAX_CHARS} characters too long: at most ${MAX_CHARS}.`);
      return;
    }
    const round = view.round;
    act('answer', async () => {
      await command('response', { text: trimmed });
      local.answered = { round, text: trimmed };
      saveDraft(matchId, round, '');
    });
  }

  function vote(letter) {
    const round = view.round;
    act('vote', async () => {
      await command('vote', { identity: letter });
      local.voted = { round, letter };
    });
  }

  refresh().then(() => {
    if (!disposed && !finished) connect();
  });

  return () => {
    disposed = true;
    stop();
  };
}
