// <livemux-player src="NAME"> — plays one LiveMux stream live over WebSocket + Media Source Extensions.
//
// Wire protocol (go2rtc-compatible MSE over WebSocket, see /work/shared/design/ARCHITECTURE.md):
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
//
// Pipeline: socket -> bounded queue -> one coalesced appendBuffer per `updateend` -> SourceBuffer
// -> <video>, with a live-edge controller keeping `buffered.end - currentTime` near target-latency.
//
// True latency: each fragment's prft says when the server received the frame (server wall clock) and
// which presentation time it is. The time messages estimate the server clock minus ours (the sample
// with the lowest round trip wins). When requestVideoFrameCallback shows a frame:
//   total   = display time (our clock) + offset - server receive time
//   network = arrival of its fragment (our clock) + offset - server receive time
//   buffer  = total - network   (queue, SourceBuffer, decoder, compositor)

/** Codec strings we probe with isTypeSupported; the server picks from those the browser accepts. */
const CODEC_CANDIDATES = [
  'avc1.42E01E', 'avc1.42C01E', 'avc1.4D401F', 'avc1.4D4029', 'avc1.640029', 'avc1.640033', 'avc1.640C33',
  'hvc1.1.6.L153.B0', 'hev1.1.6.L153.B0', 'hvc1.2.4.L153.B0', 'hev1.2.4.L153.B0',
  'mp4a.40.2', 'mp4a.40.5', 'opus', 'flac',
];
const AUDIO_CODECS = new Set(['mp4a.40.2', 'mp4a.40.5', 'opus', 'flac']);

/**
 * Tunables shared by every player on the page (`LiveMuxPlayer.limits`); read on use, so a change
 * applies to running players too.
 */
const limits = {
  /** Socket data waiting for the SourceBuffer; beyond it, queued media is dropped to a keyframe. */
  maxQueueBytes: 8 * 1024 * 1024,
  /** Seconds kept behind currentTime; older data is removed from the SourceBuffer. */
  backBufferSeconds: 10,
};
const MAX_APPEND_BYTES = 2 * 1024 * 1024; // one coalesced appendBuffer
const TRIM_SLACK_S = 1; // trim only when this much extra piled up, so removes stay rare
const QUOTA_RETRIES = 3;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;
const MAX_RATE = 1.25; // faster is visible; beyond this we jump instead
const MIN_RATE = 0.95; // gentle slow-down absorbs a camera clock slower than ours
const REFILL_RATE = 0.5; // after a stall, until the buffer is back at the target
const STARTUP_WINDOW_MS = 1500; // while starting, any excess latency is removed by a seek
const STARTUP_SETTLE_MS = 1500; // after that, stalls still come from start-up, not from jitter
// With an audio track a seek is not instant: Chrome's audio renderer starts only once it has queued
// its pre-roll (0.1-0.2 s measured in headless Chromium), and the lag grows meanwhile. Seeking again
// for that lag restarts the pre-roll (a start-up of ten seeks in a row); the rate removes it instead.
const AUDIO_PREROLL_S = 0.25;
// Chrome's audio renderer runs dry with less than about 90 ms buffered ahead of the playhead (its
// output buffer plus a decoded block; measured in headless Chromium 156 at rate 1), where the video
// renderer plays on to the last frame. A dry audio renderer stalls the element until it has queued
// its ~200 ms pre-roll again: 0.3-0.4 s of latency at once, and the stall raises the target. So with
// audio the target never goes below this.
const AUDIO_MIN_TARGET_S = 0.13;
const AUDIO_MAX_RATE = 1.1; // with audio: catching up bends the pitch (see preservesPitch), gently
// Each stall adds this much to the target (the network is jitterier than the target allows), up to
// STALL_BOOST_MAX_S; it decays again by STALL_BOOST_DECAY_S per second after 10 s without stalls.
const STALL_BOOST_S = 0.05;
const STALL_BOOST_MAX_S = 0.1;
const STALL_BOOST_DECAY_S = 0.005;
const TICK_MS = 200;
// Watchdog: a playhead that has not moved for STUCK_MS with more than STUCK_AHEAD_S buffered past it
// is stuck, whatever the element says (e.g. a seek Chrome never completes because one track has no
// data at its target, so `seeking` stays true and the controller, which waits for seeks, waits forever).
const STUCK_MS = 1500;
const STUCK_AHEAD_S = 0.5;
const DEFAULT_TARGET_MS = 100;
const DEFAULT_MAX_LATENCY_MS = 1500;
const CLOCK_SYNC_MS = 2000; // one time request this often, after a burst at start
const CLOCK_BURST = 5; // requests in the first second: a usable offset before the first frame shows
const CLOCK_SAMPLES = 16; // the lowest round trip among the last this many wins
const FRAME_TIMES = 600; // prft entries kept per session: 20 s at 30 fps, more than any buffer we hold
const NTP_UNIX_S = 2208988800; // seconds from 1900 (NTP era 0) to 1970
const STATS_MS = 500; // overlay refresh

/** This machine's wall clock in Unix ms, from the monotonic clock (so a jump of Date.now() cannot skew a sample). */
const wallNow = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// ISO BMFF (ISO/IEC 14496-12) reading, only what the player needs: is a chunk an init segment,
// the timescale of each track, and the decode time and sync flag of a fragment's first sample.
//
//   init:      [ftyp][moov [trak [tkhd][mdia [mdhd][hdlr]...]]... [mvex [trex]...]]
//   fragment:  [moof [mfhd][traf [tfhd][tfdt][trun]]...][mdat]
// Corrupt input stops the walk; nothing here throws on bad bytes.

function fourcc(dv, at) {
  return String.fromCharCode(dv.getUint8(at), dv.getUint8(at + 1), dv.getUint8(at + 2), dv.getUint8(at + 3));
}

function* boxes(dv, start, end) {
  for (let p = start; p + 8 <= end;) {
    let size = dv.getUint32(p);
    let header = 8;
    if (size === 1) {
      if (p + 16 > end) return;
      size = Number(dv.getBigUint64(p + 8));
      header = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < header || p + size > end) return;
    yield { type: fourcc(dv, p + 4), body: p + header, end: p + size };
    p += size;
  }
}

