// The seed design that LiveMux replaces, kept as the benchmark baseline: every WebSocket viewer
// gets its own `ffmpeg -c copy` remux of the camera to fragmented MP4, piped straight to the socket.
// Fixed only so far as it works (movflags for MSE, no Annex B filter); deliberately nothing smarter.
//
//   node server.mjs --port 8090 --camera rtsp://user:pass@127.0.0.1:8554/cam
//   PORT=8090 CAMERA_URL=rtsp://... node server.mjs
//
// GET /            the baseline MSE player (client.html)
// WS  /ws          one ffmpeg per connection; binary frames = ffmpeg stdout chunks (init + fragments);
//                  text frames from the client (e.g. go2rtc's {"type":"mse",...}) are ignored.
// Prints `LISTENING port=<p>` once it accepts connections (port 0 = pick a free one).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { WebSocketServer } from 'ws';

function option(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[envName] ?? fallback;
}

const port = Number(option('port', 'PORT', '8090'));
const host = option('host', 'HOST', '127.0.0.1');
const camera = option('camera', 'CAMERA_URL', '');
const ffmpegPath = option('ffmpeg', 'FFMPEG', 'ffmpeg');
if (!camera) {
  console.error('baseline: no camera url (use --camera rtsp://... or CAMERA_URL)');
  process.exit(2);
}
const page = readFileSync(new URL('./client.html', import.meta.url));
const redacted = camera.replace(/\/\/[^@/]*@/, '//***@');

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/' || path === '/client.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  } else {
    res.writeHead(404).end();
  }
});

const wss = new WebSocketServer({ server, path: '/ws' });
let viewers = 0;

wss.on('connection', (ws) => {
  viewers++;
  const id = viewers;
  const ffmpeg = spawn(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error',
    '-rtsp_transport', 'tcp', '-i', camera,
    '-c', 'copy', '-an',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
    'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });

  ffmpeg.stdout.on('data', (chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  ffmpeg.stderr.on('data', (d) => process.stderr.write(`ffmpeg[${id}]: ${d.toString().replaceAll(camera, redacted)}`));
  ffmpeg.on('exit', (code, signal) => {
    if (ws.readyState === ws.OPEN) ws.close(1011, 'ffmpeg exited');
    if (code && code !== 255) console.error(`baseline: ffmpeg[${id}] exited code=${code} signal=${signal}`);
  });
  ws.on('message', () => { /* the seed design ignores client messages */ });
  ws.on('close', () => { ffmpeg.kill('SIGTERM'); });
  ws.on('error', () => { ffmpeg.kill('SIGTERM'); });
});

function shutdown() {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  // Children get SIGTERM via their sockets' close handlers; give them a moment, then leave.
  setTimeout(() => process.exit(0), 300).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(port, host, () => {
  console.log(`LISTENING port=${server.address().port} camera=${redacted}`);
});
