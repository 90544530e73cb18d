// Start-up hang hunter: opens a player page in a fresh headless-Chromium context many times and
// says, per run, whether the playhead got stuck (buffer growing ahead of it, currentTime not moving).
// Starts nothing but the browser; point it at a page that plays a live stream, e.g. LiveMux's
// /player.html?src=cam with a camera that has audio (see hang-loop.sh for the whole setup).
//
//   node hang-loop.mjs [--runs 30] [--seconds 8] [--throttle 1] [--provoke far-seek|audio-gap|gap-seek] [--inject SCRIPT.js] [--out FILE.json] URL
//
// --provoke far-seek makes the hang on purpose, 5 s before the end of each run: it seeks 60 s past
// the buffered end, a seek that stays pending (video.seeking) until data arrives there, as a seek into a
// track's gap does. The player must get out of it by itself.
// --provoke audio-gap drops the audio fragments that arrive 3.0-3.5 s after load (an audio gap, as a
// camera or the hub's audio re-alignment can make); --provoke gap-seek then also seeks into that gap,
// 5 s before the end of the run: a seek Chrome keeps pending forever, since no data will come there.
// --throttle N slows the page's main thread N times (CDP Emulation.setCPUThrottlingRate), standing in
// for a loaded machine. --inject adds a script before the page's own (e.g. bench/latency/measure.js, as the bench runs).
//
// At the end of each run it records the element's stats, video.paused/seeking/readyState/
// currentTime/playbackRate, the buffered ranges of the element and of each SourceBuffer, the media
// events seen (with currentTime at each), every currentTime assignment and play() outcome, and
// SourceBuffer errors. Exit code 1 if any run hung.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opts = { runs: 30, seconds: 8, out: null, inject: null, throttle: 1, provoke: null, chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
let url = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a.startsWith('--')) {
    const key = a.slice(2);
    if (!(key in opts) || i + 1 >= args.length) throw new Error(`unknown option or missing value: ${a}`);
    opts[key] = key === 'out' || key === 'chromium' || key === 'inject' || key === 'provoke' ? args[++i] : Number(args[++i]);
  } else {
    url = a;
  }
}
if (!url) throw new Error('usage: node hang-loop.mjs [--runs 30] [--seconds 8] [--out F] URL');

// Injected before the page's scripts: wraps the media APIs the player uses so a run's history can
// be read back, whatever the player's own state says.
const probe = () => {
  const t0 = performance.now();
  const log = [];
  const at = () => Math.round(performance.now() - t0);
  const push = (e) => { if (log.length < 400) log.push(e); };
  window.__hang = { log, sbs: [], dropped: 0 };
  // --provoke audio-gap: drop the audio fragments (tfhd track_id 2) that arrive 3.0-3.5 s after load.
  const wsOnMessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  const isAudio = (buf) => {
    const u8 = new Uint8Array(buf, 0, Math.min(buf.byteLength, 200));
    for (let i = 0; i + 12 <= u8.length; i++) {
      if (u8[i] === 0x74 && u8[i + 1] === 0x66 && u8[i + 2] === 0x68 && u8[i + 3] === 0x64) { // 'tfhd'
        return new DataView(buf).getUint32(i + 8) === 2;
      }
    }
    return false;
  };
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    get() { return wsOnMessage.get.call(this); },
    set(fn) {
      wsOnMessage.set.call(this, fn && ((ev) => {
        const t = performance.now() - t0;
        if ((window.__hangProvoke === 'audio-gap' || window.__hangProvoke === 'gap-seek') && t >= 3000 && t < 3500 && ev.data instanceof ArrayBuffer && isAudio(ev.data)) {
          window.__hang.dropped++;
          return;
        }
        fn(ev);
      }));
    },
    configurable: true,
  });
  const ct = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'currentTime');
  Object.defineProperty(HTMLMediaElement.prototype, 'currentTime', {
    get() { return ct.get.call(this); },
    set(v) {
      const b = this.buffered;
      const r = [];
      for (let i = 0; i < b.length; i++) r.push([+b.start(i).toFixed(3), +b.end(i).toFixed(3)]);
      push({ t: at(), ev: 'set currentTime', to: +v.toFixed(3), from: +ct.get.call(this).toFixed(3), buffered: r, seeking: this.seeking, rs: this.readyState });
      ct.set.call(this, v);
    },
    configurable: true,
  });
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    const p = play.call(this);
    const t = at();
    p.then(() => push({ t, ev: 'play() resolved', done: at() }), (e) => push({ t, ev: `play() rejected ${e.name}`, done: at() }));
    return p;
  };
  const addSb = MediaSource.prototype.addSourceBuffer;
  MediaSource.prototype.addSourceBuffer = function (mime) {
    const sb = addSb.call(this, mime);
    window.__hang.sbs.push({ sb, ms: this, mime });
    sb.addEventListener('error', () => push({ t: at(), ev: 'sb error' }));
    sb.addEventListener('abort', () => push({ t: at(), ev: 'sb abort' }));
    return sb;
  };
  const events = ['waiting', 'stalled', 'seeking', 'seeked', 'playing', 'play', 'pause', 'canplay', 'canplaythrough',
    'loadedmetadata', 'loadeddata', 'ended', 'error', 'emptied', 'suspend', 'ratechange'];
  const hook = setInterval(() => {
    const el = document.querySelector('livemux-player');
    const v = el?.video;
    if (!v) return;
    clearInterval(hook);
    window.__hang.video = v;
    window.__hang.el = el;
    for (const e of events) {
      v.addEventListener(e, () => {
        if (e === 'ratechange' || e === 'suspend') return void push({ t: at(), ev: e, rate: v.playbackRate });
        push({ t: at(), ev: e, ct: +v.currentTime.toFixed(3), rs: v.readyState });
      });
    }
  }, 5);
};