function child(dv, box, type) {
  for (const b of boxes(dv, box.body, box.end)) if (b.type === type) return b;
  return null;
}

function isInitSegment(u8) {
  if (u8.byteLength < 8) return false;
  const t = String.fromCharCode(u8[4], u8[5], u8[6], u8[7]);
  return t === 'ftyp' || t === 'moov';
}

/** @returns {Map<number, {timescale:number, handler:string, defaultFlags:number, origin:number}>} */
function parseInit(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const tracks = new Map();
  const moov = [...boxes(dv, 0, dv.byteLength)].find((b) => b.type === 'moov');
  if (!moov) return tracks;
  const trex = new Map();
  const mvex = child(dv, moov, 'mvex');
  if (mvex) {
    for (const b of boxes(dv, mvex.body, mvex.end)) {
      if (b.type === 'trex' && b.body + 24 <= b.end) trex.set(dv.getUint32(b.body + 4), dv.getUint32(b.body + 20));
    }
  }
  for (const trak of boxes(dv, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(dv, trak, 'tkhd');
    const mdia = child(dv, trak, 'mdia');
    const mdhd = mdia && child(dv, mdia, 'mdhd');
    const hdlr = mdia && child(dv, mdia, 'hdlr');
    if (!tkhd || !mdhd || tkhd.body + 24 > tkhd.end || mdhd.body + 24 > mdhd.end) continue;
    const id = dv.getUint32(tkhd.body + (dv.getUint8(tkhd.body) === 1 ? 20 : 12));
    const timescale = dv.getUint32(mdhd.body + (dv.getUint8(mdhd.body) === 1 ? 20 : 12));
    const handler = hdlr && hdlr.body + 12 <= hdlr.end ? fourcc(dv, hdlr.body + 8) : '';
    tracks.set(id, { timescale, handler, defaultFlags: trex.get(id) ?? 0, origin: editOrigin(dv, trak) });
  }
  return tracks;
}

/**
 * Where the track's presentation starts: media_time of the first edit-list entry (LiveMux writes one
 * per viewer so its timeline starts at 0), in the track's timescale; 0 without an edit list.
 */
function editOrigin(dv, trak) {
  const edts = child(dv, trak, 'edts');
  const elst = edts && child(dv, edts, 'elst');
  if (!elst || elst.body + 8 > elst.end || dv.getUint32(elst.body + 4) < 1) return 0;
  const v1 = dv.getUint8(elst.body) === 1;
  const at = elst.body + 8 + (v1 ? 8 : 4); // after entry_count and segment_duration
  if (at + (v1 ? 8 : 4) > elst.end) return 0;
  const t = v1 ? Number(dv.getBigInt64(at)) : dv.getInt32(at);
  return t > 0 ? t : 0; // -1 is an empty edit
}

/**
 * The producer reference time before a fragment's moof (ISO/IEC 14496-12 8.16.5): the track it is
 * for, the server's wall clock in Unix ms and the presentation time (track timescale) it belongs to.
 */
function parsePrft(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  for (const b of boxes(dv, 0, dv.byteLength)) {
    if (b.type === 'moof') return null;
    if (b.type !== 'prft' || b.body + 20 > b.end) continue;
    const v1 = dv.getUint8(b.body) === 1;
    if (b.body + (v1 ? 24 : 20) > b.end) return null;
    const seconds = dv.getUint32(b.body + 8);
    const fraction = dv.getUint32(b.body + 12);
    const mediaTime = v1 ? Number(dv.getBigUint64(b.body + 16)) : dv.getUint32(b.body + 16);
    return { trackId: dv.getUint32(b.body + 4), serverMs: (seconds - NTP_UNIX_S) * 1000 + (fraction / 2 ** 32) * 1000, mediaTime };
  }
  return null;
}

/**
 * First traf of a moof: its track, decode time in seconds (null if unknown) and whether the
 * first sample of every video traf is a sync sample (null if the flags can't be found).
 */
function parseFragment(u8, tracks) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const moof = [...boxes(dv, 0, dv.byteLength)].find((b) => b.type === 'moof');
  if (!moof) return null;
  let first = null;
  let key = true;
  let keyKnown = false;
  for (const traf of boxes(dv, moof.body, moof.end)) {
    if (traf.type !== 'traf') continue;
    const tfhd = child(dv, traf, 'tfhd');
    if (!tfhd || tfhd.body + 8 > tfhd.end) continue;
    const tfhdFlags = dv.getUint32(tfhd.body) & 0xffffff;
    const trackId = dv.getUint32(tfhd.body + 4);
    const track = tracks.get(trackId);
    let flags = track?.defaultFlags ?? null;
    if (tfhdFlags & 0x20) {
      // Optional fields precede default_sample_flags: base offset 8, desc index 4, duration 4, size 4.
      let at = tfhd.body + 8;
      if (tfhdFlags & 0x01) at += 8;
      if (tfhdFlags & 0x02) at += 4;
      if (tfhdFlags & 0x08) at += 4;
      if (tfhdFlags & 0x10) at += 4;
      if (at + 4 <= tfhd.end) flags = dv.getUint32(at);
    }
    const trun = child(dv, traf, 'trun');
    let cto = 0;
    if (trun && trun.body + 8 <= trun.end) {
      const trunFlags = dv.getUint32(trun.body) & 0xffffff;
      if (trunFlags & 0x800) {
        // First sample's composition offset (B-frames): after data offset, first-sample flags, duration,
        // size and flags; signed in trun version 1.
        let c = trun.body + 8 + (trunFlags & 0x01 ? 4 : 0) + (trunFlags & 0x04 ? 4 : 0);
        c += (trunFlags & 0x100 ? 4 : 0) + (trunFlags & 0x200 ? 4 : 0) + (trunFlags & 0x400 ? 4 : 0);
        if (c + 4 <= trun.end) cto = dv.getUint8(trun.body) === 1 ? dv.getInt32(c) : dv.getUint32(c);
      }
      let at = trun.body + 8 + (trunFlags & 0x01 ? 4 : 0);
      if (trunFlags & 0x04) {
        if (at + 4 <= trun.end) flags = dv.getUint32(at);
      } else if (trunFlags & 0x400) {
        at += (trunFlags & 0x100 ? 4 : 0) + (trunFlags & 0x200 ? 4 : 0);
        if (at + 4 <= trun.end) flags = dv.getUint32(at);
      }
    }
    if (!track || track.handler === 'vide') {
      if (flags === null) key = null;
      else if (key !== null) key = key && (flags & 0x00010000) === 0; // sample_is_non_sync_sample
      keyKnown = true;
    }
    if (!first) {
      let time = null;
      const tfdt = child(dv, traf, 'tfdt');
      if (tfdt && track?.timescale && tfdt.body + 8 <= tfdt.end) {
        const v1 = dv.getUint8(tfdt.body) === 1;
        if (!v1 || tfdt.body + 12 <= tfdt.end) {
          const ticks = v1 ? Number(dv.getBigUint64(tfdt.body + 4)) : dv.getUint32(tfdt.body + 4);
          time = ticks / track.timescale;
        }
      }
      first = { trackId, time, pts: time === null ? null : time + cto / track.timescale };
    }
  }
  if (!first) return null;
  // A fragment with no video: a place to start only in a stream without video. With video, starting
  // (or resuming after a drop) at an audio frame would feed the decoder P-frames without their keyframe.
  const hasVideo = [...tracks.values()].some((t) => t.handler === 'vide');
  return { ...first, key: keyKnown ? key : !hasVideo };
}

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

