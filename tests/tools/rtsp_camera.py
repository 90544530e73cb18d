#!/usr/bin/python3
"""A real RTSP test camera: GStreamer rtsp-server + x264 (or x265, --codec h265), one shared pipeline for all clients.

Run with /usr/bin/python3 (Debian's, it has python3-gi). Needs gir1.2-gst-rtsp-server-1.0,
gstreamer1.0-plugins-ugly (x264enc) and python3-numpy (`apt-get install python3-numpy`).

    /usr/bin/python3 tests/tools/rtsp_camera.py --port 0 --clock --fps 30 --gop 60
    /usr/bin/python3 tests/tools/rtsp_camera.py --port 8554 --user admin --password secret
    /usr/bin/python3 tests/tools/rtsp_camera.py --tls-cert cert.pem --tls-key key.pem   (rtsps://, RTP interleaved)
    /usr/bin/python3 tests/tools/rtsp_camera.py --port 0 --audio aac --ts-offset 4294000000
    /usr/bin/python3 tests/tools/rtsp_camera.py --port 0 --switch-size-after 2 320x240

--audio adds a second track (pay1, a live sine tone): aac (RFC 3640, 48 kHz mono), opus (RFC 7587,
48 kHz), pcma or pcmu (G.711, 8 kHz). --ts-offset sets the video payloader's first RTP timestamp
(timestamp-offset), e.g. a few seconds below 2^32 to play across the wrap. --switch-size-after
changes the picture size mid-stream; x264 then starts a new IDR with a new SPS.

Pictures are generated here (appsrc), paced by the wall clock at --fps: a scrolling texture plus
fresh low-amplitude noise every frame, so x264's CBR rate control really spends --bitrate.
One slice per frame unless --slices N. x264 signals the lowest profile that fits, so --profile high
with ultrafast comes out as Main; --bframes N (main/high) adds B-frames.

STDOUT PROTOCOL (one line per event, flushed; tests parse these)
    READY port=<p> url=rtsp://127.0.0.1:<p><path>        (the url never carries credentials; rtsps:// with --tls-cert;
                                                          printed once the pipeline's plugins are loaded, see warm_up)
    CLIENT_CONNECTED n=<clients connected now>
    CLIENT_CLOSED n=<clients connected now>
    SESSIONS n=<active RTSP sessions>                     (printed at start and on every change)
    MEDIA_STARTED / MEDIA_STOPPED                          (the shared pipeline was built / torn down)
    STOPPED                                                (after SIGTERM/SIGINT, just before exit 0)

CLOCK BARCODE (--clock; width >= 512 and height >= 64 required)
Every frame carries the wall-clock time at which it was produced, as milliseconds since the Unix
epoch, written into the luma plane before encoding:

    y=0   +--+--+--+--+-- ... --+--+--+--+--+---------------- gray (Y=128) to the right
          |S1|S0| payload bits 0..27 |E0|E1|
    y=16  +--+--+--+--+-- ... --+--+--+--+--+
          |S1|S0| payload bits 28..55|E0|E1|
    y=32  +--+--+--+--+-- ... --+--+--+--+--+
          gray quiet zone (Y=128) rows 32..39, then moving content
          x=0  16 32              448 480 496 512

  - Two bands, band b covers luma rows 16*b .. 16*b+15.
  - Each band is 32 cells of 16x16 px; cell i covers x = 16*i .. 16*i+15.
  - A cell is a bit: 1 = white (Y=235), 0 = black (Y=16). Chroma (U=V=128) is neutral there.
  - Cells 0,1 of each band are the start guard 1,0; cells 30,31 are the stop guard 0,1.
  - Cells 2..29 carry 28 payload bits, MSB first; band 0 holds payload bits 0..27, band 1 bits 28..55.
  - Payload (56 bits, MSB first): 48-bit unsigned epoch ms, then 8-bit check = XOR of the six
    big-endian bytes of the 48-bit value.
  - Decoding: sample the centre (e.g. the middle 8x8) of each cell, luma or RGB mean >= 128 is 1.
    Reject the frame unless all four guards and the check byte match.
"""

import argparse
import os
import sys
import threading
import time

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtsp", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer
except (ImportError, ValueError) as e:  # pragma: no cover - environment check
    sys.exit(f"rtsp_camera: GStreamer python bindings missing ({e}); "
             "apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-ugly")
