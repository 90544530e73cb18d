// The player's box reader against real fragmented MP4 from ffmpeg, judged by ffprobe (an independent
// reader): per fragment the first traf's track, decode and presentation time, keyframe flag and prft;
// per init segment the tracks' ids, timescales and handlers. Then hand-made boxes for what ffmpeg does
// not write (edit lists, 64-bit sizes) and every truncation of real bytes (never a throw).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { boxes, isInitSegment, parseFragment, parseInit, parsePrft } from '../../src/LiveMux.Server/wwwroot/player/boxes.js';

const dir = mkdtempSync(join(tmpdir(), 'livemux-player-boxes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VIDEO = ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=10'];
const AUDIO = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-keyint_min', '5', '-sc_threshold', '0'];
const FRAG = ['-write_prft', 'wallclock', '-f', 'mp4'];

// What LiveMux sends is one frame per fragment with a prft; the other rows vary what a reader must cope with.
// `video`: one video track, whose every fragment has a prft for its first sample; otherwise ffmpeg also cuts
// audio-only fragments and writes a prft now and then, with the edit list's shift in its media time.
const CASES = [
  { name: 'H.264, B-frames, a fragment per frame', video: true, args: [...VIDEO, ...X264, '-bf', '2', '-movflags', '+frag_every_frame+empty_moov+default_base_moof'] },
  { name: 'H.264, no B-frames, a fragment per frame', video: true, args: [...VIDEO, ...X264, '-bf', '0', '-movflags', '+frag_every_frame+empty_moov+default_base_moof'] },
  { name: 'H.264, a fragment per GOP', video: true, args: [...VIDEO, ...X264, '-bf', '2', '-movflags', '+frag_keyframe+empty_moov+default_base_moof'] },
  { name: 'H.264 + AAC, a fragment per frame', args: [...VIDEO, ...AUDIO, ...X264, '-bf', '0', '-c:a', 'aac', '-movflags', '+frag_every_frame+empty_moov+default_base_moof'] },
  { name: 'H.264 + AAC, moof without default-base-is-moof', args: [...VIDEO, ...AUDIO, ...X264, '-bf', '2', '-c:a', 'aac', '-movflags', '+frag_every_frame+empty_moov'] },
];

function ffprobe(file, args) {
  return execFileSync('ffprobe', ['-v', 'error', ...args, '-of', 'json', file], { encoding: 'utf8' });
}

/** ffmpeg's file, cut the way the server sends it: the init segment, then each [prft]moof+mdat. */
function make(c, index) {
  const file = join(dir, `case${index}.mp4`);
  const before = Date.now();
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...c.args, ...FRAG, '-t', '1.6', file]);
  const after = Date.now();
  const bytes = new Uint8Array(readFileSync(file));
  const chunks = [];
  let start = 0;
  for (const b of boxes(new DataView(bytes.buffer), 0, bytes.length)) {
    if (b.type === 'moov' || b.type === 'mdat') {
      chunks.push({ start, end: b.end, bytes: bytes.subarray(start, b.end) });
      start = b.end;
    }
  }
  const streams = JSON.parse(ffprobe(file, ['-show_entries', 'stream=index,id,codec_type,time_base'])).streams;
  // Raw decode times, as in tfdt: without the edit list applied.
  const packets = JSON.parse(ffprobe(file, ['-ignore_editlist', '1', '-show_entries', 'packet=stream_index,pts,dts,flags,pos'])).packets;
  return { init: chunks[0].bytes, fragments: chunks.slice(1), streams, packets, before, after };
}

