// The live-edge controller on synthetic buffer traces: what it measures, the target it aims for, and
// the seeks, rates and plays it decides tick by tick. Ticks are a second apart unless a row says
// otherwise, so the smoothed lag equals the measured one and every row is exact.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveEdgeController, maxLatency, measure, targetLatency } from '../../src/LiveMux.Server/wwwroot/player/live-edge.js';

/** A TimeRanges from [[start, end], ...]. */
const ranges = (...r) => ({ length: r.length, start: (i) => r[i][0], end: (i) => r[i][1] });

describe('measure', () => {
  const CASES = [
    { name: 'nothing buffered', b: [], t: 0, m: { lag: 0, ahead: 0, end: 0, start: 0, nextStart: null, inRange: false } },
    { name: 'inside the one range', b: [[0, 2]], t: 1.5, m: { lag: 0.5, ahead: 0.5, end: 2, start: 0, nextStart: null, inRange: true } },
    { name: 'within 10 ms before a range', b: [[1, 2]], t: 0.995, m: { lag: 1.005, ahead: 1.005, end: 2, start: 1, nextStart: null, inRange: true } },
    { name: 'before a gap', b: [[0, 1], [1.5, 3]], t: 0.95, m: { lag: 2.05, ahead: 0.05, end: 3, start: 1.5, nextStart: 1.5, inRange: true } },
    { name: 'in the gap', b: [[0, 1], [1.5, 3]], t: 1.2, m: { lag: 1.8, ahead: 0, end: 3, start: 1.5, nextStart: 1.5, inRange: false } },
    { name: 'past all data', b: [[0, 1]], t: 1.5, m: { lag: 0, ahead: 0, end: 1, start: 0, nextStart: null, inRange: false } },
  ];
  for (const c of CASES) {
    test(c.name, () => {
      const m = measure(ranges(...c.b), c.t);
      for (const k of Object.keys(c.m)) {
        if (typeof c.m[k] === 'number') assert.ok(Math.abs(m[k] - c.m[k]) < 1e-9, `${k}: ${m[k]} != ${c.m[k]}`);
        else assert.equal(m[k], c.m[k], k);
      }
    });
  }
});

describe('target latency', () => {
  const CASES = [
    { name: 'default, frame rate unknown', in: { targetMs: NaN, fps: 0 }, s: 0.1 },
    { name: 'default at 30 fps: two intervals is less', in: { targetMs: 0, fps: 30 }, s: 0.1 },
    { name: 'asked for 40 ms at 30 fps: two frame intervals', in: { targetMs: 40, fps: 30 }, s: 2 / 30 },
    { name: '5 fps: an interval plus 100 ms', in: { targetMs: 100, fps: 5 }, s: 0.3 },
    { name: 'with audio: never under 130 ms', in: { targetMs: 50, fps: 30, hasAudio: true }, s: 0.13 },
    { name: 'B-frames at 30 fps add the lead and one frame', in: { targetMs: 100, fps: 30, reorderLead: 2 / 30 }, s: 0.1 + 3 / 30 },
    { name: 'a reorder lead is capped at 1 s', in: { targetMs: 100, fps: 0, reorderLead: 5 }, s: 1.1 },
    { name: 'asked for 500 ms', in: { targetMs: 500, fps: 30 }, s: 0.5 },
  ];
  for (const c of CASES) {
    test(c.name, () => assert.ok(Math.abs(targetLatency(c.in) - c.s) < 1e-9, `${targetLatency(c.in)} != ${c.s}`));
  }
  test('max latency: the attribute, the default 1.5 s, or the target plus 0.3 s', () => {
    assert.equal(maxLatency(NaN, 0.1), 1.5);
    assert.equal(maxLatency(3000, 0.1), 3);
    assert.equal(maxLatency(200, 0.1), 0.4);
    assert.equal(maxLatency(0, 1.5), 1.8);
  });
});

/**
 * The element's state for one tick: playing at `t` with data up to `end` (from `start`), target
 * 100 ms, max latency 1.5 s, a frame already shown, visible, video only. Rows override any of it.
 */
function state(over) {
  const { start = 0, end, t, ranges: r, ...rest } = over;
  return {
    buffered: r ? ranges(...r) : ranges([start, end]),
    currentTime: t,
    seeking: false,
    paused: false,
    readyState: 4,
    playing: true,
    userPaused: false,
    autoplayBlocked: false,
    visible: true,
    hasAudio: false,
    fixedRate: false,
    baseTarget: 0.1,
    maxLatency: 1.5,
    shown: true,
    ...rest,
  };
}

/** Runs ticks (each a state override with its nowMs) through one controller; returns the decisions. */
function run(ticks, setup = () => {}) {
  const c = new LiveEdgeController();
  setup(c);
  return ticks.map((s) => c.tick(state(s)));
}

