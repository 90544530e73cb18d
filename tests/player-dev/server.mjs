// Dev server for the LiveMux browser player: serves src/LiveMux.Server/wwwroot and speaks the
// player's WebSocket protocol from ffmpeg's fragmented MP4 (one moof+mdat per frame).
//
//   ffmpeg (testsrc2, x264) --stdout fMP4--> box splitter --> init (ftyp+moov) + fragments (moof+mdat)
//                                                              |  GOP cache (last keyframe onwards)
//   WS /api/ws?src=NAME  <-- mse reply, init, GOP burst, live fragments
//   GET /api/streams     <-- JSON list
//   POST /dev/outage?src=NAME&seconds=4[&size=WxH]  camera outage: status reconnecting, ffmpeg restarted
//   POST /dev/kick?src=NAME                          close every viewer socket (tests client reconnect)
//   GET  /dev/connections                            {opened, open}: WebSocket connections, any src
//
// Usage: node server.mjs [--port 8090] [--streams demo,demo2]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../../src/LiveMux.Server/wwwroot');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', 8090));
const names = arg('streams', 'demo').split(',');
const MAX_VIEWER_BACKLOG = 4 * 1024 * 1024; // a viewer this far behind is cut off (dev only)

// --- fMP4 box splitting ---------------------------------------------------------------------

/** Splits a byte stream into top-level ISO BMFF boxes; keeps the remainder for the next chunk. */
class BoxSplitter {
  #pending = Buffer.alloc(0);
  push(chunk, onBox) {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    for (;;) {
      if (buf.length < 8) break;
      const size = buf.readUInt32BE(0);
      if (size < 8) throw new Error(`unsupported box size ${size}`);
      if (buf.length < size) break;
      onBox(buf.toString('latin1', 4, 8), buf.subarray(0, size));
      buf = buf.subarray(size);
    }
    this.#pending = Buffer.from(buf);
  }
}

/** Sync flag of the first sample in a moof, read independently of the player's parser. */
function isKeyframe(moof) {
  const findChild = (buf, start, end, type) => {
    for (let p = start; p + 8 <= end;) {
      const size = buf.readUInt32BE(p);
      if (size < 8) return null;
      if (buf.toString('latin1', p + 4, p + 8) === type) return [p + 8, p + size];
      p += size;
    }
    return null;
  };
  const traf = findChild(moof, 8, moof.length, 'traf');
  if (!traf) return false;
  const tfhd = findChild(moof, traf[0], traf[1], 'tfhd');
  const trun = findChild(moof, traf[0], traf[1], 'trun');
  let flags = null;
  if (tfhd) {
    const f = moof.readUInt32BE(tfhd[0]) & 0xffffff;
    let at = tfhd[0] + 8 + (f & 1 ? 8 : 0) + (f & 2 ? 4 : 0) + (f & 8 ? 4 : 0) + (f & 0x10 ? 4 : 0);
    if (f & 0x20) flags = moof.readUInt32BE(at);
  }
  if (trun) {
    const f = moof.readUInt32BE(trun[0]) & 0xffffff;
    if (f & 4) flags = moof.readUInt32BE(trun[0] + 8 + (f & 1 ? 4 : 0));
  }
  return flags !== null && (flags & 0x00010000) === 0;
}

