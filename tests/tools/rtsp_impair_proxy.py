#!/usr/bin/python3
"""An RTSP proxy that impairs RTP over UDP: loss, reordering and delay, seeded, for tests (no netem here).

    /usr/bin/python3 tests/tools/rtsp_impair_proxy.py --upstream 127.0.0.1:8554 --port 0 \\
        --loss 2 --reorder 5 --delay-ms 0 --seed 1

    client --RTSP/TCP--> proxy --RTSP/TCP--> camera        (control bytes forwarded, SETUP/replies rewritten)
    client <--RTP/UDP--  proxy <--RTP/UDP--  camera        (camera->client RTP impaired)
    client --RTCP/UDP--> proxy --RTCP/UDP--> camera        (forwarded as is)

Camera faults on the TCP path (also for interleaved RTP): --reply-delay-ms holds every RTSP reply from the camera
that long (a camera that answers slowly; the bytes after it wait too, as behind a busy single-threaded server);
--garbage-every N adds a garbage interleaved frame on the RTP channel after every N-th frame from the camera:
random bytes, a wrong RTP version, a runt shorter than an RTP header, or the last packet's RTP header over a
truncated NAL unit (a FU-A start fragment cut after its first bytes).

SETUP rewriting (RFC 2326 section 12.39): the client's `client_port=a-b` becomes the proxy's own upstream pair
`client_port=A-B` on the way to the camera; in the reply `client_port=A-B` goes back to `a-b` and the camera's
`server_port=s-t` becomes the proxy's client-facing pair `server_port=S-T`. Interleaved (TCP) RTP passes unimpaired.

CONTROL (stdin lines, or signals)
    cut      | SIGUSR1   an outage: UDP is dropped, TCP is no longer read or forwarded (bytes wait, as on a dead
                         path; a chunk already read waits too), nothing closes
    restore  | SIGUSR2   forward again
    reset              close every proxied TCP connection (a connection reset); answers RESET n=<closed>
    stats              print a STATS line now

STDOUT PROTOCOL (one line per event, flushed)
    READY port=<p> url=rtsp://127.0.0.1:<p>
    CONNECTED n=<connections>      CLOSED n=<connections>
    SETUP client=<a> upstream=<A> server=<s> relay=<S>
    CUT / RESTORED
    RESET n=<connections closed>   (after they are closed, so a test knows the fault hit a live connection)
    STATS rtp_in=<n> rtp_out=<n> dropped=<n> reordered=<n> rtcp=<n> garbage=<n>   (also at exit)
"""

import argparse
import asyncio
import random
import re
import signal
import socket
import sys


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Stats:
    def __init__(self):
        self.rtp_in = self.rtp_out = self.dropped = self.reordered = self.rtcp = self.garbage = 0

    def line(self):
        return (f"STATS rtp_in={self.rtp_in} rtp_out={self.rtp_out} dropped={self.dropped} "
                f"reordered={self.reordered} rtcp={self.rtcp} garbage={self.garbage}")


def bind_pair(host):
    """An even/odd UDP port pair on host."""
    for _ in range(64):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind((host, 0))
        port = a.getsockname()[1]
        if port % 2 or port == 65535:
            a.close()
            continue
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            b.bind((host, port + 1))
        except OSError:
            a.close()
            b.close()
            continue
        a.setblocking(False)
        b.setblocking(False)
        return a, b
    raise OSError("no even/odd UDP port pair")


class Impairer:
    """Decides per RTP packet: drop, hold back (reorder) or send; held packets go after 1..3 later ones."""

    def __init__(self, args, rng, stats):
        self.loss = args.loss / 100.0
        self.reorder = args.reorder / 100.0
        self.delay = args.delay_ms / 1000.0
        self.rng = rng
        self.stats = stats
        self.held = []  # [countdown, packet]

    def process(self, packet, send):
        self.stats.rtp_in += 1
        r = self.rng.random()
        if r < self.loss:
            self.stats.dropped += 1
            return
        if r < self.loss + self.reorder and len(self.held) < 8:
            self.held.append([self.rng.randint(1, 3), packet])
            self.stats.reordered += 1
            return
        self.out(packet, send)
        due = [h for h in self.held if h[0] <= 1]
        for h in self.held:
            h[0] -= 1
        self.held = [h for h in self.held if h[0] > 0]
        for _, p in due:
            self.out(p, send)

    def out(self, packet, send):
        self.stats.rtp_out += 1
        if self.delay > 0:
            asyncio.get_running_loop().call_later(self.delay, send, packet)
        else:
            send(packet)


