// The gateway's HTTP API. Errors carry the gateway's own message ({"error": "..."}) and status.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let clockOffsetMs = 0;

/** The server's clock as best we know it (from HTTP Date headers), so countdowns match the deadlines. */
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

function learnClock(dateHeader) {
  const server = Date.parse(dateHeader ?? '');
  if (Number.isNaN(server)) return;
  const offset = server - Date.now();
  // The header has one-second resolution: only a real skew is worth correcting.
  clockOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
}

async function request(method, path, body, token) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  learnClock(response.headers.get('date'));
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const message = json && typeof json.error === 'string' ? json.error : `request failed (${response.status})`;
    throw new ApiError(response.status, message);
  }
  return { json, headers: response.headers };
}

async function call(method, path, body, token) {
  return (await request(method, path, body, token)).json;
}

const match = (id) => `/api/matches/${encodeURIComponent(id)}`;

export const api = {
  view: (matchId, token) => call('GET', match(matchId), undefined, token),
  create: (settings) => call('POST', '/api/matches', settings),
  join: (matchId, name) => call('POST', `${match(matchId)}/players`, { name }),
  quickPlay: (name) => call('POST', '/api/quickplay', { name }),
  respond: (matchId, token, round, text) => call('POST', `${match(matchId)}/response`, { round, text }, token),
  vote: (matchId, token, round, identity) => call('POST', `${match(matchId)}/vote`, { round, identity }, token),
  /** A finished match's whole trail; truncated when the gateway kept only its earliest events. */
  events: async (matchId) => {
    const { json, headers } = await request('GET', `${match(matchId)}/events`);
    return { events: Array.isArray(json) ? json : [], truncated: headers.get('events-truncated') === 'true' };
  },
};
