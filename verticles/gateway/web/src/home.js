// Home: your name, Quick play, a private match to share, or a code to join or watch.
import { api } from './api.js';
import { h } from './dom.js';
import { lastMatch, saveName, saveSeat, savedName } from './store.js';
import { clearError, explain, setConnection, showError } from './ui.js';

const CODE = /(?:#\/(?:m|watch)\/)?([A-Za-z0-9_-]{1,64})\s*$/;

export function home(main) {
  setConnection(null);
  document.title = 'Turing Arena';
  let busy = false;

  const name = h('input', {
    id: 'name', testid: 'name-input', type: 'text', maxlength: 24, autocomplete: 'nickname',
    autocapitalize: 'words', spellcheck: 'false', placeholder: 'e.g. Ann', value: savedName(),
  });
  const quick = h('button', { type: 'submit', class: 'primary big', testid: 'quick-play' }, 'Quick play');
  const seats = numberInput('seats', 'create-seats', 4, 2, 12);
  const humans = numberInput('humans', 'create-humans', 2, 1, 11);
  const rounds = numberInput('rounds', 'create-rounds', 3, 1, 10);
  const create = h('button', { type: 'submit', testid: 'create-match' }, 'Create and join');
  const code = h('input', {
    id: 'code', type: 'text', autocomplete: 'off', spellcheck: 'false', testid: 'code-input',
    placeholder: 'paste a link or a code',
  });

  function playerName() {
    const value = name.value.trim();
    if (!value) {
      showError('Type your name first.');
      name.focus();
      return null;
    }
    saveName(value);
    return value;
  }

  async function run(button, action) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    clearError();
    try {
      await action();
    } catch (e) {
      showError(explain(e));
    } finally {
      busy = false;
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  const quickForm = h('form', {
    class: 'card', 'aria-labelledby': 'quick-title',
    onsubmit: (e) => {
      e.preventDefault();
      const you = playerName();
      if (!you) return;
      run(quick, async () => {
        const seat = await api.quickPlay(you);
        saveSeat(seat.matchId, { ...seat, name: you });
        location.hash = `#/m/${seat.matchId}`;
      });
    },
  },
  h('h2', { id: 'quick-title' }, 'Play now'),
  h('label', { for: 'name' }, 'Your name'),
  h('div', { class: 'row' }, name, quick),
  h('p', { class: 'hint' }, 'Quick play puts you in a match at once. Whoever else is looking for a game joins you; ',
    'robots take the seats still empty after a few seconds.'));

  const privateForm = h('form', {
    class: 'card', 'aria-labelledby': 'private-title',
    onsubmit: (e) => {
      e.preventDefault();
      const you = playerName();
      if (!you) return;
      const settings = { seats: Number(seats.value), humans: Number(humans.value), rounds: Number(rounds.value) };
      if (settings.humans >= settings.seats) {
        showError('Leave at least one seat for a robot: humans must be fewer than seats.');
        humans.focus();
        return;
      }
      run(create, async () => {
        const { matchId } = await api.create(settings);
        const seat = await api.join(matchId, you);
        saveSeat(matchId, { ...seat, name: you });
        location.hash = `#/m/${matchId}`;
      });
    },
  },
  h('h2', { id: 'private-title' }, 'Private match'),
  h('p', { class: 'hint' }, 'Pick the size, then share the link with your friends. Robots fill the other seats.'),
  h('div', { class: 'fields' },
    field('seats', 'Seats', seats), field('humans', 'Humans', humans), field('rounds', 'Rounds', rounds)),
  create);

  const codeForm = h('form', {
    class: 'card', 'aria-labelledby': 'code-title',
    onsubmit: (e) => {
      e.preventDefault();
      const m = code.value.trim().match(CODE);
      if (!m) {
        showError('That does not look like a match link or code.');
        code.focus();
        return;
      }
      const watch = e.submitter?.dataset.action === 'watch';
      location.hash = `${watch ? '#/watch/' : '#/m/'}${m[1]}`;
    },
  },
  h('h2', { id: 'code-title' }, 'Got a link or code?'),
  h('label', { for: 'code' }, 'Match link or code'),
  code,
  h('div', { class: 'row' },
    h('button', { type: 'submit', 'data-action': 'join' }, 'Join'),
    h('button', { type: 'submit', 'data-action': 'watch', class: 'quiet' }, 'Watch')));

  const last = lastMatch();
  main.append(
    h('section', { class: 'intro' },
      h('h1', {}, 'Can you spot the human?'),
      h('p', {}, 'A few humans hide among robots. Each round everyone answers the same prompt under a secret letter, ',
        'then votes for the letter they believe is human.'),
      last ? h('p', {}, h('a', { href: `#/m/${last}`, class: 'resume' }, 'Back to your match →')) : null),
    quickForm,
    privateForm,
    codeForm,
    h('details', { class: 'card rules' },
      h('summary', {}, 'How scoring works'),
      h('ul', {},
        h('li', {}, 'You gain 1 point when the letter you voted for is a human.'),
        h('li', {}, 'A robot gains 1 point for every vote it receives.'),
        h('li', {}, 'A human gains 2 points when they are not among the most-voted.'),
        h('li', {}, 'Letters are shuffled every round; who was who is revealed at the end.'))));
  if (!name.value) name.focus();
  return () => {};
}

function numberInput(id, testid, value, min, max) {
  return h('input', { id, testid, type: 'number', inputmode: 'numeric', value, min, max, step: 1, required: true });
}

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
