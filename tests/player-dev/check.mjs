// Headless-Chromium checks of the LiveMux player against the dev server (server.mjs).
// Starts its own server on a free port, drives Debian's /usr/bin/chromium with playwright-core
// (no browser downloads), prints measured figures and exits non-zero if any check fails.
//
// Usage: node check.mjs [--steady 30] [--chromium /usr/bin/chromium]
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const STEADY_S = Number(arg('steady', 30));
const results = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `  (${detail})` : ''}`);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(fn, timeoutMs, stepMs = 100) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) return null;
    await sleep(stepMs);
  }
}

const port = await freePort();
const base = `http://localhost:${port}`;
const server = spawn(process.execPath, [`${here}/server.mjs`, '--port', String(port), '--streams', 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.on('data', (d) => process.stdout.write(`  [server] ${d}`));
const stopServer = () => server.kill('SIGTERM');
process.on('exit', stopServer);

// A "running stream": wait until the GOP cache has a keyframe and some frames after it.
const running = await waitFor(async () => {
  try {
    const j = await (await fetch(`${base}/api/streams`)).json();
    return j.streams?.[0]?.fragments > 75 ? j : null;
  } catch {
    return null;
  }
}, 15000, 250);
check('dev server streams', !!running, running ? JSON.stringify(running.streams[0]) : 'no fragments');

const browser = await chromium.launch({
  executablePath: arg('chromium', '/usr/bin/chromium'),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

const consoleProblems = [];
async function openPage(path) {
  const page = await browser.newPage({ viewport: { width: 960, height: 600 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${path}: ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`${path}: pageerror: ${e.message}`));
  // Count media messages that reach the page > 100 ms after the previous one: delivery jitter
  // (a loaded machine), which a 100 ms buffer cannot absorb and the player is not to blame for.
  await page.addInitScript(() => {
    window.__lateMessages = 0;
    const Base = window.WebSocket;
    window.WebSocket = class extends Base {
      constructor(...args) {
        super(...args);
        let last = 0;
        this.addEventListener('message', (e) => {
          if (typeof e.data === 'string') return;
          const now = performance.now();
          if (last && now - last > 100) window.__lateMessages++;
          last = now;
        });
      }
    };
  });
  await page.goto(base + path);
  return page;
}

const snapshot = (page) => page.evaluate(() => {
  const p = document.querySelector('livemux-player');
  const v = p.video;
  const q = v.getVideoPlaybackQuality();
  return { ...p.stats, currentTime: v.currentTime, totalVideoFrames: q.totalVideoFrames, width: v.videoWidth,
    statusText: p.shadowRoot.querySelector('.status').textContent, marker: window.__marker ?? null };
});

try {
  // 1. First frame after page load, on a running stream (GOP burst, then seek to live).
  const firsts = [];
  for (let i = 0; i < 3; i++) {
    const page = await openPage('/player.html?src=demo');
    const s = await waitFor(async () => {
      const x = await snapshot(page);
      return x.firstFrameTime !== null ? x : null;
    }, 5000);
    firsts.push(s ? s.firstFrameTime : Infinity);
    await page.close();
  }
  const firstSorted = [...firsts].sort((a, b) => a - b);
  check('first frame within 400 ms of page load', firstSorted[1] < 400,
    `ms after navigation start, 3 loads: ${firsts.map((x) => x.toFixed(0)).join(', ')}; median ${firstSorted[1].toFixed(0)}`);

  // 2. Steady state: frames presented, latency held, no stalls.
  const page = await openPage('/player.html?src=demo');
  await page.evaluate(() => { window.__marker = 'same-page'; });
  const atLive = await waitFor(async () => {
    const s = await snapshot(page);
    return s.status === 'playing' && s.lag < 0.3 ? s : null;
  }, 3000, 50);
  check('at live edge within 1 s', !!atLive, atLive ? `startupMs ${atLive.startupMs?.toFixed(0)}, latency ${(atLive.lag * 1000).toFixed(0)} ms` : 'not live');
  await sleep(1000);
  const late = async () => (await (await fetch(`${base}/api/streams`)).json()).streams[0].lateFragments;
  const late0 = await late();
  const pageLate = () => page.evaluate(() => window.__lateMessages);
  const pageLate0 = await pageLate();
  const first = await snapshot(page);
  const samples = [];
  for (let t = 0; t < STEADY_S * 4; t++) {
    await sleep(250);
    samples.push(await snapshot(page));
  }
  const last = samples[samples.length - 1];
  const lat = samples.map((s) => s.lag).sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
  check('currentTime advances', last.currentTime - first.currentTime > STEADY_S * 0.95,
    `${(last.currentTime - first.currentTime).toFixed(2)} s media in ${STEADY_S} s`);
  check('frames presented', last.totalVideoFrames - first.totalVideoFrames > STEADY_S * 28,
    `+${last.totalVideoFrames - first.totalVideoFrames} totalVideoFrames, fps ${last.fps.toFixed(1)}, dropped ${last.framesDropped}`);
  check(`latency under 0.3 s for ${STEADY_S} s`, lat[lat.length - 1] < 0.3,
    `min ${(lat[0] * 1000).toFixed(0)} / mean ${(mean * 1000).toFixed(0)} / p95 ${(pct(0.95) * 1000).toFixed(0)} / max ${(lat[lat.length - 1] * 1000).toFixed(0)} ms`);
  // A stall is the player's fault only if the source kept time (no fragment > 100 ms late).
  const lateSource = (await late()) - late0;
  const lateInPage = (await pageLate()) - pageLate0;
  check('no stalls while steady (unless frames arrived late)', last.stalls === first.stalls || lateSource + lateInPage > 0,
    `stalls ${first.stalls} -> ${last.stalls}; frames > 100 ms late: ${lateSource} at the source, ${lateInPage} in the page; target now ${(last.target * 1000).toFixed(0)} ms`);

  await mkdir(`${here}/out`, { recursive: true });
  await page.screenshot({ path: `${here}/out/player.png` });

  // Back buffer: at most limits.backBufferSeconds (10 s) + trim slack (1 s) + one GOP (2 s) + 1 s between trims.
  const kept = await page.evaluate(() => {
    const v = document.querySelector('livemux-player').video;
    return v.currentTime - v.buffered.start(0);
  });
  check('back buffer trimmed', kept < 14.5, `${kept.toFixed(1)} s kept behind the playhead after ${STEADY_S + 1} s`);

  // Tab back in view: jump to live at once instead of catching up by rate.
  const vis = await page.evaluate(async () => {
    const v = document.querySelector('livemux-player').video;
    v.currentTime = v.buffered.end(v.buffered.length - 1) - 1;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    const before = v.buffered.end(v.buffered.length - 1) - v.currentTime;
    document.dispatchEvent(new Event('visibilitychange'));
    await new Promise((r) => setTimeout(r, 150));
    return { before, after: v.buffered.end(v.buffered.length - 1) - v.currentTime };
  });
  check('visible again -> live', vis.after < 0.3, `latency ${(vis.before * 1000).toFixed(0)} ms -> ${(vis.after * 1000).toFixed(0)} ms 150 ms after visibilitychange`);

  // 3. Far behind (as after a frozen tab): the controller jumps back to live on its own.
  const far = await page.evaluate(async () => {
    const p = document.querySelector('livemux-player');
    const v = p.video;
    const jumps = p.stats.jumps;
    v.currentTime = Math.max(v.buffered.start(0), v.buffered.end(v.buffered.length - 1) - 3);
    const before = v.buffered.end(v.buffered.length - 1) - v.currentTime;
    const t0 = performance.now();
    while (performance.now() - t0 < 3000 && p.stats.lag >= 0.3) await new Promise((r) => setTimeout(r, 10));
    return { before, ms: performance.now() - t0, after: p.stats.lag, jumps: p.stats.jumps - jumps };
  });
  check('jumps back to live when far behind', far.after < 0.3 && far.jumps === 1,
    `latency ${(far.before * 1000).toFixed(0)} ms -> ${(far.after * 1000).toFixed(0)} ms in ${far.ms.toFixed(0)} ms, ${far.jumps} jump`);

  // A seek into a gap in the buffer stays pending for good (no data will come there): `seeking` stays
  // true and the playhead never moves while the buffer grows. The watchdog must take it to live.
  const warnsBeforeGap = consoleProblems.length;
  const gap = await page.evaluate(async () => {
    const p = document.querySelector('livemux-player');
    const v = p.video;
    const orig = SourceBuffer.prototype.appendBuffer;
    const sb = await new Promise((resolve) => {
      SourceBuffer.prototype.appendBuffer = function (data) {
        SourceBuffer.prototype.appendBuffer = orig;
        resolve(this);
        return orig.call(this, data);
      };
    });
    await new Promise((r) => sb.addEventListener('updateend', r, { once: true }));
    // Well behind the playhead, so the frames remove() takes up to the next keyframe are not playing.
    const t = v.currentTime;
    sb.remove(t - 6, t - 5);
    await new Promise((r) => sb.addEventListener('updateend', r, { once: true }));
    const recoveries = p.stats.recoveries;
    v.currentTime = t - 5.5;
    await new Promise((r) => setTimeout(r, 500));
    const pending = v.seeking;
    const t0 = performance.now();
    while (performance.now() - t0 < 4000 && !(p.stats.status === 'playing' && p.stats.lag < 0.3 && !v.seeking)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { pending, ms: performance.now() - t0 + 500, status: p.stats.status, latency: p.stats.lag,
      recoveries: p.stats.recoveries - recoveries };
  });
  consoleProblems.push(...consoleProblems.splice(warnsBeforeGap).filter((w) => !w.includes('playhead stuck')));
  check('recovers from a seek into a gap', gap.pending && gap.status === 'playing' && gap.latency < 0.3 && gap.recoveries === 1,
    `seek still pending after 0.5 s: ${gap.pending}; live again after ${gap.ms.toFixed(0)} ms, latency ${(gap.latency * 1000).toFixed(0)} ms, ${gap.recoveries} watchdog recovery`);

  // QuotaExceededError on two appends in a row: evict, retry the same chunk, keep playing.
  const warnsBefore = consoleProblems.length;
  const quota = await page.evaluate(async () => {
    const p = document.querySelector('livemux-player');
    const orig = SourceBuffer.prototype.appendBuffer;
    let thrown = 0;
    SourceBuffer.prototype.appendBuffer = function (data) {
      if (thrown < 2) {
        thrown++;
        throw new DOMException('simulated', 'QuotaExceededError');
      }
      return orig.call(this, data);
    };
    const frames0 = p.video.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, 2000));
    SourceBuffer.prototype.appendBuffer = orig;
    const s = p.stats;
    return { thrown, status: s.status, latency: s.lag, reconnects: s.reconnects, frames: p.video.getVideoPlaybackQuality().totalVideoFrames - frames0 };
  });
  const quotaWarnings = consoleProblems.splice(warnsBefore).filter((w) => !w.includes('QuotaExceededError, '));
  consoleProblems.push(...quotaWarnings);
  check('recovers from QuotaExceededError', quota.thrown === 2 && quota.status === 'playing' && quota.latency < 0.3 && quota.frames > 45,
    `${quota.thrown} thrown, +${quota.frames} frames in 2 s, latency ${(quota.latency * 1000).toFixed(0)} ms, reconnects ${quota.reconnects}`);

  // Append queue overflow (SourceBuffer stuck for 4 s, 300 kB limit): drop to a keyframe, resume live.
  const warnsBefore2 = consoleProblems.length;
  const overflow = await page.evaluate(async () => {
    const p = document.querySelector('livemux-player');
    const Player = customElements.get('livemux-player');
    const oldLimit = Player.limits.maxQueueBytes;
    Player.limits.maxQueueBytes = 300000;
    const desc = Object.getOwnPropertyDescriptor(SourceBuffer.prototype, 'updating');
    Object.defineProperty(SourceBuffer.prototype, 'updating', { configurable: true, get: () => true });
    await new Promise((r) => setTimeout(r, 4000));
    Object.defineProperty(SourceBuffer.prototype, 'updating', desc);
    const dropped = p.stats.droppedChunks;
    const t0 = performance.now();
    while (performance.now() - t0 < 3000 && !(p.stats.status === 'playing' && p.stats.lag < 0.3)) await new Promise((r) => setTimeout(r, 20));
    const recoveredMs = performance.now() - t0;
    Player.limits.maxQueueBytes = oldLimit;
    return { dropped, recoveredMs, latency: p.stats.lag, status: p.stats.status };
  });
  const overflowWarnings = consoleProblems.splice(warnsBefore2).filter((w) => !w.includes('append queue over'));
  consoleProblems.push(...overflowWarnings);
  check('recovers from append queue overflow', overflow.dropped > 0 && overflow.status === 'playing' && overflow.latency < 0.3,
    `${overflow.dropped} chunks dropped, live again ${overflow.recoveredMs.toFixed(0)} ms after unblock`);

  // 4. Camera outage: status reconnecting, then a new init (other size, maybe other level) resumes.
  // A second viewer has no SourceBuffer.changeType, so it must rebuild its MediaSource instead.
  const old = await browser.newPage({ viewport: { width: 640, height: 400 } });
  old.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`no-changeType: ${m.type()}: ${m.text()}`);
  });
  await old.addInitScript(() => { delete SourceBuffer.prototype.changeType; });
  await old.goto(`${base}/player.html?src=demo`);
  await waitFor(async () => ((await snapshot(old)).status === 'playing' ? true : null), 3000, 50);
  await fetch(`${base}/dev/outage?src=demo&seconds=4&size=480x270`, { method: 'POST' });
  const down = await waitFor(async () => {
    const s = await snapshot(page);
    return s.status === 'reconnecting' ? s : null;
  }, 2000, 50);
  check('outage shown', !!down, down ? `status line "${down.statusText}"` : 'no reconnecting status');
  const tDown = Date.now();
  const back = await waitFor(async () => {
    const s = await snapshot(page);
    return s.status === 'playing' && s.width === 480 ? s : null;
  }, 10000, 50);
  check('resumes after outage without reload', !!back && back.marker === 'same-page',
    back ? `playing again ${Date.now() - tDown} ms after outage start (4 s outage), ${back.width}px, ${back.codec}, reconnects ${back.reconnects}` : 'not playing');
  const oldBack = await waitFor(async () => {
    const s = await snapshot(old);
    return s.status === 'playing' && s.width === 480 && s.lag < 0.3 ? s : null;
  }, 5000, 50);
  check('resumes after outage without changeType (MediaSource rebuilt)', !!oldBack,
    oldBack ? `${oldBack.width}px, ${oldBack.codec}, latency ${(oldBack.lag * 1000).toFixed(0)} ms` : 'not playing');
  await old.close();
  await sleep(5000);
  const after = [];
  for (let t = 0; t < 20; t++) {
    await sleep(250);
    after.push(await snapshot(page));
  }
  const afterMax = Math.max(...after.map((s) => s.lag));
  check('latency under 0.3 s after outage', afterMax < 0.3 && after[19].currentTime > after[0].currentTime + 4,
    `max ${(afterMax * 1000).toFixed(0)} ms, fps ${after[19].fps.toFixed(1)}`);

  // 5. Socket dropped by the server: the element reconnects with backoff and plays again.
  const beforeKick = await snapshot(page);
  await fetch(`${base}/dev/kick?src=demo`, { method: 'POST' });
  const tKick = Date.now();
  const rejoined = await waitFor(async () => {
    const s = await snapshot(page);
    return s.reconnects > beforeKick.reconnects && s.status === 'playing' && s.lag < 0.3 ? s : null;
  }, 5000, 50);
  check('reconnects after socket loss', !!rejoined, rejoined ? `playing at live ${Date.now() - tKick} ms after the kick` : 'not playing');
  await page.close();

  // 6. Unknown stream: the server's error reaches the status line.
  const bad = await openPage('/player.html?src=no-such-camera');
  const err = await waitFor(async () => {
    const s = await snapshot(bad);
    return s.status === 'error' ? s : null;
  }, 3000, 50);
  check('error shown for unknown stream', !!err && err.statusText.includes('unknown stream'), err ? `"${err.statusText}"` : 'no error status');
  // Removed while waiting to retry: no further connections.
  const conns = async () => (await fetch(`${base}/dev/connections`)).json();
  await bad.evaluate(() => document.querySelector('livemux-player').remove());
  const c0 = await conns();
  await sleep(3000);
  const c1 = await conns();
  check('no reconnect after removal', c1.opened === c0.opened, `connections opened ${c0.opened} -> ${c1.opened} in 3 s after remove()`);
  await bad.close();

  // 7. Index page: lists the stream with a live tile.
  const index = await openPage('/');
  const tile = await waitFor(async () => index.evaluate(() => {
    const card = document.querySelector('.card');
    const p = card?.querySelector('livemux-player');
    if (!p || p.video.getVideoPlaybackQuality().totalVideoFrames < 10) return null;
    return { name: card.querySelector('.name').textContent, state: card.querySelector('.state').textContent, codecs: card.querySelector('.codecs').textContent };
  }), 5000);
  check('index lists streams with live tiles', !!tile && tile.name === 'demo', tile ? JSON.stringify(tile) : 'no playing tile');
  await index.screenshot({ path: `${here}/out/index.png` });
  await index.click('#previews'); // removes the tiles: their sockets must close
  const closed = await waitFor(async () => ((await conns()).open === 0 ? true : null), 2000);
  check('removed tiles close their sockets', !!closed, `open sockets: ${(await conns()).open}`);
  await index.close();

  // Autoplay blocked (as for unmuted video without a user gesture; headless Chromium always has
  // user activation, so the policy is emulated: no native autoplay, play() rejects until a click).
  const sp = await browser.newPage({ viewport: { width: 640, height: 400 } });
  await sp.addInitScript(() => {
    const play = HTMLMediaElement.prototype.play;
    let clicked = false;
    addEventListener('click', () => { clicked = true; }, true);
    Object.defineProperty(HTMLMediaElement.prototype, 'autoplay', { configurable: true, get: () => false, set: () => {} });
    HTMLMediaElement.prototype.play = function () {
      return clicked ? play.call(this) : Promise.reject(new DOMException('needs a gesture', 'NotAllowedError'));
    };
  });
  await sp.goto(`${base}/player.html?src=demo`);
  await sp.evaluate(() => document.querySelector('livemux-player').removeAttribute('controls'));
  const blocked = await waitFor(async () => {
    const s = await snapshot(sp);
    return s.status === 'paused' ? s : null;
  }, 5000, 50);
  await sleep(1500); // time passes while paused: the click must resume at live, not here
  await sp.click('livemux-player');
  const unblocked = await waitFor(async () => {
    const s = await snapshot(sp);
    return s.status === 'playing' && s.lag < 0.3 ? s : null;
  }, 3000, 50);
  check('blocked autoplay asks for a click, click plays at live', !!blocked && !!unblocked,
    `${blocked ? `"${blocked.statusText}"` : 'never paused'} -> ${unblocked ? `playing, latency ${(unblocked.lag * 1000).toFixed(0)} ms` : 'not playing'}`);
  await sp.close();

  check('no console errors or warnings', consoleProblems.length === 0, consoleProblems.slice(0, 5).join(' | '));
} finally {
  await browser.close();
  stopServer();
}

const failed = results.filter((r) => !r.ok);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
console.log(`\n${results.length - failed.length}/${results.length} checks passed`);
process.exit(failed.length ? 1 : 0);