const snapshot = () => {
  const h = window.__hang;
  const v = h.video;
  const ranges = (b) => { const r = []; for (let i = 0; i < b.length; i++) r.push([+b.start(i).toFixed(3), +b.end(i).toFixed(3)]); return r; };
  const sbs = h.sbs.map(({ sb, ms, mime }) => {
    let buffered = null;
    try { buffered = ranges(sb.buffered); } catch (e) { buffered = `detached (${e.name})`; }
    return { mime, msState: ms.readyState, updating: sb.updating, buffered };
  });
  // Audio decoded bytes, like bench/latency/measure.js (Chrome's webkitAudioDecodedByteCount).
  return {
    t: Math.round(performance.now()),
    currentTime: v ? +v.currentTime.toFixed(3) : null,
    paused: v?.paused, seeking: v?.seeking, readyState: v?.readyState, playbackRate: v?.playbackRate,
    buffered: v ? ranges(v.buffered) : null,
    frames: v?.getVideoPlaybackQuality?.().totalVideoFrames ?? null,
    audioBytes: v?.webkitAudioDecodedByteCount ?? null,
    stats: h.el?.stats ?? null,
    sbs,
  };
};

const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
const runs = [];
let hangs = 0;
try {
  for (let n = 1; n <= opts.runs; n++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const console_ = [];
    page.on('console', (m) => { if (m.type() !== 'debug') console_.push(`${m.type()}: ${m.text()}`); });
    if (opts.throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: opts.throttle });
    await page.addInitScript(`window.__hangProvoke = ${JSON.stringify(opts.provoke)};`);
    await page.addInitScript(probe);
    if (opts.inject) await page.addInitScript(readFileSync(opts.inject, 'utf8'));
    await page.goto(url, { waitUntil: 'commit' });
    if (opts.provoke) {
      await page.waitForTimeout(opts.seconds * 1000 - 5000);
      if (opts.provoke === 'far-seek') {
        await page.evaluate(() => { const v = window.__hang.video; v.currentTime = v.buffered.end(v.buffered.length - 1) + 60; });
      } else if (opts.provoke === 'gap-seek') {
        await page.evaluate(() => {
          const b = window.__hang.video.buffered;
          if (b.length > 1) window.__hang.video.currentTime = (b.end(0) + b.start(1)) / 2;
        });
      }
      await page.waitForTimeout(3000);
    } else {
      await page.waitForTimeout(opts.seconds * 1000 - 2000);
    }
    const a = await page.evaluate(snapshot);
    await page.waitForTimeout(2000);
    const b = await page.evaluate(snapshot);
    const log = await page.evaluate(() => window.__hang.log);
    await context.close();
    const end = b.buffered?.length ? b.buffered.at(-1)[1] : 0;
    // Hung: the playhead did not move in 2 s while more than a second is buffered past it.
    const hung = a.currentTime !== null && b.currentTime === a.currentTime && end - b.currentTime > 1;
    if (hung) hangs++;
    const run = { run: n, hung, a, b, log, console: console_ };
    runs.push(run);
    const s = b.stats ?? {};
    console.log(`run ${n}: ${hung ? 'HUNG' : 'ok  '} ct=${b.currentTime} buffered=${JSON.stringify(b.buffered)} paused=${b.paused} ` +
      `seeking=${b.seeking} rs=${b.readyState} rate=${b.playbackRate} frames=${b.frames} audioBytes=${b.audioBytes} ` +
      `status=${s.status} latency=${s.latency?.toFixed?.(3)} jumps=${s.jumps} stalls=${s.stalls} recoveries=${s.recoveries ?? '-'}`);
    if (hung) {
      console.log(`  sourcebuffers: ${JSON.stringify(b.sbs)}`);
      for (const e of log) console.log(`  ${JSON.stringify(e)}`);
      for (const c of console_) console.log(`  console ${c}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`\n${hangs} of ${runs.length} runs hung`);
if (opts.out) writeFileSync(opts.out, JSON.stringify({ when: new Date().toISOString(), url, opts, hangs, runs }, null, 2));
process.exit(hangs ? 1 : 0);
