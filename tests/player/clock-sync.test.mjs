// Clock-offset estimation (NTP's halfway rule, fastest exchange wins), the prft ring the latency is
// looked up in, and the latency arithmetic.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClockSync, FrameTimes, currentLatency, frameLatency, nextSyncDelay } from '../../src/LiveMux.Server/wwwroot/player/clock-sync.js';

/** One exchange with the server `offset` ms ahead, `up` ms out and `down` ms back, sent at `sent`. */
const exchange = (sent, offset, up, down) => [sent, sent + up + offset, sent + up + down];

describe('clock offset', () => {
  const CASES = [
    { name: 'one symmetric exchange is exact', x: [exchange(1000, 5000, 10, 10)], offset: 5000 },
    { name: 'a negative offset', x: [exchange(1000, -250, 3, 3)], offset: -250 },
    { name: 'asymmetry errs by half the difference', x: [exchange(1000, 5000, 30, 10)], offset: 5010 },
    {
      name: 'the fastest exchange wins over later, slower ones',
      x: [exchange(1000, 5000, 40, 0), exchange(2000, 5000, 2, 2), exchange(3000, 5000, 0, 60)],
      offset: 5000,
    },
    { name: 'our clock read back in time: refused', x: [exchange(1000, 0, 5, 5), [2000, 9999, 1990]], offset: 0 },
    { name: 'an answer after 10 s: refused', x: [exchange(1000, 0, 5, 5), [2000, 9999, 12001]], offset: 0 },
    { name: 'a server time that is not a number: refused', x: [exchange(1000, 0, 5, 5), [2000, NaN, 2010]], offset: 0 },
    { name: 'nothing usable: no offset', x: [[2000, 9999, 1990]], offset: null },
  ];
  for (const c of CASES) {
    test(c.name, () => {
      const clock = new ClockSync();
      for (const [sent, server, now] of c.x) clock.add(sent, server, now);
      assert.equal(clock.offset, c.offset);
    });
  }

  test('only the last 16 exchanges count: a fast one ages out', () => {
    const clock = new ClockSync();
    clock.add(...exchange(0, 100, 1, 1)); // offset 100, rtt 2
    for (let i = 1; i <= 15; i++) clock.add(...exchange(i * 1000, 200, 20, 20));
    assert.equal(clock.offset, 100);
    clock.add(...exchange(16000, 200, 20, 20));
    assert.equal(clock.offset, 200);
  });

  test('requests: a burst of five 200 ms apart, then one every 2 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map(nextSyncDelay), [200, 200, 200, 200, 2000, 2000, 2000]);
  });
});

describe('frame times', () => {
  test('the frame within 2 ms of a media time, the nearest one', () => {
    const f = new FrameTimes();
    f.add(1.0, 100, 150);
    f.add(1.0333, 133, 180);
    f.add(1.0346, 134, 181);
    assert.equal(f.find(1.0005).serverMs, 100);
    assert.equal(f.find(1.034).serverMs, 134);
    assert.equal(f.find(1.02), null);
  });

  test('a full ring overwrites its oldest entry', () => {
    const f = new FrameTimes(3);
    for (let i = 0; i < 4; i++) f.add(i, i * 10, i * 10);
    assert.equal(f.find(0), null);
    assert.deepEqual([1, 2, 3].map((t) => f.find(t).serverMs), [10, 20, 30]);
  });
});

describe('latency', () => {
  test('of a shown frame: network to arrival, buffer from arrival to display', () => {
    // Server received at its 10 000, i.e. our 9 000 (offset +1000); arrived at our 9 030; shown at our 9 110.
    assert.deepEqual(frameLatency({ serverMs: 10000, arrivalMs: 9030 }, 1000, 9110), { network: 30, buffer: 80, total: 110 });
  });

  test('on screen now: the last frame\'s, until the screen has been quiet, then its growing age', () => {
    const last = { network: 30, buffer: 80, total: 110 };
    const shown = { serverMs: 10000, offset: 1000, at: 500 };
    assert.deepEqual(currentLatency(last, shown, 900, 99999, 500), last);
    assert.deepEqual(currentLatency(last, shown, 1000, 9600, 500), { network: 30, buffer: 570, total: 600 });
    assert.deepEqual(currentLatency(last, null, 1000, 9600, 500), last);
  });
});