class Relay:
    """UDP relay for one SETUP: upstream pair faces the camera, relay pair faces the client."""

    def __init__(self, proxy, client_host, client_ports):
        self.proxy = proxy
        self.client_host = client_host
        self.client_ports = client_ports
        self.up_rtp, self.up_rtcp = bind_pair(proxy.args.upstream_host)
        self.down_rtp, self.down_rtcp = bind_pair(proxy.args.bind)
        self.server = None  # (host, rtp port, rtcp port) once the reply is seen
        self.impair = Impairer(proxy.args, proxy.rng, proxy.stats)
        loop = asyncio.get_running_loop()
        loop.add_reader(self.up_rtp, self.on_up_rtp)
        loop.add_reader(self.up_rtcp, self.on_up_rtcp)
        loop.add_reader(self.down_rtp, self.on_down, self.down_rtp, 1)
        loop.add_reader(self.down_rtcp, self.on_down, self.down_rtcp, 2)

    def ports(self, sock):
        return sock.getsockname()[1]

    def read(self, sock):
        try:
            return sock.recvfrom(65536)
        except (BlockingIOError, OSError):
            return None, None

    def on_up_rtp(self):
        data, _ = self.read(self.up_rtp)
        if data is None or self.proxy.cut:
            return
        self.impair.process(data, lambda p: self.send(self.down_rtp, p, self.client_ports[0]))

    def on_up_rtcp(self):
        data, _ = self.read(self.up_rtcp)
        if data is None or self.proxy.cut:
            return
        self.proxy.stats.rtcp += 1
        self.send(self.down_rtcp, data, self.client_ports[1])

    def on_down(self, sock, which):
        data, _ = self.read(sock)
        if data is None or self.proxy.cut or self.server is None:
            return
        out = self.up_rtp if which == 1 else self.up_rtcp
        try:
            out.sendto(data, (self.server[0], self.server[which]))
        except OSError:
            pass

    def send(self, sock, data, port):
        if self.proxy.cut:
            return
        try:
            sock.sendto(data, (self.client_host, port))
        except OSError:
            pass

    def close(self):
        loop = asyncio.get_running_loop()
        for s in (self.up_rtp, self.up_rtcp, self.down_rtp, self.down_rtcp):
            loop.remove_reader(s)
            s.close()


CLIENT_PORT = re.compile(rb"client_port=(\d+)(?:-(\d+))?", re.I)
SERVER_PORT = re.compile(rb"server_port=(\d+)(?:-(\d+))?", re.I)
CSEQ = re.compile(rb"^CSeq:\s*(\d+)", re.I | re.M)
LENGTH = re.compile(rb"^Content-Length:\s*(\d+)", re.I | re.M)
TRANSPORT = re.compile(rb"^(Transport:[^\r\n]*)", re.I | re.M)
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024


def split_message(buf):
    """(message bytes, rest) for one RTSP message or interleaved frame at the start of buf; None if incomplete."""
    if buf[:1] == b"$":
        if len(buf) < 4:
            return None
        n = 4 + int.from_bytes(buf[2:4], "big")
        return (buf[:n], buf[n:]) if len(buf) >= n else None
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if len(buf) > MAX_HEAD:
            raise ValueError("RTSP head too long")
        return None
    head_len = end + 4
    m = LENGTH.search(buf[:head_len])
    body = int(m.group(1)) if m else 0
    if body > MAX_BODY:
        raise ValueError("RTSP body too long")
    n = head_len + body
    return (buf[:n], buf[n:]) if len(buf) >= n else None


