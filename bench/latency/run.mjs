// Glass-to-glass latency in headless Chromium for a list of player pages, one after the other.
// Starts nothing but the browser: every target page must already be able to show a running stream
// whose frames carry rtsp_camera.py's clock barcode.
//
//   node run.mjs [--warmup 5] [--measure 20] [--fps 30] [--audio none] [--out FILE.json] NAME=URL [NAME=URL ...]
//
// The first target is the baseline; ratios are to it. Prints a markdown table and writes JSON
// (default bench/results/latency-<time>.json). --audio only labels the results (the camera's audio
// track, set by run-latency.sh); audioDecodedBytes says whether the page really decoded audio.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opts = { warmup: 5, measure: 20, fps: 30, audio: 'none', out: null, chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
const targets = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a.startsWith('--')) {
    const key = a.slice(2);
    if (!(key in opts) || i + 1 >= args.length) fail(`unknown option or missing value: ${a}`);
    opts[key] = key === 'out' || key === 'chromium' || key === 'audio' ? args[++i] : Number(args[++i]);
  } else {
    const eq = a.indexOf('=');
    if (eq <= 0) fail(`target must be NAME=URL, got: ${a}`);
    targets.push({ name: a.slice(0, eq), url: a.slice(eq + 1) });
  }
}
if (targets.length === 0) fail('usage: node run.mjs [--warmup 5] [--measure 20] [--fps 30] [--out F] NAME=URL ...');

function fail(msg) {
  console.error(`run.mjs: ${msg}`);
  process.exit(2);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summarizeLag(list) {
  if (!list.length) return null;
  const lags = list.map((s) => s.lag).sort((a, b) => a - b);
  const rates = list.map((s) => s.rate);
  return { p50Ms: Math.round(percentile(lags, 50) * 1000), p95Ms: Math.round(percentile(lags, 95) * 1000),
    rateNot1: rates.filter((r) => r !== 1).length / rates.length,
    pausedShare: list.filter((s) => s.paused).length / list.length,
    seekingShare: list.filter((s) => s.seeking).length / list.length,
    last: list[list.length - 1] };
}

const measureJs = readFileSync(join(here, 'measure.js'), 'utf8');
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
}).catch((e) => fail(`cannot launch ${opts.chromium}: ${e.message}`));

const results = [];
try {
  for (const target of targets) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[${target.name}] console: ${m.text()}`); });
    page.on('pageerror', (e) => console.error(`[${target.name}] page error: ${e.message}`));
    await page.addInitScript(`window.__latencyConfig = { fps: ${Number(opts.fps)} };`);
    await page.addInitScript(measureJs);
    await page.goto(target.url, { waitUntil: 'commit' });
    await page.waitForTimeout(opts.warmup * 1000);
    const markT = await page.evaluate(() => window.__latency.mark());
    await page.waitForTimeout(opts.measure * 1000);
    const data = await page.evaluate(() => {
      const s = window.__latency;
      return { samples: s.samples, firstFrameMs: s.firstFrameMs, stalls: s.stalls, decodeErrors: s.decodeErrors,
        frames: s.frames, checks: s.checks, audioDecodedBytes: s.audioDecodedBytes(), lag: s.lag };
    });
    await context.close();

    const inWindow = data.samples.filter((s) => s.t >= markT);
    const lat = inWindow.map((s) => s.latency).sort((a, b) => a - b);
    const r = {
      name: target.name,
      url: target.url,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      max: lat.length ? lat[lat.length - 1] : null,
      min: lat.length ? lat[0] : null,
      firstFrameMs: data.firstFrameMs,
      stalls: data.stalls.filter((s) => s.t >= markT).length,
      stallList: data.stalls.filter((s) => s.t >= markT).map((s) => ({ kind: s.kind, atMs: Math.round(s.t), gapMs: Math.round(s.ms) })),
      samples: lat.length,
      framesPresented: data.frames,
      decodeErrors: data.decodeErrors,
      checks: data.checks,
      audioDecodedBytes: data.audioDecodedBytes,
      // The player's buffer (buffered.end - currentTime) and playbackRate, sampled every 200 ms.
      lag: summarizeLag(data.lag.filter((s) => s.t >= markT)),
    };
    results.push(r);
    for (const c of r.checks.slice(0, 3)) {
      console.error(`[${target.name}] decoded clock ${c.decoded} vs Date.now() ${c.dateNow} (diff ${c.dateNow - c.decoded} ms)`);
    }
    if (r.stallList.length) {
      const kinds = r.stallList.reduce((m, s) => ({ ...m, [s.kind]: (m[s.kind] || 0) + 1 }), {});
      console.error(`[${target.name}] stalls after warm-up: ${JSON.stringify(kinds)}`);
    }
    if (opts.audio !== 'none' && !r.audioDecodedBytes) console.error(`[${target.name}] no audio decoded`);
    if (r.samples === 0) console.error(`[${target.name}] no decodable frames: no video, or no --clock barcode?`);
  }
} finally {
  await browser.close();
}

const fmt = (v) => (v === null || v === undefined ? '-' : Math.round(v).toString());
const base = results[0];
const ratio = (r) => (base.p50 && r.p50 ? (r.p50 / base.p50).toFixed(2) : '-');
console.log(`\nwarm-up ${opts.warmup} s, measured ${opts.measure} s, ${opts.fps} fps, audio ${opts.audio}\n`);
console.log('| target | p50 ms | p95 ms | max ms | first frame ms | stalls | samples | decode errors | audio bytes | buffer p50 ms | p50 / baseline |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${fmt(r.firstFrameMs)} | ${r.stalls} | ${r.samples} | ${r.decodeErrors} | ${r.audioDecodedBytes ?? '-'} | ${fmt(r.lag?.p50Ms)} | ${ratio(r)} |`);
}
const out = opts.out || join(here, '..', 'results', `latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), options: opts, results }, null, 2));
console.log(`\nJSON: ${out}`);
if (results.some((r) => r.samples === 0)) process.exit(1);
