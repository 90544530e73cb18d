// The dashboard (/): one tile per stream from GET /api/streams, polled. Tiles are keyed by name, so a
// poll updates their text without restarting their players; new streams appear and removed ones go
// without a reload. The add/edit dialog speaks the stream API (POST/PUT/DELETE /api/streams) and
// shows its RFC 7807 validation errors next to the fields.
import { api, ApiError, askForKeyAgain, el, formatBitrate, mountPlayer, mountSnapshots, playerHref, streamList, whenVisible } from './livemux-ui.js';

const POLL_MS = 2000;
const PREVIEWS_KEY = 'livemux.previews';
// StreamOptions fields the dialog does not show: carried over from GET on edit so a PUT keeps them.
const KEPT_FIELDS = ['ffmpeg', 'mediaTimeout', 'connectTimeout', 'reconnectInitialDelay', 'reconnectMaxDelay',
  'gopCacheMaxBytes', 'trackConfigTimeout', 'allowSelfSignedCertificate', 'certificateThumbprint'];

const grid = document.getElementById('grid');
const message = document.getElementById('message');
const previews = document.getElementById('previews');
const tiles = new Map(); // name -> Tile

class Tile {
  constructor(name) {
    this.name = name;
    this.server = null; // last stream object from the API
    this.player = { status: '', reason: '' }; // what the tile's own player says
    this.bytes = null; // [performance.now(), bytesIn] at the previous poll
    this.bitrate = null;
    this.unmount = null;
    const href = playerHref(name);
    this.screen = el('div', { class: 'screen' });
    this.stateEl = el('span', { class: 'state' });
    this.reasonEl = el('span', { class: 'reason' });
    this.facts = {
      codecs: el('dd', { class: 'mono' }), size: el('dd'), fps: el('dd'), bitrate: el('dd'), viewers: el('dd'),
    };
    const fact = (label, dd) => el('div', {}, el('dt', { text: label }), dd);
    this.link = el('a', { class: 'view', href }, this.screen,
      el('span', { class: 'title' }, el('span', { class: 'name', text: name }), this.stateEl));
    this.editBtn = el('button', { type: 'button', class: 'edit', 'aria-label': `Edit ${name}`, text: 'Edit', onclick: () => openEditor(this.name) });
    this.root = el('li', { class: 'tile', 'data-stream': name },
      this.link,
      el('div', { class: 'meta' },
        this.reasonEl,
        el('dl', { class: 'facts' },
          fact('codecs', this.facts.codecs), fact('size', this.facts.size), fact('fps', this.facts.fps),
          fact('bitrate', this.facts.bitrate), fact('viewers', this.facts.viewers)),
        this.editBtn));
    this.stopWatching = whenVisible(this.root, () => this.#play(), () => this.#stop());
  }

  // A visible tile plays the stream, or with live previews off shows its current picture every few seconds.
  #play() {
    if (this.unmount) return;
    const hooks = {
      onStatus: (status, reason) => {
        this.player = { status, reason };
        this.render();
      },
      onToken: (token) => this.link.setAttribute('href', playerHref(this.name, token)),
    };
    this.unmount = previews.checked ? mountPlayer(this.screen, this.name, hooks) : mountSnapshots(this.screen, this.name, hooks);
  }

