#!/usr/bin/python3
"""A cheap real RTSP camera for load benchmarks: replays a pre-encoded H.264 loop, no encoding at serve time.

Run with /usr/bin/python3 (Debian's, it has python3-gi). Needs gir1.2-gst-rtsp-server-1.0 and ffmpeg (libx264).

    /usr/bin/python3 tests/tools/rtsp_replay_camera.py --port 0
    /usr/bin/python3 tests/tools/rtsp_replay_camera.py --port 0 --mounts 50 --bitrate 2000 --width 640 --height 360
    /usr/bin/python3 tests/tools/rtsp_replay_camera.py --port 8554 --user admin --password secret

At start-up ffmpeg encodes --seconds of video once (lavfi testsrc2 plus fresh per-frame noise, so the
rate control really spends --bitrate; libx264 baseline, ultrafast, VBV maxrate = --bitrate, an IDR
with SPS/PPS every --gop frames, an AUD before every access unit). The loop is cached under
$TMPDIR/livemux-replaycam/ keyed by the parameters, so a second run starts at once.

Mounts /cam0 .. /cam{N-1}; each is ONE shared media (every client of a mount gets the same packets):
    appsrc (live, time) ! rtph264pay name=pay0 pt=96 config-interval=0
(the loop already has SPS/PPS before every IDR, so the payloader adds none: config-interval=-1 would
send them twice per IDR).
One pusher thread feeds all mounts: each mount's access units are pushed paced by the wall clock at
--fps, stamped from the appsrc's running time (read only once it is PLAYING), looping forever. A
mount starts at GOP (K mod GOPs) of the loop, so mounts are at staggered phases.

FRAME CLOCK SEI: every access unit carries, right after its AUD, an SEI NAL (user_data_unregistered,
payloadSize 28): UUID "LiveMuxFrameClk1", int64 BE Unix epoch microseconds when the frame was pushed,
uint32 BE sequence number (per mount, from 0, +1 per frame, never reset, also not when the media is
rebuilt). Layout and parser: frame_clock_sei.py.

COST (2-core shared box, /proc utime+stime over 20 s, one raw RTSP/TCP client per mount): 1 mount,
1280x720 4 Mbps 30 fps: ~1% of a core. 50 mounts at 2 Mbps: ~25% of a core at 1280x720 or 640x360
(about 6 points are the Python pusher, the rest GStreamer's payloading and TCP sending in the appsrc
threads, so the cost follows packets per second, not picture size). RSS ~55 MB at 50 mounts.
Start-up: ~2 s with a fresh encode of the default loop, ~0.3 s from the cache.

STDOUT PROTOCOL (one line per event, flushed)
    READY port=<p> url=rtsp://127.0.0.1:<p>/cam0 mounts=<N>   (the url never carries credentials)
    CLIENT_CONNECTED n=<clients connected now> / CLIENT_CLOSED n=<clients connected now>
    SESSIONS n=<active RTSP sessions over all mounts>          (at start and on every change)
    MEDIA_STARTED path=/camK / MEDIA_STOPPED path=/camK          (a mount's shared media built / torn down)
    STOPPED                                                      (after SIGTERM/SIGINT, just before exit 0)
"""

import argparse
import hashlib
import heapq
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import frame_clock_sei  # noqa: E402
from rtsp_server_common import ServerEvents, emit, nominal_base, running_time_now  # noqa: E402

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtsp", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtsp, GstRtspServer
except (ImportError, ValueError) as e:  # pragma: no cover - environment check
    sys.exit(f"rtsp_replay_camera: GStreamer python bindings missing ({e}); "
             "apt-get install python3-gi gir1.2-gst-rtsp-server-1.0")

LOOP_VERSION = 1  # bump when the encode command changes, so stale cached loops are not reused
START = b"\x00\x00\x00\x01"


