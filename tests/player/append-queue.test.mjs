// The MSE append queue against a fake SourceBuffer: every append failure reaches onFail (the element
// shows it and reconnects), quota errors are retried a bounded number of times, overflow sheds to a
// keyframe, and appends are coalesced, ordered after their mime, held while ManagedMediaSource says so.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppendQueue, QUOTA_RETRIES, limits } from '../../src/LiveMux.Server/wwwroot/player/append-queue.js';

/** A SourceBuffer that records appends and removes, completing each only when `finish()` is called. */
class FakeSourceBuffer {
  updating = false;
  timestampOffset = 0;
  appends = [];
  removes = [];
  ranges = [];
  throwOnAppend = null; // an Error to throw from appendBuffer
  onupdateend = null;
  onerror = null;

  get buffered() {
    const r = this.ranges;
    return { length: r.length, start: (i) => r[i][0], end: (i) => r[i][1] };
  }

  appendBuffer(bytes) {
    if (this.throwOnAppend) throw this.throwOnAppend;
    this.appends.push([...bytes]);
    this.updating = true;
  }

  remove(start, end) {
    this.removes.push([start, end]);
    this.updating = true;
  }

  finish() {
    this.updating = false;
    this.onupdateend?.();
  }
}

const named = (name, message = name) => Object.assign(new Error(message), { name });

/** A queue over a fake MediaSource: `mime` items create the fake SourceBuffer. */
function setup({ streaming = true, currentTime = 0 } = {}) {
  const failures = [];
  const warnings = [];
  const scheduled = [];
  let now = 10000;
  const media = {
    open: true,
    sourceBuffer: null,
    streaming,
    currentTime,
    prepared: 0,
    prepare() {
      this.prepared++;
    },
    applyMime(mime) {
      if (!this.sourceBuffer) {
        this.sourceBuffer = new FakeSourceBuffer();
        queue.attach(this.sourceBuffer);
      }
      this.mime = mime;
      return true;
    },
  };
  const queue = new AppendQueue(media, {
    onFail: (reason) => failures.push(reason),
    onAppended: () => {},
    now: () => now,
    schedule: (fn, ms) => scheduled.push({ fn, ms }),
    warn: (text) => warnings.push(text),
  });
  return { queue, media, failures, warnings, scheduled, advance: (ms) => (now += ms) };
}

const data = (bytes, over = {}) => ({ kind: 'data', bytes: new Uint8Array(bytes), init: false, key: false, time: null, resync: null, ...over });
const init = (n = 1) => data([0xf0 + n], { init: true, key: true });
const key = (b, time = null) => data([b], { key: true, time });
const frame = (b) => data([b]);

describe('append errors are never swallowed', () => {
  const THROWN = [
    { name: 'InvalidStateError', error: named('InvalidStateError', 'the SourceBuffer was removed'), reason: 'append failed: InvalidStateError: the SourceBuffer was removed' },
    { name: 'TypeError', error: named('TypeError', 'bad chunk'), reason: 'append failed: TypeError: bad chunk' },
  ];
  for (const c of THROWN) {
    test(`appendBuffer throws ${c.name}: onFail, and nothing more is appended`, () => {
      const { queue, media, failures } = setup();
      queue.push({ kind: 'mime', mime: 'video/mp4; codecs="avc1.640029"' });
      media.sourceBuffer.throwOnAppend = c.error;
      queue.push(init());
      assert.deepEqual(failures, [c.reason]);
      assert.equal(queue.items.length, 1); // kept, not dropped as if it had been appended
      assert.equal(media.sourceBuffer.appends.length, 0);
    });
  }

  test('the SourceBuffer\'s error event (a decode error after an append): onFail', () => {
    const { queue, media, failures } = setup();
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    queue.push(init());
    media.sourceBuffer.onerror();
    assert.deepEqual(failures, ['SourceBuffer append error']);
  });

  test(`QuotaExceededError: ${QUOTA_RETRIES} evictions or retries, then onFail`, () => {
    const { queue, media, failures, warnings, scheduled, advance } = setup({ currentTime: 5 });
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    sb.ranges = [[0, 10]];
    sb.throwOnAppend = named('QuotaExceededError');
    queue.push(init());
    for (let i = 0; i < QUOTA_RETRIES; i++) {
      assert.deepEqual(failures, [], `after try ${i + 1}`);
      assert.equal(scheduled.length, i + 1); // nothing to evict (no keyframe known): a later retry
      advance(300);
      scheduled[i].fn();
    }
    assert.deepEqual(failures, ['append failed: QuotaExceededError: QuotaExceededError']);
    assert.equal(warnings.filter((w) => w.includes('nothing to evict')).length, QUOTA_RETRIES);
  });

  test('QuotaExceededError with an empty buffer: onFail at once', () => {
    const { queue, media, failures } = setup();
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    media.sourceBuffer.throwOnAppend = named('QuotaExceededError');
    queue.push(init());
    assert.deepEqual(failures, ['QuotaExceededError with an empty buffer']);
  });

  test('QuotaExceededError evicts up to the playhead\'s keyframe, then the same append goes through', () => {
    const { queue, media, failures } = setup({ currentTime: 7 });
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    queue.push(init());
    sb.finish();
    for (const t of [0, 2, 4, 6, 8]) {
      queue.push(key(t, t));
      sb.finish();
    }
    sb.ranges = [[0, 9]];
    sb.throwOnAppend = named('QuotaExceededError');
    queue.push(frame(99));
    assert.deepEqual(sb.removes, [[0, 6]]);
    sb.throwOnAppend = null;
    sb.finish(); // the remove's updateend retries
    assert.deepEqual(sb.appends.at(-1), [99]);
    assert.deepEqual(failures, []);
  });
});

