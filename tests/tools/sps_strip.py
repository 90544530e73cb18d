#!/usr/bin/python3
"""Removes VUI bitstream_restriction from H.264 SPS NAL units (ITU-T H.264 7.3.2.1.1, Annex E.1.1).

x264 and OpenH264 always write bitstream_restriction; many IP cameras do not, and then decoders may hold
frames for reordering. The test camera (--strip-vui-restriction) uses this to behave like such a camera.

    /usr/bin/python3 tests/tools/sps_strip.py in.h264 out.h264 [--whole-vui]   (Annex B, every SPS)

The SPS is re-emitted bit for bit up to bitstream_restriction_flag, which becomes 0, followed by the
RBSP trailing bits; emulation prevention is removed before and re-applied after.
"""

import sys


class Bits:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def u(self, n):
        v = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            v = (v << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return v

    def ue(self):
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self):
        c = self.ue()
        return (c + 1) // 2 if c & 1 else -(c // 2)


def unescape(nal):
    out, zeros = bytearray(), 0
    for b in nal:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        zeros = zeros + 1 if b == 0 else 0
        out.append(b)
    return bytes(out)


def escape(rbsp):
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def skip_hrd(r):
    count = r.ue() + 1
    r.u(8)
    for _ in range(count):
        r.ue(), r.ue(), r.u(1)
    r.u(20)


def flag_positions(rbsp):
    """Bit positions of vui_parameters_present_flag and bitstream_restriction_flag in the RBSP (after the
    NAL header byte); the second is None without a VUI."""
    r = Bits(rbsp)
    profile = r.u(8)
    r.u(16)
    r.ue()
    if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
        chroma = r.ue()
        if chroma == 3:
            r.u(1)
        r.ue(), r.ue(), r.u(1)
        if r.u(1):
            for i in range(8 if chroma != 3 else 12):
                if r.u(1):
                    last = nxt = 8
                    for _ in range(16 if i < 6 else 64):
                        if nxt == 0:
                            break
                        nxt = (last + r.se() + 256) % 256
                        last = nxt if nxt else last
    r.ue()
    poc = r.ue()
    if poc == 0:
        r.ue()
    elif poc == 1:
        r.u(1), r.se(), r.se()
        for _ in range(r.ue()):
            r.se()
    r.ue(), r.u(1), r.ue(), r.ue()
    if not r.u(1):
        r.u(1)
    r.u(1)
    if r.u(1):
        r.ue(), r.ue(), r.ue(), r.ue()
    vui = r.pos
    if not r.u(1):
        return vui, None
    if r.u(1) and r.u(8) == 255:
        r.u(32)
    if r.u(1):
        r.u(1)
    if r.u(1):
        r.u(4)
        if r.u(1):
            r.u(24)
    if r.u(1):
        r.ue(), r.ue()
    if r.u(1):
        r.u(32), r.u(32), r.u(1)
    nal_hrd = r.u(1)
    if nal_hrd:
        skip_hrd(r)
    vcl_hrd = r.u(1)
    if vcl_hrd:
        skip_hrd(r)
    if nal_hrd or vcl_hrd:
        r.u(1)
    r.u(1)
    return vui, r.pos


def strip_sps(nal, whole_vui=False):
    """The SPS NAL unit (header included) without bitstream_restriction (or without any VUI); unchanged
    if there is nothing to remove."""
    rbsp = unescape(nal[1:])
    vui, restriction = flag_positions(rbsp)
    pos = vui if whole_vui else restriction
    if pos is None or not (rbsp[pos >> 3] >> (7 - (pos & 7))) & 1:
        return nal
    bits = "".join(f"{b:08b}" for b in rbsp)[:pos] + "0" + "1"
    bits += "0" * (-len(bits) % 8)
    out = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    return nal[:1] + escape(out)


def strip_annexb(data, whole_vui=False):
    """Rewrites every SPS in an Annex B byte stream (4- or 3-byte start codes)."""
    out, i, n = bytearray(), 0, len(data)
    starts = []
    while True:
        j = data.find(b"\x00\x00\x01", i)
        if j < 0:
            break
        starts.append(j + 3)
        i = j + 3
    if not starts:
        return data
    out += data[:starts[0]]
    for k, s in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else n
        while k + 1 < len(starts) and end > s and data[end - 1] == 0:
            end -= 1  # the zero byte of a 4-byte start code belongs to the next one
        nal = data[s:end]
        out += strip_sps(nal, whole_vui) if nal and nal[0] & 0x1F == 7 else nal
        out += data[end:(starts[k + 1] if k + 1 < len(starts) else n)]
    return bytes(out)


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        src = f.read()
    with open(sys.argv[2], "wb") as f:
        f.write(strip_annexb(src, "--whole-vui" in sys.argv[3:]))
