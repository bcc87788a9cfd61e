// Page-wide bits: the error line, the connection badge, moving focus when a screen changes.

export function showError(message) {
  const el = document.querySelector('[data-testid="error"]');
  el.textContent = message;
  el.hidden = false;
}

export function clearError() {
  const el = document.querySelector('[data-testid="error"]');
  el.textContent = '';
  el.hidden = true;
}

/** state: null (no live connection needed), 'live', 'connecting', 'offline'. */
export function setConnection(state) {
  const el = document.getElementById('conn');
  if (!state) {
    el.hidden = true;
    return;
  }
  const text = { live: 'Live', connecting: 'Connecting…', offline: 'Reconnecting…' }[state];
  el.hidden = false;
  el.className = `conn conn-${state}`;
  if (el.textContent !== text) el.textContent = text;
}

/** A friendly sentence for a failed action, whatever path (HTTP or bridge) it took. */
export function explain(error) {
  const code = error?.status ?? error?.code;
  const message = String(error?.message ?? 'Something went wrong.');
  if (code === 429 || /too many|rate.?limit|slow down/i.test(message)) return 'Slow down: too many messages.';
  if (/^(rejected|access_denied)$/i.test(message)) return 'The server refused that message.';
  return message.charAt(0).toUpperCase() + message.slice(1);
}