function wsUrl(server, src, token) {
  // A `server` base may carry a path prefix (reverse proxy), so resolve relative to it; without
  // one the endpoint is /api/ws on this page's origin.
  const base = server ? new URL(server.endsWith('/') ? server : `${server}/`, location.href) : null;
  const url = base ? new URL('api/ws', base) : new URL('/api/ws', location.href);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams(token ? { src, token } : { src }).toString();
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// One connection: a WebSocket feeding one MediaSource. Thrown away whole on reconnect, so no
// stale state survives; every callback checks `closed` because events outlive close().

class Session {
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
    this.queue = []; // {kind:'data', bytes, init, key, resync} | {kind:'mime', mime}
    this.queuedBytes = 0;
    this.waitForKey = false; // after an overflow: drop media until an init segment or keyframe
    this.droppedChunks = 0;
    this.tracks = new Map();
    this.fixedRate = false; // playbackRate stays 1 (see the init segment handling)
    this.hasAudio = false; // the init segment has an audio track
    this.lastTime = new Map(); // trackId -> decode time (s) of the last fragment received
    this.newestPts = new Map(); // trackId -> latest presentation time (s) received
    this.reorderLead = 0; // s: how far behind the newest presentation time a frame has arrived
    this.quotaRetries = 0;
    this.lastTrim = 0;
    this.serverError = null;
    this.frameTimes = []; // ring of {t: stream seconds, serverMs, arrivalMs} from video prfts
    this.frameNext = 0;
    this.clockSamples = []; // {rtt, offset} in ms, newest last
    this.clockOffset = null; // server clock minus ours, ms, from the lowest-RTT sample
    this.clockTimer = 0;
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

  /** Stops everything this session started; the element reconnects with a new Session. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    clearTimeout(this.clockTimer);
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
    this.#detachMediaSource();
    this.queue = [];
    this.queuedBytes = 0;
  }

  /** Sends one time request, then schedules the next: a burst first, then every CLOCK_SYNC_MS. */
  #syncClock(sent) {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ type: 'time', value: wallNow() }));
    const next = sent + 1;
    this.clockTimer = setTimeout(() => this.#syncClock(next), next < CLOCK_BURST ? 200 : CLOCK_SYNC_MS);
  }

  #onTime(msg) {
    const sent = Number(msg.value);
    const server = Number(msg.server);
    const now = wallNow();
    if (!Number.isFinite(sent) || !Number.isFinite(server) || sent > now || now - sent > 10000) return;
    // NTP's estimate: the server read its clock halfway through the round trip. The error is at most
    // half the round trip, so the fastest exchange is the most trustworthy.
    this.clockSamples.push({ rtt: now - sent, offset: server - (sent + now) / 2 });
    if (this.clockSamples.length > CLOCK_SAMPLES) this.clockSamples.shift();
    this.clockOffset = this.clockSamples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
  }

  #recordFrameTime(bytes) {
    const prft = parsePrft(bytes);
    const track = prft && this.tracks.get(prft.trackId);
    if (!track || track.handler !== 'vide' || !track.timescale) return;
    const entry = { t: (prft.mediaTime - track.origin) / track.timescale, serverMs: prft.serverMs, arrivalMs: wallNow() };
    if (this.frameTimes.length < FRAME_TIMES) this.frameTimes.push(entry);
    else this.frameTimes[this.frameNext] = entry;
    this.frameNext = (this.frameNext + 1) % FRAME_TIMES;
  }

  /** The prft entry of the frame shown at element time `mediaTime` (null if unknown). */
  frameTime(mediaTime) {
    const t = mediaTime - (this.sb?.timestampOffset ?? 0);
    let best = null;
    for (const e of this.frameTimes) if (Math.abs(e.t - t) < 0.002 && (!best || Math.abs(e.t - t) < Math.abs(best.t - t))) best = e;
    return best;
  }

  #attachMediaSource() {
    const video = this.video;
    const managed = !!globalThis.ManagedMediaSource;
    const ms = managed ? new globalThis.ManagedMediaSource() : new MediaSource();
    this.ms = ms;
    this.sb = null;
    this.durationPending = true;
    this.objectUrl = null;
    this.keyTimes = []; // buffer times of appended keyframes: where a remove() may end cleanly
    this.retryAt = 0; // no append before this time (quota back-off)
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
    }
    if (managed) {
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

  #onMessage(data) {
    if (this.closed) return;
    if (typeof data === 'string') {
      let msg;
      try {
        msg = JSON.parse(data);
      } catch {
        console.warn('livemux-player: ignoring a text frame that is not JSON');
        return;
      }
      if (msg.type === 'mse' && typeof msg.value === 'string') {
        this.#enqueue({ kind: 'mime', mime: msg.value, bytes: null });
        this.hooks.onMime(msg.value);
      } else if (msg.type === 'error') {
        this.serverError = String(msg.value ?? 'server error');
        this.hooks.onServerError(this.serverError);
      } else if (msg.type === 'status') {
        this.hooks.onServerStatus(msg);
      } else if (msg.type === 'time') {
        this.#onTime(msg);
      }
      return; // unknown types are ignored on purpose: the protocol may grow
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
      if (frag && frag.time !== null) {
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
    }
    this.hooks.onData(bytes.byteLength, item.init);
    this.#enqueue(item);
  }

  #enqueue(item) {
    if (item.kind === 'data' && this.waitForKey) {
      if (!item.init && !item.key) {
        this.droppedChunks++;
        return;
      }
      this.waitForKey = false;
    }
    this.queue.push(item);
    if (item.bytes) this.queuedBytes += item.bytes.byteLength;
    if (this.queuedBytes > limits.maxQueueBytes) this.#shed();
    this.pump();
  }

  // Queue overflow: drop the oldest media up to a later init segment or keyframe, so the decoder
  // never sees a frame whose references were dropped. One pass: the earliest such boundary after
  // which the queue fits; with none, drop all media and wait for the next keyframe.
  #shed() {
    const q = this.queue;
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
        this.queuedBytes -= it.bytes.byteLength;
        this.droppedChunks++;
      }
    }
    this.queue = [...kept, ...q.slice(cut)];
    if (cut === q.length) this.waitForKey = true;
    console.warn(`livemux-player: append queue over ${limits.maxQueueBytes} bytes, dropped ${before.length - kept.length} chunks to the next keyframe`);
  }

  /** Feeds the SourceBuffer: one operation at a time, never while `updating`. */
  pump() {
    if (this.closed || this.ms.readyState !== 'open') return;
    while (!this.sb?.updating) {
      if (this.durationPending) {
        // Live: also switches Chrome's renderer to low-delay mode. readyState is 'open' before the
        // sourceopen event runs, so an append can already be in flight there; setting the duration
        // during an append throws, hence here.
        this.ms.duration = Infinity;
        this.durationPending = false;
      }
      const sb = this.sb;
      if (this.#trimBackBuffer()) return; // its updateend pumps again
      const head = this.queue[0];
      if (!head) return;
      if (head.kind === 'mime') {
        this.queue.shift();
        if (!this.#applyMime(head.mime)) return;
        continue;
      }
      if (!sb) return; // media before the mime: wait for it (the queue is bounded)
      if (performance.now() < this.retryAt) return;
      if (!this.streaming && !head.init) return; // ManagedMediaSource asked for no more media now
      if (head.resync !== null) {
        const b = sb.buffered;
        if (b.length) sb.timestampOffset = b.end(b.length - 1) - head.resync;
        head.resync = null;
      }
      this.#appendCoalesced(sb);
      return;
    }
  }

  #applyMime(mime) {
    if (mime === this.mime && this.sb) return true;
    try {
      if (!this.sb) {
        this.sb = this.ms.addSourceBuffer(mime);
        this.sb.mode = 'segments'; // fragment timestamps (tfdt) place the frames, not arrival order
        this.sb.onupdateend = () => {
          if (this.closed) return;
          this.pump();
          this.hooks.onAppended();
        };
        this.sb.onerror = () => this.hooks.onFail('SourceBuffer append error');
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

  #appendCoalesced(sb) {
    // Coalesce queued chunks up to a resync point (needs its own timestampOffset) or a mime change.
    let count = 0;
    let size = 0;
    for (const it of this.queue) {
      if (it.kind !== 'data' || (count > 0 && it.resync !== null)) break;
      if (count > 0 && size + it.bytes.byteLength > MAX_APPEND_BYTES) break;
      size += it.bytes.byteLength;
      count++;
    }
    let chunk = this.queue[0].bytes;
    if (count > 1) {
      chunk = new Uint8Array(size);
      let at = 0;
      for (let i = 0; i < count; i++) {
        chunk.set(this.queue[i].bytes, at);
        at += this.queue[i].bytes.byteLength;
      }
    }
    try {
      sb.appendBuffer(chunk);
    } catch (err) {
      if (err.name === 'QuotaExceededError' && this.quotaRetries < QUOTA_RETRIES) {
        // Keep the chunk queued; evict, and the remove's updateend retries this very append.
        this.quotaRetries++;
        this.#evictForQuota(sb);
        return;
      }
      this.hooks.onFail(`append failed: ${err.name}: ${err.message}`);
      return;
    }
    this.quotaRetries = 0;
    for (let i = 0; i < count; i++) {
      const it = this.queue[i];
      if (it.key && !it.init && it.time !== null) this.keyTimes.push(it.time + sb.timestampOffset);
    }
    if (this.keyTimes.length > 10000) this.keyTimes.splice(0, 5000); // only with trimming broken
    this.queue.splice(0, count);
    this.queuedBytes -= size;
  }

  // remove() also drops every frame up to the next keyframe after its end (they depend on what was
  // removed), so removals end on a keyframe we know of; otherwise a long GOP could take the frame
  // under the playhead with it.
  #keyAtOrBefore(time) {
    for (let i = this.keyTimes.length - 1; i >= 0; i--) if (this.keyTimes[i] <= time) return this.keyTimes[i];
    return null;
  }

  #removeUntil(sb, until) {
    const start = sb.buffered.start(0);
    if (until <= start + 0.001) return false;
    this.keyTimes = this.keyTimes.filter((k) => k >= until);
    sb.remove(start, until);
    return true;
  }

  #evictForQuota(sb) {
    const b = sb.buffered;
    if (!b.length) {
      this.hooks.onFail('QuotaExceededError with an empty buffer');
      return;
    }
    // First retry: everything before the playhead's GOP. Later (or when that frees nothing): all
    // but the newest GOP, even ahead of the playhead (a hidden tab can pile up unplayed seconds).
    const start = b.start(0);
    let until = this.#keyAtOrBefore(this.video.currentTime);
    if (this.quotaRetries > 1 || until === null || until <= start + 0.001) {
      until = this.keyTimes.at(-1) ?? null;
      if (until !== null && until > this.video.currentTime) {
        this.video.currentTime = Math.max(until, b.end(b.length - 1) - 0.1);
      }
    }
    if (until !== null && this.#removeUntil(sb, until)) {
      console.warn(`livemux-player: QuotaExceededError, evicted ${start.toFixed(2)}-${until.toFixed(2)} s`);
      return;
    }
    console.warn('livemux-player: QuotaExceededError, nothing to evict, retrying');
    // Nothing left to evict but the playing GOP: the browser may still be freeing what went
    // before, so retry a little later (still bounded by QUOTA_RETRIES).
    this.retryAt = performance.now() + 250;
    setTimeout(() => this.pump(), 260);
  }

  /** Starts a remove() of old data at most once a second; true if it did. */
  #trimBackBuffer() {
    const sb = this.sb;
    if (!sb || sb.updating || performance.now() - this.lastTrim < 1000) return false;
    this.lastTrim = performance.now();
    const b = sb.buffered;
    if (!b.length) return false;
    const behind = this.video.currentTime - limits.backBufferSeconds;
    // Without parsed keyframe times (unusual muxers), fall back to the time itself.
    const until = this.keyTimes.length ? this.#keyAtOrBefore(behind) : behind;
    return until !== null && b.start(0) < until - TRIM_SLACK_S && this.#removeUntil(sb, until);
  }
}

