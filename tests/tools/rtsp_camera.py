#!/usr/bin/python3
"""A real RTSP test camera: GStreamer rtsp-server + x264, one shared pipeline for all clients.

Run with /usr/bin/python3 (Debian's, it has python3-gi). Needs gir1.2-gst-rtsp-server-1.0,
gstreamer1.0-plugins-ugly (x264enc) and python3-numpy (`apt-get install python3-numpy`).

    /usr/bin/python3 tests/tools/rtsp_camera.py --port 0 --clock --fps 30 --gop 60
    /usr/bin/python3 tests/tools/rtsp_camera.py --port 8554 --user admin --password secret
    /usr/bin/python3 tests/tools/rtsp_camera.py --tls-cert cert.pem --tls-key key.pem   (rtsps://, RTP interleaved)

Pictures are generated here (appsrc), paced by the wall clock at --fps: a scrolling texture plus
fresh low-amplitude noise every frame, so x264's CBR rate control really spends --bitrate.
One slice per frame unless --slices N. x264 signals the lowest profile that fits, so --profile high
with ultrafast comes out as Main; --bframes N (main/high) adds B-frames.

STDOUT PROTOCOL (one line per event, flushed; tests parse these)
    READY port=<p> url=rtsp://127.0.0.1:<p><path>        (the url never carries credentials; rtsps:// with --tls-cert)
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
import signal
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

BLACK, WHITE, GRAY = 16, 235, 128
CELL = 16
BAND_CELLS = 32
CLOCK_ROWS = 40  # two 16-px bands plus an 8-px quiet zone


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


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
        w, h = args.width, args.height
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
        self.thread = threading.Thread(target=self.run, name="frames", daemon=True)

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
        while not self.stop_event.is_set():
            due = t0 + n * period
            delay = due - time.monotonic()
            if delay > 0:
                if self.stop_event.wait(delay):
                    break
            elif delay < -1.0:
                # Fell behind by a second (machine busy): resynchronise instead of bursting.
                t0 = time.monotonic() - n * period
            epoch_ms = time.time_ns() // 1_000_000
            data = self.make_frame(n, epoch_ms)
            buf = Gst.Buffer.new_wrapped(data)
            # Stamp the nominal capture time, as a camera's sensor clock does; stamping the push time
            # would add this script's scheduling jitter to every RTP timestamp.
            if base is None:
                running = self.appsrc.get_current_running_time()
                if running == Gst.CLOCK_TIME_NONE:
                    # Not playing yet: a frame stamped now would lie about its time. Skip it.
                    n += 1
                    continue
                base, n0 = running, n
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


class Camera:
    def __init__(self, args):
        self.args = args
        self.clients = 0
        self.sessions = -1
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
        self.server.connect("client-connected", self.on_client_connected)

    def launch_string(self):
        a = self.args
        caps = f"video/x-raw,format=I420,width={a.width},height={a.height},framerate={a.fps}/1"
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
        # sliced-threads=false: zerolatency would otherwise cut every frame into one slice per thread.
        # threads=1: frame threading would hold back one frame per thread, which no camera does.
        return (
            f"( appsrc name=src is-live=true format=time do-timestamp=false caps={caps} "
            f"! queue max-size-buffers=4 "
            f"! x264enc tune=zerolatency speed-preset=ultrafast bitrate={a.bitrate} "
            f"key-int-max={a.gop} bframes={a.bframes} sliced-threads=false threads=1{opt} "
            f"! video/x-h264,profile={a.profile} "
            f"{tail} )"
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
        appsrc = media.get_element().get_by_name("src")
        source = FrameSource(appsrc, self.args)
        with self.lock:
            self.sources.append(source)
        media.connect("unprepared", self.on_media_unprepared, source)
        source.start()
        emit("MEDIA_STARTED")

    def on_media_unprepared(self, _media, source):
        source.stop()
        with self.lock:
            if source in self.sources:
                self.sources.remove(source)
        emit("MEDIA_STOPPED")

    def on_client_connected(self, _server, client):
        self.clients += 1
        emit(f"CLIENT_CONNECTED n={self.clients}")
        client.connect("closed", self.on_client_closed)
        self.poll_sessions()

    def on_client_closed(self, _client):
        self.clients -= 1
        emit(f"CLIENT_CLOSED n={self.clients}")
        GLib.idle_add(self.poll_sessions)

    def poll_sessions(self):
        pool = self.server.get_session_pool()
        pool.cleanup()  # drops sessions whose keep-alive timed out
        n = pool.get_n_sessions()
        if n != self.sessions:
            self.sessions = n
            emit(f"SESSIONS n={n}")
        return True

    def run(self):
        loop = GLib.MainLoop()
        if self.server.attach(None) == 0:
            sys.exit(f"rtsp_camera: cannot listen on port {self.args.port}")
        port = self.server.get_bound_port()

        def on_signal(*_):
            loop.quit()
            return GLib.SOURCE_REMOVE

        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_signal)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, on_signal)
        GLib.timeout_add(250, self.poll_sessions)
        host = self.server.get_address()
        scheme = "rtsps" if self.args.tls_cert is not None else "rtsp"
        emit(f"READY port={port} url={scheme}://{host}:{port}{self.args.path}")
        self.poll_sessions()
        loop.run()
        with self.lock:
            for s in self.sources:
                s.stop()
        emit("STOPPED")


def parse_args(argv):
    p = argparse.ArgumentParser(description="GStreamer RTSP test camera (H.264)")
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
    p.add_argument("--noise", type=int, default=12, help="per-frame noise amplitude (luma steps) that makes CBR spend its bits")
    p.add_argument("--x264-opts", default="", help="extra x264 option-string entries, k=v:k=v")
    p.add_argument("--clock", action="store_true", help="write epoch ms into every frame (see docstring)")
    p.add_argument("--profile", choices=["baseline", "main", "high"], default="baseline")
    a = p.parse_args(argv)
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
    if a.bframes and a.profile == "baseline":
        p.error("--bframes needs --profile main or high")
    if a.fps <= 0 or a.gop <= 0 or a.bitrate <= 0 or a.slices <= 0:
        p.error("--fps, --gop, --bitrate and --slices must be positive")
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Gst.init(None)
    if Gst.ElementFactory.find("x264enc") is None:
        sys.exit("rtsp_camera: x264enc missing; apt-get install gstreamer1.0-plugins-ugly")
    Camera(args).run()


if __name__ == "__main__":
    main()
