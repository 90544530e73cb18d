// ISO BMFF (ISO/IEC 14496-12) reading, only what the player needs: is a chunk an init segment,
// the timescale of each track, and the decode time and sync flag of a fragment's first sample.
//
//   init:      [ftyp][moov [trak [tkhd][mdia [mdhd][hdlr]...]]... [mvex [trex]...]]
//   fragment:  [prft][moof [mfhd][traf [tfhd][tfdt][trun]]...][mdat]
// Corrupt input stops the walk; nothing here throws on bad bytes.

const NTP_UNIX_S = 2208988800; // seconds from 1900 (NTP era 0) to 1970

function fourcc(dv, at) {
  return String.fromCharCode(dv.getUint8(at), dv.getUint8(at + 1), dv.getUint8(at + 2), dv.getUint8(at + 3));
}

export function* boxes(dv, start, end) {
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

export function isInitSegment(u8) {
  if (u8.byteLength < 8) return false;
  const t = String.fromCharCode(u8[4], u8[5], u8[6], u8[7]);
  return t === 'ftyp' || t === 'moov';
}

/** @returns {Map<number, {timescale:number, handler:string, defaultFlags:number, origin:number}>} */
export function parseInit(u8) {
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
export function parsePrft(u8) {
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
export function parseFragment(u8, tracks) {
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