// ---------------------------------------------------------------------------------------------

const STYLE = `
:host { display: block; position: relative; background: #000; overflow: hidden; aspect-ratio: 16 / 9; }
video { display: block; width: 100%; height: 100%; object-fit: contain; background: #000; }
.status { position: absolute; left: 6px; bottom: 6px; max-width: calc(100% - 12px); padding: 2px 6px;
  border-radius: 3px; background: rgba(0,0,0,.6); color: #ddd; pointer-events: none;
  font: 11px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
:host([controls]) .status { bottom: 48px; }
.status[data-status="playing"] { color: #8f8; }
.status[data-status="reconnecting"], .status[data-status="buffering"] { color: #fd6; }
.status[data-status="error"] { color: #f88; }
.stats { position: absolute; left: 6px; top: 6px; margin: 0; padding: 4px 8px; border-radius: 4px;
  background: rgba(0,0,0,.75); color: #fff; pointer-events: none; max-width: calc(100% - 12px);
  font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.stats[hidden] { display: none; }
.stats dt { color: #bbb; }
.stats dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 480px) { .stats { font-size: 11px; padding: 3px 6px; } }
`;

/** Overlay rows: label and how to show the value from `stats`. */
const OVERLAY = [
  ['total', 'total latency', (s) => ms(s.latency.total)],
  ['network', 'network', (s) => ms(s.latency.network)],
  ['buffer', 'buffer', (s) => ms(s.latency.buffer)],
  ['fps', 'fps', (s) => s.fps.toFixed(1)],
  ['bitrate', 'bitrate', (s) => (s.bitrate >= 1e6 ? `${(s.bitrate / 1e6).toFixed(2)} Mbit/s` : `${Math.round(s.bitrate / 1e3)} kbit/s`)],
  ['dropped', 'dropped frames', (s) => String(s.droppedFrames)],
  ['stalls', 'stalls', (s) => String(s.stalls)],
];

