#!/usr/bin/python3
"""Tests for rtsp_camera.py:  /usr/bin/python3 -m unittest discover -s tests/tools -v

The barcode tests decode with an independent reader written here from the docstring's spec; the
camera tests run the real camera and check it with ffprobe/ffmpeg (skipped if those are missing).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rtsp_camera  # noqa: E402

CAMERA = os.path.join(HERE, "rtsp_camera.py")


def read_barcode(luma, width):
    """Spec reader: luma rows 0..31 as bytes (row-major, `width` wide) -> epoch ms or None."""
    bits = []
    for band in range(2):
        cells = []
        for c in range(32):
            total = 0
            for y in range(band * 16 + 4, band * 16 + 12):
                row = luma[y * width + c * 16 + 4 : y * width + c * 16 + 12]
                total += sum(row)
            cells.append(1 if total / 64 >= 128 else 0)
        if cells[:2] != [1, 0] or cells[30:] != [0, 1]:
            return None
        bits += cells[2:30]
    word = int("".join(map(str, bits)), 2)
    value, check = word >> 8, word & 0xFF
    x = 0
    for b in value.to_bytes(6, "big"):
        x ^= b
    return value if x == check else None


class BarcodeTests(unittest.TestCase):
    CASES = [
        # (epoch ms, expected check byte = XOR of the 6 big-endian bytes)
        (0, 0x00),
        (1, 0x01),
        (0x0102_0304_0506, 0x01 ^ 0x02 ^ 0x03 ^ 0x04 ^ 0x05 ^ 0x06),
        (1_795_500_000_123, None),
        ((1 << 48) - 1, 0x00),
    ]

    def frame_luma(self, epoch_ms, width=640, height=360):
        args = rtsp_camera.parse_args(["--clock", "--width", str(width), "--height", str(height)])
        frame = rtsp_camera.FrameSource(None, args).make_frame(17, epoch_ms)
        self.assertEqual(len(frame), width * height * 3 // 2)
        return frame[: width * height]

    def test_round_trip_through_a_generated_frame(self):
        for value, _ in self.CASES:
            with self.subTest(value=value):
                self.assertEqual(read_barcode(self.frame_luma(value), 640), value)

    def test_check_byte(self):
        for value, check in self.CASES:
            if check is None:
                continue
            with self.subTest(value=value):
                bits = rtsp_camera.clock_bits(value)
                self.assertEqual(len(bits), 56)
                self.assertEqual(int("".join(map(str, bits[48:])), 2), check)

    def test_guards_and_levels(self):
        luma = self.frame_luma(1_795_500_000_123)
        for band in range(2):
            row = luma[(band * 16 + 8) * 640 : (band * 16 + 9) * 640]
            self.assertEqual((row[8], row[24]), (235, 16), "start guard white, black")
            self.assertEqual((row[30 * 16 + 8], row[31 * 16 + 8]), (16, 235), "stop guard black, white")
            self.assertTrue(all(v in (16, 235) for v in row[:512]))
            self.assertTrue(all(v == 128 for v in row[512:]), "gray right of the bands")

    def test_flipped_bit_is_rejected(self):
        luma = bytearray(self.frame_luma(1_795_500_000_123))
        for y in range(16, 32):  # invert payload cell 10 of band 1
            for x in range(12 * 16, 13 * 16):
                luma[y * 640 + x] = 251 - luma[y * 640 + x]
        self.assertIsNone(read_barcode(bytes(luma), 640))

    def test_bad_new_options_are_refused(self):
        for argv in (["--ts-offset", "-1"], ["--ts-offset", str(2**32)], ["--switch-size-after", "2", "320"],
                     ["--switch-size-after", "-1", "320x240"], ["--switch-size-after", "2", "321x240"],
                     ["--clock", "--switch-size-after", "2", "320x240"], ["--audio", "mp3"]):
            with self.subTest(argv=argv), self.assertRaises(SystemExit):
                rtsp_camera.parse_args(argv)

    def test_new_options_parse(self):
        a = rtsp_camera.parse_args(["--ts-offset", "4294967000", "--switch-size-after", "1.5", "320x240", "--audio", "opus"])
        self.assertEqual((a.ts_offset, a.switch_size_after, a.audio), (4294967000, (1.5, (320, 240)), "opus"))

    def test_too_small_for_clock_is_refused(self):
        for argv in (["--clock", "--width", "480"], ["--clock", "--height", "48"]):
            with self.subTest(argv=argv), self.assertRaises(SystemExit):
                rtsp_camera.parse_args(argv)


class RunningTimeTests(unittest.TestCase):
    """The frame sources stamp from the first running time they read, on their own thread, while the
    media goes to PLAYING. A pipeline gives its elements the clock before their base time, so in that
    window clock - base time is hours; frames stamped from it never leave the sinks (a silent session)."""

    def setUp(self):
        rtsp_camera.Gst.init(None)
        self.pipeline = rtsp_camera.Gst.parse_launch("appsrc name=src is-live=true format=time ! fakesink async=false")
        self.addCleanup(self.pipeline.set_state, rtsp_camera.Gst.State.NULL)
        self.src = self.pipeline.get_by_name("src")

    def test_no_running_time_before_playing(self):
        Gst = rtsp_camera.Gst
        clock = Gst.SystemClock.obtain()
        # (state to reach first, clock handed over without a base time as in the window)
        for state, clock_first in ((Gst.State.NULL, True), (Gst.State.READY, True), (Gst.State.PAUSED, True),
                                   (Gst.State.PAUSED, False)):
            with self.subTest(state=state.value_nick, clock_first=clock_first):
                self.pipeline.set_state(state)
                if clock_first:
                    self.src.set_clock(clock)
                    self.src.set_base_time(0)
                self.assertIsNone(rtsp_camera.running_time_now(self.src))

    def test_running_time_once_playing_is_small(self):
        Gst = rtsp_camera.Gst
        self.pipeline.set_state(Gst.State.PLAYING)
        deadline = time.monotonic() + 5
        running = None
        while running is None and time.monotonic() < deadline:
            running = rtsp_camera.running_time_now(self.src)
            time.sleep(0.01)
        self.assertIsNotNone(running, "never PLAYING")
        self.assertLess(running, 5 * Gst.SECOND)

    def test_a_late_first_push_is_stamped_at_its_due_time(self):
        second = rtsp_camera.Gst.SECOND
        # (running time at the push, seconds late, expected stamp)
        for running, late, expected in ((5 * second, 0.08, 5 * second - 80_000_000), (5 * second, 0.0, 5 * second),
                                        (5 * second, -0.01, 5 * second), (50_000_000, 0.08, 0)):
            with self.subTest(running=running, late=late):
                self.assertEqual(expected, rtsp_camera.nominal_base(running, late))


class CameraTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A missing tool fails these tests (test.sh installs it); a skip would pass CI without them.
        missing = [t for t in ("ffprobe", "ffmpeg") if shutil.which(t) is None]
        if missing:
            raise AssertionError(f"{', '.join(missing)} not installed: apt-get install ffmpeg")

    def start(self, *extra):
        proc = subprocess.Popen(["/usr/bin/python3", "-u", CAMERA, "--port", "0", *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        # Drain both pipes for the camera's whole life: a full pipe would block its main loop and look
        # like a hung server. What it printed goes into failure messages. The READY line is awaited with
        # a deadline, so a camera that never starts fails the test instead of hanging the run.
        self.camera_out, self.camera_err = [], []
        self.drains = [threading.Thread(target=lambda f=f, sink=sink: sink.extend(f), daemon=True)
                       for f, sink in ((proc.stdout, self.camera_out), (proc.stderr, self.camera_err))]
        for t in self.drains:
            t.start()
        deadline = time.monotonic() + 30
        while not self.camera_out and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        line = self.camera_out[0] if self.camera_out else ""
        m = re.match(r"READY port=(\d+) url=(rtsp://\S+)", line)
        self.assertIsNotNone(m, f"no READY line within 30 s, got {line!r}\n{self.camera_log()}")
        return proc, int(m.group(1)), m.group(2)

    def camera_log(self):
        return "camera stdout:\n" + "".join(self.camera_out) + "camera stderr:\n" + "".join(self.camera_err)[-4000:]

    def ffprobe(self, url):
        # -timeout (socket I/O, microseconds) turns a stalled exchange into an error with the RTSP
        # dialogue in the debug log, instead of a bare subprocess timeout that shows nothing.
        args = ["ffprobe", "-v", "debug", "-timeout", "10000000", "-rtsp_transport", "tcp",
                "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"ffprobe did not finish in 30 s\nffprobe stderr:\n{err[-6000:]}\n{self.camera_log()}")
        return subprocess.CompletedProcess(args, proc.returncode, out, err)

    def wait_for_line(self, line, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(l.rstrip() == line for l in list(self.camera_out)):
                return
            time.sleep(0.05)
        self.fail(f"the camera did not print {line} within {timeout} s\n{self.camera_log()}")

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        for t in self.drains:
            t.join(timeout=5)
        self.assertEqual(proc.returncode, 0, self.camera_log())
        return "".join(self.camera_out)

    def test_digest_auth(self):
        proc, port, url = self.start("--user", "admin", "--password", "s3cret")
        self.assertNotIn("s3cret", url)
        table = [("admin:s3cret@", True), ("admin:wrong@", False), ("", False)]
        for creds, ok in table:
            with self.subTest(creds=creds):
                r = self.ffprobe(f"rtsp://{creds}127.0.0.1:{port}/cam")
                self.assertEqual(r.returncode == 0, ok, r.stderr[-6000:] + self.camera_log())
                if ok:
                    self.assertEqual(r.stdout.strip(), "h264,640,360")
                else:
                    self.assertIn("401", r.stderr)
        # ffprobe has exited, but the camera hears the last client go on its own thread, later on a busy machine.
        self.wait_for_line("CLIENT_CLOSED n=0")
        out = self.stop(proc)
        self.assertIn("SESSIONS n=1", out)
        self.assertTrue(out.rstrip().endswith("STOPPED"), self.camera_log())

    def test_h265_stream_probes_and_decodes(self):
        proc, _, url = self.start("--codec", "h265", "--width", "320", "--height", "180", "--gop", "15")
        r = self.ffprobe(url)
        self.assertEqual(r.returncode, 0, r.stderr[-6000:] + self.camera_log())
        self.assertEqual(r.stdout.strip(), "hevc,320,180")
        d = subprocess.run(["ffmpeg", "-v", "error", "-rtsp_transport", "tcp", "-i", url, "-frames:v", "30",
                            "-f", "null", "-"], capture_output=True, text=True, timeout=60)
        self.assertEqual((d.returncode, d.stderr), (0, ""), self.camera_log())
        self.stop(proc)

    def test_clock_frames_decode_and_are_current(self):
        proc, _, url = self.start("--clock", "--fps", "30", "--gop", "15")
        w, h = 640, 360
        raw = subprocess.run(["ffmpeg", "-v", "error", "-rtsp_transport", "tcp", "-i", url, "-frames:v", "60",
                              "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"], capture_output=True, timeout=60).stdout
        now = time.time() * 1000
        frames = [raw[i : i + w * h] for i in range(0, len(raw) - w * h + 1, w * h)]
        self.assertEqual(len(frames), 60)
        values = [read_barcode(f, w) for f in frames[15:]]  # from the second keyframe on
        self.assertTrue(all(v is not None for v in values), values)
        self.assertEqual(values, sorted(values))
        self.assertTrue(all(now - 10_000 < v <= now for v in values))
        self.stop(proc)

    def test_audio_tracks_play_and_sound(self):
        table = [("aac", "aac,48000"), ("opus", "opus,48000"), ("pcma", "pcm_alaw,8000"), ("pcmu", "pcm_mulaw,8000")]
        for kind, expected in table:
            with self.subTest(audio=kind):
                proc, _, url = self.start("--audio", kind)
                r = self.ffprobe(url)
                self.assertEqual(r.returncode, 0, r.stderr[-3000:] + self.camera_log())
                lines = [line.strip(",") for line in r.stdout.split()]
                self.assertEqual(lines, ["h264,640,360", expected.split(",")[0]], r.stdout)
                # The tone decodes to real sound (a 0.25-amplitude sine is about -12 dB; silence is -91 dB), at the
                # rate the input's stream line gives ("Stream #0:1: Audio: aac (LC), 48000 Hz, mono, fltp").
                out = subprocess.run(["ffmpeg", "-v", "info", "-rtsp_transport", "tcp", "-i", url, "-t", "1.5", "-map", "0:a",
                                      "-af", "volumedetect", "-f", "null", "-"], capture_output=True, text=True, timeout=30).stderr
                rate = re.search(r"Stream #0:\d+: Audio: [^,]*, (\d+) Hz", out)
                self.assertIsNotNone(rate, out[-3000:])
                self.assertEqual(rate.group(1), expected.split(",")[1])
                m = re.search(r"mean_volume: (-?[\d.]+) dB", out)
                self.assertIsNotNone(m, out[-3000:])
                self.assertGreater(float(m.group(1)), -30)
                self.stop(proc)

    def test_switch_size_after(self):
        proc, _, url = self.start("--switch-size-after", "1", "320x240", "--gop", "15")
        out = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v", "-read_intervals", "%+3",
                              "-show_entries", "frame=width,height", "-of", "csv=p=0", url],
                             capture_output=True, text=True, timeout=40).stdout
        sizes = [line.strip(",") for line in out.split() if line.strip(",")]
        changes = [s for i, s in enumerate(sizes) if i == 0 or sizes[i - 1] != s]
        self.assertEqual(changes, ["640,360", "320,240"], out[-2000:])
        self.assertIn("SIZE_CHANGED 320x240", self.stop(proc))

    def test_ts_offset_sets_the_first_video_rtp_timestamp(self):
        offset = 2**32 - 5 * 90000  # five seconds below the wrap
        proc, port, url = self.start("--ts-offset", str(offset))
        first = first_rtp_timestamp(port, url)
        self.assertLess((first - offset) % 2**32, 3 * 90000, f"first RTP timestamp {first}, offset {offset}")
        self.stop(proc)


def first_rtp_timestamp(port, url):
    """A minimal RTSP/TCP client: DESCRIBE, SETUP the first track interleaved, PLAY, and read one RTP packet's timestamp."""
    import socket
    import struct

    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""

    def request(method, target, cseq, extra=""):
        nonlocal buf
        sock.sendall(f"{method} {target} RTSP/1.0\r\nCSeq: {cseq}\r\n{extra}\r\n".encode())
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(65536)
        head, buf = buf.split(b"\r\n\r\n", 1)
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        length = int(headers.get("Content-Length", 0))
        while len(buf) < length:
            buf += sock.recv(65536)
        body, buf = buf[:length], buf[length:]
        return headers, body.decode()

    try:
        _, sdp = request("DESCRIBE", url, 1, "Accept: application/sdp\r\n")
        control = re.search(r"m=video.*?a=control:(\S+)", sdp, re.S).group(1)
        target = control if control.startswith("rtsp://") else url.rstrip("/") + "/" + control
        headers, _ = request("SETUP", target, 2, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
        session = headers["Session"].split(";")[0]
        request("PLAY", url, 3, f"Session: {session}\r\nRange: npt=0.000-\r\n")
        while True:
            while len(buf) < 4:
                buf += sock.recv(65536)
            if buf[0] != 0x24:
                raise AssertionError(f"expected interleaved data, got {buf[:20]!r}")
            channel, size = buf[1], struct.unpack(">H", buf[2:4])[0]
            while len(buf) < 4 + size:
                buf += sock.recv(65536)
            packet, buf = buf[4 : 4 + size], buf[4 + size :]
            if channel == 0:
                return struct.unpack(">I", packet[4:8])[0]
    finally:
        sock.close()


if __name__ == "__main__":
    unittest.main()
