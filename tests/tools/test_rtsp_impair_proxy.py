#!/usr/bin/python3
"""Tests for rtsp_impair_proxy.py:  /usr/bin/python3 -m unittest discover -s tests/tools -v

The impairment math is checked on its own (seeded); the proxy is run between the real test camera and
ffmpeg over UDP, and its cut/restore control is exercised.
"""

import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rtsp_impair_proxy as proxy  # noqa: E402

CAMERA = os.path.join(HERE, "rtsp_camera.py")
PROXY = os.path.join(HERE, "rtsp_impair_proxy.py")


class Args:
    def __init__(self, loss, reorder):
        self.loss, self.reorder, self.delay_ms = loss, reorder, 0


class ImpairerTests(unittest.TestCase):
    def run_impairer(self, loss, reorder, n=20000, seed=7):
        stats = proxy.Stats()
        imp = proxy.Impairer(Args(loss, reorder), random.Random(seed), stats)
        out = []
        for i in range(n):
            imp.process(i, out.append)
        return stats, out

    def test_loss_rate_is_close_to_the_setting_and_nothing_is_duplicated(self):
        for loss in (0, 2, 10):
            stats, out = self.run_impairer(loss, 0)
            self.assertEqual(stats.rtp_in, 20000)
            self.assertEqual(len(out), len(set(out)))
            self.assertEqual(stats.dropped, 20000 - len(out))
            self.assertAlmostEqual(stats.dropped / 20000, loss / 100, delta=0.006)
            self.assertEqual(out, sorted(out), "loss alone must not reorder")

    def test_reordered_packets_arrive_one_to_three_places_late(self):
        stats, out = self.run_impairer(0, 5)
        self.assertGreater(stats.reordered, 700)
        self.assertLess(stats.reordered, 1300)
        late = [i for i in range(1, len(out)) if out[i] < out[i - 1]]
        self.assertGreater(len(late), 0.8 * stats.reordered)
        # Everything but the packets still held at the end comes out.
        self.assertGreaterEqual(len(out), 20000 - 8)
        for i, seq in enumerate(out):
            self.assertLess(abs(seq - i), 12)

    def test_same_seed_same_pattern(self):
        self.assertEqual(self.run_impairer(2, 5, 2000, 3)[1], self.run_impairer(2, 5, 2000, 3)[1])
        self.assertNotEqual(self.run_impairer(2, 5, 2000, 3)[1], self.run_impairer(2, 5, 2000, 4)[1])


class SplitTests(unittest.TestCase):
    def test_messages_and_interleaved_frames_split_at_every_prefix(self):
        stream = (b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 3\r\n\r\nabc"
                  b"$\x00\x00\x02xy"
                  b"OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n")
        parts = []
        buf = stream
        while True:
            s = proxy.split_message(buf)
            if s is None:
                break
            m, buf = s
            parts.append(m)
        self.assertEqual([len(p) for p in parts], [50, 6, 31])
        self.assertEqual(buf, b"")
        for cut in range(1, 50):
            self.assertIsNone(proxy.split_message(stream[:cut]))

    def test_oversized_head_is_an_error(self):
        with self.assertRaises(ValueError):
            proxy.split_message(b"A" * (proxy.MAX_HEAD + 1))


class GarbageTests(unittest.TestCase):
    """--garbage-every: one garbage frame after every N-th RTP frame, on its channel, of each kind in turn."""

    REAL = b"$\x00\x00\x14" + bytes((0x80, 0x60, 0x12, 0x34)) + b"\x00" * 8 + b"\x65\x88\x80\x40"

    def frames(self, every, count, frame=REAL):
        g = proxy.Garbage(every, random.Random(3), proxy.Stats())
        return g, [g.after(frame) for _ in range(count)]

    def test_every_nth_rtp_frame_gets_one_valid_interleaved_garbage_frame(self):
        g, out = self.frames(4, 40)
        self.assertEqual([i for i, b in enumerate(out) if b], [3, 7, 11, 15, 19, 23, 27, 31, 35, 39])
        self.assertEqual(g.stats.garbage, 10)
        for b in filter(None, out):
            self.assertEqual(b[:2], b"$\x00")  # the RTP frame's own channel
            self.assertEqual(int.from_bytes(b[2:4], "big"), len(b) - 4)
            self.assertTrue(proxy.split_message(b) == (b, b""))

    def test_kinds_cycle_wrong_version_runt_and_truncated_nal(self):
        _, out = self.frames(1, 8)
        bodies = [b[4:] for b in out]
        self.assertNotEqual(bodies[1][0] >> 6, 2)  # kind 1: not RTP version 2
        self.assertLess(len(bodies[2]), 12)  # kind 2: shorter than an RTP header
        self.assertEqual(bodies[3][:12], self.REAL[4:16])  # kind 3: the real header...
        self.assertEqual(bodies[3][12:14], bytes((0x7C, 0x85)))  # ...over a FU-A start of an IDR slice
        self.assertLessEqual(len(bodies[3]), 12 + 2 + 3)

    def test_rtcp_channels_and_off_add_nothing(self):
        rtcp = b"$\x01\x00\x14" + self.REAL[4:]
        self.assertFalse(any(self.frames(1, 10, rtcp)[1]))
        self.assertFalse(any(self.frames(0, 10)[1]))


