#!/usr/bin/python3
"""Joins the soak's per-minute process samples and load generator intervals, judges flatness and plots them.

    plot.py SAMPLES.jsonl VIEWERS.jsonl OUT.json OUT.png --viewers N --bitrate KBPS --size WxH

Flat means no growth: over the samples after the first 10 minutes (start-up, JIT, GC sizing), the least-squares
slope of RSS is at most 5 MB per hour and the last 10 minutes' mean is at most 5% above the 10..20-minute mean;
the same two tests for latency p95 use 5 ms per hour and 10%. Falling curves pass: a soak looks for leaks and
creeping delay, and a neighbour on a shared machine that goes quiet lowers both.
"""

import argparse
import datetime
import json
import os
import platform
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def slope_per_hour(xs, ys):
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return 0.0 if den == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 3600


def judge(xs, ys, max_slope, max_drift):
    keep = [(x, y) for x, y in zip(xs, ys) if x >= 600 and y is not None]
    if len(keep) < 4:
        return {"flat": None, "why": "fewer than 4 samples after 10 minutes"}
    kx, ky = [k[0] for k in keep], [k[1] for k in keep]
    early = [y for x, y in keep if x < 1200] or ky[:2]
    late = [y for x, y in keep if x >= kx[-1] - 600] or ky[-2:]
    slope = slope_per_hour(kx, ky)
    drift = (sum(late) / len(late)) / (sum(early) / len(early)) - 1 if sum(early) else 0
    return {"slopePerHour": round(slope, 2), "lateVsEarly": round(drift, 4), "flat": slope <= max_slope and drift <= max_drift,
            "limits": {"slopePerHour": max_slope, "lateVsEarly": max_drift}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("samples")
    p.add_argument("viewers")
    p.add_argument("out_json")
    p.add_argument("out_png")
    p.add_argument("--viewers", dest="n", type=int, required=True)
    p.add_argument("--bitrate", type=int, required=True)
    p.add_argument("--size", required=True)
    a = p.parse_args()
    samples = [json.loads(l) for l in open(a.samples) if l.strip()]
    lines = [json.loads(l) for l in open(a.viewers) if l.strip()]
    intervals = [l for l in lines if "interval" in l]
    summary = next((l for l in lines if "window" in l), None)

    sx = [s["atSeconds"] for s in samples]
    vx = [i["atSeconds"] for i in intervals]
    p95 = [(i["report"].get("cameraLatencyMs") or {}).get("p95") for i in intervals]
    p50 = [(i["report"].get("cameraLatencyMs") or {}).get("p50") for i in intervals]
    d95 = [(i["report"].get("deliveryLatencyMs") or {}).get("p95") for i in intervals]
    share = [i["report"]["frameShare"]["min"] for i in intervals]

    verdict = {
        "rss": judge(sx, [s["rssMb"] for s in samples], 5.0, 0.05),
        "latencyP95": judge([x + 0 for x in vx], p95, 5.0, 0.10),
    }
    result = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "os": platform.platform()},
        "viewers": a.n, "camera": {"kind": "rtsp_replay_camera", "size": a.size, "kbps": a.bitrate},
        "verdict": verdict, "samples": samples, "intervals": intervals, "summary": summary,
    }
    json.dump(result, open(a.out_json, "w"), indent=1)

    fig, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    minutes = lambda xs: [x / 60 for x in xs]  # noqa: E731
    axes[0].plot(minutes(sx), [s["rssMb"] for s in samples], marker=".", label="RSS")
    axes[0].plot(minutes(sx), [s["gcHeapMb"] for s in samples], marker=".", label="managed heap")
    axes[0].set_ylabel("MB")
    axes[0].set_ylim(bottom=0)
    axes[0].legend(loc="lower right")
    axes[0].set_title(f"LiveMux soak: {a.n} viewers of one {a.bitrate} kbit/s {a.size} stream  "
                      f"(RSS flat: {verdict['rss']['flat']}, latency flat: {verdict['latencyP95']['flat']})")
    axes[1].plot(minutes(sx), [s["fds"] for s in samples], marker=".", label="open fds")
    axes[1].plot(minutes(sx), [s["threads"] for s in samples], marker=".", label="threads")
    axes[1].set_ylabel("count")
    axes[1].set_ylim(bottom=0)
    axes[1].legend(loc="lower right")
    axes[2].plot(minutes(vx), p50, marker=".", label="camera to viewer p50")
    axes[2].plot(minutes(vx), p95, marker=".", label="camera to viewer p95")
    axes[2].plot(minutes(vx), d95, marker=".", label="hub to viewer p95 (prft)")
    axes[2].set_ylabel("ms")
    axes[2].set_ylim(bottom=0)
    axes[2].legend(loc="upper right")
    axes[3].plot(minutes(vx), share, marker=".", label="lowest viewer's frame share")
    axes[3].set_ylabel("%")
    axes[3].set_ylim(0, 101)
    axes[3].set_xlabel("minutes")
    axes[3].legend(loc="lower right")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out_png, dpi=80)
    print(json.dumps(verdict))
    return 0 if verdict["rss"]["flat"] is not False and verdict["latencyP95"]["flat"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
