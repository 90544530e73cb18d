// The `stats` overlay over the picture, and the rate figures it and the controller read (fps, bitrate).

export const STATS_MS = 500; // overlay refresh

export const OVERLAY_STYLE = `
.stats { position: absolute; left: 6px; top: 6px; margin: 0; padding: 4px 8px; border-radius: 4px;
  background: rgba(0,0,0,.75); color: #fff; pointer-events: none; max-width: calc(100% - 12px);
  font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.stats[hidden] { display: none; }
.stats dt { color: #bbb; }
.stats dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 480px) { .stats { font-size: 11px; padding: 3px 6px; } }
`;

export const OVERLAY_HTML = '<dl class="stats" part="stats" role="group" aria-label="Playback statistics" hidden></dl>';

const ms = (v) => (v === null ? '-' : `${Math.round(v)} ms`);

/** Overlay rows: key, label and how to show the value from the element's `stats`. */
export const OVERLAY = [
  ['total', 'total latency', (s) => ms(s.latency.total)],
  ['network', 'network', (s) => ms(s.latency.network)],
  ['buffer', 'buffer', (s) => ms(s.latency.buffer)],
  ['fps', 'fps', (s) => s.fps.toFixed(1)],
  ['bitrate', 'bitrate', (s) => (s.bitrate >= 1e6 ? `${(s.bitrate / 1e6).toFixed(2)} Mbit/s` : `${Math.round(s.bitrate / 1e3)} kbit/s`)],
  ['dropped', 'dropped frames', (s) => String(s.droppedFrames)],
  ['stalls', 'stalls', (s) => String(s.stalls)],
];

/** The `<dl>` of OVERLAY rows inside the element's shadow root, refreshed every STATS_MS while shown. */
export class StatsOverlay {
  #dl;
  #values = [];
  #timer = 0;
  #read;

  /** @param {HTMLElement} dl the overlay's `<dl>`; @param {() => object} read returns the element's stats */
  constructor(dl, read) {
    this.#dl = dl;
    this.#read = read;
    for (const [key, label] of OVERLAY) {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.dataset.stat = key;
      dd.textContent = '-';
      dl.append(dt, dd);
      this.#values.push(dd);
    }
  }

  show(on) {
    this.#dl.hidden = !on;
    clearInterval(this.#timer);
    this.#timer = on ? setInterval(() => this.render(), STATS_MS) : 0;
    if (on) this.render();
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = 0;
  }

  render() {
    const s = this.#read();
    OVERLAY.forEach(([, , fmt], i) => {
      const text = fmt(s);
      if (this.#values[i].textContent !== text) this.#values[i].textContent = text;
    });
  }
}

/**
 * A rate from a growing counter (bytes received, frames shown) over the last `windowMs`: 0 when the
 * counter has not been logged for `windowMs` (it stopped) or the log spans under 200 ms.
 */
export class RateLog {
  #log = []; // [time ms, counter]

  /** @param {number} windowMs @param {number} perMs the rate's unit per counter unit per ms (1000: per s) */
  constructor(windowMs, perMs) {
    this.windowMs = windowMs;
    this.perMs = perMs;
  }

  add(now, count) {
    const log = this.#log;
    if (log.length && count < log[log.length - 1][1]) log.length = 0; // counter reset by a new source
    log.push([now, count]);
    while (log.length > 2 && now - log[1][0] > this.windowMs) log.shift();
  }

  clear() {
    this.#log = [];
  }

  rate(now) {
    const log = this.#log;
    if (log.length < 2 || now - log[log.length - 1][0] > this.windowMs) return 0;
    const [t0, n0] = log[0];
    const [t1, n1] = log[log.length - 1];
    return t1 - t0 >= 200 ? ((n1 - n0) * this.perMs) / (t1 - t0) : 0;
  }
}
