// The live-edge controller: keeps `buffered.end - currentTime` near the target latency. Pure: every
// decision comes from the buffer state and times handed in; the element applies it to the <video>.
//
//   lag = newest buffered frame - playhead
//   starting (first STARTUP_WINDOW_MS): lag > target + 80 ms (+ audio pre-roll)  -> seek to live
//   later:                              lag > max-latency, stuck before a gap  -> seek to live
//   smoothed lag above the target band -> rate up to MAX_RATE; below it -> MIN_RATE; after a stall
//   -> REFILL_RATE until the buffer is back; a playhead stuck with data ahead -> watchdog seek

export const TICK_MS = 200;
const MAX_RATE = 1.25; // faster is visible; beyond this we jump instead
const MIN_RATE = 0.95; // gentle slow-down absorbs a camera clock slower than ours
const REFILL_RATE = 0.5; // after a stall, until the buffer is back at the target
export const STARTUP_WINDOW_MS = 1500; // while starting, any excess latency is removed by a seek
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
// Watchdog: a playhead that has not moved for STUCK_MS with more than STUCK_AHEAD_S buffered past it
// is stuck, whatever the element says (e.g. a seek Chrome never completes because one track has no
// data at its target, so `seeking` stays true and the controller, which waits for seeks, waits forever).
const STUCK_MS = 1500;
const STUCK_AHEAD_S = 0.5;
const DEFAULT_TARGET_MS = 100;
const DEFAULT_MAX_LATENCY_MS = 1500;

/**
 * Where the playhead is in `buffered` (a TimeRanges or {length, start(i), end(i)}): `lag` to the newest
 * frame, `ahead` playable without a gap, the last range's `start` and `end`, the next range's start.
 */