class Process:
    def __init__(self, args, ready):
        self.p = subprocess.Popen(["/usr/bin/python3"] + args,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self.drain, daemon=True).start()
        self.port = int(self.wait(ready, 20).group(1))

    def drain(self):
        for line in self.p.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        with self.cond:
            while True:
                for line in self.lines:
                    m = rx.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {pattern!r} within {timeout}s:\n" + "\n".join(self.lines))
                self.cond.wait(left)

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


class ProxyTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A missing tool fails these tests (test.sh installs it); a skip would pass CI without them.
        missing = [t for t in ("ffmpeg",) if shutil.which(t) is None]
        if missing:
            raise AssertionError(f"{', '.join(missing)} not installed: apt-get install ffmpeg")

    def test_udp_through_the_proxy_is_impaired_and_cut_restore_is_reported(self):
        camera = Process([CAMERA, "--port", "0", "--fps", "30", "--gop", "30"], r"^READY port=(\d+)")
        try:
            relay = Process([PROXY, "--upstream", f"127.0.0.1:{camera.port}", "--loss", "10", "--seed", "5"],
                            r"^READY port=(\d+)")
            try:
                run = subprocess.run(
                    ["ffmpeg", "-v", "error", "-rtsp_transport", "udp", "-i", f"rtsp://127.0.0.1:{relay.port}/cam",
                     "-t", "2", "-c", "copy", "-f", "null", "-"],
                    capture_output=True, text=True, timeout=30)
                self.assertEqual(run.returncode, 0, run.stderr)
                relay.wait(r"^SETUP client=\d+ upstream=\d+ server=\d+ relay=\d+", 5)
                relay.send("stats")
                m = relay.wait(r"^STATS rtp_in=(\d+) rtp_out=(\d+) dropped=(\d+)", 5)
                rtp_in, rtp_out, dropped = (int(g) for g in m.groups())
                self.assertGreater(rtp_in, 30)
                self.assertEqual(rtp_in, rtp_out + dropped)
                self.assertGreater(dropped, 0)
                relay.send("cut")
                relay.wait(r"^CUT$", 5)
                relay.send("restore")
                relay.wait(r"^RESTORED$", 5)
            finally:
                relay.stop()
        finally:
            camera.stop()

    def test_reset_closes_the_live_connection_and_says_how_many_it_closed(self):
        camera = Process([CAMERA, "--port", "0", "--fps", "30", "--gop", "30"], r"^READY port=(\d+)")
        try:
            relay = Process([PROXY, "--upstream", f"127.0.0.1:{camera.port}"], r"^READY port=(\d+)")
            try:
                with socket.create_connection(("127.0.0.1", relay.port), timeout=10) as client:
                    client.sendall(f"OPTIONS rtsp://127.0.0.1:{relay.port}/cam RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
                    self.assertTrue(client.recv(4096).startswith(b"RTSP/1.0 200"))
                    relay.send("reset")
                    relay.wait(r"^RESET n=1$", 5)
                    self.assertEqual(client.recv(4096), b"", "the client's connection was closed")
                relay.wait(r"^CLOSED n=0$", 5)
                relay.send("reset")
                relay.wait(r"^RESET n=0$", 5)  # nothing left to close, and it says so
            finally:
                relay.stop()
        finally:
            camera.stop()


if __name__ == "__main__":
    unittest.main()
