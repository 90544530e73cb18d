// Shared by the LiveMux pages (dashboard, multi-view, player): admin API calls with an API key asked
// for on 401, viewer-token minting, lazily played tiles. No framework, no build step.
//
//   page --fetch + X-Api-Key--> /api/...        401 -> key dialog -> sessionStorage -> retry
//   tile <livemux-player> --"unauthorized"--> POST /api/tokens -> new player with token=...

const KEY_STORAGE = 'livemux.apiKey';
const TOKEN_TTL_S = 3600;
const TOKEN_RENEW_S = 60; // a token closer than this to its expiry is minted again

/** A non-2xx answer; `problem` is the RFC 7807 body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? null;
  }
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

// --- API key ---------------------------------------------------------------------------------

let keyPrompt = null; // one dialog for all requests that got a 401 at the same time
let declined = false; // the user cancelled the dialog: polls must not open it again and again

/** After a cancelled key dialog: the next 401 asks again (a button's click, not a poll). */
export function askForKeyAgain() {
  declined = false;
}

function askForKey(rejected) {
  keyPrompt ??= new Promise((resolve) => {
    const input = el('input', { type: 'password', name: 'key', autocomplete: 'current-password', required: true, 'aria-describedby': 'livemux-key-help' });
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': 'livemux-key-title' },
      el('form', { method: 'dialog' },
        el('h2', { id: 'livemux-key-title', text: 'API key' }),
        el('p', { id: 'livemux-key-help', class: 'muted', text: rejected ? 'The server did not accept that key. Try again.' : 'This server asks for an API key (LiveMux:Auth:ApiKey). It is kept for this tab only.' }),
        el('label', {}, 'Key', input),
        el('div', { class: 'actions' },
          // type=button: Enter in the field submits with the form's first submit button, which must be "Use key".
          el('button', { type: 'button', text: 'Cancel', onclick: () => dialog.close('cancel') }),
          el('button', { type: 'submit', value: 'ok', class: 'primary', text: 'Use key' }))));
    dialog.addEventListener('close', () => {
      const key = dialog.returnValue === 'ok' ? input.value.trim() : '';
      dialog.remove();
      keyPrompt = null;
      resolve(key || null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
  return keyPrompt;
}

/**
 * fetch() for the admin API: JSON in and out, X-Api-Key from sessionStorage, and on 401 asks for a key
 * and tries again. Resolves to the parsed body (null for 204); rejects with ApiError.
 */
export async function api(method, path, body) {
  for (let rejected = false; ; rejected = true) {
    const headers = { Accept: 'application/json, application/problem+json' };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers['X-Api-Key'] = key;
    // The server refuses a state change without it (a page on another site cannot send it without a preflight).
    if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) {
      const entered = declined ? null : await askForKey(rejected && !!key);
      if (entered === null) {
        declined = true;
        throw new ApiError(401, { title: 'an API key is needed' });
      }
      sessionStorage.setItem(KEY_STORAGE, entered);
      continue;
    }
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) throw new ApiError(res.status, parsed ?? { title: text.slice(0, 200) || res.statusText });
    return parsed;
  }
}

// --- viewer tokens ---------------------------------------------------------------------------

const tokens = new Map(); // stream -> {token, expires (ms)}

/** A viewer token for `stream` from POST /api/tokens, reused until shortly before it expires. */
export async function viewerToken(stream, { fresh = false } = {}) {
  const cached = tokens.get(stream);
  if (!fresh && cached && cached.expires - Date.now() > TOKEN_RENEW_S * 1000) return cached.token;
  const res = await api('POST', 'api/tokens', { stream, ttlSeconds: TOKEN_TTL_S });
  const expires = Date.parse(res?.expires ?? '') || Date.now() + TOKEN_TTL_S * 1000;
  if (typeof res?.token !== 'string') throw new ApiError(500, { title: 'no token in the answer' });
  tokens.set(stream, { token: res.token, expires });
  return res.token;
}

/** /player.html for `stream`, with its viewer token when there is one (the page itself needs it then). */
export function playerHref(stream, token) {
  const q = new URLSearchParams({ src: stream });
  if (token) q.set('token', token);
  return `player.html?${q}`;
}

/** True for a player error that a viewer token can fix. */
export function isUnauthorized(status, reason) {
  return status === 'error' && /^unauthori[sz]ed\b/i.test(reason ?? '');
}

/**
 * Creates a muted `<livemux-player>` for `stream` inside `host`, and keeps it authorized: when the
 * server answers `unauthorized` (viewer tokens on), mints a token and replaces the player with one
 * that carries it (a new element, so this works whether or not the element reacts to a changed
 * `token`). `onStatus(status, reason)` follows the player; `onToken(token)` hears of each token used,
 * so links to the full player can carry it. Returns a function that removes it.
 */
export function mountPlayer(host, stream, { onStatus = () => {}, onToken = () => {}, attributes = {} } = {}) {
  let player = null;
  let stopped = false;
  let lastMint = 0;

  const create = (token) => {
    player?.remove();
    player = el('livemux-player', { src: stream, muted: true, ...attributes, token });
    if (token) onToken(token);
    player.addEventListener('statuschange', async (e) => {
      const { status, reason } = e.detail;
      onStatus(status, reason, player);
      if (!isUnauthorized(status, reason) || Date.now() - lastMint < 10000) return;
      lastMint = Date.now();
      try {
        const t = await viewerToken(stream, { fresh: !!token });
        if (!stopped) create(t);
      } catch (err) {
        onStatus('error', `unauthorized (no token: ${err.message})`, player);
      }
    });
    host.replaceChildren(player);
  };
  const known = tokens.get(stream);
  create(known && known.expires > Date.now() ? known.token : undefined);
  return () => {
    stopped = true;
    player?.remove(); // disconnectedCallback closes the socket
    player = null;
  };
}

/**
 * Shows `stream`'s current picture (GET /api/frame.jpeg) in `host`, fetched again every `everyMs` while the
 * page is visible: a dashboard tile while live previews are off. On 401 it mints a viewer token, as
 * mountPlayer does. `onStatus('error', reason)` hears of a refusal (503 is not one: the stream's own state
 * says why there is no picture), `onStatus('', '')` of a picture. Returns a function that stops it.
 */
export function mountSnapshots(host, stream, { everyMs = 5000, onStatus = () => {}, onToken = () => {} } = {}) {
  const img = el('img', { class: 'snapshot', alt: `${stream}: current picture` });
  host.replaceChildren(img);
  let stopped = false;
  let objectUrl = null;
  let timer = null;
  let lastMint = 0;
  const get = (token) => {
    // Rounded up to a multiple of 160 px, so dashboards of about one size share the server's cached decode.
    const width = Math.min(4096, Math.max(160, Math.ceil((host.clientWidth * devicePixelRatio) / 160) * 160));
    const q = new URLSearchParams(token ? { src: stream, width, token } : { src: stream, width });
    return fetch(`api/frame.jpeg?${q}`, { cache: 'no-store' });
  };
  const load = async () => {
    if (stopped || document.hidden) return;
    const known = tokens.get(stream);
    let token = known && known.expires > Date.now() ? known.token : undefined;
    try {
      let res = await get(token);
      if (res.status === 401 && Date.now() - lastMint > 10000) {
        lastMint = Date.now();
        token = await viewerToken(stream, { fresh: !!token });
        onToken(token);
        res = await get(token);
      }
      if (stopped) return;
      if (res.ok) {
        const previous = objectUrl;
        objectUrl = URL.createObjectURL(await res.blob());
        img.src = objectUrl;
        if (previous) URL.revokeObjectURL(previous);
        onStatus('', '');
      } else if (res.status !== 503) {
        const problem = await res.json().catch(() => null);
        onStatus('error', String(problem?.detail ?? res.statusText));
      }
    } catch (err) {
      if (!stopped) onStatus('error', err.message);
    }
  };
  const tick = async () => {
    await load();
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    img.remove();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };
}

/**
 * Plays a tile only while it is on screen: `show()` when it scrolls in, `hide()` when it leaves, so
 * a page of many streams decodes only what can be seen.
 */
export function whenVisible(target, show, hide) {
  let on = false;
  const io = new IntersectionObserver((entries) => {
    const visible = entries.some((e) => e.isIntersecting);
    if (visible === on) return;
    on = visible;
    if (visible) show();
    else hide();
  });
  io.observe(target);
  return () => {
    io.disconnect();
    if (on) hide();
    on = false;
  };
}

// --- formatting -----------------------------------------------------------------------------

export function formatBitrate(bps) {
  if (!Number.isFinite(bps) || bps < 0) return '';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(bps >= 1e7 ? 0 : 1)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

export function streamList(body) {
  return (Array.isArray(body?.streams) ? body.streams : []).filter((s) => s && typeof s.name === 'string' && s.name !== '');
}
