#!/usr/bin/python3
"""Tests for rtsp_hostile_camera.py:  /usr/bin/python3 -m unittest discover -s tests/tools -v

A raw client plays LiveMux's part: the flood really comes instead of the DESCRIBE answer and keeps coming,
and the stop-reading camera really makes the client's sends block.
"""

import os
import queue
import re
import select
import socket
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CAMERA = os.path.join(HERE, "rtsp_hostile_camera.py")


class Camera:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, CAMERA, "--port", "0", *args],
                                     stdout=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.wait(r"^READY port=(\d+) url=(\S+) mode=(\S+)")
        self.port = int(ready.group(1))

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            m = re.match(pattern, line)
            if m:
                return m

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.cseq = 0

    def request(self, method, headers=""):
        self.cseq += 1
        self.sock.sendall(f"{method} rtsp://127.0.0.1/hostile RTSP/1.0\r\nCSeq: {self.cseq}\r\n{headers}\r\n".encode())

    def message(self):
        """(start line, headers dict, body) of the next message."""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("the camera closed the connection")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("the camera closed the connection inside a body")
            rest += chunk
        self.buf = rest[length:]
        return lines[0], headers, rest[:length]


class FloodTests(unittest.TestCase):
    def test_describe_is_answered_with_an_endless_flood_of_requests_with_bodies(self):
        camera = Camera("--mode", "flood", "--body-bytes", "1000")
        try:
            client = Client(camera.port)
            client.request("OPTIONS")
            line, headers, _ = client.message()
            self.assertEqual(line, "RTSP/1.0 200 OK")
            self.assertIn("GET_PARAMETER", headers["public"])
            client.request("DESCRIBE", "Accept: application/sdp\r\n")
            camera.wait(r"^FLOODING n=1 after=DESCRIBE")
            for _ in range(200):
                line, headers, body = client.message()
                self.assertTrue(line.startswith("GET_PARAMETER "), line)
                self.assertEqual(len(body), 1000)
            # It reads what the client sends while it floods.
            client.sock.sendall(b"x" * 5000)
            time.sleep(0.3)
            client.sock.close()
            closed = camera.wait(r"^CLIENT_CLOSED n=1 requests=(\d+) sent=(\d+) received=(\d+)")
            self.assertGreaterEqual(int(closed.group(1)), 200)
            self.assertGreaterEqual(int(closed.group(2)), 200 * 1000)
            self.assertGreaterEqual(int(closed.group(3)), 5000)
        finally:
            camera.close()


class StopReadingTests(unittest.TestCase):
    def assert_replies_block(self, camera, client):
        """Replies as LiveMux does, without blocking: the writes must stop being accepted, and stay so."""
        client.sock.setblocking(False)
        reply = b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nUser-Agent: LiveMux\r\n\r\n" * 64
        written = 0
        blocked = False
        while written < 64 * 1024 * 1024:
            try:
                written += client.sock.send(reply)
            except BlockingIOError:
                # The camera has no reason to make room again: the socket stays unwritable.
                _, writable, _ = select.select([], [client.sock], [], 1.0)
                blocked = not writable
                break
        self.assertTrue(blocked, f"the client wrote {written} bytes and could still write")
        client.sock.close()
        camera.wait(r"^CLIENT_CLOSED n=1 requests=\d+ sent=\d+ received=0 ")

    def test_after_play_it_floods_requests_and_the_clients_sends_block(self):
        camera = Camera("--mode", "stop-reading")
        try:
            client = Client(camera.port)
            client.request("OPTIONS")
            self.assertEqual(client.message()[0], "RTSP/1.0 200 OK")
            client.request("DESCRIBE")
            line, headers, body = client.message()
            self.assertEqual(headers["content-type"], "application/sdp")
            self.assertIn(b"a=rtpmap:96 H264/90000", body)
            client.request("SETUP", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
            self.assertIn("1234", client.message()[1]["session"])
            client.request("PLAY", "Session: 1234\r\n")
            self.assertEqual(client.message()[0], "RTSP/1.0 200 OK")
            camera.wait(r"^FLOODING n=1 after=PLAY")
            line, _, _ = client.message()
            self.assertTrue(line.startswith("GET_PARAMETER "), line)

            self.assert_replies_block(camera, client)
        finally:
            camera.close()

    def test_stopping_after_options_leaves_describe_unanswered_and_the_clients_sends_block(self):
        camera = Camera("--mode", "stop-reading", "--stop-after", "OPTIONS")
        try:
            client = Client(camera.port)
            client.request("OPTIONS")
            self.assertEqual(client.message()[0], "RTSP/1.0 200 OK")
            camera.wait(r"^FLOODING n=1 after=OPTIONS")
            client.request("DESCRIBE")
            # What comes instead of DESCRIBE's answer: the camera's own requests, never a response.
            for _ in range(100):
                line, _, _ = client.message()
                self.assertTrue(line.startswith("GET_PARAMETER "), line)
            self.assert_replies_block(camera, client)
        finally:
            camera.close()


if __name__ == "__main__":
    unittest.main()
