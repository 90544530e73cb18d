// Glass-to-glass latency probe, injected into any page that shows a <video> (also inside shadow
// roots) before the page's own scripts run. It reads the clock barcode that
// tests/tools/rtsp_camera.py --clock writes into every frame (see that file's docstring):
//
//   rows  0..15: [1][0] payload bits  0..27 [0][1]   cells of 16x16 px, 1 = white, 0 = black
//   rows 16..31: [1][0] payload bits 28..55 [0][1]   payload = 48-bit epoch ms + XOR-of-bytes check
//
// For every presented frame (requestVideoFrameCallback) it records
//   latency = (performance.timeOrigin + metadata.presentationTime) - encoded epoch ms
// and exposes window.__latency = { samples, firstFrameMs, stalls, decodeErrors, checks, lag, mark(),
// audioDecodedBytes() }; lag holds { t, lag: buffered.end - currentTime (s), rate, paused, seeking,
// readyState } every 200 ms.
// Config (optional, set before this runs): window.__latencyConfig = { fps: 30 }.
(() => {
  if (window.__latency) return;
  const config = Object.assign({ fps: 30 }, window.__latencyConfig || {});
  const CELL = 16, CELLS = 32;
  const navStart = performance.timeOrigin; // navigation start of this document
  const state = {
    samples: [],      // { t: ms since navigation start at presentation, latency, epochMs, mediaTime }
    firstFrameMs: null,
    stalls: [],       // { t, kind: 'waiting' | 'gap', ms }
    decodeErrors: 0,
    frames: 0,
    checks: [],       // first decoded values vs Date.now() at callback time, to validate the decoder
    markT: null,
    lag: [],
    audioDecodedBytes() { const v = findVideo(); return v ? (v.webkitAudioDecodedByteCount ?? null) : null; },
    mark() { this.markT = performance.now(); return this.markT; },
  };
  window.__latency = state;

  // Shadow roots may be closed; remember every one so the video can be found inside a custom element.
  const roots = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  };

  function findVideo() {
    const v = document.querySelector('video');
    if (v) return v;
    for (const r of roots) {
      const inner = r.querySelector('video');
      if (inner) return inner;
    }
    return null;
  }

  const canvas = document.createElement('canvas');
  canvas.width = CELL * CELLS;
  canvas.height = 2 * CELL;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  // Returns the epoch ms in the frame, or null when guards or check byte do not match.
  function decode(video) {
    if (video.videoWidth < CELL * CELLS || video.videoHeight < 2 * CELL) return null;
    ctx.drawImage(video, 0, 0, CELL * CELLS, 2 * CELL, 0, 0, CELL * CELLS, 2 * CELL);
    const img = ctx.getImageData(0, 0, CELL * CELLS, 2 * CELL).data;
    const bits = [];
    for (let band = 0; band < 2; band++) {
      const cells = [];
      for (let c = 0; c < CELLS; c++) {
        let sum = 0, n = 0;
        for (let y = band * CELL + 4; y < band * CELL + 12; y++) {
          for (let x = c * CELL + 4; x < c * CELL + 12; x++) {
            const i = (y * CELL * CELLS + x) * 4;
            sum += 0.299 * img[i] + 0.587 * img[i + 1] + 0.114 * img[i + 2];
            n++;
          }
        }
        cells.push(sum / n >= 128 ? 1 : 0);
      }
      if (cells[0] !== 1 || cells[1] !== 0 || cells[30] !== 0 || cells[31] !== 1) return null;
      bits.push(...cells.slice(2, 30));
    }
    let value = 0;
    for (let i = 0; i < 48; i++) value = value * 2 + bits[i];
    let check = 0;
    for (let i = 48; i < 56; i++) check = check * 2 + bits[i];
    let x = 0, v = value;
    for (let i = 0; i < 6; i++) { x ^= v % 256; v = Math.floor(v / 256); }
    return x === check ? value : null;
  }

  let lastPresented = null;
  function onFrame(video, now, meta) {
    state.frames++;
    const presented = navStart + meta.presentationTime;
    const t = meta.presentationTime; // ms since navigation start
    if (state.firstFrameMs === null) state.firstFrameMs = presented - navStart;
    const interval = 1000 / config.fps;
    if (lastPresented !== null && t - lastPresented > 3 * interval) {
      state.stalls.push({ t, kind: 'gap', ms: t - lastPresented });
    }
    lastPresented = t;
    const epochMs = decode(video);
    if (epochMs === null) {
      state.decodeErrors++;
    } else {
      state.samples.push({ t, latency: presented - epochMs, epochMs, mediaTime: meta.mediaTime });
      if (state.checks.length < 5) state.checks.push({ decoded: epochMs, dateNow: Date.now() });
    }
    video.requestVideoFrameCallback((n, m) => onFrame(video, n, m));
    setInterval(() => {
      const b = video.buffered;
      if (b.length && state.lag.length < 100000) {
        state.lag.push({ t: performance.now(), lag: b.end(b.length - 1) - video.currentTime, rate: video.playbackRate,
          paused: video.paused, seeking: video.seeking, readyState: video.readyState });
      }
    }, 200);
  }

  let hooked = null;
  function hook() {
    const video = findVideo();
    if (!video || video === hooked) return;
    hooked = video;
    video.addEventListener('waiting', () => {
      if (state.firstFrameMs !== null) state.stalls.push({ t: performance.now(), kind: 'waiting', ms: 0 });
    });
    video.requestVideoFrameCallback((n, m) => onFrame(video, n, m));
  }
  const timer = setInterval(() => { hook(); if (hooked) clearInterval(timer); }, 10);
})();