def encode_loop(a):
    """Path of the encoded loop (Annex B, AUD per access unit), encoding it if not cached."""
    key = f"v{LOOP_VERSION}-{a.width}x{a.height}-{a.fps}fps-gop{a.gop}-{a.bitrate}k-{a.seconds}s"
    folder = os.path.join(tempfile.gettempdir(), "livemux-replaycam")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, key + ".h264")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return path
    tmp = f"{path}.{os.getpid()}.tmp"
    # Fresh temporal noise every frame over testsrc2: the encoder cannot predict it away, so the
    # VBV cap (maxrate = bitrate) is what sets the rate, as with a real camera's CBR.
    # filter_units drops x264's own info SEI so ours is the only SEI.
    cmd = ["nice", "-n", "10", "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", f"testsrc2=size={a.width}x{a.height}:rate={a.fps},noise=alls=16:allf=t+u",
           "-t", str(a.seconds), "-pix_fmt", "yuv420p",
           "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
           "-b:v", f"{a.bitrate}k", "-maxrate", f"{a.bitrate}k", "-bufsize", f"{a.bitrate // 2}k",
           "-x264-params", f"aud=1:keyint={a.gop}:min-keyint={a.gop}:scenecut=0:threads=2:sliced-threads=0",
           "-bsf:v", "filter_units=remove_types=6", "-f", "h264", tmp]
    try:
        subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        sys.exit("rtsp_replay_camera: ffmpeg missing; apt-get install ffmpeg")
    except subprocess.CalledProcessError as e:
        sys.exit(f"rtsp_replay_camera: encoding the loop failed ({e})")
    os.replace(tmp, path)  # atomic: a concurrent run sees the whole file or none
    return path


def access_units(data):
    """[(aud_nal, rest_annexb)] per access unit; the SEI goes between the two at push time."""
    units = []
    for nal in frame_clock_sei.split_nals(data):
        if not nal:
            continue
        kind = nal[0] & 0x1F
        if kind == 9:
            units.append([START + nal, []])
        elif units:
            units[-1][1].append(START + nal)
    if not units:
        sys.exit("rtsp_replay_camera: the encoded loop has no access unit delimiters")
    gop_starts = [i for i, (_, rest) in enumerate(units) if any((n[4] & 0x1F) == 5 for n in rest)]
    if not gop_starts or gop_starts[0] != 0:
        sys.exit("rtsp_replay_camera: the encoded loop does not start with an IDR")
    return [(aud, b"".join(rest)) for aud, rest in units], gop_starts


class Mount:
    """Per-mount state that outlives a media: the frame sequence number never resets."""

    def __init__(self, index):
        self.index = index
        self.path = f"/cam{index}"
        self.seq = 0


class Stream:
    """One live media of a mount: its appsrc and where it is in the loop."""

    def __init__(self, mount, appsrc, start_unit, now):
        self.mount = mount
        self.appsrc = appsrc
        self.unit = start_unit
        self.t0 = now
        self.n = 0  # frame slots since t0 (also skipped ones), for pacing
        self.base = None  # running time of slot n0
        self.n0 = 0
        self.stopped = False


