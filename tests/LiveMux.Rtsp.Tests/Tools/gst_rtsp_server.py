#!/usr/bin/python3
"""A real RTSP server (GStreamer's GstRtspServer) for LiveMux's integration tests.

Usage: gst_rtsp_server.py USER PASSWORD [MOUNT]
Binds a free port on 127.0.0.1, serves an H.264 test pattern at MOUNT (default /test) with Digest
auth only, and prints "PORT <n>" on stdout once it accepts connections. Exits when stdin closes,
so a crashed test runner never leaves it behind.
"""
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main() -> int:
    user, password = sys.argv[1], sys.argv[2]
    mount = sys.argv[3] if len(sys.argv) > 3 else "/test"
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 "
        "! x264enc tune=zerolatency key-int-max=30 ! rtph264pay name=pay0 pt=96 )")
    factory.set_shared(True)

    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "viewer")
    auth.add_digest(user, password, token)
    server.set_auth(auth)

    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role("viewer", "media.factory.access", True)
    permissions.add_permission_for_role("viewer", "media.factory.construct", True)
    factory.set_permissions(permissions)

    server.get_mount_points().add_factory(mount, factory)
    if server.attach(None) == 0:
        print("ERROR attach failed", flush=True)
        return 1

    loop = GLib.MainLoop()

    def watch_stdin() -> None:
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"PORT {server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
