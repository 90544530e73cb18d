#!/usr/bin/python3
"""Tests for rtsp_replay_camera.py and frame_clock_sei.py:  /usr/bin/python3 -m unittest discover -s tests/tools -v

The SEI tests check the escaping against hand-made byte strings from H.264 7.4.1; the camera test runs
the real camera (2 mounts) and reads it with ffprobe/ffmpeg (skipped if those are missing).
"""

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import frame_clock_sei as sei  # noqa: E402

CAMERA = os.path.join(HERE, "rtsp_replay_camera.py")


class EscapingTests(unittest.TestCase):
    CASES = [
        # (rbsp, escaped)
        (b"", b""),
        (b"\x01\x02", b"\x01\x02"),
        (b"\x00\x00\x00", b"\x00\x00\x03\x00"),
        (b"\x00\x00\x01", b"\x00\x00\x03\x01"),
        (b"\x00\x00\x03", b"\x00\x00\x03\x03"),
        (b"\x00\x00\x04", b"\x00\x00\x04"),
        (b"\x00\x00\x00\x00\x00", b"\x00\x00\x03\x00\x00\x03\x00"),
        (b"\x00\x00", b"\x00\x00"),
        (b"\x05\x00\x00\x02\x00\x00\xff", b"\x05\x00\x00\x03\x02\x00\x00\xff"),
    ]

    def test_escape(self):
        for rbsp, escaped in self.CASES:
            with self.subTest(rbsp=rbsp):
                self.assertEqual(sei.escape(rbsp), escaped)

    def test_unescape(self):
        for rbsp, escaped in self.CASES:
            with self.subTest(escaped=escaped):
                self.assertEqual(sei.unescape(escaped), rbsp)


class SeiTests(unittest.TestCase):
    VALUES = [
        # (epoch_us, seq): zeros that need escaping, big values, a realistic one
        (0, 0),
        (1, 1),
        (0x0000_0100_0000_0003, 0x0000_0002),
        (1_795_533_485_811_102, 90),
        (2**63 - 1, 2**32 - 1),
    ]

    def test_round_trip(self):
        for epoch_us, seq in self.VALUES:
            with self.subTest(epoch_us=epoch_us, seq=seq):
                nal = sei.build_sei(epoch_us, seq)
                self.assertEqual(nal[0], 0x06)
                self.assertNotIn(b"\x00\x00\x00", nal)
                self.assertNotIn(b"\x00\x00\x01", nal)
                self.assertNotIn(b"\x00\x00\x02", nal)
                self.assertEqual(sei.parse_sei(nal), (epoch_us, seq))
                self.assertEqual(sei.parse_sei(nal[1:]), (epoch_us, seq))

    def test_layout(self):
        raw = sei.unescape(sei.build_sei(0x0102030405060708, 0x0A0B0C0D)[1:])
        self.assertEqual(raw, b"\x05\x1c" + b"LiveMuxFrameClk1" + bytes(range(1, 9)) + b"\x0a\x0b\x0c\x0d\x80")

    def test_found_after_another_message(self):
        other = b"\x01\x02\xaa\xbb"  # pic_timing-like message, 2 bytes
        ours = sei.unescape(sei.build_sei(42, 7)[1:])
        self.assertEqual(sei.parse_sei(b"\x06" + sei.escape(other + ours)), (42, 7))

    def test_rejected(self):
        good = sei.unescape(sei.build_sei(42, 7)[1:])
        cases = {
            "other uuid": good.replace(b"LiveMuxFrameClk1", b"LiveMuxFrameClk2"),
            "other type": b"\x04" + good[1:],
            "other size": b"\x05\x1b" + good[2:-2] + b"\x80",
            "truncated": good[:20],
            "empty": b"",
        }
        for name, body in cases.items():
            with self.subTest(name):
                self.assertIsNone(sei.parse_sei(b"\x06" + sei.escape(body)))

    def test_split_nals(self):
        stream = b"\x00\x00\x00\x01\x09\xf0\x00\x00\x01\x06\x05\x00\x00\x00\x01\x65\x88"
        self.assertEqual(sei.split_nals(stream), [b"\x09\xf0", b"\x06\x05", b"\x65\x88"])