class Pusher(threading.Thread):
    """One thread for all mounts: a heap of (due time, stream), each stream paced at --fps."""

    def __init__(self, units, fps):
        super().__init__(name="pusher", daemon=True)
        self.units = units
        self.fps = fps
        self.period = 1.0 / fps
        self.frame_ns = Gst.SECOND // fps
        self.heap = []
        self.counter = 0  # heap tie-breaker
        self.cond = threading.Condition()
        self.quit = False

    def add(self, stream):
        with self.cond:
            self.counter += 1
            heapq.heappush(self.heap, (stream.t0, self.counter, stream))
            self.cond.notify()

    def stop(self):
        with self.cond:
            self.quit = True
            self.cond.notify()

    def run(self):
        while True:
            with self.cond:
                while not self.quit:
                    if self.heap:
                        delay = self.heap[0][0] - time.monotonic()
                        if delay <= 0:
                            break
                        self.cond.wait(delay)
                    else:
                        self.cond.wait()
                if self.quit:
                    return
                _, _, stream = heapq.heappop(self.heap)
            if stream.stopped:
                continue
            if self.push(stream):
                due = stream.t0 + stream.n * self.period
                if time.monotonic() - due > 1.0:
                    # Fell a second behind (machine busy): resynchronise instead of bursting, and move the
                    # timestamps along, or every later frame would reach the sinks a second late.
                    shift = time.monotonic() - stream.n * self.period - stream.t0
                    stream.t0 += shift
                    if stream.base is not None:
                        stream.base += int(shift * Gst.SECOND)
                    due = stream.t0 + stream.n * self.period
                with self.cond:
                    self.counter += 1
                    heapq.heappush(self.heap, (due, self.counter, stream))

    def push(self, s):
        """Pushes the stream's next frame slot; False when the stream is done."""
        slot = s.n
        s.n += 1
        if s.base is None:
            running = running_time_now(s.appsrc)
            if running is None:
                return True  # not PLAYING yet: a frame stamped now would lie about its time; skip it
            # Stamp the slot's due time, not this push's: the sinks sync on the timestamps, so a first
            # push made late by a busy start-up would hold back every later frame by as much.
            s.base, s.n0 = nominal_base(running, time.monotonic() - (s.t0 + slot * self.period)), slot
        aud, rest = self.units[s.unit]
        sei = frame_clock_sei.build_sei(time.time_ns() // 1000, s.mount.seq)
        buf = Gst.Buffer.new_wrapped(b"".join((aud, START, sei, rest)))
        pts = s.base + (slot - s.n0) * self.frame_ns
        buf.pts = pts
        buf.dts = pts
        buf.duration = self.frame_ns
        ret = s.appsrc.emit("push-buffer", buf)
        if ret == Gst.FlowReturn.FLUSHING:
            return not s.stopped
        if ret != Gst.FlowReturn.OK:
            print(f"rtsp_replay_camera: {s.mount.path} stopped, push-buffer returned {ret.value_nick}", file=sys.stderr)
            return False
        s.mount.seq += 1
        s.unit = (s.unit + 1) % len(self.units)
        return True


class Camera(ServerEvents):
    def __init__(self, args, units, gop_starts):
        self.args = args
        self.gop_starts = gop_starts
        self.pusher = Pusher(units, args.fps)
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address(args.bind)
        self.server.set_service(str(args.port))
        caps = (f"video/x-h264,stream-format=byte-stream,alignment=au,"
                f"width={args.width},height={args.height},framerate={args.fps}/1")
        launch = (f"( appsrc name=src is-live=true format=time do-timestamp=false caps=\"{caps}\" "
                  f"! rtph264pay name=pay0 pt=96 config-interval=0 )")
        auth = self.make_auth() if args.user is not None else None
        mounts = self.server.get_mount_points()
        self.factories = []
        for k in range(args.mounts):
            mount = Mount(k)
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(launch)
            factory.set_shared(True)
            factory.connect("media-configure", self.on_media_configure, mount)
            if auth is not None:
                perms = GstRtspServer.RTSPPermissions()
                perms.add_permission_for_role("camera-user", "media.factory.access", True)
                perms.add_permission_for_role("camera-user", "media.factory.construct", True)
                factory.set_permissions(perms)
            mounts.add_factory(mount.path, factory)
            self.factories.append(factory)
        if auth is not None:
            self.server.set_auth(auth)

    def make_auth(self):
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "camera-user")
        auth.add_digest(self.args.user, self.args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        return auth

    def on_media_configure(self, _factory, media, mount):
        appsrc = media.get_element().get_by_name("src")
        start = self.gop_starts[mount.index % len(self.gop_starts)]
        stream = Stream(mount, appsrc, start, time.monotonic())
        media.connect("unprepared", self.on_media_unprepared, stream)
        self.pusher.add(stream)
        emit(f"MEDIA_STARTED path={mount.path}")

    def on_media_unprepared(self, _media, stream):
        stream.stopped = True
        emit(f"MEDIA_STOPPED path={stream.mount.path}")

    def run(self):
        self.pusher.start()
        self.serve("rtsp_replay_camera", lambda port: f"READY port={port} url=rtsp://127.0.0.1:{port}/cam0 mounts={self.args.mounts}")
        self.pusher.stop()
        emit("STOPPED")


def parse_args(argv):
    p = argparse.ArgumentParser(description="RTSP camera replaying a pre-encoded H.264 loop (no encoding at serve time)")
    p.add_argument("--port", type=int, default=8554, help="TCP port, 0 = pick a free one (printed in READY)")
    p.add_argument("--bind", default="127.0.0.1", help="listen address")
    p.add_argument("--mounts", type=int, default=1, help="mounts /cam0 .. /cam{N-1}")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--gop", type=int, default=None, help="keyframe interval in frames (default 2*fps)")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument("--bitrate", type=int, default=4000, help="kbit/s")
    p.add_argument("--seconds", type=int, default=10, help="length of the encoded loop")
    p.add_argument("--user", default=None, help="enables Digest auth (needs --password)")
    p.add_argument("--password", default=None)
    a = p.parse_args(argv)
    if a.gop is None:
        a.gop = 2 * a.fps
    if (a.user is None) != (a.password is None):
        p.error("--user and --password go together")
    if a.width % 2 or a.height % 2 or a.width <= 0 or a.height <= 0:
        p.error("--width and --height must be even and positive")
    if a.fps <= 0 or a.gop <= 0 or a.bitrate <= 0 or a.seconds <= 0 or a.mounts <= 0:
        p.error("--fps, --gop, --bitrate, --seconds and --mounts must be positive")
    if not 0 <= a.port <= 65535:
        p.error("--port must be 0..65535")
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Gst.init(None)
    with open(encode_loop(args), "rb") as f:
        units, gop_starts = access_units(f.read())
    Camera(args, units, gop_starts).run()


if __name__ == "__main__":
    main()
