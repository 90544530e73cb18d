#!/usr/bin/env python3
"""Plays an RTSP URL with GStreamer (rtspsrc ! rtph264depay ! avdec_h264 ! fakesink, or the H.265 elements), an RTSP
client and decoder independent of LiveMux, over TCP or UDP, and counts the frames it decodes.

Prints "decoded N frames, first after T ms, largest pts step S ms" and exits 0 once N (--frames) frames are
decoded; prints "error: ..." and exits 1 on a pipeline error, an end of stream before N frames, or --timeout seconds
without N frames. The largest step between consecutive decoded pictures' timestamps shows a lost frame.
"""
import argparse
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--protocol", choices=["tcp", "udp"], default="tcp")
    parser.add_argument("--codec", choices=["h264", "h265"], default="h264")
    parser.add_argument("--latency", type=int, default=200,
                        help="jitter buffer ms; packets later than this are dropped as lost, so a loaded machine needs more")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(
        f"rtspsrc name=src protocols={args.protocol} latency={args.latency} ! rtp{args.codec}depay ! avdec_{args.codec} ! "
        "fakesink name=sink sync=false signal-handoffs=true")
    src = pipeline.get_by_name("src")
    src.set_property("location", args.url)
    if args.user is not None:
        src.set_property("user-id", args.user)
        src.set_property("user-pw", args.password or "")
    loop = GLib.MainLoop()
    state = {"frames": 0, "result": 1, "first": None, "last_pts": None, "step": 0}
    started = time.monotonic()

    def on_handoff(_sink, buffer, _pad):
        if state["result"] == 0:
            return  # done: pictures still in flight before the loop quits are not counted
        if state["first"] is None:
            state["first"] = (time.monotonic() - started) * 1000
        if buffer.pts != Gst.CLOCK_TIME_NONE:
            if state["last_pts"] is not None:
                state["step"] = max(state["step"], (buffer.pts - state["last_pts"]) / 1e6)
            state["last_pts"] = buffer.pts
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
        print(f"decoded {state['frames']} frames, first after {state['first']:.0f} ms, "
              f"largest pts step {state['step']:.1f} ms", flush=True)
    return state["result"]


if __name__ == "__main__":
    sys.exit(main())
