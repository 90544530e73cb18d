#!/usr/bin/python3
"""A hostile RTSP camera: the attacks of issue 10 ("a camera exhausts memory", "a camera that stops reading
wedges its stream"), replayed on demand. Plain sockets, no GStreamer: no real camera can be told to misbehave.

    python3 tests/tools/rtsp_hostile_camera.py --port 0 --mode flood
    python3 tests/tools/rtsp_hostile_camera.py --port 0 --mode stop-reading [--stop-after OPTIONS]

MODES (every connection gets the same treatment, so a client that reconnects meets it again)
    flood         answers OPTIONS; then, instead of answering DESCRIBE, sends GET_PARAMETER requests without
                  end, each with a --body-bytes body (default 262144: the largest body LiveMux accepts), as
                  fast as the client takes them. It keeps reading (and discarding) what the client sends, so
                  what stops the flood is the client's own limit, not a blocked send.
    stop-reading  answers OPTIONS, DESCRIBE (one H.264 track), SETUP (interleaved) and PLAY like a camera, sends
                  no RTP, never reads again, and sends small GET_PARAMETER requests without end. The client's
                  replies pile up in the receive buffer (--rcvbuf, small) and the client's send buffer until
                  its sends block. Requests alone would not: a client's own requests (OPTIONS, a keepalive)
                  are a hundred bytes and fit in any buffer; it is the flood of replies that fills them.
                  --stop-after OPTIONS stops reading after answering OPTIONS instead: the client's DESCRIBE is
                  never answered, and its replies to the flood block during the handshake.

STDOUT PROTOCOL (one line per event, flushed)
    READY port=<p> url=rtsp://127.0.0.1:<p>/hostile mode=<mode>
    CLIENT_CONNECTED n=<connection number, from 1>
    FLOODING n=<connection> after=<METHOD>        the flood started on that connection, after that request
    CLIENT_CLOSED n=<connection> requests=<flooded> sent=<bytes flooded> received=<bytes read from the client> seconds=<flood duration>
"""

import argparse
import itertools
import signal
import socket
import sys
import threading
import time

SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=hostile\r\nt=0 0\r\n"
       "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n")

_print_lock = threading.Lock()


def emit(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def read_request(sock, buf):
    """(method, cseq, rest_of_buffer) of the next request, or None when the client closed."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method = lines[0].split(" ")[0]
    cseq = "0"
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "cseq":
            cseq = value.strip()
        elif name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return method, cseq, rest[length:]


def reply(cseq, headers="", body=""):
    return (f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{headers}Content-Length: {len(body.encode())}\r\n\r\n{body}").encode()


def flood_request(cseq, body_bytes):
    return (f"GET_PARAMETER rtsp://127.0.0.1/hostile RTSP/1.0\r\nCSeq: {cseq}\r\nSession: 1234\r\n"
            f"Content-Type: text/parameters\r\nContent-Length: {body_bytes}\r\n\r\n").encode()


class Connection:
    def __init__(self, sock, number, args):
        self.sock, self.n, self.args = sock, number, args
        self.requests = 0
        self.sent = 0
        self.received = 0
        self.started = None

    def run(self):
        try:
            self.serve()
        except OSError:
            pass  # the client closed or reset: the end of every hostile session
        finally:
            seconds = 0.0 if self.started is None else time.monotonic() - self.started
            try:
                self.sock.close()
            except OSError:
                pass
            emit(f"CLIENT_CLOSED n={self.n} requests={self.requests} sent={self.sent} "
                 f"received={self.received} seconds={seconds:.2f}")

    def serve(self):
        buf = b""
        while True:
            request = read_request(self.sock, buf)
            if request is None:
                return
            method, cseq, buf = request
            if self.args.mode == "flood":
                if method == "DESCRIBE":
                    return self.flood(method, self.args.body_bytes, drain=True)
                self.sock.sendall(reply(cseq, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN\r\n"))
                continue
            if method == "OPTIONS":
                self.sock.sendall(reply(cseq, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN\r\n"))
                if self.args.stop_after == "OPTIONS":
                    return self.flood(method, 0, drain=False)
            elif method == "DESCRIBE":
                self.sock.sendall(reply(cseq, "Content-Type: application/sdp\r\n", SDP))
            elif method == "SETUP":
                self.sock.sendall(reply(cseq, "Session: 1234;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"))
            elif method == "PLAY":
                self.sock.sendall(reply(cseq, "Session: 1234\r\n"))
                return self.flood(method, 0, drain=False)
            else:
                self.sock.sendall(reply(cseq))

    def flood(self, after, body_bytes, drain):
        emit(f"FLOODING n={self.n} after={after}")
        self.started = time.monotonic()
        if drain:
            threading.Thread(target=self.drain, daemon=True).start()
        body = b"p" * body_bytes
        # Small requests go out in batches: one send each would measure Python, not the client.
        batch = 1 if body_bytes else 64
        for cseq in itertools.count(1000, batch):
            chunk = b"".join(flood_request(c, body_bytes) + body for c in range(cseq, cseq + batch))
            self.sock.sendall(chunk)
            self.requests += batch
            self.sent += len(chunk)

    def drain(self):
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return
                self.received += len(data)
        except OSError:
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=["flood", "stop-reading"], required=True)
    parser.add_argument("--body-bytes", type=int, default=256 * 1024, help="flood: body of each request")
    parser.add_argument("--stop-after", choices=["OPTIONS", "PLAY"], default="PLAY",
                        help="stop-reading: the last request answered before the camera stops reading")
    parser.add_argument("--rcvbuf", type=int, default=4096, help="stop-reading: SO_RCVBUF of the camera's socket")
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.mode == "stop-reading":
        # Set before listen(): accepted sockets inherit it, and the window they advertise starts small.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    port = listener.getsockname()[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    emit(f"READY port={port} url=rtsp://127.0.0.1:{port}/hostile mode={args.mode}")
    for number in itertools.count(1):
        sock, _ = listener.accept()
        emit(f"CLIENT_CONNECTED n={number}")
        threading.Thread(target=Connection(sock, number, args).run, daemon=True).start()


if __name__ == "__main__":
    main()
