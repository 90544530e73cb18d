#!/usr/bin/python3
"""Time to the first decoded picture of an RTSP client: pulling the camera directly against pulling it through
LiveMux, alternating, in one process (so both see the same machine and the same client).

    first_frame.py --direct rtsp://CAMERA --livemux rtsp://LIVEMUX/cam [--trials 20] [--protocols tcp,udp]
                   [--latency 0] [--gop-seconds 2] [--timeout 10] [--out FILE.json]

The client is GStreamer's rtspsrc ! rtph264depay ! avdec_h264 output-corrupt=false ! fakesink sync=false: an RTSP
client LiveMux did not write, which shows a picture only once it can decode one (no grey concealment of P-frames
whose keyframe it never saw). Each trial builds a fresh pipeline, so each is a new RTSP session.

  first picture  = time from setting the pipeline to PLAYING (connect, OPTIONS, DESCRIBE, SETUP, PLAY) to the
                   first decoded picture's arrival at the sink
  first age      = its age: arrival time - the camera's clock barcode in it (rtsp_camera.py --clock)
  live           = time to the first picture at most --live-ms old (a client that draws every decoded picture
                   without waiting is then showing live video)

Before each measurement the script sleeps a random 0..--gop-seconds, so the moments a client starts are spread
uniformly over the camera's GOP and the direct client's wait for the next keyframe is a fair sample. Each round
measures every protocol and both targets, in a shuffled order. Prints one line per measurement, then a table with
p50/p95 and the LiveMux/direct ratios, and writes JSON.
"""
import argparse
import datetime
import json
import os
import random
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from clock_barcode import CELL, decode  # noqa: E402


def barcode(data, stride):
    """Epoch ms from the clock barcode in an I420/GRAY luma plane (four pixels around each cell's middle)."""
    def mean(band, c):
        y, x = band * CELL + 8, c * CELL + 8
        return (data[y * stride + x] + data[y * stride + x - 3] + data[(y - 3) * stride + x] + data[(y + 3) * stride + x + 3]) / 4

    return decode(mean)


def one(url, protocol, latency, live_ms, timeout):
    """One fresh client: {firstMs, firstAgeMs, liveMs, frames} or {error}."""
    pipeline = Gst.parse_launch(
        f"rtspsrc name=src protocols={protocol} latency={latency} ! rtph264depay ! avdec_h264 output-corrupt=false "
        "! video/x-raw,format=I420 ! fakesink name=sink sync=false signal-handoffs=true")
    pipeline.get_by_name("src").set_property("location", url)
    loop = GLib.MainLoop()
    st = {"frames": 0, "firstMs": None, "firstAgeMs": None, "liveMs": None, "error": None, "stride": None}

    def on_handoff(sink, buffer, pad):
        now_ms = time.time() * 1000
        elapsed = (time.monotonic() - started) * 1000
        st["frames"] += 1
        if st["stride"] is None:
            w = pad.get_current_caps().get_structure(0).get_value("width")
            st["stride"] = (w + 3) & ~3
        ok, m = buffer.map(Gst.MapFlags.READ)
        if not ok:
            return
        try:
            stamp = barcode(m.data, st["stride"])
        finally:
            buffer.unmap(m)
        age = None if stamp is None else now_ms - stamp
        if st["firstMs"] is None:
            st["firstMs"], st["firstAgeMs"] = elapsed, age
        if age is not None and age <= live_ms and st["liveMs"] is None:
            st["liveMs"] = elapsed
            GLib.idle_add(loop.quit)

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ERROR:
            err, _ = message.parse_error()
            st["error"] = err.message
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            st["error"] = "end of stream"
            loop.quit()

    def on_timeout():
        st["timedOut"] = True
        st["error"] = st["error"] or f"no live picture in {timeout} s ({st['frames']} decoded)"
        loop.quit()
        return False

    pipeline.get_by_name("sink").connect("handoff", on_handoff)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    timer = GLib.timeout_add(int(timeout * 1000), on_timeout)
    started = time.monotonic()
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    if not st.get("timedOut"):
        GLib.source_remove(timer)
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    out = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in st.items() if k not in ("stride", "timedOut")}
    if out["firstMs"] is None and out["error"] is None:
        out["error"] = "no picture"
    return out


