// <livemux-player src="NAME"> — plays one LiveMux stream live over WebSocket + Media Source Extensions.
//
// Pipeline: socket (session.js) -> bounded queue -> one coalesced appendBuffer per `updateend`
// (append-queue.js) -> SourceBuffer -> <video>, with a live-edge controller (live-edge.js) keeping
// `buffered.end - currentTime` near target-latency, and true latency from prft and clock sync
// (clock-sync.js) shown by the stats overlay (stats-overlay.js).

import { limits } from './append-queue.js';
import { FrameWatcher } from './frames.js';
import { LiveEdgeController, TICK_MS, maxLatency, measure, targetLatency } from './live-edge.js';
import { Session, posterUrl, wsUrl } from './session.js';
import { STATUS_STYLE, backoffDelay, statusOf } from './status.js';
import { OVERLAY_HTML, OVERLAY_STYLE, RateLog, StatsOverlay } from './stats-overlay.js';

const STYLE = `
:host { display: block; position: relative; background: #000; overflow: hidden; aspect-ratio: 16 / 9; }
video { display: block; width: 100%; height: 100%; object-fit: contain; background: #000; }
${STATUS_STYLE}
${OVERLAY_STYLE}`;

/**
 * `<livemux-player src="NAME">` plays one LiveMux stream at the live edge.
 *
 * Attributes: `src` (stream name), `server` (base URL, default this page's origin), `token` (a viewer token
 * from POST /api/tokens, when the server requires them), `muted` (muted unless `muted="false"`, so autoplay
 * works), `controls`, `target-latency` (ms of buffer to hold, default 100, and never less than two frame
 * intervals, nor 130 with audio), `max-latency` (ms behind live before a hard jump, default 1500), `stats`
 * (shows an overlay with the true latency, fps, bitrate, dropped frames and stalls), `poster` (shown while it
 * connects: an image URL, or `snapshot` for the stream's current picture from /api/frame.jpeg).
 * Events: `statuschange` with detail `{status, reason}`; status is one of connecting, buffering,
 * playing, reconnecting, error (or paused when the browser blocked autoplay).
 */
export class LiveMuxPlayer extends HTMLElement {
  /** Page-wide tunables: `{maxQueueBytes, backBufferSeconds}`. */
  static get limits() {
    return limits;
  }

  static get observedAttributes() {
    return ['src', 'server', 'token', 'muted', 'controls', 'target-latency', 'max-latency', 'stats'];
  }

