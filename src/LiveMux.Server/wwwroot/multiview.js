// /multiview.html?src=a,b,c (no src: every stream) [&layout=1|4|9]: N players in a grid of 1, 2 or 3
// columns whose rows fit the window. Only tiles on screen play (IntersectionObserver), so a wall of
// many streams decodes what can be seen and nothing more.
import { api, ApiError, askForKeyAgain, el, mountPlayer, playerHref, streamList, whenVisible } from './livemux-ui.js';

const LAYOUTS = { 1: 1, 4: 2, 9: 3 }; // tiles per screen -> columns
const params = new URLSearchParams(location.search);
const wall = document.getElementById('wall');
const message = document.getElementById('message');

function show(text, error = false) {
  message.hidden = !text;
  message.className = error ? 'message error' : 'message';
  message.textContent = text;
}

async function names() {
  const src = params.get('src');
  if (src) return src.split(',').map((s) => s.trim()).filter(Boolean);
  return streamList(await api('GET', 'api/streams')).filter((s) => !s.companionOf).map((s) => s.name);
}

function setLayout(n) {
  const layout = LAYOUTS[n] ? Number(n) : 9;
  wall.style.setProperty('--cols', String(LAYOUTS[layout]));
  document.body.dataset.layout = String(layout);
  for (const r of document.querySelectorAll('input[name=layout]')) r.checked = Number(r.value) === layout;
  const url = new URL(location.href);
  url.searchParams.set('layout', String(layout));
  history.replaceState(null, '', url);
}

function tile(name) {
  const screen = el('div', { class: 'screen' });
  const label = el('a', { class: 'label', href: playerHref(name), text: name, 'aria-label': `Open ${name} in the player` });
  const li = el('li', { class: 'wall-tile', 'data-stream': name }, screen, label);
  let unmount = null;
  whenVisible(li, () => {
    unmount = mountPlayer(screen, name, {
      onStatus: (status, reason) => {
        li.dataset.status = status;
        label.title = reason ? `${status}: ${reason}` : status;
      },
      onToken: (token) => label.setAttribute('href', playerHref(name, token)),
    });
  }, () => {
    unmount?.();
    unmount = null;
    delete li.dataset.status;
  });
  return li;
}

for (const r of document.querySelectorAll('input[name=layout]')) r.addEventListener('change', () => setLayout(r.value));

try {
  const list = await names();
  const wanted = params.get('layout');
  // A phone stacks full-width tiles and scrolls; a wider screen picks the smallest layout that fits all.
  const phone = matchMedia('(max-width: 600px)').matches;
  setLayout(wanted ?? (phone || list.length <= 1 ? 1 : list.length <= 4 ? 4 : 9));
  if (!list.length) show('No streams to show.');
  wall.replaceChildren(...list.map(tile));
} catch (err) {
  setLayout(params.get('layout') ?? 9);
  show(`Cannot load streams: ${err.message}. `, true);
  if (err instanceof ApiError && err.status === 401) {
    message.append(el('button', { type: 'button', text: 'Enter API key', onclick: () => { askForKeyAgain(); location.reload(); } }));
  }
}