  #stop() {
    this.unmount?.();
    this.unmount = null;
    this.player = { status: '', reason: '' };
  }

  /** Restarts the tile in the current mode (live or snapshots) if it is on screen. */
  setPreview(visible) {
    this.#stop();
    if (visible) this.#play();
  }

  update(s, now) {
    this.server = s;
    const bytesIn = Number(s.counters?.bytesIn);
    if (Number.isFinite(bytesIn)) {
      if (this.bytes && bytesIn >= this.bytes[1] && now > this.bytes[0]) {
        this.bitrate = ((bytesIn - this.bytes[1]) * 8 * 1000) / (now - this.bytes[0]);
      }
      this.bytes = [now, bytesIn];
    }
    this.render();
  }

  /**
   * The tile's state: the server's camera retry first (its reason is the camera's), then the player's own
   * error (a codec this browser lacks, unauthorized: what this viewer gets), else the server's state.
   */
  state() {
    const s = this.server ?? {};
    const state = typeof s.state === 'string' ? s.state : 'unknown';
    if (state !== 'reconnecting' && this.player.status === 'error') return ['error', this.player.reason];
    const reason = state === 'reconnecting' || state === 'error' ? s.error ?? '' : '';
    return [state, reason];
  }

  render() {
    const s = this.server ?? {};
    const [state, reason] = this.state();
    this.stateEl.textContent = state;
    this.stateEl.className = `state ${state}`;
    this.root.dataset.state = state;
    this.reasonEl.textContent = reason;
    this.reasonEl.title = reason;
    this.link.setAttribute('aria-label', `${this.name}: ${state}${reason ? ` (${reason})` : ''}. Open the player`);
    this.facts.codecs.textContent = typeof s.codecs === 'string' && s.codecs ? s.codecs : '–';
    this.facts.size.textContent = s.width && s.height ? `${s.width}×${s.height}` : '–';
    this.facts.fps.textContent = Number.isFinite(s.fps) && s.fps > 0 ? s.fps.toFixed(s.fps % 1 ? 1 : 0) : '–';
    this.facts.bitrate.textContent = state === 'live' && this.bitrate !== null ? formatBitrate(this.bitrate) : '–';
    this.facts.viewers.textContent = Number.isFinite(s.viewers) ? String(s.viewers) : '–';
    // Only streams the API manages can be edited; configured ones are read-only (409 otherwise).
    this.editBtn.hidden = s.managed !== 'api';
  }

  remove() {
    this.stopWatching();
    this.root.remove();
  }
}

function render(list) {
  const now = performance.now();
  const seen = new Set();
  for (const s of list) {
    if (s.companionOf) continue; // a ~h264 companion is a variant of its stream, not a camera
    seen.add(s.name);
    let tile = tiles.get(s.name);
    if (!tile) {
      tile = new Tile(s.name);
      tiles.set(s.name, tile);
      grid.append(tile.root);
    }
    tile.update(s, now);
  }
  for (const [name, tile] of tiles) {
    if (!seen.has(name)) {
      tile.remove();
      tiles.delete(name);
    }
  }
  message.hidden = tiles.size > 0;
  message.className = 'message';
  message.textContent = 'No streams yet. Add one with “Add stream”.';
}

let polling = false;
async function refresh() {
  if (polling) return;
  polling = true;
  try {
    render(streamList(await api('GET', 'api/streams')));
  } catch (err) {
    message.hidden = false;
    message.className = 'message error';
    message.textContent = `Cannot load streams: ${err.message}. `;
    if (err instanceof ApiError && err.status === 401) {
      message.append(el('button', { type: 'button', text: 'Enter API key', onclick: () => { askForKeyAgain(); refresh(); } }));
    }
  } finally {
    polling = false;
  }
}

// --- add / edit / delete ----------------------------------------------------------------------

const dialog = document.getElementById('editor');
const form = document.getElementById('editor-form');
const formError = document.getElementById('form-error');
const f = {
  name: document.getElementById('f-name'),
  url: document.getElementById('f-url'),
  username: document.getElementById('f-username'),
  password: document.getElementById('f-password'),
  transport: document.getElementById('f-transport'),
  idleTimeout: document.getElementById('f-idle'),
  alwaysOn: document.getElementById('f-always'),
  transcodeFallback: document.getElementById('f-fallback'),
  clear: document.getElementById('f-clear'),
};
const deleteBtn = document.getElementById('delete');
let editing = null; // null: adding; else the stream object being edited