  #video;
  #statusEl;
  #overlay;
  #session = null;
  #connected = false;
  #status = '';
  #reason = '';
  #error = null; // sticky until media flows again
  #serverReconnecting = null; // reason while the server says the camera is being retried
  #retryTimer = 0;
  #retryReason = '';
  #attempt = 0;
  #tickTimer = 0;
  #playing = false;
  #playedOnce = false;
  #userPaused = false;
  #autoplayBlocked = false;
  #sessionStart = 0;
  #controller = new LiveEdgeController();
  #frames;
  #received = new RateLog(2000, 8000); // bytes received -> bit/s
  #counters = { bytes: 0, stalls: 0, reconnects: 0, jumps: 0, droppedChunks: 0, recoveries: 0 };
  #onVisibility = () => this.#visibilityChanged();

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><video part="video"></video><div class="status" part="status"></div>${OVERLAY_HTML}`;
    this.#video = root.querySelector('video');
    this.#statusEl = root.querySelector('.status');
    this.#overlay = new StatsOverlay(root.querySelector('.stats'), () => this.stats);
    const v = this.#video;
    this.#frames = new FrameWatcher(v, {
      connected: () => this.#connected,
      session: () => this.#session,
      sessionStart: () => this.#sessionStart,
    });
    v.muted = true;
    v.playsInline = true;
    // Catching up changes the rate by a few percent for a second or two. Keeping the pitch means
    // Chrome's time-stretcher (WSOLA), which holds back tens of ms more audio and ran the audio
    // renderer dry at rates 1.04-1.10 with 0.1-0.12 s buffered; resampling needs no such reserve.
    // The price is a pitch bend of at most AUDIO_MAX_RATE while catching up.
    v.preservesPitch = false;
    v.autoplay = true;
    v.addEventListener('playing', () => {
      this.#playing = true;
      this.#playedOnce = true;
      this.#updateStatus();
    });
    v.addEventListener('waiting', () => {
      // Seeks also fire `waiting`; only a playhead starved of data is a stall.
      const stall = this.#controller.onWaiting({
        nowMs: performance.now(),
        playedOnce: this.#playedOnce,
        seeking: v.seeking,
        serverReconnecting: this.#serverReconnecting !== null,
        hasAudio: !!this.#session?.hasAudio,
      });
      if (stall) this.#counters.stalls++;
      this.#playing = false;
      this.#updateStatus();
      this.#tick(); // maybe the data is there, just after a gap
    });
    // `stalled` on MSE means no new data for a while: nothing to do but check for a gap; if the
    // data simply isn't there yet, waiting is right.
    v.addEventListener('stalled', () => this.#tick());
    v.addEventListener('pause', () => {
      if (this.hasAttribute('controls') && performance.now() - this.#sessionStart > 1000 && v.readyState > 1) {
        this.#userPaused = true;
      }
    });
    v.addEventListener('play', () => {
      if (this.#userPaused) this.#controller.startWindow(performance.now()); // resume at live
      this.#userPaused = false;
    });
    v.addEventListener('error', () => {
      if (this.#session && v.error) this.#fail(`media error ${v.error.code}: ${v.error.message || 'decode failed'}`);
    });
    this.addEventListener('click', () => {
      if (!this.#autoplayBlocked) return;
      this.#autoplayBlocked = false;
      this.#controller.startWindow(performance.now()); // start at live, not where it stopped
      v.play().catch(() => {});
    });
  }

  /** The `<video>` element inside the shadow root. */
  get video() {
    return this.#video;
  }

  /** Current status: connecting, buffering, playing, reconnecting, error or paused. */
  get status() {
    return this.#status;
  }

  /**
   * Playback figures, cheap enough to read several times per second (docs/embedding.md, Stats).
   * `latency` is true latency in ms (see clock-sync.js), null until the first frame with a
   * server time is shown and the clock offset is known; `lag` is only the buffer depth, in seconds.
   */
  get stats() {
    const v = this.#video;
    const q = v.getVideoPlaybackQuality?.();
    const { lag, ahead } = measure(v.buffered, v.currentTime);
    return {
      status: this.#status,
      reason: this.#reason,
      latency: this.#frames.latency(), // ms: server receive -> network -> buffer -> on screen
      clockOffset: this.#session?.clockOffset ?? null, // ms: server clock minus ours
      lag: lag, // seconds of buffer between the playhead and the newest frame
      buffer: ahead, // seconds playable from the playhead without a gap
      fps: this.#frames.fps(),
      bitrate: this.#received.rate(performance.now()), // bit/s received, over the last 2 s
      framesDecoded: q?.totalVideoFrames ?? 0,
      framesDropped: q?.droppedVideoFrames ?? 0,
      droppedFrames: q?.droppedVideoFrames ?? 0,
      bytes: this.#counters.bytes,
      stalls: this.#counters.stalls,
      codec: this.#session?.mime ?? '',
      playbackRate: v.playbackRate,
      reconnects: this.#counters.reconnects,
      jumps: this.#counters.jumps,
      droppedChunks: this.#counters.droppedChunks + (this.#session?.droppedChunks ?? 0),
      firstFrameTime: this.#frames.firstFrameTime, // performance.now() of the first frame shown
      startupMs: this.#frames.startupMs, // connect -> first frame shown, for the current connection
      target: this.#effectiveTarget(), // seconds of buffer the controller aims for now
      recoveries: this.#counters.recoveries, // times the watchdog found the playhead stuck and moved it
    };
  }

  connectedCallback() {
    this.#connected = true;
    this.#applyMediaAttributes();
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#tickTimer = setInterval(() => this.#tick(), TICK_MS);
    this.#attempt = 0;
    this.#applyStatsAttribute();
    this.#open();
  }

  disconnectedCallback() {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearInterval(this.#tickTimer);
    this.#overlay.stop();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = 0;
    this.#closeSession();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#connected || oldValue === newValue) return;
    if (name === 'src' || name === 'server' || name === 'token') {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = 0;
      this.#attempt = 0;
      this.#error = null;
      this.#open();
    } else if (name === 'stats') {
      this.#applyStatsAttribute();
    } else {
      this.#applyMediaAttributes();
    }
  }

  #applyStatsAttribute() {
    this.#overlay.show(this.hasAttribute('stats') && this.getAttribute('stats') !== 'false');
  }

  #applyMediaAttributes() {
    this.#video.muted = this.getAttribute('muted') !== 'false';
    this.#video.controls = this.hasAttribute('controls');
  }

  #baseTarget() {
    return targetLatency({
      targetMs: Number(this.getAttribute('target-latency')),
      fps: this.#frames.fps(),
      reorderLead: this.#session?.reorderLead ?? 0,
      hasAudio: !!this.#session?.hasAudio,
    });
  }

  /** The configured target plus what recent stalls added. */
  #effectiveTarget() {
    return this.#controller.effectiveTarget(this.#baseTarget());
  }

  #open() {
    this.#closeSession();
    this.#retryTimer = 0;
    const src = this.getAttribute('src');
    if (!src) return this.#refuse('no src attribute');
    if (!globalThis.MediaSource && !globalThis.ManagedMediaSource) return this.#refuse('this browser has no Media Source Extensions');
    this.#sessionStart = performance.now();
    this.#controller.reset();
    this.#frames.restart();
    this.#playing = false;
    this.#userPaused = false;
    this.#serverReconnecting = null;
    let url;
    try {
      url = wsUrl(this.getAttribute('server'), src, this.getAttribute('token'));
      this.#video.poster = posterUrl(this.getAttribute('poster'), this.getAttribute('server'), src, this.getAttribute('token'), this.clientWidth * devicePixelRatio);
    } catch {
      return this.#refuse(`bad server attribute: ${this.getAttribute('server')}`);
    }
    const session = new Session(this.#video, url, {
      onMime: () => this.#updateStatus(),
      onServerError: (reason) => {
        this.#error = reason;
        this.#updateStatus();
      },
      onServerStatus: (msg) => {
        if (msg.value === 'reconnecting') this.#serverReconnecting = String(msg.reason ?? 'camera lost');
        else if (msg.value === 'live') this.#serverReconnecting = null;
        this.#updateStatus();
      },
      onData: (bytes) => {
        this.#counters.bytes += bytes;
        this.#received.add(performance.now(), this.#counters.bytes);
        if (this.#error || this.#serverReconnecting !== null) {
          this.#error = null;
          this.#serverReconnecting = null;
          this.#updateStatus();
        }
      },
      onAppended: () => {
        this.#attempt = 0; // media flows: the next outage starts its backoff from the bottom
        this.#controller.startOnce(performance.now());
        this.#tick();
      },
      onFail: (reason) => {
        if (this.#session === session) this.#fail(reason);
      },
      onClose: (reason) => {
        if (this.#session === session) this.#scheduleReconnect(reason);
      },
    });
    this.#session = session;
    this.#frames.watch();
    this.#updateStatus();
  }

  /** An error no retry can mend: shown until an attribute changes. */
  #refuse(reason) {
    this.#error = reason;
    this.#updateStatus();
  }

  #closeSession() {
    if (!this.#session) return;
    this.#counters.droppedChunks += this.#session.droppedChunks;
    this.#session.close();
    this.#session = null;
    this.#playing = false;
    this.#frames.forget();
  }

  #fail(reason) {
    console.error(`livemux-player: ${reason}`);
    this.#error = reason;
    this.#scheduleReconnect(reason);
  }

  #scheduleReconnect(reason) {
    this.#closeSession();
    if (!this.#connected) return;
    const delay = backoffDelay(this.#attempt);
    this.#attempt++;
    this.#counters.reconnects++;
    this.#retryReason = reason;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#open(), delay);
    this.#updateStatus();
  }

  #updateStatus() {
    const [status, reason] = statusOf({
      error: this.#error,
      retrying: !!this.#retryTimer,
      retryReason: this.#retryReason,
      serverReconnecting: this.#serverReconnecting,
      mime: this.#session?.mime ?? '',
      playing: this.#playing,
      paused: this.#video.paused,
      autoplayBlocked: this.#autoplayBlocked,
      playedOnce: this.#playedOnce,
      userPaused: this.#userPaused,
    });
    if (status === this.#status && reason === this.#reason) return;
    this.#status = status;
    this.#reason = reason;
    this.#statusEl.dataset.status = status;
    this.#statusEl.textContent = reason ? `${status}: ${reason}` : status;
    this.dispatchEvent(new CustomEvent('statuschange', { detail: { status, reason } }));
  }

  // --- live edge: the controller decides, the element applies -------------------------------

  #tick() {
    const v = this.#video;
    const session = this.#session;
    if (!session || !session.sb || v.readyState === 0) return;
    session.pump(); // drains anything waiting on a quiet socket (e.g. a pending trim)
    const baseTarget = this.#baseTarget();
    const d = this.#controller.tick({
      nowMs: performance.now(),
      buffered: v.buffered,
      currentTime: v.currentTime,
      seeking: v.seeking,
      paused: v.paused,
      readyState: v.readyState,
      playing: this.#playing,
      userPaused: this.#userPaused,
      autoplayBlocked: this.#autoplayBlocked,
      visible: document.visibilityState === 'visible',
      hasAudio: session.hasAudio,
      fixedRate: session.fixedRate,
      baseTarget,
      maxLatency: maxLatency(Number(this.getAttribute('max-latency')), baseTarget),
      shown: this.#frames.startupMs !== null,
    });
    if (!d) return;
    if (d.stuckMs) {
      this.#counters.recoveries++;
      console.warn(`livemux-player: ${d.warning}`);
      v.currentTime = d.seek;
      if (d.play) v.play().catch(() => {});
      return;
    }
    if (d.seek !== null) v.currentTime = d.seek;
    if (d.jumped) this.#counters.jumps++;
    if (v.playbackRate !== d.rate) v.playbackRate = d.rate; // load() resets it, so compare with the element
    if (d.play) {
      v.play().catch((err) => {
        // Unmuted autoplay without a user gesture: wait for a click instead of retrying forever.
        if (err.name === 'NotAllowedError') {
          this.#autoplayBlocked = true;
          this.#updateStatus();
        }
      });
    }
    this.#frames.poll();
    this.#updateStatus();
  }

  #visibilityChanged() {
    if (document.visibilityState !== 'visible' || !this.#session) return;
    const v = this.#video;
    const seek = this.#controller.onVisible(measure(v.buffered, v.currentTime), this.#effectiveTarget(), performance.now());
    if (seek !== null) v.currentTime = seek;
  }
}

if (!customElements.get('livemux-player')) customElements.define('livemux-player', LiveMuxPlayer);
