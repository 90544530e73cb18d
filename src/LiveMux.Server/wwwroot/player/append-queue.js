// The MSE append queue: socket data waits here for the SourceBuffer, which takes one operation at a
// time. One coalesced appendBuffer per `updateend`; a bounded size, shed to a keyframe on overflow;
// old data trimmed behind the playhead; QuotaExceededError answered by eviction, a bounded number of
// times. Every other failure, thrown by appendBuffer or signalled by the SourceBuffer's `error` event,
// reaches `onFail` (the element shows it and reconnects): a queue that swallowed an append error
// would leave a player frozen on its last frame with nothing said (go2rtc's video-rtc.js does).
//
//   socket -> push() -> [mime | init | frag | frag | ...] -> pump() -> appendBuffer(coalesced)
//                          ^ shed() drops to a keyframe       ^ trim: remove() behind the playhead

/**
 * Tunables shared by every player on the page (`LiveMuxPlayer.limits`); read on use, so a change
 * applies to running players too.
 */
export const limits = {
  /** Socket data waiting for the SourceBuffer; beyond it, queued media is dropped to a keyframe. */
  maxQueueBytes: 8 * 1024 * 1024,
  /** Seconds kept behind currentTime; older data is removed from the SourceBuffer. */
  backBufferSeconds: 10,
};
const MAX_APPEND_BYTES = 2 * 1024 * 1024; // one coalesced appendBuffer
const TRIM_SLACK_S = 1; // trim only when this much extra piled up, so removes stay rare
export const QUOTA_RETRIES = 3;

/**
 * Items: {kind:'mime', mime} | {kind:'data', bytes, init, key, time (s, decode time or null), resync
 * (s or null: re-anchor the timeline here)}.
 *
 * `media` is the session's view of its MediaSource: `open` (readyState is 'open'), `sourceBuffer`
 * (or null before the first mime), `streaming` (ManagedMediaSource wants media), `currentTime` (the
 * video's, read and set), `prepare()` (runs whenever no operation is in flight) and `applyMime(mime)`
 * (false: stop pumping, e.g. a new MediaSource is opening).
 */
export class AppendQueue {
  items = [];
  bytes = 0;
  droppedChunks = 0;
  closed = false;
  #waitForKey = false; // after an overflow: drop media until an init segment or keyframe
  #keyTimes = []; // buffer times of appended keyframes: where a remove() may end cleanly
  #quotaRetries = 0;
  #retryAt = 0; // no append before this time (quota back-off)
  #lastTrim = 0;
  #media;
  #hooks;