function clearErrors() {
  formError.hidden = true;
  formError.textContent = '';
  for (const e of form.querySelectorAll('.error')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

/** RFC 7807: `errors` keyed by camelCase field go next to their field; the rest to the top. */
function showProblem(err) {
  const problem = err instanceof ApiError ? err.problem : null;
  const general = [];
  let first = null;
  for (const [key, messages] of Object.entries(problem?.errors ?? {})) {
    const text = (Array.isArray(messages) ? messages : [messages]).join(' ');
    const field = key.replace(/^\$\.?/, '').split(/[.[]/)[0];
    const slot = form.querySelector(`.error[data-for="${CSS.escape(field.charAt(0).toLowerCase() + field.slice(1))}"]`);
    if (slot) {
      slot.textContent = text;
      const input = document.getElementById(slot.id.replace(/^e-/, 'f-')) ?? form.elements[slot.dataset.for];
      input?.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      general.push(key ? `${key}: ${text}` : text);
    }
  }
  if (general.length || !first) {
    formError.textContent = general.length ? general.join(' ') : err.message;
    formError.hidden = false;
  }
  (first ?? formError).focus?.();
}

async function openEditor(name) {
  clearErrors();
  form.reset();
  editing = null;
  if (name) {
    try {
      // The stream's settings sit under `settings`, in the shape PUT takes; state and figures beside them.
      const view = await api('GET', `api/streams/${encodeURIComponent(name)}`);
      editing = { ...(view.settings ?? {}), name: view.name, hasCredentials: view.hasCredentials };
    } catch (err) {
      message.hidden = false;
      message.className = 'message error';
      message.textContent = `Cannot open ${name}: ${err.message}`;
      return;
    }
  }
  const s = editing ?? {};
  document.getElementById('editor-title').textContent = editing ? `Edit ${s.name}` : 'Add stream';
  f.name.value = s.name ?? '';
  f.name.readOnly = !!editing;
  f.url.value = s.url ?? '';
  f.transport.value = ['tcp', 'udp', 'auto'].includes(s.transport) ? s.transport : 'tcp';
  f.idleTimeout.value = typeof s.idleTimeout === 'string' ? s.idleTimeout : '';
  f.alwaysOn.checked = !!s.alwaysOn;
  f.transcodeFallback.checked = !!s.transcodeFallback;
  f.username.placeholder = f.password.placeholder = editing && s.hasCredentials ? '(unchanged)' : '';
  document.getElementById('clear-cred-row').hidden = !(editing && s.hasCredentials);
  deleteBtn.hidden = !editing;
  dialog.showModal();
  (editing ? f.url : f.name).focus();
}

function body() {
  const b = {};
  if (editing) for (const k of KEPT_FIELDS) if (editing[k] !== undefined && editing[k] !== null) b[k] = editing[k];
  b.name = f.name.value.trim();
  b.url = f.url.value.trim();
  b.transport = f.transport.value;
  b.alwaysOn = f.alwaysOn.checked;
  b.transcodeFallback = f.transcodeFallback.checked;
  if (f.idleTimeout.value.trim()) b.idleTimeout = f.idleTimeout.value.trim();
  // Write-only credentials: on edit, empty means keep (omitted); the checkbox clears them ("").
  if (editing && f.clear.checked) {
    b.username = '';
    b.password = '';
  } else {
    if (f.username.value !== '' || !editing) b.username = f.username.value || undefined;
    if (f.password.value !== '' || !editing) b.password = f.password.value || undefined;
  }
  return b;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors();
  const save = document.getElementById('save');
  save.disabled = true;
  try {
    const b = body();
    if (editing) await api('PUT', `api/streams/${encodeURIComponent(editing.name)}`, b);
    else await api('POST', 'api/streams', b);
    dialog.close();
    await refresh();
  } catch (err) {
    showProblem(err);
  } finally {
    save.disabled = false;
  }
});

deleteBtn.addEventListener('click', async () => {
  if (!editing || !confirm(`Delete the stream ${editing.name}? Its viewers are disconnected.`)) return;
  try {
    await api('DELETE', `api/streams/${encodeURIComponent(editing.name)}`);
    dialog.close();
    await refresh();
  } catch (err) {
    showProblem(err);
  }
});

document.getElementById('cancel').addEventListener('click', () => dialog.close());
document.getElementById('add').addEventListener('click', () => openEditor(null));

previews.checked = localStorage.getItem(PREVIEWS_KEY) !== 'off';
previews.addEventListener('change', () => {
  localStorage.setItem(PREVIEWS_KEY, previews.checked ? 'on' : 'off');
  for (const tile of tiles.values()) tile.setPreview(tileVisible(tile));
});

function tileVisible(tile) {
  const r = tile.root.getBoundingClientRect();
  return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
}

refresh();
setInterval(refresh, POLL_MS);
