"""The frame-clock SEI that rtsp_replay_camera.py puts first in every access unit (pure Python, no deps).

H.264 SEI NAL unit (ITU-T H.264 7.3.2.3 / D.1.7 user_data_unregistered), before emulation prevention:

    +------+------+------+-------------------+-------------------+--------------+------+
    | 0x06 | 0x05 | 0x1C | UUID (16 B)       | epoch us (int64   | seq (uint32  | 0x80 |
    | NAL  | type | size | "LiveMuxFrameClk1"| big-endian)       | big-endian)  | rbsp |
    | hdr  |  5   |  28  |                   |                   |              | trail|
    +------+------+------+-------------------+-------------------+--------------+------+

Emulation prevention (7.4.1): after the header byte, 00 00 followed by a byte <= 3 gets a 0x03
inserted between them; unescape() undoes it.
"""

import struct

UUID = b"LiveMuxFrameClk1"
PAYLOAD_TYPE = 5
PAYLOAD_SIZE = 28
_BODY = struct.Struct(">16sqI")


def escape(rbsp):
    """Inserts emulation prevention bytes: 00 00 0x (x <= 3) -> 00 00 03 0x."""
    if b"\x00\x00" not in rbsp:
        return bytes(rbsp)
    out = bytearray()
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def unescape(ebsp):
    """Removes emulation prevention bytes: 00 00 03 -> 00 00."""
    if b"\x00\x00\x03" not in ebsp:
        return bytes(ebsp)
    out = bytearray()
    zeros = 0
    for b in ebsp:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def build_sei(epoch_us, seq):
    """The whole SEI NAL unit (header byte first, escaped, no start code)."""
    body = bytes((PAYLOAD_TYPE, PAYLOAD_SIZE)) + _BODY.pack(UUID, epoch_us, seq & 0xFFFFFFFF) + b"\x80"
    return b"\x06" + escape(body)


def parse_sei(nal_payload):
    """(epoch_us, seq) from an SEI NAL unit as found in the stream (escaped), or None if it holds no
    frame-clock message. Takes the NAL with its header byte (0x06) or without it (starting at the
    first SEI message); walks every SEI message, so ours need not be the first."""
    data = bytes(nal_payload)
    if data[:1] == b"\x06":
        data = data[1:]
    data = unescape(data)
    i = 0
    while i < len(data) and data[i] != 0x80:
        ptype = 0
        while i < len(data) and data[i] == 0xFF:
            ptype += 255
            i += 1
        if i >= len(data):
            return None
        ptype += data[i]
        i += 1
        size = 0
        while i < len(data) and data[i] == 0xFF:
            size += 255
            i += 1
        if i >= len(data):
            return None
        size += data[i]
        i += 1
        if i + size > len(data):
            return None
        if ptype == PAYLOAD_TYPE and size == PAYLOAD_SIZE and data[i : i + 16] == UUID:
            _, epoch_us, seq = _BODY.unpack_from(data, i)
            return epoch_us, seq
        i += size
    return None


def split_nals(annexb):
    """NAL units (without start codes) of an Annex B byte stream."""
    out = []
    i = annexb.find(b"\x00\x00\x01")
    while i >= 0:
        start = i + 3
        j = annexb.find(b"\x00\x00\x01", start)
        end = len(annexb) if j < 0 else j
        # A 4-byte start code leaves a trailing zero on the previous NAL (trailing_zero_8bits).
        nal = annexb[start:end]
        if j >= 0:
            nal = nal.rstrip(b"\x00")
        out.append(nal)
        i = j
    return out