class ReplayCameraTests(unittest.TestCase):
    FPS = 30
    BITRATE = 1000

    @classmethod
    def setUpClass(cls):
        # A missing tool fails these tests (test.sh installs it); a skip would pass CI without them.
        missing = [t for t in ("ffprobe", "ffmpeg") if shutil.which(t) is None]
        if missing:
            raise AssertionError(f"{', '.join(missing)} not installed: apt-get install ffmpeg")

    def setUp(self):
        self.proc = None

    def start(self, *extra):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-u", CAMERA, "--port", "0", "--width", "640", "--height", "360",
             "--fps", str(self.FPS), "--bitrate", str(self.BITRATE), "--seconds", "2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        ready = threading.Event()

        def reader():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if line.startswith("READY"):
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=reader, daemon=True)
        self.reader.start()
        ready.wait(30)
        ready_line = next((line for line in list(self.lines) if line.startswith("READY")), "")
        m = re.match(r"READY port=(\d+) url=(rtsp://127\.0\.0\.1:\d+/cam0) mounts=(\d+)$", ready_line)
        if m is None:
            self.stop()
            self.fail(f"no READY line within 30 s\n{self.log()}")
        self.url = m.group(2)
        return int(m.group(3))

    def wait_for_line(self, line, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if line in self.lines:
                return True
            time.sleep(0.05)
        return False

    def tearDown(self):
        self.stop()

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.reader.join(timeout=5)
        self.proc.stdout.close()

    def log(self):
        return "\n".join(self.lines)

    def record(self, url, seconds, out):
        """ffmpeg copy of the stream (Annex B) for `seconds`; stored in out[url-index] with the wall time at the end."""
        data = subprocess.run(["ffmpeg", "-v", "error", "-rtsp_transport", "tcp", "-i", url, "-t", str(seconds),
                               "-c", "copy", "-copyinkf", "-f", "h264", "pipe:1"], capture_output=True, timeout=30).stdout
        out.append((data, time.time_ns() // 1000))

    def frames(self, data):
        """[(epoch_us, seq, access unit bytes)] from an Annex B recording, one per SEI."""
        result = []
        for nal in sei.split_nals(data):
            if nal and nal[0] & 0x1F == 6:
                parsed = sei.parse_sei(nal)
                if parsed is not None:
                    result.append([parsed[0], parsed[1], 0])
            if result:
                result[-1][2] += len(nal) + 4
        return result

    def test_serves_shared_clocked_frames_at_the_bitrate(self):
        self.assertEqual(self.start("--mounts", "2"), 2)
        probe = {}

        def ffprobe():
            probe["out"] = subprocess.run(
                ["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name,width,height",
                 "-of", "csv=p=0", self.url.replace("/cam0", "/cam1")], capture_output=True, text=True, timeout=30).stdout

        outs_a, outs_b = [], []
        threads = [threading.Thread(target=ffprobe),
                   threading.Thread(target=self.record, args=(self.url, 3, outs_a)),
                   threading.Thread(target=self.record, args=(self.url, 3, outs_b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)

        self.assertEqual(probe.get("out", "").strip(), "h264,640,360", self.log())
        self.assertIn("MEDIA_STARTED path=/cam1", self.lines)
        self.assertEqual(self.lines.count("MEDIA_STARTED path=/cam0"), 1, "two clients of one mount share one media")

        runs = []
        for data, ended_us in (outs_a[0], outs_b[0]):
            frames = self.frames(data)
            self.assertGreater(len(frames), self.FPS * 2, f"too few frames with a clock SEI\n{self.log()}")
            seqs = [f[1] for f in frames]
            self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "sequence numbers are consecutive")
            epochs = [f[0] for f in frames]
            self.assertTrue(all(b > a for a, b in zip(epochs, epochs[1:])), "epoch us increase")
            self.assertLess(abs(ended_us - epochs[-1]), 1_000_000, "the last frame's clock is within 1 s of now")
            # Bitrate over whole access units between the first and last SEI, one frame interval each.
            bits = 8 * sum(f[2] for f in frames[:-1])
            kbps = bits / ((len(frames) - 1) / self.FPS) / 1000
            self.assertLess(abs(kbps - self.BITRATE), 0.25 * self.BITRATE, f"measured {kbps:.0f} kbit/s")
            runs.append({f[1]: f[0] for f in frames})

        common = set(runs[0]) & set(runs[1])
        self.assertGreater(len(common), self.FPS, "the two clients overlap by more than a second")
        self.assertTrue(all(runs[0][s] == runs[1][s] for s in common), "same sequence number, same frame clock")

        # The last client gone, the media is torn down; a new one goes on counting where it stopped.
        self.assertTrue(self.wait_for_line("MEDIA_STOPPED path=/cam0"), self.log())
        later = []
        self.record(self.url, 1, later)
        frames = self.frames(later[0][0])
        self.assertTrue(frames, self.log())
        self.assertGreater(frames[0][1], max(max(run) for run in runs), "sequence numbers never reset")

        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        self.reader.join(timeout=5)
        self.assertEqual(self.lines[-1], "STOPPED")

    def test_digest_auth(self):
        self.start("--user", "admin", "--password", "s3cret")
        self.assertNotIn("admin", self.log(), "credentials never appear in the READY url")

        def probe(url):
            return subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries",
                                   "stream=codec_name", "-of", "csv=p=0", url], capture_output=True, text=True, timeout=30)

        refused = probe(self.url)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("401", refused.stderr)
        allowed = probe(self.url.replace("rtsp://", "rtsp://admin:s3cret@"))
        self.assertEqual(allowed.stdout.strip(), "h264", allowed.stderr + self.log())


if __name__ == "__main__":
    unittest.main()
