// One connection: a WebSocket feeding one MediaSource. Thrown away whole on reconnect, so no stale
// state survives; every callback checks `closed` because events outlive close().
//
// Wire protocol (go2rtc-compatible MSE over WebSocket, see docs/architecture.md):
//
//   browser                                   server  (WS /api/ws?src=NAME)
//     | -- text {"type":"mse","value":"avc1.640029,..."} -->|  codecs our MediaSource accepts
//     | <-- text {"type":"mse","value":"video/mp4; codecs=..."} |  mime of the stream
//     | <-- binary  ftyp+moov (init segment) ----------------|
//     | <-- binary  prft+moof+mdat, ...  (1 frame each)       |  cached GOP as a burst, then live
//     | -- text {"type":"time","value":<client ms>} -------->|  clock sync, every few seconds
//     | <-- text {"type":"time","value":<same>,"server":<ms>} |
//     | <-- text {"type":"status","value":"reconnecting",...} |  camera lost; keep socket and buffer
//     | <-- binary  ftyp+moov (new init) + fragments ...      |  camera back, maybe new parameters
//     | <-- text {"type":"error","value":"reason"} ----------|  then the server may close

import { isInitSegment, parseFragment, parseInit, parsePrft } from './boxes.js';
import { AppendQueue } from './append-queue.js';
import { ClockSync, FrameTimes, nextSyncDelay, wallNow } from './clock-sync.js';

/** Codec strings we probe with isTypeSupported; the server picks from those the browser accepts. */
const CODEC_CANDIDATES = [
  'avc1.42E01E', 'avc1.42C01E', 'avc1.4D401F', 'avc1.4D4029', 'avc1.640029', 'avc1.640033', 'avc1.640C33',
  'hvc1.1.6.L153.B0', 'hev1.1.6.L153.B0', 'hvc1.2.4.L153.B0', 'hev1.2.4.L153.B0',
  'mp4a.40.2', 'mp4a.40.5', 'opus', 'flac',
];
const AUDIO_CODECS = new Set(['mp4a.40.2', 'mp4a.40.5', 'opus', 'flac']);

function supportedCodecs() {
  const MS = globalThis.ManagedMediaSource || globalThis.MediaSource;
  if (!MS) return [];
  // Audio codecs are offered too: the server leaves out an audio track this browser can't play and
  // sends the video alone. Some browsers accept an audio codec only under audio/mp4.
  return CODEC_CANDIDATES.filter(
    (c) => MS.isTypeSupported(`video/mp4; codecs="${c}"`) || (AUDIO_CODECS.has(c) && MS.isTypeSupported(`audio/mp4; codecs="${c}"`)),
  );
}

/** How many tracks a MIME type's codecs parameter names; a SourceBuffer is made for one count. */
function trackCount(mime) {
  const m = /codecs\s*=\s*"?([^";]*)/i.exec(mime);
  return m ? m[1].split(',').filter((c) => c.trim()).length : 0;
}

export function wsUrl(server, src, token) {
  // A `server` base may carry a path prefix (reverse proxy), so resolve relative to it; without
  // one the endpoint is /api/ws on this page's origin.
  const base = server ? new URL(server.endsWith('/') ? server : `${server}/`, location.href) : null;
  const url = base ? new URL('api/ws', base) : new URL('/api/ws', location.href);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams(token ? { src, token } : { src }).toString();
  return url.href;
}

/**
 * The `<video>` poster for the element's `poster` attribute: `snapshot` is the stream's current picture
 * (frameUrl), anything else an image URL as given; none without the attribute. Opt-in: each snapshot is an
 * ffmpeg decode on the server, and a stream with no picture answers it with an error the page's console shows.
 */
export function posterUrl(poster, server, src, token, width) {
  return poster === 'snapshot' ? frameUrl(server, src, token, width) : poster ?? '';
}

/**
 * The stream's current picture (GET /api/frame.jpeg): `width` device pixels wide rounded up to a multiple of
 * 160, so players of about one size share the server's cached decode; full size when not laid out yet.
 */
export function frameUrl(server, src, token, width) {
  const base = server ? new URL(server.endsWith('/') ? server : `${server}/`, location.href) : null;
  const url = base ? new URL('api/frame.jpeg', base) : new URL('/api/frame.jpeg', location.href);
  const q = new URLSearchParams({ src });
  if (width > 0) q.set('width', String(Math.min(4096, Math.max(160, Math.ceil(width / 160) * 160))));
  if (token) q.set('token', token);
  url.search = q.toString();
  return url.href;
}

