// The live connection: Vert.x's event-bus bridge client over SockJS, with reconnection.
import EventBus from '@vertx/eventbus-bridge-client.js';

export const COMMANDS = 'arena.player.commands';

export class BusError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Opens the bridge. onOpen runs on every (re)connection: registrations do not survive a reconnect, so the
 * caller registers there. onRefused gets a refusal the bridge could not tie to a send (e.g. a register).
 */
export function openBus({ onOpen, onClose, onRefused }) {
  const bus = new EventBus(`${location.origin}/eventbus`, { vertxbus_ping_interval: 10_000 });
  bus.enableReconnect(true);
  let closed = false;
  let lastAddressedError = 0;
  const pending = [];

  const settle = (entry) => {
    const i = pending.indexOf(entry);
    if (i < 0) return false;
    pending.splice(i, 1);
    clearTimeout(entry.timer);
    return true;
  };

  bus.onopen = () => {
    if (!closed) onOpen();
  };
  bus.onclose = () => {
    for (const entry of [...pending]) {
      settle(entry);
      entry.reject(new BusError(0, 'The connection dropped before the server answered. Try again.'));
    }
    if (!closed) onClose();
  };
  // A refusal with no address (a bare {"type":"err","body":"..."}) belongs to the oldest send still waiting.
  bus.onerror = (err) => {
    // The gateway answers a refusal with an error addressed to the callback, then the bridge adds its bare one.
    if (Date.now() - lastAddressedError < 1000) return;
    const reason = String(err?.body ?? err?.message ?? 'refused');
    const oldest = pending[0];
    if (oldest && settle(oldest)) oldest.reject(new BusError(err?.failureCode ?? -1, reason));
    else if (!closed) onRefused(reason);
  };
  bus.onunhandled = (json) => {
    if (json && json.type === 'err') bus.onerror(json);
  };

  return {
    get open() {
      return !closed && bus.state === EventBus.OPEN;
    },
    register(address, headers, handler) {
      bus.registerHandler(address, headers, (err, message) => {
        if (err) {
          lastAddressedError = Date.now();
          onRefused(String(err.message ?? err.failureType ?? 'refused'));
        } else handler(typeof message.body === 'string' ? JSON.parse(message.body) : message.body);
      });
    },
    /** Request-reply; resolves with the reply body, rejects with a BusError (failureCode, message). */
    send(address, body, headers, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const entry = { resolve, reject, timer: 0 };
        entry.timer = setTimeout(() => {
          if (settle(entry)) reject(new BusError(0, 'The server did not answer in time. Try again.'));
        }, timeoutMs);
        pending.push(entry);
        try {
          bus.send(address, body, headers, (err, reply) => {
            if (err) lastAddressedError = Date.now();
            if (!settle(entry)) return;
            if (err) reject(new BusError(err.failureCode, String(err.message ?? err.failureType ?? 'refused')));
            else resolve(reply.body);
          });
        } catch {
          settle(entry);
          reject(new BusError(0, 'Not connected.'));
        }
      });
    },
    close() {
      closed = true;
      try {
        bus.close();
      } catch {
        /* already down between two reconnection attempts */
      }
    },
  };
}