const ms = (v) => (v === null ? '-' : `${Math.round(v)} ms`);

/**
 * `<livemux-player src="NAME">` plays one LiveMux stream at the live edge.
 *
 * Attributes: `src` (stream name), `server` (base URL, default this page's origin), `token` (a viewer
 * token from POST /api/tokens, when the server requires them), `muted`
 * (muted unless `muted="false"`, so autoplay works), `controls`, `target-latency` (ms of buffer to
 * hold, default 100, and never less than two frame intervals, nor 130 with audio), `max-latency` (ms behind live before a hard jump, default 1500),
 * `stats` (shows an overlay with the true latency, fps, bitrate, dropped frames and stalls).
 *
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
  #startupUntil = 0;
  #lagAvg = null;
  #lastSeek = 0;
  #boost = 0; // seconds added to the target after stalls
  #refilling = false; // rebuilding the buffer after a stall
  #lastStall = 0;
  #lastTick = 0;
  #catchingUp = false;
  #slowing = false;
  #frameLog = []; // [performance.now(), presented frame count]
  #rvfcPending = false;
  #counters = { bytes: 0, stalls: 0, reconnects: 0, jumps: 0, droppedChunks: 0, recoveries: 0 };
  #stuckTime = -1; // currentTime when the watchdog last saw it move
  #stuckSince = 0;
  #firstFrameTime = null;
  #startupMs = null;
  #onVisibility = () => this.#visibilityChanged();
  #latency = { network: null, buffer: null, total: null }; // ms, of the last frame shown with a known prft
  #shownFrame = null; // {serverMs, offset, at: performance.now()} of that frame
  #byteLog = []; // [performance.now(), bytes received so far], for the bitrate
  #overlay;
  #overlayValues = [];
  #overlayTimer = 0;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><video part="video"></video><div class="status" part="status"></div>` +
      '<dl class="stats" part="stats" role="group" aria-label="Playback statistics" hidden></dl>';
    this.#video = root.querySelector('video');
    this.#statusEl = root.querySelector('.status');
    this.#overlay = root.querySelector('.stats');
    for (const [key, label] of OVERLAY) {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.dataset.stat = key;
      dd.textContent = '-';
      this.#overlay.append(dt, dd);
      this.#overlayValues.push(dd);
    }
    const v = this.#video;
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
      if (this.#playedOnce && !v.seeking && performance.now() - this.#lastSeek > 500) {
        this.#counters.stalls++;
        this.#lastStall = performance.now();
        // A stall the server explained as a lost camera is no sign of jitter: when the camera is back,
        // play on at once, with the same target, instead of refilling slowly after every outage.
        if (this.#serverReconnecting === null) {
          // A stall while starting is the decoder catching up after the jump to live, not jitter
          // in the stream: raising the target for it would cost latency for the next half minute.
          if (performance.now() > this.#startupUntil + STARTUP_SETTLE_MS) {
            this.#boost = Math.min(STALL_BOOST_MAX_S, this.#boost + STALL_BOOST_S);
          }
          // With audio Chrome refills by itself: it plays on only once its pre-roll is queued again.
          this.#refilling = !this.#session?.hasAudio;
        }
      }
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
      if (this.#userPaused) this.#startupUntil = performance.now() + STARTUP_WINDOW_MS; // resume at live
      this.#userPaused = false;
    });
    v.addEventListener('error', () => {
      if (this.#session && v.error) this.#fail(`media error ${v.error.code}: ${v.error.message || 'decode failed'}`);
    });
    this.addEventListener('click', () => {
      if (!this.#autoplayBlocked) return;
      this.#autoplayBlocked = false;
      this.#startupUntil = performance.now() + STARTUP_WINDOW_MS; // start at live, not where it stopped
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
   * Playback figures, cheap enough to read several times per second.
   * @returns {{status:string, reason:string, latency:number, buffer:number, fps:number,
   *   framesDecoded:number, framesDropped:number, bytes:number, stalls:number, codec:string,
   *   playbackRate:number, reconnects:number, jumps:number, droppedChunks:number,
   *   firstFrameTime:(number|null), startupMs:(number|null), target:number, recoveries:number,
   *   latency:{network:(number|null), buffer:(number|null), total:(number|null)}, clockOffset:(number|null),
   *   bitrate:number, droppedFrames:number, lag:number}}
   * `latency` is true latency in ms (see the top of this file), null until the first frame with a
   * server time is shown and the clock offset is known; `lag` is only the buffer depth, in seconds.
   */
  get stats() {
    const v = this.#video;
    const q = v.getVideoPlaybackQuality?.();
    const { lag, ahead } = this.#measure();
    return {
      status: this.#status,
      reason: this.#reason,
      latency: this.#currentLatency(), // ms: server receive -> network -> buffer -> on screen
      clockOffset: this.#session?.clockOffset ?? null, // ms: server clock minus ours
      lag: lag, // seconds of buffer between the playhead and the newest frame
      buffer: ahead, // seconds playable from the playhead without a gap
      fps: this.#fps(),
      bitrate: this.#bitrate(), // bit/s received, over the last 2 s
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
      firstFrameTime: this.#firstFrameTime, // performance.now() of the first frame shown
      startupMs: this.#startupMs, // connect -> first frame shown, for the current connection
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
    clearInterval(this.#overlayTimer);
    this.#overlayTimer = 0;
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
    const on = this.hasAttribute('stats') && this.getAttribute('stats') !== 'false';
    this.#overlay.hidden = !on;
    clearInterval(this.#overlayTimer);
    this.#overlayTimer = on ? setInterval(() => this.#renderOverlay(), STATS_MS) : 0;
    if (on) this.#renderOverlay();
  }

  #renderOverlay() {
    const s = this.stats;
    OVERLAY.forEach(([, , fmt], i) => {
      const text = fmt(s);
      if (this.#overlayValues[i].textContent !== text) this.#overlayValues[i].textContent = text;
    });
  }

  #applyMediaAttributes() {
    this.#video.muted = this.getAttribute('muted') !== 'false';
    this.#video.controls = this.hasAttribute('controls');
  }

  /** The configured target plus what recent stalls added. */
  #effectiveTarget() {
    return this.#targetLatency() + this.#boost;
  }

  #targetLatency() {
    const ms = Number(this.getAttribute('target-latency'));
    const wanted = (ms > 0 ? ms : DEFAULT_TARGET_MS) / 1000;
    // Frames arrive one at a time, so the buffer must span a frame interval plus a margin for a late
    // frame (one more interval, at most 100 ms): 67 ms at 30 fps, 300 ms for a 5 fps camera. With
    // B-frames it also spans how far frames arrive behind the newest one shown, and the frame the
    // decoder holds back to put them in order (IBBP at 30 fps: 67 + 33 ms more).
    const fps = this.#fps();
    const lead = Math.min(this.#session?.reorderLead ?? 0, 1);
    const reorder = lead > 0 && fps > 1 ? lead + 1 / fps : lead;
    const video = fps > 1 ? Math.max(wanted, 1 / fps + Math.min(1 / fps, 0.1)) : wanted;
    return (this.#session?.hasAudio ? Math.max(video, AUDIO_MIN_TARGET_S) : video) + reorder;
  }

  #maxLatency() {
    const ms = Number(this.getAttribute('max-latency'));
    return Math.max((ms > 0 ? ms : DEFAULT_MAX_LATENCY_MS) / 1000, this.#targetLatency() + 0.3);
  }

  // --- connection -----------------------------------------------------------------------------

  #open() {
    this.#closeSession();
    this.#retryTimer = 0;
    const src = this.getAttribute('src');
    if (!src) {
      this.#error = 'no src attribute';
      this.#updateStatus();
      return;
    }
    if (!globalThis.MediaSource && !globalThis.ManagedMediaSource) {
      this.#error = 'this browser has no Media Source Extensions';
      this.#updateStatus();
      return;
    }
    this.#sessionStart = performance.now();
    this.#startupUntil = 0;
    this.#startupMs = null;
    this.#lagAvg = null;
    this.#playing = false;
    this.#userPaused = false;
    this.#serverReconnecting = null;
    let url;
    try {
      url = wsUrl(this.getAttribute('server'), src, this.getAttribute('token'));
    } catch {
      this.#error = `bad server attribute: ${this.getAttribute('server')}`;
      this.#updateStatus();
      return;
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
        this.#logBytes();
        if (this.#error || this.#serverReconnecting !== null) {
          this.#error = null;
          this.#serverReconnecting = null;
          this.#updateStatus();
        }
      },
      onAppended: () => {
        this.#attempt = 0; // media flows: the next outage starts its backoff from the bottom
        if (!this.#startupUntil) this.#startupUntil = performance.now() + STARTUP_WINDOW_MS;
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
    this.#watchFrames();
    this.#updateStatus();
  }

  #closeSession() {
    if (!this.#session) return;
    this.#counters.droppedChunks += this.#session.droppedChunks;
    this.#session.close();
    this.#session = null;
    this.#playing = false;
    this.#frameLog = [];
    this.#latency = { network: null, buffer: null, total: null };
    this.#shownFrame = null;
  }

  #fail(reason) {
    console.error(`livemux-player: ${reason}`);
    this.#error = reason;
    this.#scheduleReconnect(reason);
  }

  #scheduleReconnect(reason) {
    this.#closeSession();
    if (!this.#connected) return;
    // 0.5 s doubling to 10 s, +-25 % jitter so many players don't reconnect in lockstep.
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#attempt);
    const delay = base * (0.75 + Math.random() * 0.5);
    this.#attempt++;
    this.#counters.reconnects++;
    this.#retryReason = reason;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#open(), delay);
    this.#updateStatus();
  }

  // --- status ---------------------------------------------------------------------------------

  #updateStatus() {
    let status;
    let reason = '';
    const v = this.#video;
    if (this.#error) [status, reason] = ['error', this.#error];
    else if (this.#retryTimer) [status, reason] = ['reconnecting', this.#retryReason];
    else if (this.#serverReconnecting !== null) [status, reason] = ['reconnecting', this.#serverReconnecting];
    else if (!this.#session || !this.#session.mime) status = 'connecting';
    else if (this.#playing && !v.paused) status = 'playing';
    else if (this.#autoplayBlocked) [status, reason] = ['paused', 'click to play'];
    else if (v.paused && this.#playedOnce && this.#userPaused) status = 'paused';
    else status = 'buffering';
    if (status === this.#status && reason === this.#reason) return;
    this.#status = status;
    this.#reason = reason;
    this.#statusEl.dataset.status = status;
    this.#statusEl.textContent = reason ? `${status}: ${reason}` : status;
    this.dispatchEvent(new CustomEvent('statuschange', { detail: { status, reason } }));
  }

  // --- live-edge controller -------------------------------------------------------------------

  #measure() {
    const v = this.#video;
    const b = v.buffered;
    const now = v.currentTime;
    if (!b.length) return { lag: 0, ahead: 0, end: 0, start: 0, nextStart: null, inRange: false };
    let ahead = 0;
    let inRange = false;
    let nextStart = null;
    for (let i = 0; i < b.length; i++) {
      if (now >= b.start(i) - 0.01 && now <= b.end(i) + 0.01) {
        inRange = true;
        ahead = Math.max(0, b.end(i) - now);
      } else if (b.start(i) > now && nextStart === null) {
        nextStart = b.start(i);
      }
    }
    const end = b.end(b.length - 1);
    return { lag: Math.max(0, end - now), ahead, end, start: b.start(b.length - 1), nextStart, inRange };
  }

  #tick() {
    const v = this.#video;
    const session = this.#session;
    if (!session || !session.sb || v.readyState === 0) return;
    session.pump(); // drains anything waiting on a quiet socket (e.g. a pending trim)
    const m = this.#measure();
    if (!m.end) return;
    const nowMs = performance.now();
    const dt = this.#lastTick ? Math.min(1, (nowMs - this.#lastTick) / 1000) : 0;
    this.#lastTick = nowMs;
    if (this.#boost > 0 && this.#playing && nowMs - this.#lastStall > 10000) {
      this.#boost = Math.max(0, this.#boost - STALL_BOOST_DECAY_S * dt);
    }
    const target = this.#effectiveTarget();
    this.#lagAvg = this.#lagAvg === null ? m.lag : this.#lagAvg + (m.lag - this.#lagAvg) * Math.min(1, dt / 0.5);
    if (this.#watchdog(m, nowMs, target)) return;

    if (!v.seeking && !this.#userPaused) {
      const starting = nowMs < this.#startupUntil;
      const preroll = session.hasAudio && !session.fixedRate ? AUDIO_PREROLL_S : 0; // fixed rate: seeks are all it has
      const jumpAt = starting ? target + 0.08 + preroll : this.#maxLatency();
      // A gap ahead with nothing left before it (start-up, dropped chunks), a playhead past all
      // data, or too far behind: go to the live edge. Everything else is the rate's job.
      const stuckBeforeGap = m.nextStart !== null && m.ahead < 0.1;
      const pastData = !m.inRange && m.nextStart === null;
      // Past the data, going back to a last range shorter than the target replays a few ms and, with
      // audio, restarts Chrome's pre-roll. After a gap in the audio Chrome drops the video up to its
      // next keyframe, so that range stayed a few ms long and this seeked back to its start every tick
      // for up to a GOP (20 seeks in 1.8 s). Let it fill first; far behind still jumps at once.
      const landing = m.end - m.start >= target;
      if (this.#startupMs === null) {
        // Nothing shown yet: show the cached GOP's keyframe, which decodes at once, while the live
        // edge may need a whole GOP decoded first. Once it is on screen the lag check below
        // jumps to live, and the decoder catches up behind a picture instead of a black box.
        if (!m.inRange && m.start > v.currentTime) this.#seek(m.start);
      } else if (stuckBeforeGap || (pastData && landing) || m.lag > jumpAt) {
        this.#seek(Math.max(m.start, m.end - target));
        this.#lagAvg = target;
        if (!starting) this.#counters.jumps++;
      }
    }

    // Playback rate with hysteresis on the smoothed lag: 1.0 normally, up to MAX_RATE when
    // behind, MIN_RATE when the buffer runs thin.
    const lag = this.#lagAvg;
    // The band is narrow on purpose: where the lag settles inside it is latency every viewer pays.
    if (this.#catchingUp) this.#catchingUp = lag > target + 0.01;
    else this.#catchingUp = lag > target + 0.04;
    // With audio the floor is hard (AUDIO_MIN_TARGET_S), so the band reaches less far below the target.
    if (this.#slowing) this.#slowing = lag < target - 0.01;
    else this.#slowing = lag < target - (session.hasAudio ? 0.015 : 0.03) && this.#playing;
    // After a stall Chrome resumes on the first frame that arrives, and with one frame buffered it
    // stalls again at once. Play slowly until the buffer is back at the target: one stall, not a burst.
    if (this.#refilling) this.#refilling = m.lag < target;
    const rate = session.fixedRate
      ? 1
      : this.#refilling
        ? REFILL_RATE
        : this.#catchingUp
          ? Math.min(session.hasAudio ? AUDIO_MAX_RATE : MAX_RATE, Math.round((1 + lag - target) * 100) / 100) // proportional, in 1 % steps
          : this.#slowing ? MIN_RATE : 1;
    if (v.playbackRate !== rate) v.playbackRate = rate; // load() resets it, so compare with the element

    if (v.paused && !this.#userPaused && !this.#autoplayBlocked && v.readyState >= 2) {
      v.play().catch((err) => {
        // Unmuted autoplay without a user gesture: wait for a click instead of retrying forever.
        if (err.name === 'NotAllowedError') {
          this.#autoplayBlocked = true;
          this.#updateStatus();
        }
      });
    }
    if (!this.#rvfcPending) this.#watchFrames();
    if (!('requestVideoFrameCallback' in v)) this.#logFrames(presentedFrames(v));
    this.#updateStatus();
  }

  /**
   * The safety net under the controller: with data buffered well past a playhead that has not moved
   * for STUCK_MS (and nobody paused it), go to the live edge even while a seek is pending, since a new
   * seek replaces it, and ask to play. True if it acted.
   */
  #watchdog(m, nowMs, target) {
    const v = this.#video;
    const t = v.currentTime;
    const idle = this.#userPaused || this.#autoplayBlocked || document.visibilityState !== 'visible';
    if (t !== this.#stuckTime || idle || m.lag < STUCK_AHEAD_S) {
      this.#stuckTime = t;
      this.#stuckSince = nowMs;
      return false;
    }
    if (nowMs - this.#stuckSince < STUCK_MS) return false;
    this.#counters.recoveries++;
    console.warn(`livemux-player: playhead stuck at ${t.toFixed(3)} s for ${Math.round(nowMs - this.#stuckSince)} ms ` +
      `with ${m.lag.toFixed(2)} s buffered (paused=${v.paused} seeking=${v.seeking} readyState=${v.readyState}); ` +
      'moving to the live edge');
    this.#stuckSince = nowMs; // next attempt, if this one does not help, after another STUCK_MS
    this.#seek(Math.max(m.start, m.end - target));
    this.#lagAvg = target;
    if (v.paused) v.play().catch(() => {});
    return true;
  }

  #visibilityChanged() {
    // Chrome stops rendering MSE video in hidden tabs; coming back, show live, not the past.
    if (document.visibilityState !== 'visible' || !this.#session) return;
    const m = this.#measure();
    const target = this.#effectiveTarget();
    if (m.end && m.lag > target + 0.05) this.#seek(Math.max(m.start, m.end - target));
  }

  #seek(time) {
    this.#lastSeek = performance.now();
    this.#video.currentTime = time;
  }

  // --- frame statistics -----------------------------------------------------------------------

  #watchFrames() {
    const v = this.#video;
    if (this.#rvfcPending || !('requestVideoFrameCallback' in v)) return;
    this.#rvfcPending = true;
    v.requestVideoFrameCallback((now, meta) => {
      this.#rvfcPending = false;
      if (!this.#connected) return;
      if (this.#startupMs === null && this.#session) {
        this.#firstFrameTime ??= now;
        this.#startupMs = now - this.#sessionStart;
      }
      this.#logFrames(meta.presentedFrames);
      this.#measureLatency(meta);
      this.#watchFrames();
    });
  }

  /** True latency of the frame just shown, from its fragment's prft and the clock offset. */
  #measureLatency(meta) {
    const session = this.#session;
    const offset = session?.clockOffset;
    const frame = offset === null || offset === undefined ? null : session.frameTime(meta.mediaTime);
    if (!frame) return;
    const shown = performance.timeOrigin + (meta.expectedDisplayTime ?? meta.presentationTime);
    const total = shown + offset - frame.serverMs;
    const network = frame.arrivalMs + offset - frame.serverMs;
    this.#latency = { network, buffer: total - network, total };
    this.#shownFrame = { serverMs: frame.serverMs, offset, at: performance.now() };
  }

  /**
   * The latency of what is on screen now: the last measured frame's, or, when no new frame has been
   * shown for a while (a stall, a frozen decoder), that frame's age, which keeps growing.
   */
  #currentLatency() {
    const f = this.#shownFrame;
    const fps = this.#fps();
    const quiet = Math.max(500, fps > 0 ? 3000 / fps : 0); // three frame intervals: a slow camera is not a stall
    if (!f || performance.now() - f.at < quiet) return { ...this.#latency };
    const total = wallNow() + f.offset - f.serverMs;
    return { network: this.#latency.network, buffer: total - this.#latency.network, total };
  }

  #logBytes() {
    const now = performance.now();
    const log = this.#byteLog;
    log.push([now, this.#counters.bytes]);
    while (log.length > 2 && now - log[1][0] > 2000) log.shift();
  }

  #bitrate() {
    const log = this.#byteLog;
    if (log.length < 2 || performance.now() - log[log.length - 1][0] > 2000) return 0;
    const [t0, b0] = log[0];
    const [t1, b1] = log[log.length - 1];
    return t1 - t0 >= 200 ? ((b1 - b0) * 8000) / (t1 - t0) : 0;
  }

  #logFrames(count) {
    const now = performance.now();
    const log = this.#frameLog;
    if (log.length && count < log[log.length - 1][1]) log.length = 0; // counter reset by a new source
    log.push([now, count]);
    while (log.length > 2 && now - log[1][0] > 1000) log.shift();
  }

  #fps() {
    const log = this.#frameLog;
    if (log.length < 2 || performance.now() - log[log.length - 1][0] > 1000) return 0; // frames stopped
    const [t0, n0] = log[0];
    const [t1, n1] = log[log.length - 1];
    return t1 - t0 >= 200 ? ((n1 - n0) * 1000) / (t1 - t0) : 0;
  }
}

/** Frames shown so far, for browsers without requestVideoFrameCallback. */
function presentedFrames(v) {
  const quality = v.getVideoPlaybackQuality?.();
  return quality ? quality.totalVideoFrames - quality.droppedVideoFrames : 0;
}

if (!customElements.get('livemux-player')) customElements.define('livemux-player', LiveMuxPlayer);