/** avc1.PPCCLL from the avcC box: profile, constraint flags and level (SPS bytes 1-3). */
function codecOf(init) {
  const i = init.indexOf('avcC', 0, 'latin1');
  if (i < 0) return 'avc1.640029';
  return 'avc1.' + [...init.subarray(i + 5, i + 8)].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

// --- one stream ------------------------------------------------------------------------------

class Stream {
  constructor(name, size) {
    this.name = name;
    this.size = size;
    this.viewers = new Set(); // sockets that got the init and receive live fragments
    this.init = null;
    this.ftyp = null;
    this.mime = '';
    this.gop = []; // fragments since the last keyframe
    this.pendingMoof = null;
    this.state = 'starting';
    this.fragments = 0;
    this.lastFragmentAt = 0;
    this.lateFragments = 0; // arrived > 100 ms after the previous one: source jitter, not the player
    this.ffmpeg = null;
    this.start();
  }

  start() {
    const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${this.size}:rate=30`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p',
      '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', '-flush_packets', '1', 'pipe:1'];
    const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.ffmpeg = ff;
    const splitter = new BoxSplitter();
    let initParts = [];
    ff.stdout.on('data', (chunk) => splitter.push(chunk, (type, box) => {
      if (ff !== this.ffmpeg) return;
      if (type === 'ftyp') initParts = [box];
      else if (type === 'moov') this.#onInit(Buffer.concat([...initParts, box]));
      else if (type === 'moof') this.pendingMoof = box;
      else if (type === 'mdat' && this.pendingMoof) {
        this.#onFragment(Buffer.concat([this.pendingMoof, box]));
        this.pendingMoof = null;
      }
    }));
    ff.on('exit', (code) => {
      if (ff === this.ffmpeg && code !== null) console.error(`[${this.name}] ffmpeg exited ${code}`);
    });
  }

  stop() {
    const ff = this.ffmpeg;
    this.ffmpeg = null;
    ff?.kill('SIGKILL');
  }

  #onInit(init) {
    const mime = `video/mp4; codecs="${codecOf(init)}"`;
    const changed = this.mime && mime !== this.mime;
    this.init = init;
    this.mime = mime;
    this.gop = [];
    const wasDown = this.state === 'reconnecting';
    this.state = 'live';
    for (const ws of this.viewers) {
      if (changed) ws.send(JSON.stringify({ type: 'mse', value: mime }));
      ws.send(init);
      if (wasDown) ws.send(JSON.stringify({ type: 'status', value: 'live' }));
    }
    console.log(`[${this.name}] init ${init.length} B, ${mime}`);
  }

  #onFragment(frag) {
    this.fragments++;
    const now = performance.now();
    if (this.lastFragmentAt && now - this.lastFragmentAt > 100) this.lateFragments++;
    this.lastFragmentAt = now;
    if (isKeyframe(frag)) this.gop = [frag];
    else if (this.gop.length) this.gop.push(frag);
    for (const ws of this.viewers) {
      if (ws.bufferedAmount > MAX_VIEWER_BACKLOG) {
        ws.close(1013, 'viewer too slow');
        this.viewers.delete(ws);
      } else {
        ws.send(frag);
      }
    }
  }

  /** Answers the client's codec list; sends init + GOP burst, then the viewer gets live frames. */
  attach(ws, codecs) {
    if (!codecs.split(',').some((c) => c.startsWith('avc1.'))) {
      ws.send(JSON.stringify({ type: 'error', value: 'browser does not support H.264' }));
      ws.close(1000);
      return;
    }
    ws.send(JSON.stringify({ type: 'mse', value: this.mime || 'video/mp4; codecs="avc1.640029"' }));
    if (this.state === 'reconnecting') ws.send(JSON.stringify({ type: 'status', value: 'reconnecting', reason: 'simulated camera outage' }));
    if (this.init) {
      ws.send(this.init);
      for (const f of this.gop) ws.send(f);
    }
    this.viewers.add(ws);
  }

  outage(seconds, size) {
    this.state = 'reconnecting';
    for (const ws of this.viewers) ws.send(JSON.stringify({ type: 'status', value: 'reconnecting', reason: 'simulated camera outage' }));
    this.stop();
    this.gop = [];
    this.lastFragmentAt = 0;
    setTimeout(() => {
      if (size) this.size = size;
      this.start(); // new ffmpeg: new init, timestamps restart at 0
    }, seconds * 1000);
  }
}

const streams = new Map(names.map((n, i) => [n, new Stream(n, i === 0 ? '640x360' : '480x270')]));

// --- HTTP ------------------------------------------------------------------------------------

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.ico': 'image/x-icon' };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/api/streams') {
    const list = [...streams.values()].map((s) => ({ name: s.name, state: s.state, codecs: s.mime.match(/codecs="([^"]*)"/)?.[1] ?? '', viewers: s.viewers.size, fragments: s.fragments, lateFragments: s.lateFragments }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ streams: list }));
    return;
  }
  if (url.pathname === '/dev/connections') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ opened: connectionsOpened, open: wss.clients.size }));
    return;
  }
  if (req.method === 'POST' && url.pathname.startsWith('/dev/')) {
    const s = streams.get(url.searchParams.get('src'));
    if (!s) return res.writeHead(404).end('unknown stream');
    if (url.pathname === '/dev/outage') s.outage(Number(url.searchParams.get('seconds') ?? 4), url.searchParams.get('size'));
    else if (url.pathname === '/dev/kick') for (const ws of s.viewers) ws.close(1001, 'kicked');
    else return res.writeHead(404).end();
    return res.writeHead(204).end();
  }
  const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
  const file = join(root, rel);
  if (!file.startsWith(root + '/')) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});

const wss = new WebSocketServer({ server, path: '/api/ws' });
let connectionsOpened = 0;
wss.on('connection', (ws, req) => {
  connectionsOpened++;
  const name = new URL(req.url, 'http://localhost').searchParams.get('src');
  const stream = streams.get(name);
  ws.on('close', () => stream?.viewers.delete(ws));
  ws.once('message', (data, isBinary) => {
    let msg = null;
    try {
      msg = isBinary ? null : JSON.parse(data.toString());
    } catch {
      // handled below as a protocol error
    }
    if (!stream) {
      ws.send(JSON.stringify({ type: 'error', value: `unknown stream: ${name}` }));
      ws.close(1000);
    } else if (msg?.type !== 'mse') {
      ws.send(JSON.stringify({ type: 'error', value: 'expected {"type":"mse"} first' }));
      ws.close(1002);
    } else {
      stream.attach(ws, String(msg.value ?? ''));
    }
  });
});

server.listen(port, () => console.log(`player dev server on http://localhost:${port}/ (streams: ${names.join(', ')})`));
const shutdown = () => {
  for (const s of streams.values()) s.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
