"""What the test cameras (rtsp_camera.py, rtsp_replay_camera.py) share: their stdout protocol, the running
time they stamp frames from, and the GStreamer RTSP server's client and session events. Imported by them;
needs python3-gi and gir1.2-gst-rtsp-server-1.0 (the cameras check for those first)."""

import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


_emit_lock = threading.Lock()
_stopped = False


def emit(line):
    """Prints one protocol line. STOPPED is the last: a GStreamer thread that reports a client or the media going
    away while the camera shuts down (late on a loaded machine) must not print after it."""
    global _stopped
    with _emit_lock:
        if _stopped:
            return
        _stopped = line == "STOPPED"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def running_time_now(appsrc):
    """The appsrc's running time now, or None while it is not PLAYING yet.

    On the way to PLAYING the pipeline hands its clock to every element before it sets their base
    time, which is 0 until then; a running time read from another thread in that window is the
    clock's absolute time (hours since boot). Frames stamped from it lie hours in the future, the
    sinks wait for them, and the client's PLAY succeeds but no RTP ever comes. Once the element
    itself is PLAYING its base time has been set, so the reading is real.
    """
    _, state, _ = appsrc.get_state(0)
    if state != Gst.State.PLAYING:
        return None
    running = appsrc.get_current_running_time()
    return None if running == Gst.CLOCK_TIME_NONE else running


def nominal_base(running_ns, late_s):
    """The running time at which a frame pushed `late_s` seconds after it was due should be stamped.

    Stamping the first frame with the running time of its push would carry that push's lateness
    (a busy machine at start-up: tens of ms) into every later frame's timestamp, and the sinks,
    which sync on it, would hold each frame back by that much for the whole session.
    """
    return max(0, running_ns - max(0, int(late_s * Gst.SECOND)))


class ServerEvents:
    """Prints CLIENT_CONNECTED / CLIENT_CLOSED / SESSIONS for `self.server` and runs it until SIGTERM/SIGINT.
    The camera sets `self.server` and `self.args.port`, and calls `serve`."""

    clients = 0
    sessions = -1

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

    def serve(self, name, ready_line):
        """Attaches the server, prints ready_line(port), runs until a signal; then the caller stops its sources."""
        self.server.connect("client-connected", self.on_client_connected)
        loop = GLib.MainLoop()
        if self.server.attach(None) == 0:
            sys.exit(f"{name}: cannot listen on port {self.args.port}")

        def on_signal(*_):
            loop.quit()
            return GLib.SOURCE_REMOVE

        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_signal)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, on_signal)
        GLib.timeout_add(250, self.poll_sessions)
        emit(ready_line(self.server.get_bound_port()))
        self.poll_sessions()
        loop.run()