export class Session {
  /**
   * @param {HTMLVideoElement} video
   * @param {string} url
   * @param {object} hooks onMime(mime), onServerStatus(msg), onServerError(reason), onData(bytes, isInit),
   *   onAppended(), onFail(reason), onClose(reason)
   */
  constructor(video, url, hooks) {
    this.video = video;
    this.hooks = hooks;
    this.closed = false;
    this.mime = '';
    this.tracks = new Map();
    this.fixedRate = false; // playbackRate stays 1 (see the init segment handling)
    this.hasAudio = false; // the init segment has an audio track
    this.lastTime = new Map(); // trackId -> decode time (s) of the last fragment received
    this.newestPts = new Map(); // trackId -> latest presentation time (s) received
    this.reorderLead = 0; // s: how far behind the newest presentation time a frame has arrived
    this.serverError = null;
    this.frameTimes = new FrameTimes(); // from video prfts
    this.clock = new ClockSync();
    this.clockTimer = 0;
    const session = this;
    this.queue = new AppendQueue(
      {
        get open() {
          return session.ms.readyState === 'open';
        },
        get sourceBuffer() {
          return session.sb;
        },
        get streaming() {
          return session.streaming;
        },
        get currentTime() {
          return video.currentTime;
        },
        set currentTime(t) {
          video.currentTime = t;
        },
        prepare: () => this.#prepare(),
        applyMime: (mime) => this.#applyMime(mime),
      },
      { onFail: (reason) => this.hooks.onFail(reason), onAppended: () => this.hooks.onAppended() },
    );
    this.#attachMediaSource();

    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => {
      this.ws.send(JSON.stringify({ type: 'mse', value: supportedCodecs().join(',') }));
      this.#syncClock(0);
    };
    this.ws.onmessage = (ev) => this.#onMessage(ev.data);
    this.ws.onclose = (ev) => {
      if (this.closed) return;
      const reason = this.serverError ?? (ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`));
      this.hooks.onClose(reason);
    };
  }

  /** Server clock minus ours in ms, or null before the first time answer. */
  get clockOffset() {
    return this.clock.offset;
  }

  /** Media chunks the queue dropped to a keyframe. */
  get droppedChunks() {
    return this.queue.droppedChunks;
  }

  /** Stops everything this session started; the element reconnects with a new Session. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    clearTimeout(this.clockTimer);
    // With a reason: a close without one reaches some WebSocket stacks as a close with fields missing
    // (Playwright's .NET route failed on it), and the server's log can say why the viewer left.
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, 'player closed');
    this.#detachMediaSource();
    this.queue.close();
  }

  pump() {
    this.queue.pump();
  }

  /** Sends one time request, then schedules the next: a burst first, then every few seconds. */
  #syncClock(sent) {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ type: 'time', value: wallNow() }));
    const next = sent + 1;
    this.clockTimer = setTimeout(() => this.#syncClock(next), nextSyncDelay(next));
  }

  #recordFrameTime(bytes) {
    const prft = parsePrft(bytes);
    const track = prft && this.tracks.get(prft.trackId);
    if (!track || track.handler !== 'vide' || !track.timescale) return;
    this.frameTimes.add((prft.mediaTime - track.origin) / track.timescale, prft.serverMs, wallNow());
  }

  /** The prft entry of the frame shown at element time `mediaTime` (null if unknown). */
  frameTime(mediaTime) {
    return this.frameTimes.find(mediaTime - (this.sb?.timestampOffset ?? 0));
  }

  #attachMediaSource() {
    const video = this.video;
    const managed = !!globalThis.ManagedMediaSource;
    const ms = managed ? new globalThis.ManagedMediaSource() : new MediaSource();
    this.ms = ms;
    this.sb = null;
    this.durationPending = true;
    this.objectUrl = null;
    this.queue.resetBuffer();
    ms.addEventListener('sourceopen', () => this.#onSourceOpen(ms), { once: true });
    // ManagedMediaSource (iOS 17.1+) says when it wants data: `endstreaming` (enough buffered, or the
    // device saves power) holds media appends until `startstreaming`; the queue sheds to a keyframe
    // meanwhile, and the controller jumps to live when playback resumes. Until the first event we append.
    this.streaming = true;
    if (managed) {
      ms.addEventListener('startstreaming', () => {
        if (this.closed || ms !== this.ms) return;
        this.streaming = true;
        this.pump();
      });
      ms.addEventListener('endstreaming', () => {
        if (ms === this.ms) this.streaming = false;
      });
      // Without this, ManagedMediaSource never fires sourceopen (it wants an AirPlay-able fallback).
      video.disableRemotePlayback = true;
      try {
        video.srcObject = ms;
        return;
      } catch {
        // Browsers with MMS but without srcObject support for it: fall through to an object URL.
      }
    }
    this.objectUrl = URL.createObjectURL(ms);
    video.src = this.objectUrl;
  }

  #detachMediaSource() {
    const video = this.video;
    if (this.sb) {
      this.sb.onupdateend = this.sb.onerror = null;
      try {
        if (this.ms.readyState === 'open') this.sb.abort();
      } catch {
        // Already detached: nothing left to abort.
      }
    }
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    if (video.srcObject === this.ms) video.srcObject = null;
    video.removeAttribute('src');
    video.load(); // releases the decoder and the old MediaSource's memory now, not at GC
    this.sb = null;
  }

  #onSourceOpen(ms) {
    if (this.closed || ms !== this.ms) return;
    if (this.objectUrl) {
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
    this.pump(); // sets the live duration as soon as no append is in flight
  }

  // Live: also switches Chrome's renderer to low-delay mode. readyState is 'open' before the
  // sourceopen event runs, so an append can already be in flight there; setting the duration
  // during an append throws, hence whenever the queue finds no operation in flight.
  #prepare() {
    if (!this.durationPending) return;
    this.ms.duration = Infinity;
    this.durationPending = false;
  }

  #onMessage(data) {
    if (this.closed) return;
    if (typeof data === 'string') {
      this.#onText(data);
      return;
    }
    const bytes = new Uint8Array(data);
    const item = { kind: 'data', bytes, init: isInitSegment(bytes), key: false, time: null, resync: null };
    if (item.init) {
      this.tracks = parseInit(bytes);
      // Chrome time-stretches audio when playbackRate != 1, and with low-rate audio (G.711 as 8 kHz
      // FLAC) that stalls playback (measured in headless Chromium: 0.8x real time at rate 1.25, smooth
      // at 1.0). Such a stream keeps rate 1 and holds the live edge by seeking only.
      this.fixedRate = [...this.tracks.values()].some((t) => t.handler === 'soun' && t.timescale > 0 && t.timescale < 16000);
      this.hasAudio = [...this.tracks.values()].some((t) => t.handler === 'soun');
      item.key = true;
    } else {
      this.#recordFrameTime(bytes);
      const frag = parseFragment(bytes, this.tracks);
      item.key = frag?.key ?? false;
      item.time = frag?.time ?? null;
      if (frag && frag.time !== null) this.#trackTimeline(frag, item);
    }
    this.hooks.onData(bytes.byteLength, item.init);
    this.queue.push(item);
  }

  #onText(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('livemux-player: ignoring a text frame that is not JSON');
      return;
    }
    if (msg.type === 'mse' && typeof msg.value === 'string') {
      this.queue.push({ kind: 'mime', mime: msg.value, bytes: null });
      this.hooks.onMime(msg.value);
    } else if (msg.type === 'error') {
      this.serverError = String(msg.value ?? 'server error');
      this.hooks.onServerError(this.serverError);
    } else if (msg.type === 'status') {
      this.hooks.onServerStatus(msg);
    } else if (msg.type === 'time') {
      this.clock.add(Number(msg.value), Number(msg.server), wallNow());
    }
    // Unknown types are ignored on purpose: the protocol may grow.
  }

  #trackTimeline(frag, item) {
    // A timeline that jumps back (camera restarted its clock) or far ahead would land outside
    // the playing range; re-anchor it at the current buffered end with timestampOffset.
    const last = this.lastTime.get(frag.trackId);
    if (last !== undefined && (frag.time < last - 0.5 || frag.time > last + 10)) item.resync = frag.time;
    this.lastTime.set(frag.trackId, frag.time);
    // With B-frames a frame arrives after frames shown later than it: the buffer must span that
    // lead too, or playback reaches the frame before it arrives.
    const newest = this.newestPts.get(frag.trackId);
    if (newest !== undefined && item.resync === null) this.reorderLead = Math.max(this.reorderLead, newest - frag.pts);
    if (newest === undefined || frag.pts > newest || item.resync !== null) this.newestPts.set(frag.trackId, frag.pts);
  }

  #applyMime(mime) {
    if (mime === this.mime && this.sb) return true;
    try {
      if (!this.sb) {
        this.sb = this.ms.addSourceBuffer(mime);
        this.sb.mode = 'segments'; // fragment timestamps (tfdt) place the frames, not arrival order
        this.queue.attach(this.sb);
      } else if (typeof this.sb.changeType === 'function' && trackCount(mime) === trackCount(this.mime)) {
        // Another codec string (new profile or level, another codec after a camera reconnect): the
        // SourceBuffer switches in place and the buffered range stays, so playback goes on.
        this.sb.changeType(mime);
      } else {
        // Another number of tracks (audio came or went), or no changeType (old browsers): a SourceBuffer
        // can't change its track set, so a fresh MediaSource; the new init segment is next in the queue.
        // The element's controller then seeks to the new data's live edge.
        console.info(`livemux-player: ${this.mime} -> ${mime}: new MediaSource`);
        this.mime = '';
        this.#detachMediaSource();
        this.#attachMediaSource();
        this.queue.unshift({ kind: 'mime', mime, bytes: null });
        return false;
      }
    } catch (err) {
      this.hooks.onFail(`cannot play ${mime}: ${err.message}`);
      return false;
    }
    this.mime = mime;
    return true;
  }
}
