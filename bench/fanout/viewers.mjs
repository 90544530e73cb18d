// Load generator: N WebSocket viewers of one stream, each counting bytes and binary messages.
//
//   node viewers.mjs --url ws://127.0.0.1:8080/api/ws?src=cam --n 10 [--warmup 5] [--seconds 20]
//
// Each viewer first sends go2rtc's MSE request (servers that don't speak it ignore it). Throughput
// is counted only inside the measurement window, which opens --warmup seconds after the sockets
// are opened. Prints one JSON object on stdout and a one-line summary on stderr. Bounded: every
// socket is closed after warm-up + seconds, whatever happens.
import WebSocket from 'ws';

const opts = { url: '', n: 1, warmup: 5, seconds: 20 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || i + 1 >= argv.length) {
    console.error(`viewers.mjs: unknown option or missing value: ${argv[i]}`);
    process.exit(2);
  }
  opts[key] = key === 'url' ? argv[i + 1] : Number(argv[i + 1]);
}
if (!opts.url || !(opts.n > 0)) {
  console.error('usage: node viewers.mjs --url ws://... --n N [--warmup 5] [--seconds 20]');
  process.exit(2);
}

const MSE_REQUEST = JSON.stringify({ type: 'mse', value: 'avc1.640029,avc1.4D401F,avc1.42E01E,mp4a.40.2,opus' });
const t0 = performance.now();
const windowStart = t0 + opts.warmup * 1000;
const windowEnd = windowStart + opts.seconds * 1000;
const viewers = [];

for (let i = 0; i < opts.n; i++) {
  const v = { bytes: 0, messages: 0, windowBytes: 0, windowMessages: 0, textMessages: 0,
    firstByteMs: null, closedEarly: false, error: null };
  viewers.push(v);
  const ws = new WebSocket(opts.url, { perMessageDeflate: false });
  v.ws = ws;
  ws.on('open', () => ws.send(MSE_REQUEST));
  ws.on('message', (data, isBinary) => {
    const now = performance.now();
    if (!isBinary) { v.textMessages++; return; }
    if (v.firstByteMs === null) v.firstByteMs = now - t0;
    v.bytes += data.length;
    v.messages++;
    if (now >= windowStart && now < windowEnd) {
      v.windowBytes += data.length;
      v.windowMessages++;
    }
  });
  ws.on('error', (e) => { v.error = e.message; });
  ws.on('close', () => { if (performance.now() < windowEnd) v.closedEarly = true; });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

setTimeout(() => {
  for (const v of viewers) v.ws.terminate();
  const mbps = viewers.map((v) => (v.windowBytes * 8) / opts.seconds / 1e6);
  const firstBytes = viewers.map((v) => v.firstByteMs).filter((x) => x !== null);
  const result = {
    url: opts.url.replace(/\/\/[^@/]*@/, '//***@'),
    n: opts.n,
    warmupS: opts.warmup,
    seconds: opts.seconds,
    mbpsMin: Math.min(...mbps),
    mbpsMedian: median(mbps),
    mbpsMax: Math.max(...mbps),
    messagesPerSecondMedian: median(viewers.map((v) => v.windowMessages / opts.seconds)),
    firstByteMsMedian: median(firstBytes),
    firstByteMsMax: firstBytes.length ? Math.max(...firstBytes) : null,
    viewersWithoutData: viewers.filter((v) => v.windowBytes === 0).length,
    closedEarly: viewers.filter((v) => v.closedEarly).length,
    errors: [...new Set(viewers.map((v) => v.error).filter(Boolean))],
  };
  console.log(JSON.stringify(result));
  console.error(`viewers: n=${result.n} Mbps min/median ${result.mbpsMin.toFixed(2)}/${result.mbpsMedian.toFixed(2)} `
    + `first byte median ${Math.round(result.firstByteMsMedian ?? -1)} ms, without data ${result.viewersWithoutData}, `
    + `closed early ${result.closedEarly}`);
  setTimeout(() => process.exit(result.viewersWithoutData === result.n ? 1 : 0), 200);
}, (opts.warmup + opts.seconds) * 1000);
