// What the <video> shows, frame by frame: requestVideoFrameCallback gives the first frame's time, the
// frame rate and, with the session's prft times and clock offset, each shown frame's true latency.

import { currentLatency, frameLatency, wallNow } from './clock-sync.js';
import { RateLog } from './stats-overlay.js';

/** Frames shown so far, for browsers without requestVideoFrameCallback. */
function presentedFrames(v) {
  const quality = v.getVideoPlaybackQuality?.();
  return quality ? quality.totalVideoFrames - quality.droppedVideoFrames : 0;
}

export class FrameWatcher {
  firstFrameTime = null; // performance.now() of the first frame shown
  startupMs = null; // connect -> first frame shown, for the current connection
  #video;
  #owner;
  #pending = false;
  #frames = new RateLog(1000, 1000); // presented frames -> fps
  #latency = { network: null, buffer: null, total: null }; // ms, of the last frame shown with a known prft
  #shown = null; // {serverMs, offset, at: performance.now()} of that frame

  /** @param {object} owner connected(), session() (or null), sessionStart() in performance.now() ms */
  constructor(video, owner) {
    this.#video = video;
    this.#owner = owner;
  }

  /** A new connection: its first frame is still to come. */
  restart() {
    this.startupMs = null;
  }

  /** The connection is gone: its frame counter and latency with it. */
  forget() {
    this.#frames.clear();
    this.#latency = { network: null, buffer: null, total: null };
    this.#shown = null;
  }

  /** Keeps one requestVideoFrameCallback pending; without it, samples the frame counter. */
  poll() {
    const v = this.#video;
    if (!this.#pending) this.watch();
    if (!('requestVideoFrameCallback' in v)) this.#frames.add(performance.now(), presentedFrames(v));
  }

  watch() {
    const v = this.#video;
    if (this.#pending || !('requestVideoFrameCallback' in v)) return;
    this.#pending = true;
    v.requestVideoFrameCallback((now, meta) => {
      this.#pending = false;
      if (!this.#owner.connected()) return;
      if (this.startupMs === null && this.#owner.session()) {
        this.firstFrameTime ??= now;
        this.startupMs = now - this.#owner.sessionStart();
      }
      this.#frames.add(performance.now(), meta.presentedFrames);
      this.#measureLatency(meta);
      this.watch();
    });
  }

  fps() {
    return this.#frames.rate(performance.now());
  }

  /**
   * The latency of what is on screen now: the last measured frame's, or, when no new frame has been
   * shown for three frame intervals (a slow camera is not a stall), that frame's growing age.
   */
  latency() {
    const fps = this.fps();
    const quiet = Math.max(500, fps > 0 ? 3000 / fps : 0);
    return currentLatency(this.#latency, this.#shown, performance.now(), wallNow(), quiet);
  }

  /** True latency of the frame just shown, from its fragment's prft and the clock offset. */
  #measureLatency(meta) {
    const session = this.#owner.session();
    const offset = session?.clockOffset;
    const frame = offset === null || offset === undefined ? null : session.frameTime(meta.mediaTime);
    if (!frame) return;
    this.#latency = frameLatency(frame, offset, performance.timeOrigin + (meta.expectedDisplayTime ?? meta.presentationTime));
    this.#shown = { serverMs: frame.serverMs, offset, at: performance.now() };
  }
}
