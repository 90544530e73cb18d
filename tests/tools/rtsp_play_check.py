#!/usr/bin/env python3
"""Plays an RTSP URL over TCP with GStreamer (rtspsrc ! rtph264depay ! avdec_h264 ! fakesink), an RTSP client and
H.264 decoder independent of LiveMux, and counts the frames it decodes.

Prints "decoded N frames" and exits 0 once N (--frames) frames are decoded; prints "error: ..." and exits 1 on a
pipeline error, an end of stream before N frames, or --timeout seconds without N frames.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(
        "rtspsrc name=src protocols=tcp latency=200 ! rtph264depay ! avdec_h264 ! "
        "fakesink name=sink sync=false signal-handoffs=true")
    pipeline.get_by_name("src").set_property("location", args.url)
    loop = GLib.MainLoop()
    state = {"frames": 0, "result": 1}

    def on_handoff(_sink, _buffer, _pad):
        state["frames"] += 1
        if state["frames"] == args.frames:
            state["result"] = 0
            GLib.idle_add(loop.quit)

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print(f"error: {error.message} ({debug})", flush=True)
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            print(f"error: end of stream after {state['frames']} frames", flush=True)
            loop.quit()

    def on_timeout():
        print(f"error: {state['frames']} frames decoded in {args.timeout} s", flush=True)
        loop.quit()
        return False

    pipeline.get_by_name("sink").connect("handoff", on_handoff)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.timeout_add(int(args.timeout * 1000), on_timeout)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    if state["result"] == 0:
        print(f"decoded {state['frames']} frames", flush=True)
    return state["result"]


if __name__ == "__main__":
    sys.exit(main())