describe('box reading of ffmpeg fMP4, judged by ffprobe', () => {
  CASES.forEach((c, index) => {
    test(c.name, () => {
      const { init, fragments, streams, packets, before, after } = make(c, index);
      assert.ok(isInitSegment(init));
      const tracks = parseInit(init);
      assert.deepEqual(
        [...tracks.entries()].map(([id, t]) => [id, t.timescale, t.handler]),
        streams.map((s) => [Number(s.id), Number(s.time_base.split('/')[1]), s.codec_type === 'video' ? 'vide' : 'soun']),
      );
      const video = streams.find((s) => s.codec_type === 'video');
      const timescale = (p) => Number(streams[p.stream_index].time_base.split('/')[1]);
      assert.ok(fragments.length >= 3, `${fragments.length} fragments`);
      const keys = new Set();
      let prfts = 0;
      for (const [i, f] of fragments.entries()) {
        assert.equal(isInitSegment(f.bytes), false);
        // The first packet stored in this fragment belongs to its first traf; the keyframe flag is the
        // first video sample's, and a fragment without video is no place to start in a stream with video.
        const inside = packets.filter((p) => Number(p.pos) >= f.start && Number(p.pos) < f.end);
        const first = inside[0];
        const firstVideo = inside.find((p) => p.stream_index === video.index);
        assert.ok(first, `fragment ${i} has no packet`);
        const frag = parseFragment(f.bytes, tracks);
        const where = `fragment ${i} (${JSON.stringify(first)})`;
        assert.equal(frag.trackId, Number(streams[first.stream_index].id), where);
        assert.equal(frag.time, first.dts / timescale(first), where);
        assert.ok(Math.abs(frag.pts - first.pts / timescale(first)) < 1e-9, `${where}: pts ${frag.pts}`);
        assert.equal(frag.key, firstVideo ? firstVideo.flags.startsWith('K') : false, where);
        keys.add(frag.key);
        const prft = parsePrft(f.bytes);
        if (c.video) {
          assert.ok(prft, `${where}: no prft`);
          assert.equal(prft.mediaTime, Number(first.pts), where);
        }
        if (!prft) continue;
        prfts++;
        assert.equal(prft.trackId, Number(video.id), where);
        // ffmpeg's wallclock while it ran, on this machine's clock (which has ms resolution both ways).
        assert.ok(prft.serverMs >= before - 1 && prft.serverMs <= after + 1, `${where}: prft ${prft.serverMs} outside ${before}-${after}`);
      }
      assert.ok(prfts >= 2, `${prfts} prfts`);
      assert.ok(keys.has(true), 'no keyframe fragment');
      if (!c.args.includes('+frag_keyframe+empty_moov+default_base_moof')) assert.ok(keys.has(false), 'no fragment that is not a keyframe');
    });
  });
});

// --- hand-made boxes --------------------------------------------------------------------------

const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u64 = (n) => [...u32(Math.floor(n / 2 ** 32)), ...u32(n >>> 0)];
const ascii = (s) => [...s].map((ch) => ch.charCodeAt(0));
const box = (type, ...body) => [...u32(8 + body.flat().length), ...ascii(type), ...body.flat()];
const full = (type, version, flags, ...body) => box(type, [version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255], ...body);
const zeros = (n) => new Array(n).fill(0);

/** A moov with one track: tkhd (v0), mdhd (v0), hdlr, an optional edit list, and a trex. */
function moov({ id = 1, timescale = 90000, handler = 'vide', elst = null, trexFlags = 0x00010000 }) {
  const tkhd = full('tkhd', 0, 3, zeros(8), u32(id), zeros(68));
  const mdhd = full('mdhd', 0, 0, zeros(8), u32(timescale), zeros(8));
  const hdlr = full('hdlr', 0, 0, zeros(4), ascii(handler), zeros(13));
  const edts = elst ? [box('edts', elst)] : [];
  const trak = box('trak', tkhd, ...edts, box('mdia', mdhd, hdlr));
  const trex = full('trex', 0, 0, u32(id), u32(1), u32(0), u32(0), u32(trexFlags));
  return new Uint8Array([...box('ftyp', ascii('iso6'), u32(0)), ...box('moov', trak, box('mvex', trex))]);
}