class Garbage:
    """Garbage interleaved frames for the camera->client direction (--garbage-every)."""

    def __init__(self, every, rng, stats):
        self.every = every
        self.rng = rng
        self.stats = stats
        self.frames = 0
        self.kind = 0

    def after(self, frame):
        """Bytes to send after this interleaved frame: b"" or one garbage frame on the same channel."""
        if self.every <= 0 or len(frame) < 4 + 12 or frame[1] % 2:  # RTP channels are even; RTCP passes
            return b""
        self.frames += 1
        if self.frames % self.every:
            return b""
        rng = self.rng
        kind, self.kind = self.kind, (self.kind + 1) % 4
        if kind == 0:  # random bytes
            body = rng.randbytes(rng.randint(1, 1400))
        elif kind == 1:  # a wrong RTP version (0, 1 or 3) over random bytes
            body = bytearray(rng.randbytes(rng.randint(12, 1400)))
            body[0] = (rng.choice((0, 1, 3)) << 6) | (body[0] & 0x3F)
            body = bytes(body)
        elif kind == 2:  # shorter than an RTP header
            body = rng.randbytes(rng.randint(1, 11))
        else:  # the last real header (same sequence number) over a truncated FU-A start of an IDR slice
            body = frame[4:16] + bytes((0x7C, 0x85)) + rng.randbytes(rng.randint(0, 3))
        self.stats.garbage += 1
        return b"$" + frame[1:2] + len(body).to_bytes(2, "big") + body


class Connection:
    def __init__(self, proxy, reader, writer):
        self.proxy = proxy
        self.client_reader, self.client_writer = reader, writer
        self.client_host = writer.get_extra_info("peername")[0]
        self.pending = {}  # CSeq -> Relay awaiting the SETUP reply
        self.relays = []

    async def run(self):
        a = self.proxy.args
        try:
            up_reader, up_writer = await asyncio.open_connection(a.upstream_host, a.upstream_port)
        except OSError:
            self.client_writer.close()
            return
        self.up_writer = up_writer
        self.proxy.connections.add(self)
        emit(f"CONNECTED n={len(self.proxy.connections)}")
        try:
            await asyncio.gather(
                self.pump(self.client_reader, up_writer, self.on_request),
                self.pump(up_reader, self.client_writer, self.on_response, from_camera=True),
                return_exceptions=True)
        finally:
            self.close()

    def close(self):
        if self not in self.proxy.connections:
            return
        self.proxy.connections.discard(self)
        for w in (self.client_writer, getattr(self, "up_writer", None)):
            if w is not None:
                w.close()
        for r in self.relays:
            r.close()
        self.relays.clear()
        emit(f"CLOSED n={len(self.proxy.connections)}")

    async def pump(self, reader, writer, rewrite, from_camera=False):
        buf = b""
        a = self.proxy.args
        try:
            while True:
                await self.proxy.flowing.wait()
                chunk = await reader.read(65536)
                if not chunk:
                    break
                # Read just before a cut: it waits for the restore like everything after it.
                await self.proxy.flowing.wait()
                buf += chunk
                while True:
                    split = split_message(buf)
                    if split is None:
                        break
                    message, buf = split
                    if from_camera and a.reply_delay_ms > 0 and message[:1] != b"$":
                        await writer.drain()
                        await asyncio.sleep(a.reply_delay_ms / 1000.0)
                    writer.write(rewrite(message))
                    if from_camera and message[:1] == b"$":
                        writer.write(self.proxy.garbage.after(message))
                await writer.drain()
        except (OSError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            self.close()

    def on_request(self, message):
        if not message.startswith(b"SETUP "):
            return message
        m = CLIENT_PORT.search(message)
        cseq = CSEQ.search(message)
        if m is None or cseq is None:
            return message  # TCP interleaved: nothing to relay
        rtp = int(m.group(1))
        rtcp = int(m.group(2)) if m.group(2) else rtp + 1
        relay = Relay(self.proxy, self.client_host, (rtp, rtcp))
        self.relays.append(relay)
        self.pending[int(cseq.group(1))] = relay
        up = relay.ports(relay.up_rtp)
        return message[: m.start()] + f"client_port={up}-{up + 1}".encode() + message[m.end():]

    def on_response(self, message):
        if message[:1] == b"$" or not message.startswith(b"RTSP/"):
            return message
        cseq = CSEQ.search(message)
        relay = self.pending.pop(int(cseq.group(1)), None) if cseq else None
        if relay is None:
            return message
        t = TRANSPORT.search(message)
        if t is None:
            return message
        line = t.group(1)
        s = SERVER_PORT.search(line)
        if s is not None:
            srv_rtp = int(s.group(1))
            srv_rtcp = int(s.group(2)) if s.group(2) else srv_rtp + 1
            relay.server = (self.proxy.args.upstream_host, srv_rtp, srv_rtcp)
            down = relay.ports(relay.down_rtp)
            line = SERVER_PORT.sub(f"server_port={down}-{down + 1}".encode(), line)
            emit(f"SETUP client={relay.client_ports[0]} upstream={relay.ports(relay.up_rtp)} server={srv_rtp} relay={down}")
        line = CLIENT_PORT.sub(f"client_port={relay.client_ports[0]}-{relay.client_ports[1]}".encode(), line)
        return message[: t.start()] + line + message[t.end():]


class Proxy:
    def __init__(self, args):
        # Built inside asyncio.run, so the Event belongs to the running loop.
        self.args = args
        self.rng = random.Random(args.seed)
        self.stats = Stats()
        self.connections = set()
        self.garbage = Garbage(args.garbage_every, self.rng, self.stats)
        self.cut = False
        self.flowing = asyncio.Event()
        self.flowing.set()

    def set_cut(self, cut):
        if self.cut != cut:
            self.cut = cut
            if cut:
                self.flowing.clear()
            else:
                self.flowing.set()
            emit("CUT" if cut else "RESTORED")

    def command(self, line):
        word = line.strip().lower()
        if word == "cut":
            self.set_cut(True)
        elif word == "restore":
            self.set_cut(False)
        elif word == "reset":
            closed = list(self.connections)
            for c in closed:
                c.close()
            emit(f"RESET n={len(closed)}")
        elif word == "stats":
            emit(self.stats.line())
        elif word:
            emit(f"ERROR unknown command {word!r}")

    async def run(self):
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGUSR1, self.set_cut, True)
        loop.add_signal_handler(signal.SIGUSR2, self.set_cut, False)
        server = await asyncio.start_server(
            lambda r, w: Connection(self, r, w).run(), self.args.bind, self.args.port)
        port = server.sockets[0].getsockname()[1]
        emit(f"READY port={port} url=rtsp://{self.args.bind}:{port}")
        if not self.args.no_stdin:
            loop.add_reader(sys.stdin, self.on_stdin, stop)
        await stop.wait()
        server.close()
        for c in list(self.connections):
            c.close()
        emit(self.stats.line())

    def on_stdin(self, stop):
        line = sys.stdin.readline()
        if not line:  # the test that started us is gone
            asyncio.get_running_loop().remove_reader(sys.stdin)
            stop.set()
            return
        self.command(line)