describe('ordering and coalescing', () => {
  test('media before the mime waits; then one append of everything queued, in order', () => {
    const { queue, media } = setup();
    queue.push(init());
    queue.push(key(1));
    queue.push(frame(2));
    assert.equal(media.sourceBuffer, null);
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    assert.equal(media.sourceBuffer, null); // the mime is behind the media: nothing is in order yet
    assert.equal(queue.items.length, 4);
  });

  test('the mime first: each chunk as it comes while idle, the rest coalesced at updateend', () => {
    const { queue, media } = setup();
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    queue.push(init());
    queue.push(key(1));
    queue.push(frame(2));
    queue.push(frame(3));
    assert.deepEqual(sb.appends, [[0xf1]]);
    sb.finish();
    assert.deepEqual(sb.appends, [[0xf1], [1, 2, 3]]);
    assert.equal(queue.bytes, 0);
    assert.ok(media.prepared >= 2); // the duration is set whenever no append is in flight
  });

  test('a resync point starts its own append with the timeline re-anchored at the buffered end', () => {
    const { queue, media } = setup();
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    queue.push(init());
    queue.push(key(1));
    queue.push(data([2], { key: true, time: 0.2, resync: 0.2 }));
    sb.ranges = [[0, 30]];
    sb.finish();
    assert.deepEqual(sb.appends, [[0xf1], [1]]);
    sb.finish();
    assert.deepEqual(sb.appends.at(-1), [2]);
    assert.ok(Math.abs(sb.timestampOffset - 29.8) < 1e-9);
  });

  test('ManagedMediaSource\'s endstreaming holds media but not an init segment', () => {
    const { queue, media } = setup({ streaming: false });
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    queue.push(init());
    sb.finish();
    queue.push(key(1));
    assert.deepEqual(sb.appends, [[0xf1]]);
    media.streaming = true;
    queue.pump();
    assert.deepEqual(sb.appends, [[0xf1], [1]]);
  });
});

describe('overflow', () => {
  const withLimit = (bytes, fn) => {
    const saved = limits.maxQueueBytes;
    limits.maxQueueBytes = bytes;
    try {
      fn();
    } finally {
      limits.maxQueueBytes = saved;
    }
  };

  test('sheds the oldest media to the earliest keyframe after which the queue fits; keeps the mime and the init', () => {
    withLimit(5, () => {
      const { queue, warnings } = setup(); // no mime: nothing drains
      queue.push(init());
      for (const b of [1, 2, 3]) queue.push(b === 1 ? key(b) : frame(b));
      queue.push({ kind: 'mime', mime: 'video/mp4' });
      for (const b of [4, 5, 6]) queue.push(b === 4 ? key(b) : frame(b));
      assert.deepEqual(queue.items.map((it) => it.kind === 'mime' ? 'mime' : it.bytes[0]), [0xf1, 'mime', 4, 5, 6]);
      assert.equal(queue.droppedChunks, 3);
      assert.equal(queue.bytes, 4);
      // At 6 bytes the only cut that fits keeps the init (it describes the keyframe after it): nothing
      // dropped; at 7, everything before the second keyframe.
      assert.deepEqual(warnings.map((w) => /dropped (\d+) chunks/.exec(w)[1]), ['0', '3']);
    });
  });

  test('with no keyframe to cut at, drops all media and then every frame until a keyframe', () => {
    withLimit(3, () => {
      const { queue } = setup();
      queue.push(key(1));
      for (const b of [2, 3, 4]) queue.push(frame(b));
      assert.equal(queue.items.length, 0);
      queue.push(frame(5));
      queue.push(frame(6));
      assert.equal(queue.items.length, 0);
      assert.equal(queue.droppedChunks, 6);
      queue.push(key(7));
      assert.deepEqual(queue.items.map((it) => it.bytes[0]), [7]);
    });
  });
});

describe('back buffer', () => {
  test('once a second, removes what is over 10 s behind the playhead, up to a keyframe', () => {
    const { queue, media, advance } = setup({ currentTime: 0 });
    queue.push({ kind: 'mime', mime: 'video/mp4' });
    const sb = media.sourceBuffer;
    queue.push(init());
    sb.finish();
    for (const t of [0, 4, 8, 12, 16]) {
      queue.push(key(t, t));
      sb.finish();
    }
    sb.ranges = [[0, 18]];
    media.currentTime = 17; // 10 s behind: 7; the keyframe before it: 4
    advance(1000);
    queue.pump();
    assert.deepEqual(sb.removes, [[0, 4]]);
    sb.ranges = [[4, 18]];
    sb.finish();
    advance(1000);
    queue.pump();
    assert.deepEqual(sb.removes, [[0, 4]]); // 4 is the keyframe at or before 7: nothing more
  });
});