  /** @param {object} hooks onFail(reason), onAppended(); optional now() in ms, schedule(fn, ms), warn(text) */
  constructor(media, hooks) {
    this.#media = media;
    this.#hooks = {
      now: () => performance.now(),
      schedule: (fn, ms) => setTimeout(fn, ms),
      warn: (text) => console.warn(`livemux-player: ${text}`),
      ...hooks,
    };
  }

  /** Wires a new SourceBuffer: its `updateend` pumps on, its `error` fails the session. */
  attach(sb) {
    sb.onupdateend = () => {
      if (this.closed) return;
      this.pump();
      this.#hooks.onAppended();
    };
    sb.onerror = () => this.#hooks.onFail('SourceBuffer append error');
  }

  /** A new MediaSource: no keyframe of the old buffer is a place to cut any more. */
  resetBuffer() {
    this.#keyTimes = [];
    this.#retryAt = 0;
  }

  close() {
    this.closed = true;
    this.items = [];
    this.bytes = 0;
  }

  unshift(item) {
    this.items.unshift(item);
  }

  push(item) {
    if (item.kind === 'data' && this.#waitForKey) {
      if (!item.init && !item.key) {
        this.droppedChunks++;
        return;
      }
      this.#waitForKey = false;
    }
    this.items.push(item);
    if (item.bytes) this.bytes += item.bytes.byteLength;
    if (this.bytes > limits.maxQueueBytes) this.#shed();
    this.pump();
  }

  // Overflow: drop the oldest media up to a later init segment or keyframe, so the decoder never
  // sees a frame whose references were dropped. One pass: the earliest such boundary after which
  // the queue fits; with none, drop all media and wait for the next keyframe.
  #shed() {
    const q = this.items;
    const head = q.findIndex((it) => it.kind === 'data');
    let cut = -1;
    let suffix = 0;
    for (let i = q.length - 1; i > head; i--) {
      if (q[i].kind !== 'data') continue;
      suffix += q[i].bytes.byteLength;
      if ((q[i].init || q[i].key) && (cut === -1 || suffix <= limits.maxQueueBytes)) cut = i;
    }
    if (cut === -1) cut = q.length;
    const before = q.slice(0, cut);
    // Mime changes are tiny and must stay in order; the newest dropped init still describes the
    // keyframe we resume at, unless that boundary is itself an init.
    const lastInit = q[cut]?.init ? null : before.findLast((it) => it.kind === 'data' && it.init);
    const kept = before.filter((it) => it.kind === 'mime' || it === lastInit);
    for (const it of before) {
      if (it.kind === 'data' && it !== lastInit) {
        this.bytes -= it.bytes.byteLength;
        this.droppedChunks++;
      }
    }
    this.items = [...kept, ...q.slice(cut)];
    if (cut === q.length) this.#waitForKey = true;
    this.#hooks.warn(`append queue over ${limits.maxQueueBytes} bytes, dropped ${before.length - kept.length} chunks to the next keyframe`);
  }

  /** Feeds the SourceBuffer: one operation at a time, never while `updating`. */
  pump() {
    const media = this.#media;
    if (this.closed || !media.open) return;
    while (!media.sourceBuffer?.updating) {
      media.prepare();
      const sb = media.sourceBuffer;
      if (this.#trimBackBuffer()) return; // its updateend pumps again
      const head = this.items[0];
      if (!head) return;
      if (head.kind === 'mime') {
        this.items.shift();
        if (!media.applyMime(head.mime)) return;
        continue;
      }
      if (!sb) return; // media before the mime: wait for it (the queue is bounded)
      if (this.#hooks.now() < this.#retryAt) return;
      if (!media.streaming && !head.init) return; // ManagedMediaSource asked for no more media now
      if (head.resync !== null) {
        const b = sb.buffered;
        if (b.length) sb.timestampOffset = b.end(b.length - 1) - head.resync;
        head.resync = null;
      }
      this.#appendCoalesced(sb);
      return;
    }
  }

  #appendCoalesced(sb) {
    // Coalesce queued chunks up to a resync point (needs its own timestampOffset) or a mime change.
    let count = 0;
    let size = 0;
    for (const it of this.items) {
      if (it.kind !== 'data' || (count > 0 && it.resync !== null)) break;
      if (count > 0 && size + it.bytes.byteLength > MAX_APPEND_BYTES) break;
      size += it.bytes.byteLength;
      count++;
    }
    let chunk = this.items[0].bytes;
    if (count > 1) {
      chunk = new Uint8Array(size);
      let at = 0;
      for (let i = 0; i < count; i++) {
        chunk.set(this.items[i].bytes, at);
        at += this.items[i].bytes.byteLength;
      }
    }
    try {
      sb.appendBuffer(chunk);
    } catch (err) {
      if (err.name === 'QuotaExceededError' && this.#quotaRetries < QUOTA_RETRIES) {
        // Keep the chunk queued; evict, and the remove's updateend retries this very append.
        this.#quotaRetries++;
        this.#evictForQuota(sb);
        return;
      }
      this.#hooks.onFail(`append failed: ${err.name}: ${err.message}`);
      return;
    }
    this.#quotaRetries = 0;
    for (let i = 0; i < count; i++) {
      const it = this.items[i];
      if (it.key && !it.init && it.time !== null) this.#keyTimes.push(it.time + sb.timestampOffset);
    }
    if (this.#keyTimes.length > 10000) this.#keyTimes.splice(0, 5000); // only with trimming broken
    this.items.splice(0, count);
    this.bytes -= size;
  }

  // remove() also drops every frame up to the next keyframe after its end (they depend on what was
  // removed), so removals end on a keyframe we know of; otherwise a long GOP could take the frame
  // under the playhead with it.
  #keyAtOrBefore(time) {
    for (let i = this.#keyTimes.length - 1; i >= 0; i--) if (this.#keyTimes[i] <= time) return this.#keyTimes[i];
    return null;
  }

  #removeUntil(sb, until) {
    const start = sb.buffered.start(0);
    if (until <= start + 0.001) return false;
    this.#keyTimes = this.#keyTimes.filter((k) => k >= until);
    sb.remove(start, until);
    return true;
  }

  #evictForQuota(sb) {
    const media = this.#media;
    const b = sb.buffered;
    if (!b.length) {
      this.#hooks.onFail('QuotaExceededError with an empty buffer');
      return;
    }
    // First retry: everything before the playhead's GOP. Later (or when that frees nothing): all
    // but the newest GOP, even ahead of the playhead (a hidden tab can pile up unplayed seconds).
    const start = b.start(0);
    let until = this.#keyAtOrBefore(media.currentTime);
    if (this.#quotaRetries > 1 || until === null || until <= start + 0.001) {
      until = this.#keyTimes.at(-1) ?? null;
      if (until !== null && until > media.currentTime) {
        media.currentTime = Math.max(until, b.end(b.length - 1) - 0.1);
      }
    }
    if (until !== null && this.#removeUntil(sb, until)) {
      this.#hooks.warn(`QuotaExceededError, evicted ${start.toFixed(2)}-${until.toFixed(2)} s`);
      return;
    }
    this.#hooks.warn('QuotaExceededError, nothing to evict, retrying');
    // Nothing left to evict but the playing GOP: the browser may still be freeing what went
    // before, so retry a little later (still bounded by QUOTA_RETRIES).
    this.#retryAt = this.#hooks.now() + 250;
    this.#hooks.schedule(() => this.pump(), 260);
  }

  /** Starts a remove() of old data at most once a second; true if it did. */
  #trimBackBuffer() {
    const sb = this.#media.sourceBuffer;
    const now = this.#hooks.now();
    if (!sb || sb.updating || now - this.#lastTrim < 1000) return false;
    this.#lastTrim = now;
    const b = sb.buffered;
    if (!b.length) return false;
    const behind = this.#media.currentTime - limits.backBufferSeconds;
    // Without parsed keyframe times (unusual muxers), fall back to the time itself.
    const until = this.#keyTimes.length ? this.#keyAtOrBefore(behind) : behind;
    return until !== null && b.start(0) < until - TRIM_SLACK_S && this.#removeUntil(sb, until);
  }
}