try:
    import numpy as np
except ImportError:  # pragma: no cover - environment check
    sys.exit("rtsp_camera: numpy missing; apt-get install python3-numpy (and run with /usr/bin/python3)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rtsp_server_common import ServerEvents, emit, nominal_base, running_time_now  # noqa: E402

BLACK, WHITE, GRAY = 16, 235, 128
CELL = 16
BAND_CELLS = 32
CLOCK_ROWS = 40  # two 16-px bands plus an 8-px quiet zone


def clock_bits(epoch_ms):
    """56 payload bits (MSB first): 48-bit epoch ms + XOR check byte."""
    value = epoch_ms & ((1 << 48) - 1)
    raw = value.to_bytes(6, "big")
    check = 0
    for b in raw:
        check ^= b
    word = (value << 8) | check
    return [(word >> (55 - i)) & 1 for i in range(56)]


def band_cells(bits):
    """The 32 cell values of one band: start guard, 28 bits, stop guard."""
    return [1, 0] + bits + [0, 1]


class FrameSource:
    """Produces I420 frames into one appsrc, paced by the wall clock, until stopped."""

    def __init__(self, appsrc, args):
        self.appsrc = appsrc
        self.args = args
        self.stop_event = threading.Event()
        self.resize(args.width, args.height)
        self.thread = threading.Thread(target=self.run, name="frames", daemon=True)

    def resize(self, w, h):
        """Textures for pictures of w x h (at start, and when --switch-size-after changes the size)."""
        self.w, self.h = w, h
        self.y_size = w * h
        self.c_size = (w // 2) * (h // 2)
        yy, xx = np.mgrid[0 : 2 * h, 0:w]
        # A texture twice the picture height; a window scrolls down it so motion search has work.
        tex = 60 + 50 * np.sin(xx / 23.0) * np.cos(yy / 17.0) + 40 * (((xx // 40) + (yy // 40)) % 2)
        self.texture = np.clip(tex, 24, 200).astype(np.uint8)
        cy, cx = np.mgrid[0 : h // 2, 0 : w]
        self.chroma_tex = (128 + 25 * np.sin(cx / 31.0 + cy / 19.0)).astype(np.uint8)
        self.rng = np.random.default_rng(1234)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()

    def make_frame(self, n, epoch_ms):
        w, h = self.w, self.h
        off = (n * 2) % h
        y = self.texture[off : off + h].copy()
        # Fresh noise each frame keeps CBR honest; amplitude is small so pictures stay watchable.
        y += self.rng.integers(0, self.args.noise + 1, size=(h, w), dtype=np.uint8)
        # A bright square bouncing left-right: obvious motion for a human looking at it.
        bx = int((w - 64) * (0.5 + 0.5 * np.sin(n / 20.0)))
        y[h // 2 - 32 : h // 2 + 32, bx : bx + 64] = 220
        cw = w // 2
        coff = (n % cw)
        u = np.roll(self.chroma_tex[:, :cw], coff, axis=1)
        v = np.roll(self.chroma_tex[:, cw : 2 * cw], -coff, axis=1)
        u = np.ascontiguousarray(u)
        v = np.ascontiguousarray(v)
        if self.args.clock:
            y[:CLOCK_ROWS, :] = GRAY
            bits = clock_bits(epoch_ms)
            for band in range(2):
                cells = band_cells(bits[28 * band : 28 * band + 28])
                row = np.repeat(np.array([WHITE if c else BLACK for c in cells], dtype=np.uint8), CELL)
                y[band * CELL : band * CELL + CELL, : BAND_CELLS * CELL] = row
            u[: CLOCK_ROWS // 2, :] = 128
            v[: CLOCK_ROWS // 2, :] = 128
        return y.tobytes() + u.tobytes() + v.tobytes()

    def run(self):
        period = 1.0 / self.args.fps
        t0 = time.monotonic()
        n = 0
        base, n0 = None, 0
        switch = self.args.switch_size_after
        started = time.monotonic()
        while not self.stop_event.is_set():
            if switch is not None and time.monotonic() - started >= switch[0]:
                # New caps on appsrc reach x264enc as a renegotiation: it re-opens the encoder, whose next
                # frame is an IDR with the new SPS (and rtph264pay sends SPS/PPS before it).
                w, h = switch[1]
                self.resize(w, h)
                self.appsrc.set_property("caps", Gst.Caps.from_string(video_caps(self.args, w, h)))
                emit(f"SIZE_CHANGED {w}x{h}")
                switch = None
            due = t0 + n * period
            delay = due - time.monotonic()
            if delay > 0:
                if self.stop_event.wait(delay):
                    break
            elif delay < -1.0:
                # Fell behind by a second (machine busy): resynchronise instead of bursting, and move the
                # timestamps along, or every later frame would reach the sinks a second late.
                shift = time.monotonic() - n * period - t0
                t0 += shift
                if base is not None:
                    base += int(shift * Gst.SECOND)
                due = t0 + n * period
            epoch_ms = time.time_ns() // 1_000_000
            data = self.make_frame(n, epoch_ms)
            buf = Gst.Buffer.new_wrapped(data)
            # Stamp the nominal capture time, as a camera's sensor clock does; stamping the push time
            # would add this script's scheduling jitter to every RTP timestamp.
            if base is None:
                running = running_time_now(self.appsrc)
                if running is None:
                    # Not playing yet: a frame stamped now would lie about its time. Skip it.
                    n += 1
                    continue
                base, n0 = nominal_base(running, time.monotonic() - due), n
            buf.pts = base + (n - n0) * Gst.SECOND // self.args.fps
            buf.duration = Gst.SECOND // self.args.fps
            ret = self.appsrc.emit("push-buffer", buf)
            if ret not in (Gst.FlowReturn.OK,):
                if ret == Gst.FlowReturn.FLUSHING:
                    time.sleep(period)
                    n += 1
                    continue
                # A source that stops feeding leaves clients waiting on a silent session; say why.
                print(f"rtsp_camera: frame source stopped, push-buffer returned {ret.value_nick}", file=sys.stderr)
                break
            n += 1


def video_caps(args, width, height):
    return f"video/x-raw,format=I420,width={width},height={height},framerate={args.fps}/1"


# --audio: (sample rate, channels, encoder, payloader). A live sine tone in 20 ms buffers, as cameras send.
AUDIO = {
    "aac": (48000, 1, None, "rtpmp4gpay name=pay1 pt=97"),
    "opus": (48000, 1, "opusenc", "rtpopuspay name=pay1 pt=97"),
    "pcma": (8000, 1, "alawenc", "rtppcmapay name=pay1"),
    "pcmu": (8000, 1, "mulawenc", "rtppcmupay name=pay1"),
}


def aac_encoder():
    """avenc_aac (libav) if present, else voaacenc."""
    return "avenc_aac" if Gst.ElementFactory.find("avenc_aac") is not None else "voaacenc"


def audio_branch(kind):
    # An appsrc, not audiotestsrc: audiotestsrc answers the seeking query with "seekable", which makes
    # rtsp-server seek the whole media on PLAY, and the video appsrc cannot seek (PLAY fails with 503).
    if kind == "none":
        return ""
    rate, channels, encoder, payloader = AUDIO[kind]
    encoder = encoder or aac_encoder()
    caps = f"audio/x-raw,format=S16LE,layout=interleaved,rate={rate},channels={channels}"
    return (
        f"appsrc name=asrc is-live=true format=time do-timestamp=false caps={caps} "
        f"! queue max-size-buffers=8 ! audioconvert ! {encoder} ! {payloader} "
    )


class ToneSource(threading.Thread):
    """A 440 Hz sine into the audio appsrc in 20 ms buffers, paced and stamped like the video frames."""

    def __init__(self, appsrc, kind):
        super().__init__(name="tone", daemon=True)
        self.appsrc = appsrc
        self.rate, self.channels = AUDIO[kind][0], AUDIO[kind][1]
        self.stop_event = threading.Event()

    def stop(self):
        self.stop_event.set()

    def run(self):
        samples = self.rate // 50
        period = samples / self.rate
        t = np.arange(samples * 50)  # one second of tone, a whole number of periods
        tone = (np.sin(2 * np.pi * 440 * t / self.rate) * 8000).astype("<i2")
        tone = np.repeat(tone, self.channels)
        t0 = time.monotonic()
        n, base, n0 = 0, None, 0
        while not self.stop_event.is_set():
            due = t0 + n * period
            delay = due - time.monotonic()
            if delay > 0 and self.stop_event.wait(delay):
                break
            if delay < -1.0:
                shift = time.monotonic() - n * period - t0
                t0 += shift
                if base is not None:
                    base += int(shift * Gst.SECOND)
                due = t0 + n * period
            if base is None:
                running = running_time_now(self.appsrc)
                if running is None:
                    n += 1
                    continue
                base, n0 = nominal_base(running, time.monotonic() - due), n
            at = ((n - n0) % 50) * samples * self.channels
            buf = Gst.Buffer.new_wrapped(tone[at : at + samples * self.channels].tobytes())
            buf.pts = base + (n - n0) * samples * Gst.SECOND // self.rate
            buf.duration = samples * Gst.SECOND // self.rate
            ret = self.appsrc.emit("push-buffer", buf)
            if ret not in (Gst.FlowReturn.OK, Gst.FlowReturn.FLUSHING):
                print(f"rtsp_camera: tone source stopped, push-buffer returned {ret.value_nick}", file=sys.stderr)
                break
            n += 1


class Camera(ServerEvents):
    def __init__(self, args):
        self.args = args
        self.sources = []
        self.lock = threading.Lock()
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address("127.0.0.1" if args.bind is None else args.bind)
        self.server.set_service(str(args.port))
        self.factory = GstRtspServer.RTSPMediaFactory()
        self.factory.set_launch(self.launch_string())
        self.factory.set_shared(True)
        self.factory.connect("media-configure", self.on_media_configure)
        if args.user is not None or args.tls_cert is not None:
            self.setup_auth()
        self.server.get_mount_points().add_factory(args.path, self.factory)

    def launch_string(self):
        a = self.args
        caps = video_caps(a, a.width, a.height)
        if a.codec == "h265":
            return self.launch_string_h265(caps)
        opts = [f"slices={a.slices}"] if a.slices > 1 else []
        opts += [o for o in a.x264_opts.split(":") if o]
        opt = f' option-string="{":".join(opts)}"' if opts else ""
        # rtph264pay (1.22) with config-interval=-1 puts SPS/PPS before EVERY IDR slice, i.e. between
        # the slices of one picture, which splits the picture for ffmpeg and breaks decoding. With
        # several slices h264parse inserts SPS/PPS once per access unit instead, unless the quirk is
        # asked for on purpose (--sps-per-slice, a real-camera quirk worth testing against).
        if a.slices > 1 and not a.sps_per_slice:
            tail = "! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=0"
        else:
            tail = "! rtph264pay name=pay0 pt=96 config-interval=-1"
        if a.ts_offset is not None:
            tail += f" timestamp-offset={a.ts_offset}"
        # sliced-threads=false: zerolatency would otherwise cut every frame into one slice per thread.
        # threads=1: frame threading would hold back one frame per thread, which no camera does.
        return (
            f"( appsrc name=src is-live=true format=time do-timestamp=false caps={caps} "
            f"! queue max-size-buffers=4 "
            f"! x264enc name=enc tune=zerolatency speed-preset=ultrafast bitrate={a.bitrate} "
            f"key-int-max={a.gop} bframes={a.bframes} sliced-threads=false threads=1{opt} "
            f"! video/x-h264,profile={a.profile}{',stream-format=byte-stream,alignment=au' if a.strip_vui_restriction else ''} "
            f"{tail} {audio_branch(a.audio)})"
        )

    def launch_string_h265(self, caps):
        a = self.args
        # zerolatency turns B-frames off and frame threads down to one; --bframes/--slices go back in here.
        opts = [f"slices={a.slices}"] if a.slices > 1 else []
        opts += [f"bframes={a.bframes}"] if a.bframes else []
        opt = f' option-string="{":".join(opts)}"' if opts else ""
        offset = f" timestamp-offset={a.ts_offset}" if a.ts_offset is not None else ""
        # config-interval=-1: VPS/SPS/PPS in-band before every IRAP picture, as cameras send them.
        return (
            f"( appsrc name=src is-live=true format=time do-timestamp=false caps={caps} "
            f"! queue max-size-buffers=4 "
            f"! x265enc tune=zerolatency speed-preset=ultrafast bitrate={a.bitrate} key-int-max={a.gop}{opt} "
            f"! rtph265pay name=pay0 pt=96 config-interval=-1{offset} {audio_branch(a.audio)})"
        )

    def setup_auth(self):
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "camera-user")
        if self.args.user is not None:
            auth.add_digest(self.args.user, self.args.password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        else:
            # TLS without users: everyone who completes the handshake may play.
            auth.set_default_token(token)
        if self.args.tls_cert is not None:
            auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(self.args.tls_cert, self.args.tls_key))
        self.server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("camera-user", "media.factory.access", True)
        perms.add_permission_for_role("camera-user", "media.factory.construct", True)
        self.factory.set_permissions(perms)

    def on_media_configure(self, _factory, media):
        element = media.get_element()
        sources = [FrameSource(element.get_by_name("src"), self.args)]
        if self.args.audio != "none":
            sources.append(ToneSource(element.get_by_name("asrc"), self.args.audio))
        with self.lock:
            self.sources.extend(sources)
        media.connect("unprepared", self.on_media_unprepared, sources)
        if self.args.strip_vui_restriction:
            strip_sps_on(element.get_by_name("enc").get_static_pad("src"))
        for source in sources:
            source.start()
        emit("MEDIA_STARTED")

    def on_media_unprepared(self, _media, sources):
        for source in sources:
            source.stop()
        with self.lock:
            for source in sources:
                if source in self.sources:
                    self.sources.remove(source)
        emit("MEDIA_STOPPED")

    def warm_up(self):
        """Builds the media's pipeline once and drops it, before READY.

        The first DESCRIBE builds the pipeline, which loads every plugin it names and the libraries behind them
        (x264, x265, opus, libav). On a fresh machine, with cold caches and a browser starting next to it, that took
        the camera past a client's 10 s reply timeout. Loaded here, they cost the first DESCRIBE nothing, and a
        camera that says READY can answer."""
        pipeline = Gst.parse_launch(self.launch_string().strip()[1:-1])
        pipeline.set_state(Gst.State.NULL)

    def run(self):
        self.warm_up()
        host = self.server.get_address()
        scheme = "rtsps" if self.args.tls_cert is not None else "rtsp"
        self.serve("rtsp_camera", lambda port: f"READY port={port} url={scheme}://{host}:{port}{self.args.path}")
        with self.lock:
            for s in self.sources:
                s.stop()
        emit("STOPPED")


def strip_sps_on(pad):
    """Makes x264's SPS look like many IP cameras': without VUI bitstream_restriction (see sps_strip.py).
    Buffers can't be written in place here, so a changed one is pushed anew and the original dropped."""
    import sps_strip

    def on_buffer(pad, info):
        buf = info.get_buffer()
        ok, mapped = buf.map(Gst.MapFlags.READ)
        if not ok:
            return Gst.PadProbeReturn.OK
        data = bytes(mapped.data)
        buf.unmap(mapped)
        out = sps_strip.strip_annexb(data)
        if out == data:
            return Gst.PadProbeReturn.OK
        fresh = Gst.Buffer.new_wrapped(out)
        fresh.pts, fresh.dts, fresh.duration = buf.pts, buf.dts, buf.duration
        if buf.has_flags(Gst.BufferFlags.DELTA_UNIT):
            fresh.set_flags(Gst.BufferFlags.DELTA_UNIT)
        pad.push(fresh)  # comes back through this probe unchanged, so it passes
        return Gst.PadProbeReturn.DROP

    pad.add_probe(Gst.PadProbeType.BUFFER, on_buffer)


def parse_args(argv):
    p = argparse.ArgumentParser(description="GStreamer RTSP test camera (H.264 or H.265)")
    p.add_argument("--codec", choices=["h264", "h265"], default="h264",
                   help="h265 uses x265enc + rtph265pay; --profile and --x264-opts apply to h264 only")
    p.add_argument("--port", type=int, default=8554, help="TCP port, 0 = pick a free one (printed in READY)")
    p.add_argument("--bind", default=None, help="listen address (default 127.0.0.1)")
    p.add_argument("--path", default="/cam")
    p.add_argument("--user", default=None, help="enables Digest auth (needs --password)")
    p.add_argument("--password", default=None)
    p.add_argument("--tls-cert", default=None, help="PEM certificate: serve rtsps:// (needs --tls-key)")
    p.add_argument("--tls-key", default=None, help="PEM private key for --tls-cert")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--gop", type=int, default=None, help="keyframe interval in frames (default 2*fps)")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--bitrate", type=int, default=1000, help="kbit/s (x264 CBR)")
    p.add_argument("--slices", type=int, default=1, help="slices per frame")
    p.add_argument("--sps-per-slice", action="store_true",
                   help="with --slices > 1: SPS/PPS before every IDR slice (camera quirk; breaks ffmpeg)")
    p.add_argument("--bframes", type=int, default=0, help="B-frames (needs --profile main/high)")
    p.add_argument("--strip-vui-restriction", action="store_true",
                   help="remove VUI bitstream_restriction from x264's SPS, as many IP cameras send it")
    p.add_argument("--noise", type=int, default=12, help="per-frame noise amplitude (luma steps) that makes CBR spend its bits")
    p.add_argument("--x264-opts", default="", help="extra x264 option-string entries, k=v:k=v")
    p.add_argument("--clock", action="store_true", help="write epoch ms into every frame (see docstring)")
    p.add_argument("--profile", choices=["baseline", "main", "high"], default="baseline")
    p.add_argument("--audio", choices=["none", *AUDIO], default="none", help="add an audio track (pay1)")
    p.add_argument("--ts-offset", type=int, default=None,
                   help="first RTP timestamp of the video (0..2^32-1; default random), e.g. just below the wrap")
    p.add_argument("--switch-size-after", nargs=2, metavar=("SECONDS", "WxH"), default=None,
                   help="change the picture size once, this many seconds after the media started")
    a = p.parse_args(argv)
    if a.ts_offset is not None and not 0 <= a.ts_offset < 2**32:
        p.error("--ts-offset must be in 0..2^32-1")
    if a.switch_size_after is not None:
        try:
            seconds = float(a.switch_size_after[0])
            w, h = (int(v) for v in a.switch_size_after[1].lower().split("x"))
        except ValueError:
            p.error("--switch-size-after takes SECONDS WxH, e.g. 2 320x240")
        if seconds < 0 or w <= 0 or h <= 0 or w % 2 or h % 2:
            p.error("--switch-size-after: seconds >= 0 and an even, positive size")
        if a.clock and (w < BAND_CELLS * CELL or h < 64):
            p.error(f"--clock needs width >= {BAND_CELLS * CELL} and height >= 64 after the switch too")
        a.switch_size_after = (seconds, (w, h))
    if a.gop is None:
        a.gop = 2 * a.fps
    if (a.user is None) != (a.password is None):
        p.error("--user and --password go together")
    if (a.tls_cert is None) != (a.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    if not a.path.startswith("/"):
        p.error("--path must start with /")
    if a.width % 2 or a.height % 2:
        p.error("--width and --height must be even")
    if a.clock and (a.width < BAND_CELLS * CELL or a.height < 64):
        p.error(f"--clock needs width >= {BAND_CELLS * CELL} and height >= 64")
    if a.bframes and a.profile == "baseline" and a.codec == "h264":
        p.error("--bframes needs --profile main or high")
    if a.fps <= 0 or a.gop <= 0 or a.bitrate <= 0 or a.slices <= 0:
        p.error("--fps, --gop, --bitrate and --slices must be positive")
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Gst.init(None)
    if args.codec == "h264" and Gst.ElementFactory.find("x264enc") is None:
        sys.exit("rtsp_camera: x264enc missing; apt-get install gstreamer1.0-plugins-ugly")
    if args.codec == "h265" and Gst.ElementFactory.find("x265enc") is None:
        sys.exit("rtsp_camera: x265enc missing; apt-get install gstreamer1.0-plugins-bad")
    if args.audio == "aac" and Gst.ElementFactory.find("avenc_aac") is None and Gst.ElementFactory.find("voaacenc") is None:
        sys.exit("rtsp_camera: no AAC encoder; apt-get install gstreamer1.0-libav")
    Camera(args).run()


if __name__ == "__main__":
    main()