describe('hand-made boxes', () => {
  const ELST = [
    { name: 'no edit list', elst: null, origin: 0 },
    { name: 'v0 entry at 3000', elst: full('elst', 0, 0, u32(1), u32(0), u32(3000), u32(0x10000)), origin: 3000 },
    { name: 'v1 entry at 2^33', elst: full('elst', 1, 0, u32(1), u64(0), u64(2 ** 33), u32(0x10000)), origin: 2 ** 33 },
    { name: 'an empty edit (-1)', elst: full('elst', 0, 0, u32(1), u32(0), u32(0xffffffff), u32(0x10000)), origin: 0 },
    { name: 'no entries', elst: full('elst', 0, 0, u32(0)), origin: 0 },
    { name: 'entry cut short', elst: full('elst', 0, 0, u32(1), u32(0)), origin: 0 },
  ];
  for (const c of ELST) {
    test(`edit list origin: ${c.name}`, () => {
      assert.equal(parseInit(moov({ elst: c.elst })).get(1).origin, c.origin);
    });
  }

  test('a fragment without sample flags takes the trex default (non-sync: not a keyframe)', () => {
    const tracks = parseInit(moov({ trexFlags: 0x00010000 }));
    const frag = (tfhdFlags, ...tfhdExtra) => new Uint8Array(box('moof', box('traf',
      full('tfhd', 0, tfhdFlags, u32(1), ...tfhdExtra), full('tfdt', 1, 0, u64(90000 * 5)), full('trun', 0, 0, u32(1)))));
    assert.deepEqual(parseFragment(frag(0), tracks), { trackId: 1, time: 5, pts: 5, key: false });
    // default-sample-flags present in tfhd (0x20) win over trex, after base offset (0x01) and duration (0x08).
    assert.equal(parseFragment(frag(0x29, u64(0), u32(3000), u32(0)), tracks).key, true);
  });

  test('64-bit box sizes and a last box of size 0 (to the end) are walked', () => {
    const payload = ascii('abcdefgh');
    const large = [...u32(1), ...ascii('free'), ...u64(16 + payload.length), ...payload];
    const toEnd = [...u32(0), ...ascii('mdat'), ...payload];
    const bytes = new Uint8Array([...large, ...box('skip'), ...toEnd]);
    const walked = [...boxes(new DataView(bytes.buffer), 0, bytes.length)].map((b) => [b.type, b.body, b.end]);
    assert.deepEqual(walked, [['free', 16, 24], ['skip', 32, 32], ['mdat', 40, bytes.length]]);
  });

  test('a box claiming more bytes than there are, or fewer than its header, ends the walk', () => {
    for (const size of [7, 1000]) {
      const bytes = new Uint8Array([...box('free'), ...u32(size), ...ascii('moof'), ...zeros(8)]);
      assert.deepEqual([...boxes(new DataView(bytes.buffer), 0, bytes.length)].map((b) => b.type), ['free'], `size ${size}`);
    }
  });

  test('no prft before the moof: none', () => {
    assert.equal(parsePrft(new Uint8Array([...box('moof'), ...full('prft', 0, 0, zeros(16))])), null);
  });
});

test('every truncation of a real init segment and fragment parses without throwing', () => {
  const { init, fragments } = make(CASES[3], 'cut');
  const tracks = parseInit(init);
  for (const f of fragments.slice(0, 3).map((x) => x.bytes)) {
    for (let n = 0; n <= f.length; n++) {
      const cut = f.subarray(0, n);
      parsePrft(cut);
      const frag = parseFragment(cut, tracks);
      if (frag !== null) assert.equal(typeof frag.trackId, 'number');
    }
  }
  for (let n = 0; n <= init.length; n++) {
    const cut = init.subarray(0, n);
    isInitSegment(cut);
    for (const t of parseInit(cut).values()) assert.ok(t.timescale >= 0);
  }
  assert.equal(parseInit(init.subarray(0, init.length - 1)).size, 0); // a cut moov is no moov
});