export function measure(buffered, now) {
  const b = buffered;
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

/**
 * The target latency in seconds before stalls add to it. `targetMs` is the attribute (0 or NaN: the
 * default), `fps` the measured frame rate, `reorderLead` the session's B-frame lead in seconds.
 */
export function targetLatency({ targetMs, fps, reorderLead = 0, hasAudio = false }) {
  const wanted = (targetMs > 0 ? targetMs : DEFAULT_TARGET_MS) / 1000;
  // Frames arrive one at a time, so the buffer must span a frame interval plus a margin for a late
  // frame (one more interval, at most 100 ms): 67 ms at 30 fps, 300 ms for a 5 fps camera. With
  // B-frames it also spans how far frames arrive behind the newest one shown, and the frame the
  // decoder holds back to put them in order (IBBP at 30 fps: 67 + 33 ms more).
  const lead = Math.min(reorderLead, 1);
  const reorder = lead > 0 && fps > 1 ? lead + 1 / fps : lead;
  const video = fps > 1 ? Math.max(wanted, 1 / fps + Math.min(1 / fps, 0.1)) : wanted;
  return (hasAudio ? Math.max(video, AUDIO_MIN_TARGET_S) : video) + reorder;
}

/** Seconds behind live before a hard jump: the attribute `maxMs`, but at least the target plus 0.3 s. */
export function maxLatency(maxMs, target) {
  return Math.max((maxMs > 0 ? maxMs : DEFAULT_MAX_LATENCY_MS) / 1000, target + 0.3);
}

/** The controller's state across ticks; one per element, kept across reconnects (the boost is learned). */
export class LiveEdgeController {
  lagAvg = null;
  boost = 0; // seconds added to the target after stalls
  startupUntil = 0; // while nowMs < this, excess latency is removed by a seek; 0: not started
  #refilling = false; // rebuilding the buffer after a stall
  #catchingUp = false;
  #slowing = false;
  #lastStall = 0;
  #lastTick = 0;
  #lastSeek = 0;
  #stuckTime = -1; // currentTime when the watchdog last saw it move
  #stuckSince = 0;

  /** A new connection: start-up again, and forget the smoothed lag of the old buffer. */
  reset() {
    this.startupUntil = 0;
    this.lagAvg = null;
  }

  /** Opens the start-up window (resume after a pause or a blocked autoplay: start at live). */
  startWindow(nowMs) {
    this.startupUntil = nowMs + STARTUP_WINDOW_MS;
  }

  /** Opens the start-up window at the first append of a connection. */
  startOnce(nowMs) {
    if (!this.startupUntil) this.startWindow(nowMs);
  }

  /** The target plus what recent stalls added. */
  effectiveTarget(base) {
    return base + this.boost;
  }

  /**
   * The element fired `waiting`. True if it is a stall (not a seek, not before the first frame).
   * A stall the server explained as a lost camera is no sign of jitter: when the camera is back, play
   * on at once, with the same target, instead of refilling slowly after every outage.
   */
  onWaiting({ nowMs, playedOnce, seeking, serverReconnecting, hasAudio }) {
    if (!playedOnce || seeking || nowMs - this.#lastSeek <= 500) return false;
    this.#lastStall = nowMs;
    if (!serverReconnecting) {
      // A stall while starting is the decoder catching up after the jump to live, not jitter
      // in the stream: raising the target for it would cost latency for the next half minute.
      if (nowMs > this.startupUntil + STARTUP_SETTLE_MS) this.boost = Math.min(STALL_BOOST_MAX_S, this.boost + STALL_BOOST_S);
      // With audio Chrome refills by itself: it plays on only once its pre-roll is queued again.
      this.#refilling = !hasAudio;
    }
    return true;
  }

  /** The page became visible: Chrome stops rendering MSE video in hidden tabs; show live, not the past. */
  onVisible(m, target, nowMs) {
    return m.end && m.lag > target + 0.05 ? this.#seek(Math.max(m.start, m.end - target), nowMs) : null;
  }

  /**
   * One tick. `s` holds the element's state: nowMs, buffered, currentTime, seeking, paused, readyState,
   * playing, userPaused, autoplayBlocked, visible, hasAudio, fixedRate, baseTarget and maxLatency (s),
   * shown (a frame is on screen). Returns null when nothing is buffered, else what to do:
   * {seek: time or null, rate: playbackRate or null (leave it), play, jumped, stuckMs and warning (the
   * watchdog acted), m (the measure)}.
   */
  tick(s) {
    const m = measure(s.buffered, s.currentTime);
    if (!m.end) return null;
    const nowMs = s.nowMs;
    const dt = this.#lastTick ? Math.min(1, (nowMs - this.#lastTick) / 1000) : 0;
    this.#lastTick = nowMs;
    if (this.boost > 0 && s.playing && nowMs - this.#lastStall > 10000) {
      this.boost = Math.max(0, this.boost - STALL_BOOST_DECAY_S * dt);
    }
    const target = this.effectiveTarget(s.baseTarget);
    this.lagAvg = this.lagAvg === null ? m.lag : this.lagAvg + (m.lag - this.lagAvg) * Math.min(1, dt / 0.5);
    const stuckMs = this.#watchdog(s, m, nowMs);
    if (stuckMs) {
      // The safety net under the controller: go to the live edge even while a seek is pending, since
      // a new seek replaces it, and ask to play.
      const seek = this.#seek(Math.max(m.start, m.end - target), nowMs);
      this.lagAvg = target;
      const warning = `playhead stuck at ${s.currentTime.toFixed(3)} s for ${Math.round(stuckMs)} ms with ${m.lag.toFixed(2)} s ` +
        `buffered (paused=${s.paused} seeking=${s.seeking} readyState=${s.readyState}); moving to the live edge`;
      return { seek, rate: null, play: s.paused, jumped: false, stuckMs, warning, m };
    }

    let seek = null;
    let jumped = false;
    if (!s.seeking && !s.userPaused) {
      const starting = nowMs < this.startupUntil;
      const preroll = s.hasAudio && !s.fixedRate ? AUDIO_PREROLL_S : 0; // fixed rate: seeks are all it has
      const jumpAt = starting ? target + 0.08 + preroll : s.maxLatency;
      // A gap ahead with nothing left before it (start-up, dropped chunks), a playhead past all
      // data, or too far behind: go to the live edge. Everything else is the rate's job.
      const stuckBeforeGap = m.nextStart !== null && m.ahead < 0.1;
      const pastData = !m.inRange && m.nextStart === null;
      // Past the data, going back to a last range shorter than the target replays a few ms and, with
      // audio, restarts Chrome's pre-roll. After a gap in the audio Chrome drops the video up to its
      // next keyframe, so that range stayed a few ms long and this seeked back to its start every tick
      // for up to a GOP (20 seeks in 1.8 s). Let it fill first; far behind still jumps at once.
      const landing = m.end - m.start >= target;
      if (!s.shown) {
        // Nothing shown yet: show the cached GOP's keyframe, which decodes at once, while the live
        // edge may need a whole GOP decoded first. Once it is on screen the lag check below
        // jumps to live, and the decoder catches up behind a picture instead of a black box.
        if (!m.inRange && m.start > s.currentTime) seek = this.#seek(m.start, nowMs);
      } else if (stuckBeforeGap || (pastData && landing) || m.lag > jumpAt) {
        seek = this.#seek(Math.max(m.start, m.end - target), nowMs);
        this.lagAvg = target;
        jumped = !starting;
      }
    }

    // Playback rate with hysteresis on the smoothed lag: 1.0 normally, up to MAX_RATE when
    // behind, MIN_RATE when the buffer runs thin.
    const lag = this.lagAvg;
    // The band is narrow on purpose: where the lag settles inside it is latency every viewer pays.
    if (this.#catchingUp) this.#catchingUp = lag > target + 0.01;
    else this.#catchingUp = lag > target + 0.04;
    // With audio the floor is hard (AUDIO_MIN_TARGET_S), so the band reaches less far below the target.
    if (this.#slowing) this.#slowing = lag < target - 0.01;
    else this.#slowing = lag < target - (s.hasAudio ? 0.015 : 0.03) && s.playing;
    // After a stall Chrome resumes on the first frame that arrives, and with one frame buffered it
    // stalls again at once. Play slowly until the buffer is back at the target: one stall, not a burst.
    if (this.#refilling) this.#refilling = m.lag < target;
    const rate = s.fixedRate
      ? 1
      : this.#refilling
        ? REFILL_RATE
        : this.#catchingUp
          ? Math.min(s.hasAudio ? AUDIO_MAX_RATE : MAX_RATE, Math.round((1 + lag - target) * 100) / 100) // proportional, in 1 % steps
          : this.#slowing ? MIN_RATE : 1;
    const play = s.paused && !s.userPaused && !s.autoplayBlocked && s.readyState >= 2;
    return { seek, rate, play, jumped, stuckMs: 0, m };
  }

  /**
   * With data buffered well past a playhead that has not moved for STUCK_MS (and nobody paused it):
   * how long it has been stuck, else 0.
   */
  #watchdog(s, m, nowMs) {
    const t = s.currentTime;
    const idle = s.userPaused || s.autoplayBlocked || !s.visible;
    if (t !== this.#stuckTime || idle || m.lag < STUCK_AHEAD_S) {
      this.#stuckTime = t;
      this.#stuckSince = nowMs;
      return 0;
    }
    const stuck = nowMs - this.#stuckSince;
    if (stuck < STUCK_MS) return 0;
    this.#stuckSince = nowMs; // next attempt, if this one does not help, after another STUCK_MS
    return stuck;
  }

  #seek(time, nowMs) {
    this.#lastSeek = nowMs;
    return time;
  }
}
