#!/usr/bin/python3
"""The relay hop without a browser: two GStreamer RTSP readers at once, one on the origin LiveMux and one on the
edge, each decoding every picture and reading its clock barcode (rtsp_camera.py --clock).

    relay_age.py --origin rtsp://ORIGIN/cam --edge rtsp://EDGE/cam [--seconds 20] [--warmup 3] [--out FILE.json]

  age    = a picture's arrival at the sink - its barcode (camera, LiveMux, RTSP, depayload, decode), per reader
  hop    = for each picture both readers decoded: its arrival on the edge reader - on the origin reader. Both
           readers run in this one process on one clock and decode alike, so this is the edge's own cost:
           the origin's RTSP egress to the edge, the edge's ingest, hub and RTSP egress.

Readers: rtspsrc protocols=tcp latency=0 ! rtph264depay ! avdec_h264 output-corrupt=false ! fakesink sync=false.
Only pictures after --warmup count (the cached GOP's burst at the start is old by design). Prints a table and
writes JSON.
"""
import argparse
import json
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from first_frame import barcode, summary  # noqa: E402


def reader(name, url, since, arrivals, errors):
    pipeline = Gst.parse_launch(
        "rtspsrc name=src protocols=tcp latency=0 ! rtph264depay ! avdec_h264 output-corrupt=false "
        "! video/x-raw,format=I420 ! fakesink name=sink sync=false signal-handoffs=true")
    pipeline.get_by_name("src").set_property("location", url)
    stride = {}

    def on_handoff(_sink, buffer, pad):
        now_ms = time.time() * 1000
        if "s" not in stride:
            stride["s"] = (pad.get_current_caps().get_structure(0).get_value("width") + 3) & ~3
        ok, m = buffer.map(Gst.MapFlags.READ)
        if not ok:
            return
        try:
            stamp = barcode(m.data, stride["s"])
        finally:
            buffer.unmap(m)
        if stamp is None:
            errors[name] = errors.get(name, 0) + 1
        elif time.monotonic() >= since[0]:
            arrivals[name].setdefault(stamp, now_ms)

    pipeline.get_by_name("sink").connect("handoff", on_handoff)
    return pipeline


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--origin", required=True)
    p.add_argument("--edge", required=True)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--out")
    a = p.parse_args()
    if not 1 <= a.seconds <= 3600:
        p.error("--seconds 1..3600")
    Gst.init(None)
    arrivals, errors, since = {"origin": {}, "edge": {}}, {}, [time.monotonic() + a.warmup]
    pipelines = [reader("origin", a.origin, since, arrivals, errors), reader("edge", a.edge, since, arrivals, errors)]
    loop = GLib.MainLoop()
    failure = []

    def on_message(_bus, message):
        if message.type in (Gst.MessageType.ERROR, Gst.MessageType.EOS):
            failure.append(message.parse_error()[0].message if message.type == Gst.MessageType.ERROR else "end of stream")
            loop.quit()

    for pl in pipelines:
        bus = pl.get_bus()
        bus.add_signal_watch()
        bus.connect("message", on_message)
        pl.set_state(Gst.State.PLAYING)
    GLib.timeout_add(int((a.warmup + a.seconds) * 1000), lambda: loop.quit() or False)
    loop.run()
    for pl in pipelines:
        pl.set_state(Gst.State.NULL)
    if failure:
        print(f"error: {failure[0]}", file=sys.stderr)
        return 1

    ages = {k: [round(t - stamp, 1) for stamp, t in v.items()] for k, v in arrivals.items()}
    both = sorted(set(arrivals["origin"]) & set(arrivals["edge"]))
    hop = [round(arrivals["edge"][s] - arrivals["origin"][s], 1) for s in both]
    result = {"seconds": a.seconds, "warmupS": a.warmup, "age": {k: summary(v) for k, v in ages.items()},
              "hop": summary(hop), "picturesOnlyOnOrigin": len(set(arrivals["origin"]) - set(arrivals["edge"])),
              "picturesOnlyOnEdge": len(set(arrivals["edge"]) - set(arrivals["origin"])), "unreadableBarcodes": errors}
    f = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
    print(f"\nRTSP readers (GStreamer, TCP, latency=0), both at once for {a.seconds:g} s after {a.warmup:g} s\n")
    print("| reader on | pictures | age p50 / p95 ms (arrival - barcode) |")
    print("|---|---:|---:|")
    for k in ("origin", "edge"):
        s = result["age"][k]
        print(f"| {k} | {s['n']} | {f(s['p50'])} / {f(s['p95'])} |")
    h = result["hop"]
    print(f"\nthe hop, per picture both decoded ({h['n']}): edge - origin arrival p50 {f(h['p50'])} ms, p95 {f(h['p95'])} ms, "
          f"max {f(h['max'])} ms; pictures only on the origin {result['picturesOnlyOnOrigin']}, only on the edge "
          f"{result['picturesOnlyOnEdge']}")
    if a.out:
        json.dump(result, open(a.out, "w"), indent=2)
    return 0 if h["n"] else 1


if __name__ == "__main__":
    sys.exit(main())
