// What the page remembers in this browser: your seat per match (for reconnection), your name, answer drafts.
// localStorage can be unavailable (privacy modes): then the page still works, it just forgets.

const seatKey = (matchId) => `arena.token.${matchId}`;
const draftKey = (matchId) => `arena.draft.${matchId}`;

function get(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function put(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* storage unavailable: nothing to remember with */
  }
}

/** {playerId, token, name} or null. A bare token string (stored by hand) is accepted too. */
export function seatOf(matchId) {
  const raw = get(seatKey(matchId));
  if (!raw) return null;
  try {
    const seat = JSON.parse(raw);
    if (seat && typeof seat.token === 'string' && seat.token) return seat;
    if (typeof seat === 'string' && seat) return { token: seat };
  } catch {
    return { token: raw };
  }
  return null;
}

export function saveSeat(matchId, seat) {
  put(seatKey(matchId), JSON.stringify({ playerId: seat.playerId, token: seat.token, name: seat.name }));
  put('arena.last', JSON.stringify({ matchId, at: Date.now() }));
}

export function forgetSeat(matchId) {
  put(seatKey(matchId), null);
  put(draftKey(matchId), null);
}

/** The match you last sat in, if it was within the last few hours. */
export function lastMatch() {
  try {
    const last = JSON.parse(get('arena.last') ?? 'null');
    if (last && typeof last.matchId === 'string' && Date.now() - last.at < 3 * 3600_000 && seatOf(last.matchId)) {
      return last.matchId;
    }
  } catch {
    /* nothing usable stored */
  }
  return null;
}

export function savedName() {
  return get('arena.name') ?? '';
}

export function saveName(name) {
  put('arena.name', name);
}

export function draftOf(matchId, round) {
  try {
    const draft = JSON.parse(get(draftKey(matchId)) ?? 'null');
    return draft && draft.round === round && typeof draft.text === 'string' ? draft.text : '';
  } catch {
    return '';
  }
}

export function saveDraft(matchId, round, text) {
  put(draftKey(matchId), text ? JSON.stringify({ round, text }) : null);
}