def pct(values, p):
    s = sorted(values)
    if not s:
        return None
    return s[min(len(s) - 1, max(0, -(-len(s) * p // 100) - 1))]


def summary(values):
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95),
            "mean": round(sum(values) / len(values), 1) if values else None, "min": min(values, default=None),
            "max": max(values, default=None)}


def fmt(v, spec="{:.0f}"):
    return "-" if v is None else spec.format(v)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--direct", required=True)
    p.add_argument("--livemux", required=True)
    p.add_argument("--trials", type=int, default=20)
    p.add_argument("--protocols", default="tcp")
    p.add_argument("--latency", type=int, default=0, help="rtspsrc jitter buffer ms (the same for both targets)")
    p.add_argument("--gop-seconds", type=float, default=2.0)
    p.add_argument("--live-ms", type=float, default=200)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out")
    a = p.parse_args()
    protocols = a.protocols.split(",")
    if not 1 <= a.trials <= 1000 or any(x not in ("tcp", "udp") for x in protocols):
        p.error("--trials 1..1000, --protocols of tcp,udp")
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    Gst.init(None)
    targets = {"direct": a.direct, "livemux": a.livemux}
    rows = []
    for trial in range(a.trials):
        order = [(proto, name) for proto in protocols for name in targets]
        rng.shuffle(order)
        for proto, name in order:
            time.sleep(rng.uniform(0, a.gop_seconds))
            r = one(targets[name], proto, a.latency, a.live_ms, a.timeout)
            r.update(trial=trial, target=name, protocol=proto)
            rows.append(r)
            print(f"trial {trial:3d} {proto} {name:8s} first {fmt(r['firstMs']):>5s} ms  age {fmt(r['firstAgeMs']):>5s} ms  "
                  f"live {fmt(r['liveMs']):>5s} ms{'  ERROR ' + r['error'] if r['error'] else ''}", file=sys.stderr, flush=True)

    result = {"when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "client": f"{Gst.version_string()} rtspsrc latency={a.latency} ! rtph264depay ! avdec_h264 output-corrupt=false ! fakesink sync=false",
              "trials": a.trials, "gopSeconds": a.gop_seconds, "liveMs": a.live_ms, "seed": seed, "summary": {}, "rows": rows}
    print(f"\nclient: {result['client']}; {a.trials} trials per target and protocol, start moments uniform over a "
          f"{a.gop_seconds:g} s GOP; times from PLAYING (connect + DESCRIBE + SETUP + PLAY) on\n")
    print("| protocol | target | ok | first picture p50 / p95 ms | first picture age p50 / p95 ms | live (age <= "
          f"{a.live_ms:g} ms) p50 / p95 ms |")
    print("|---|---|---:|---:|---:|---:|")
    ratios = []
    failed = 0
    for proto in protocols:
        s = {}
        for name in targets:
            sel = [r for r in rows if r["protocol"] == proto and r["target"] == name]
            ok = [r for r in sel if r["firstMs"] is not None]
            failed += len(sel) - len(ok)
            s[name] = {k: summary([r[f] for r in sel if r[f] is not None]) for k, f in
                       (("first", "firstMs"), ("age", "firstAgeMs"), ("live", "liveMs"))}
            s[name]["failed"] = len(sel) - len(ok)
            f, g, li = s[name]["first"], s[name]["age"], s[name]["live"]
            print(f"| {proto} | {name} | {len(ok)}/{len(sel)} | {fmt(f['p50'])} / {fmt(f['p95'])} | {fmt(g['p50'])} / {fmt(g['p95'])} "
                  f"| {fmt(li['p50'])} / {fmt(li['p95'])} |")
        d, lm = s["direct"]["first"], s["livemux"]["first"]
        if d["p50"] and lm["p50"] is not None:
            r = {"protocol": proto, "firstP50": round(lm["p50"] / d["p50"], 3), "firstP95": round(lm["p95"] / d["p95"], 3),
                 "firstMean": round(lm["mean"] / d["mean"], 3)}
            ratios.append(r)
        result["summary"][proto] = s
    result["ratios"] = ratios
    print()
    for r in ratios:
        verdict = "meets" if r["firstP50"] <= 0.25 and r["firstP95"] <= 0.25 else "MISSES"
        print(f"LiveMux / direct, first picture, {r['protocol']}: p50 {r['firstP50']:.2f}, p95 {r['firstP95']:.2f}, "
              f"mean {r['firstMean']:.2f} ({verdict} the issue's <= 0.25)")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
        print(f"\nJSON: {a.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
