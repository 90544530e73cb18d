// True latency: each fragment's prft says when the server received the frame (server wall clock) and
// which presentation time it is. The time messages estimate the server clock minus ours (the sample
// with the lowest round trip wins). When requestVideoFrameCallback shows a frame:
//   total   = display time (our clock) + offset - server receive time
//   network = arrival of its fragment (our clock) + offset - server receive time
//   buffer  = total - network   (queue, SourceBuffer, decoder, compositor)
//
//   browser                                        server
//     | -- {"type":"time","value":<sent, our ms>} ---->|
//     | <-- {"type":"time","value":<sent>,"server":<ms>}|  read halfway through the round trip
//
// Everything here is pure arithmetic over numbers handed in; the session owns the clocks.

export const CLOCK_SYNC_MS = 2000; // one time request this often, after a burst at start
export const CLOCK_BURST = 5; // requests in the first second: a usable offset before the first frame shows
export const CLOCK_BURST_MS = 200;
const CLOCK_SAMPLES = 16; // the lowest round trip among the last this many wins
const MAX_RTT_MS = 10000; // an answer older than this is from another time
const FRAME_TIMES = 600; // prft entries kept per session: 20 s at 30 fps, more than any buffer we hold
const FRAME_MATCH_S = 0.002; // a shown frame's media time matches its prft within this

/** This machine's wall clock in Unix ms, from the monotonic clock (so a jump of Date.now() cannot skew a sample). */
export const wallNow = () => performance.timeOrigin + performance.now();

/** The server clock minus ours, in ms, from the time exchanges with the lowest round trip. */
export class ClockSync {
  samples = []; // {rtt, offset} in ms, newest last
  offset = null;

  /**
   * One answer: `sent` is our clock when we asked (echoed by the server), `server` the server's clock
   * when it answered, `now` our clock on arrival. False if the sample was refused.
   */
  add(sent, server, now) {
    if (!Number.isFinite(sent) || !Number.isFinite(server) || sent > now || now - sent > MAX_RTT_MS) return false;
    // NTP's estimate: the server read its clock halfway through the round trip. The error is at most
    // half the round trip, so the fastest exchange is the most trustworthy.
    this.samples.push({ rtt: now - sent, offset: server - (sent + now) / 2 });
    if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
    this.offset = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
    return true;
  }
}

/** The delay before the next time request once `sent` have gone: a burst first, then every CLOCK_SYNC_MS. */
export const nextSyncDelay = (sent) => (sent < CLOCK_BURST ? CLOCK_BURST_MS : CLOCK_SYNC_MS);

/** A ring of {t: stream seconds, serverMs, arrivalMs}, one per video fragment with a prft. */
export class FrameTimes {
  #entries = [];
  #next = 0;

  constructor(capacity = FRAME_TIMES) {
    this.capacity = capacity;
  }

  add(t, serverMs, arrivalMs) {
    const entry = { t, serverMs, arrivalMs };
    if (this.#entries.length < this.capacity) this.#entries.push(entry);
    else this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The entry of the frame at stream time `t` (seconds), or null if none is within FRAME_MATCH_S. */
  find(t) {
    let best = null;
    for (const e of this.#entries) {
      if (Math.abs(e.t - t) < FRAME_MATCH_S && (!best || Math.abs(e.t - t) < Math.abs(best.t - t))) best = e;
    }
    return best;
  }
}

/** The latency of one shown frame, in ms; `shownMs` is our wall clock when it reached the screen. */
export function frameLatency(frame, offset, shownMs) {
  const total = shownMs + offset - frame.serverMs;
  const network = frame.arrivalMs + offset - frame.serverMs;
  return { network, buffer: total - network, total };
}

/**
 * The latency of what is on screen at `nowWallMs`: the last measured frame's, or, when no new frame
 * has been shown for `quietMs` (a stall, a frozen decoder), that frame's age, which keeps growing.
 * `shown` is {serverMs, offset, at} of the last measured frame (`at` on `nowMs`'s clock), or null.
 */
export function currentLatency(latency, shown, nowMs, nowWallMs, quietMs) {
  if (!shown || nowMs - shown.at < quietMs) return { ...latency };
  const total = nowWallMs + shown.offset - shown.serverMs;
  return { network: latency.network, buffer: total - latency.network, total };
}
