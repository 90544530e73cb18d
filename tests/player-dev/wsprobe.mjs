import WebSocket from 'ws';
import fs from 'fs';
const ws = new WebSocket(process.argv[2]);
const out = [];
let n = 0, t0 = Date.now();
ws.on('open', () => ws.send(JSON.stringify({type:'mse', value: process.argv[5] || 'avc1.640029,avc1.4D401F,mp4a.40.2'})));
ws.on('message', (d, isBinary) => { if (!isBinary) console.log('text', d.toString()); else { n++; out.push(Buffer.from(d)); if (n===1) console.log('first binary after', Date.now()-t0, 'ms'); } });
setTimeout(() => { console.log('binary msgs', n, 'bytes', out.reduce((a,b)=>a+b.length,0)); fs.writeFileSync(process.argv[3], Buffer.concat(out)); process.exit(0); }, +process.argv[4] || 5000);