describe('controller decisions on traces', () => {
  test('nothing buffered: no decision at all', () => {
    assert.equal(new LiveEdgeController().tick(state({ nowMs: 1000, ranges: [], t: 0 })), null);
  });

  test('before the first frame: go to the cached GOP, wherever the live edge is', () => {
    const [d] = run([{ nowMs: 1000, start: 5, end: 7, t: 0, shown: false }]);
    assert.equal(d.seek, 5);
    assert.equal(d.jumped, false);
  });

  test('while starting, lag beyond target + 80 ms is cut by a seek that is not counted as a jump', () => {
    const [d] = run([{ nowMs: 1000, end: 1, t: 0.5 }], (c) => c.startWindow(500));
    assert.ok(Math.abs(d.seek - 0.9) < 1e-9);
    assert.equal(d.jumped, false);
  });

  test('while starting with audio, the pre-roll is left to the rate', () => {
    const [d] = run([{ nowMs: 1000, end: 1, t: 0.55, hasAudio: true, baseTarget: 0.13 }], (c) => c.startWindow(500));
    assert.equal(d.seek, null); // lag 0.45 < 0.13 + 0.08 + 0.25; without audio it would seek
    assert.equal(d.rate, 1.1); // catching up, at the audio cap
  });

  test('after start-up: below max latency the rate catches up, in 1 % steps, capped at 1.25', () => {
    const d = run([
      { nowMs: 1000, end: 10, t: 9.75 }, // lag 0.25
      { nowMs: 2000, end: 11, t: 10.0 }, // lag 1.0
    ]);
    assert.deepEqual(d.map((x) => [x.seek, x.rate]), [[null, 1.15], [null, 1.25]]);
  });

  test('after start-up: beyond max latency, a counted jump to target behind the edge', () => {
    const [d] = run([{ nowMs: 1000, end: 10, t: 8 }]);
    assert.ok(Math.abs(d.seek - 9.9) < 1e-9);
    assert.equal(d.jumped, true);
    assert.equal(d.rate, 1); // the smoothed lag is now the target
  });

  test('the catch-up band has hysteresis: in above +40 ms, out below +10 ms', () => {
    const lags = [0.13, 0.15, 0.12, 0.105, 0.12];
    const d = run(lags.map((lag, i) => ({ nowMs: 1000 * (i + 1), end: 10 + i, t: 10 + i - lag })));
    assert.deepEqual(d.map((x) => x.rate), [1, 1.05, 1.02, 1, 1]);
  });

  test('a thin buffer slows to 0.95 while playing, and not while not', () => {
    const d = run([
      { nowMs: 1000, end: 10, t: 9.95 }, // lag 0.05 < 0.1 - 0.03
      { nowMs: 2000, end: 11, t: 10.92 }, // 0.08: still under target - 0.01
      { nowMs: 3000, end: 12, t: 11.905 }, // 0.095: out of the band
    ]);
    assert.deepEqual(d.map((x) => x.rate), [0.95, 0.95, 1]);
    assert.equal(run([{ nowMs: 1000, end: 10, t: 9.95, playing: false }])[0].rate, 1);
  });

  test('a stall refills at half speed until the buffer is back at the target (video only)', () => {
    const c = new LiveEdgeController();
    c.tick(state({ nowMs: 1000, end: 10, t: 9.9 }));
    assert.equal(c.onWaiting({ nowMs: 5000, playedOnce: true, seeking: false, serverReconnecting: false, hasAudio: false }), true);
    assert.equal(c.boost, 0.05); // and the stall raised the target to 150 ms
    assert.equal(c.tick(state({ nowMs: 6000, end: 11, t: 10.98 })).rate, 0.5);
    assert.equal(c.tick(state({ nowMs: 7000, end: 12, t: 11.88 })).rate, 0.5); // 120 ms: not there yet
    assert.equal(c.tick(state({ nowMs: 8000, end: 13, t: 12.84 })).rate, 1);
  });

  test('with audio a stall does not refill (Chrome waits for its pre-roll itself)', () => {
    const c = new LiveEdgeController();
    assert.equal(c.onWaiting({ nowMs: 5000, playedOnce: true, seeking: false, serverReconnecting: false, hasAudio: true }), true);
    assert.notEqual(c.tick(state({ nowMs: 6000, end: 11, t: 10.98, hasAudio: true, baseTarget: 0.13 })).rate, 0.5);
  });

  const WAITING = [
    { name: 'before the first frame', w: { playedOnce: false }, stall: false },
    { name: 'while seeking', w: { seeking: true }, stall: false },
    { name: 'within 500 ms of a seek', w: { nowMs: 1400 }, stall: false },
    { name: 'a starved playhead', w: {}, stall: true },
  ];
  for (const c of WAITING) {
    test(`waiting: ${c.name} ${c.stall ? 'is' : 'is not'} a stall`, () => {
      const ctl = new LiveEdgeController();
      ctl.tick(state({ nowMs: 1000, end: 10, t: 8 })); // a jump: a seek at 1000
      const w = { nowMs: 5000, playedOnce: true, seeking: false, serverReconnecting: false, hasAudio: false, ...c.w };
      assert.equal(ctl.onWaiting(w), c.stall);
    });
  }

  test('stalls raise the target by 50 ms up to 100 ms, not during start-up or a camera outage, and it decays', () => {
    const c = new LiveEdgeController();
    c.startWindow(0); // start-up until 1500, settled at 3000
    const stall = (nowMs, serverReconnecting = false) =>
      c.onWaiting({ nowMs, playedOnce: true, seeking: false, serverReconnecting, hasAudio: false });
    stall(2000);
    assert.equal(c.boost, 0);
    stall(4000, true);
    assert.equal(c.boost, 0);
    stall(5000);
    stall(6000);
    stall(7000);
    assert.equal(c.boost, 0.1);
    assert.ok(Math.abs(c.effectiveTarget(0.1) - 0.2) < 1e-9);
    // 10 s after the last stall it decays by 5 ms per playing second.
    c.tick(state({ nowMs: 17000, end: 20, t: 19.8 }));
    c.tick(state({ nowMs: 18000, end: 21, t: 20.8 }));
    assert.ok(Math.abs(c.boost - 0.095) < 1e-9, String(c.boost));
  });

  test('a playhead stuck with data ahead for 1.5 s: the watchdog seeks to live and asks to play', () => {
    const stuck = { end: 12, t: 10, seeking: true, paused: true };
    const d = run([
      { nowMs: 1000, ...stuck },
      { nowMs: 2000, ...stuck },
      { nowMs: 2600, ...stuck },
      { nowMs: 3100, ...stuck }, // the clock restarted at the last action
    ]);
    assert.deepEqual(d.map((x) => x.stuckMs), [0, 0, 1600, 0]);
    assert.ok(Math.abs(d[2].seek - 11.9) < 1e-9);
    assert.equal(d[2].play, true);
    assert.match(d[2].warning, /stuck at 10\.000 s for 1600 ms with 2\.00 s buffered/);
    assert.equal(d[3].seek, null); // still seeking: the controller itself waits
  });

  const IDLE = [
    { name: 'paused by the user', s: { userPaused: true } },
    { name: 'autoplay blocked', s: { autoplayBlocked: true } },
    { name: 'hidden', s: { visible: false } },
    { name: 'less than 0.5 s ahead', s: { end: 10.4 } },
  ];
  for (const c of IDLE) {
    test(`the watchdog leaves a still playhead alone when ${c.name}`, () => {
      const d = run([0, 1000, 2000, 3000].map((nowMs) => ({ nowMs, end: 12, t: 10, seeking: true, ...c.s })));
      assert.ok(d.every((x) => !x.stuckMs));
    });
  }

  test('stuck before a gap: over it, to target behind the edge', () => {
    const [d] = run([{ nowMs: 1000, ranges: [[0, 1], [1.5, 3]], t: 0.95 }]);
    assert.ok(Math.abs(d.seek - 2.9) < 1e-9);
  });

  test('past the data: back only once the last range spans the target', () => {
    assert.equal(run([{ nowMs: 1000, ranges: [[5, 5.05]], t: 5.2 }])[0].seek, null);
    assert.ok(Math.abs(run([{ nowMs: 1000, ranges: [[5, 5.3]], t: 5.4 }])[0].seek - 5.2) < 1e-9);
  });

  test('G.711 (fixed rate): always rate 1, seeks only', () => {
    const [d] = run([{ nowMs: 1000, end: 11, t: 10, fixedRate: true }]);
    assert.equal(d.rate, 1);
  });

  test('paused by the user: no seek and no play; paused by the browser: play', () => {
    const [user] = run([{ nowMs: 1000, end: 10, t: 7, paused: true, userPaused: true }]);
    assert.equal(user.seek, null);
    assert.equal(user.play, false);
    assert.equal(run([{ nowMs: 1000, end: 10, t: 9.9, paused: true }])[0].play, true);
    assert.equal(run([{ nowMs: 1000, end: 10, t: 9.9, paused: true, readyState: 1 }])[0].play, false);
    assert.equal(run([{ nowMs: 1000, end: 10, t: 9.9, paused: true, autoplayBlocked: true }])[0].play, false);
  });

  test('back in a visible tab: to live when more than 50 ms behind the target', () => {
    const c = new LiveEdgeController();
    assert.equal(c.onVisible(measure(ranges([0, 10]), 9.86), 0.1, 1000), null);
    assert.ok(Math.abs(c.onVisible(measure(ranges([0, 10]), 5), 0.1, 1000) - 9.9) < 1e-9);
    assert.equal(c.onVisible(measure(ranges(), 0), 0.1, 1000), null);
  });

  test('a new connection starts up again: the window opens at its first append only', () => {
    const c = new LiveEdgeController();
    c.startOnce(1000);
    c.startOnce(2000);
    assert.equal(c.startupUntil, 2500);
    c.reset();
    assert.equal(c.startupUntil, 0);
    assert.equal(c.lagAvg, null);
  });
});
