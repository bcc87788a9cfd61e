// Turing Arena in the browser: a hash router over four screens (home, a match, watching a match, replaying one).
import './app.css';
import { home } from './home.js';
import { playMatch, watchMatch } from './match.js';
import { replayMatch } from './replay.js';
import { clearError } from './ui.js';

const MATCH_ID = '([A-Za-z0-9_-]{1,64})';
const routes = [
  [new RegExp(`^#/m/${MATCH_ID}$`), (main, id) => playMatch(main, id)],
  [new RegExp(`^#/watch/${MATCH_ID}$`), (main, id) => watchMatch(main, id)],
  // ?at=N opens the replay at its Nth step.
  [new RegExp(`^#/replay/${MATCH_ID}(?:\\?at=(\\d{1,6}))?$`), (main, id, at) => replayMatch(main, id, at)],
];

let dispose = null;
let first = true;

function route() {
  const main = document.getElementById('main');
  if (dispose) dispose();
  dispose = null;
  clearError();
  main.replaceChildren();
  const hash = location.hash || '#/';
  const match = routes.map(([pattern, screen]) => [hash.match(pattern), screen]).find(([m]) => m);
  // A new screen after a click or Enter: start reading (and tabbing) from its top, not from where focus was.
  const active = document.activeElement;
  if (!first && (!active || active === document.body || !active.isConnected || main.contains(active))) {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  first = false;
  dispose = match ? match[1](main, ...match[0].slice(1)) : home(main);
}

window.addEventListener('hashchange', route);
route();