def parse_args(argv):
    p = argparse.ArgumentParser(description="RTSP proxy that impairs relayed RTP over UDP")
    p.add_argument("--upstream", required=True, help="camera host:port")
    p.add_argument("--port", type=int, default=0, help="listen port, 0 = pick one (printed in READY)")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--loss", type=float, default=0.0, help="percent of RTP packets dropped")
    p.add_argument("--reorder", type=float, default=0.0, help="percent of RTP packets sent 1-3 packets late")
    p.add_argument("--delay-ms", type=float, default=0.0, help="delay added to every relayed RTP packet")
    p.add_argument("--reply-delay-ms", type=float, default=0.0, help="hold every RTSP reply from the camera this long")
    p.add_argument("--garbage-every", type=int, default=0,
                   help="after every N-th interleaved RTP frame from the camera, add a garbage frame (0 = never)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-stdin", action="store_true", help="ignore stdin (control by signals only)")
    a = p.parse_args(argv)
    host, _, port = a.upstream.rpartition(":")
    if not host or not port.isdigit():
        p.error("--upstream is host:port")
    a.upstream_host, a.upstream_port = host, int(port)
    if not (0 <= a.loss <= 100 and 0 <= a.reorder <= 100 and a.loss + a.reorder <= 100 and a.delay_ms >= 0
            and a.reply_delay_ms >= 0 and a.garbage_every >= 0):
        p.error("--loss and --reorder are percentages (sum at most 100), --delay-ms is not negative")
    return a


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    asyncio.run(Proxy(args).run())


if __name__ == "__main__":
    main()
