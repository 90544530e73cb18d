#!/usr/bin/python3
"""Snapshot latency and staleness: LiveMux's /api/frame.jpeg against go2rtc's way and a floor.

    measure.py --livemux URL --camera RTSP_URL --keyframe FILE.h264 [-n 100] [--concurrent 50]
               [--decodes-log LOG] [--out FILE.json]

N rounds; each asks every target for one picture in turn (so all three see the same machine load), 100-300
ms apart (so the requests land all over the GOP):
  livemux   GET URL (LiveMux's /api/frame.jpeg): the cached GOP up to the newest sample, decoded by ffmpeg.
  baseline  what go2rtc's /api/frame.jpeg does for a consumer without a GOP cache: open the camera, wait
            for its next keyframe, decode it with ffmpeg:
            ffmpeg -rtsp_transport tcp -i RTSP_URL -frames:v 1 -c:v mjpeg -f image2pipe -
  floor     the least any ffmpeg-based snapshot can cost: one ffmpeg run decoding one keyframe from a
            file to a JPEG (no network, no waiting).

latency   = answer complete - request sent (ms)
staleness = request sent - the camera's clock barcode in the picture (ms; negative: the picture was
            taken after the request, as when one waits for the next keyframe)

--concurrent N also sends N LiveMux requests at once and counts the ffmpeg decodes they caused from the
LiveMux log lines "snapshot decoded" (event 3440, Debug) in --decodes-log.
"""

import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from clock_barcode import CELL, CELLS, decode  # noqa: E402


def barcode(jpeg):
    """Epoch ms in the picture (rtsp_camera.py --clock), decoded by ffmpeg to gray; None when unreadable."""
    r = subprocess.run(["ffmpeg", "-v", "error", "-f", "image2pipe", "-i", "-", "-vf", f"crop={CELL * CELLS}:{2 * CELL}:0:0",
                        "-f", "rawvideo", "-pix_fmt", "gray", "-"], input=jpeg, capture_output=True, timeout=30)
    gray = r.stdout
    stride = CELL * CELLS
    if r.returncode != 0 or len(gray) < stride * 2 * CELL:
        return None

    # The middle 8x8 of each cell: JPEG blurs its edges.
    def mean(band, c):
        return sum(gray[y * stride + x] for y in range(band * CELL + 4, band * CELL + 12) for x in range(c * CELL + 4, c * CELL + 12)) / 64

    return decode(mean)


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def ffmpeg_jpeg(args):
    r = subprocess.run(["ffmpeg", "-v", "error", *args, "-frames:v", "1", "-c:v", "mjpeg", "-f", "image2pipe", "-"],
                       capture_output=True, timeout=30)
    if r.returncode != 0 or not r.stdout:
        raise RuntimeError(r.stderr.decode(errors="replace")[-300:])
    return r.stdout


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))] if s else float("nan")


def measure(targets, n):
    """N rounds; each takes one picture from every target in turn, so all see the same machine load."""
    samples = {name: ([], [], [0]) for name, _ in targets}
    for _ in range(n):
        for name, take in targets:
            time.sleep(random.uniform(0.1, 0.3))
            lat, stale, unreadable = samples[name]
            sent = time.time()
            jpeg = take()
            lat.append((time.time() - sent) * 1000)
            clock = barcode(jpeg)
            if clock is None:
                unreadable[0] += 1
            else:
                stale.append(sent * 1000 - clock)
    results = []
    for name, (lat, stale, unreadable) in samples.items():
        r = {"target": name, "n": n, "latency_p50": pct(lat, 0.5), "latency_p95": pct(lat, 0.95), "latency_max": max(lat),
             "staleness_p50": pct(stale, 0.5), "staleness_p95": pct(stale, 0.95), "staleness_max": max(stale) if stale else None,
             "unreadable": unreadable[0]}
        print(f"--- {name}: {json.dumps(r)}", file=sys.stderr)
        results.append(r)
    return results


def decodes(log):
    with open(log, errors="replace") as f:
        return sum(1 for line in f if "snapshot decoded" in line)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--livemux", required=True)
    p.add_argument("--camera", required=True)
    p.add_argument("--keyframe", required=True)
    p.add_argument("-n", type=int, default=100)
    p.add_argument("--concurrent", type=int, default=50)
    p.add_argument("--decodes-log")
    p.add_argument("--out")
    a = p.parse_args()

    results = measure([
        ("livemux", lambda: get(a.livemux)),
        ("baseline", lambda: ffmpeg_jpeg(["-rtsp_transport", "tcp", "-i", a.camera])),
        ("floor", lambda: ffmpeg_jpeg(["-f", "h264", "-i", a.keyframe])),
    ], a.n)

    concurrent_result = None
    if a.concurrent and a.decodes_log:
        time.sleep(1.5)
        before = decodes(a.decodes_log)
        with concurrent.futures.ThreadPoolExecutor(a.concurrent) as pool:
            bodies = list(pool.map(lambda _: get(a.livemux), range(a.concurrent)))
        time.sleep(1.0)  # the log line is written as the decode ends; let the file catch up
        concurrent_result = {"requests": a.concurrent, "answered": sum(1 for b in bodies if b[:2] == b"\xff\xd8"),
                             "decodes": decodes(a.decodes_log) - before}

    live, base, floor = results
    print()
    print(f"Snapshots of a 30 fps camera with a 2 s GOP, {a.n} requests each, interleaved, 100-300 ms apart (ms)")
    print()
    print("| target | latency p50 | latency p95 | staleness p50 | staleness p95 | staleness max | unreadable |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        # The floor's picture is one recorded keyframe: how old it is says nothing.
        st = ("n/a", "n/a", "n/a") if r["target"] == "floor" else tuple(f"{r[k]:.0f}" for k in ("staleness_p50", "staleness_p95", "staleness_max"))
        print(f"| {r['target']} | {r['latency_p50']:.0f} | {r['latency_p95']:.0f} | {st[0]} | {st[1]} | {st[2]} | {r['unreadable']} |")
    print()
    print(f"latency p50: LiveMux {live['latency_p50'] / base['latency_p50']:.2f}x the baseline, "
          f"{live['latency_p50'] / floor['latency_p50']:.2f}x the floor; "
          f"p95: {live['latency_p95'] / base['latency_p95']:.2f}x the baseline, {live['latency_p95'] / floor['latency_p95']:.2f}x the floor")
    if concurrent_result:
        print(f"{concurrent_result['requests']} concurrent LiveMux requests: {concurrent_result['answered']} JPEGs, "
              f"{concurrent_result['decodes']} ffmpeg decode(s)")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"results": results, "concurrent": concurrent_result}, f, indent=2)


if __name__ == "__main__":
    main()
