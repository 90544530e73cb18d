#!/usr/bin/python3
"""The summary table of one bench/run-all.sh run, from its result files (the README shows this output).

    summary.py --dir bench/results --stamp 20261124T150000Z
"""

import argparse
import glob
import json
import os


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def latency(d, fps):
    if not d:
        return []
    by = {r["name"]: r for r in d["results"]}
    lm, base = by.get("livemux"), by.get("baseline")
    rows = []
    for key, label in (("p50", "latency p50"), ("p95", "latency p95"), ("firstFrameMs", "time to first frame")):
        rows.append((f"{label}, {fps} fps", f'{lm[key]:.0f} ms' if lm else "-", f'{base[key]:.0f} ms' if base else "-",
                     ratio(lm and lm[key], base and base[key]), "-"))
    rows.append((f"stalls in the window, {fps} fps", str(lm["stalls"]) if lm else "-", str(base["stalls"]) if base else "-", "-", "-"))
    return rows


def fanout(d):
    if not d:
        return []
    by = {(r["server"], r["n"]): r for r in d["rows"]}
    rows = []
    for n in sorted({r["n"] for r in d["rows"]}):
        lm, fl, base = by.get(("livemux", n)), by.get(("floor", n)), by.get(("baseline", n))
        if not lm:
            continue
        w = lm["viewers"]["window"]
        rows.append((f"{n} viewer{'s' if n != 1 else ''}: CPU per delivered Gbit/s (% of a core)", f'{lm["cpuPerGbit"]:.1f}',
                     f'{base["cpuPerGbit"]:.1f}' if base and base.get("cpuPerGbit") else "-",
                     ratio(lm["cpuPerGbit"], base and base.get("cpuPerGbit")), ratio(lm["cpuPerGbit"], fl and fl.get("cpuPerGbit"))))
        rows.append((f"{n} viewer{'s' if n != 1 else ''}: peak RSS", f'{lm["process"]["peakRssMb"]:.0f} MB',
                     f'{base["process"]["peakRssMb"]:.0f} MB' if base else "-",
                     ratio(lm["process"]["peakRssMb"], base and base["process"]["peakRssMb"]),
                     ratio(lm["process"]["peakRssMb"], fl and fl["process"]["peakRssMb"])))
        bw = base["viewers"]["window"] if base else None
        rows.append((f"{n} viewer{'s' if n != 1 else ''}: frames got, worst viewer", f'{w["frameShare"]["min"]:.1f}%',
                     f'{bw["frameShare"]["min"]:.1f}%' if bw else "-", "-",
                     f'floor {fl["viewers"]["window"]["frameShare"]["min"]:.1f}%' if fl else "-"))
        rt = by.get(("livemux-rtsp", n))
        if rt:  # run-fanout.sh --rtsp: the "baseline" column holds LiveMux's MSE viewers
            rows.append((f"{n} RTSP client{'s' if n != 1 else ''}: CPU per delivered Gbit/s (baseline: LiveMux MSE)", f'{rt["cpuPerGbit"]:.1f}',
                         f'{lm["cpuPerGbit"]:.1f}', ratio(rt["cpuPerGbit"], lm["cpuPerGbit"]), ratio(rt["cpuPerGbit"], fl and fl.get("cpuPerGbit"))))
            rows.append((f"{n} RTSP client{'s' if n != 1 else ''}: peak RSS (baseline: LiveMux MSE)", f'{rt["process"]["peakRssMb"]:.0f} MB',
                         f'{lm["process"]["peakRssMb"]:.0f} MB', ratio(rt["process"]["peakRssMb"], lm["process"]["peakRssMb"]),
                         ratio(rt["process"]["peakRssMb"], fl and fl["process"]["peakRssMb"])))
            rows.append((f"{n} RTSP client{'s' if n != 1 else ''}: frames got, worst client", f'{rt["viewers"]["window"]["frameShare"]["min"]:.1f}%',
                         f'{w["frameShare"]["min"]:.1f}%', "-", "-"))
    return rows


def rtsp_first_frame(d):
    """run-rtsp-first-frame.sh: the "baseline" is the same client pulling the camera directly."""
    if not d:
        return []
    rows = []
    for proto, s in d["summary"].items():
        lm, direct = s["livemux"]["first"], s["direct"]["first"]
        for key in ("p50", "p95"):
            rows.append((f"RTSP first picture {key}, {proto} (baseline: the camera directly, {d['gopSeconds']:g} s GOP)",
                         f"{lm[key]:.0f} ms" if lm[key] is not None else "-", f"{direct[key]:.0f} ms" if direct[key] is not None else "-",
                         ratio(lm[key], direct[key]), "-"))
    return rows


def rtsp_relay(d):
    """run-rtsp-relay.sh: the "baseline" is a viewer on the origin, LiveMux one on the edge."""
    if not d:
        return []
    o, e = d["summary"]["origin"], d["summary"]["edge"]
    rows = [(f"relay hop: glass-to-glass {key} in Chromium on the edge (baseline: on the origin)", f"{e[key]:.0f} ms" if e[key] is not None else "-",
             f"{o[key]:.0f} ms" if o[key] is not None else "-", ratio(e[key], o[key]), "-") for key in ("p50", "p95")]
    age = d.get("rtspReaders")
    if age:
        ao, ae = age["age"]["origin"], age["age"]["edge"]
        rows += [(f"relay hop: picture age {key} at an RTSP reader of the edge (baseline: of the origin)", f"{ae[key]:.0f} ms",
                  f"{ao[key]:.0f} ms", ratio(ae[key], ao[key]), "-") for key in ("p50", "p95") if ae[key] is not None and ao[key] is not None]
        rows.append(("relay hop: per picture, edge reader - origin reader, p50 / p95",
                     f'{age["hop"]["p50"]:.0f} / {age["hop"]["p95"]:.0f} ms', "-", "-", "-"))
    return rows


def snapshots(d):
    """run-snapshot.sh: the "baseline" waits for the next keyframe, then runs ffmpeg; the floor is one ffmpeg run on
    one keyframe file. Staleness is the request's time minus the picture's barcode (negative: a picture from after
    the request, as the baseline's next keyframe is)."""
    if not d:
        return []
    by = {r["target"]: r for r in d["results"]}
    lm, base, floor = by.get("livemux"), by.get("baseline"), by.get("floor")
    if not lm:
        return []
    rows = [(f"snapshot latency {key}, 30 fps", f'{lm["latency_" + key]:.0f} ms', f'{base["latency_" + key]:.0f} ms' if base else "-",
             ratio(lm["latency_" + key], base and base["latency_" + key]), ratio(lm["latency_" + key], floor and floor["latency_" + key]))
            for key in ("p50", "p95")]
    rows.append(("snapshot staleness p50 / p95 / max", f'{lm["staleness_p50"]:.0f} / {lm["staleness_p95"]:.0f} / {lm["staleness_max"]:.0f} ms',
                 f'{base["staleness_p50"]:.0f} / {base["staleness_p95"]:.0f} / {base["staleness_max"]:.0f} ms' if base else "-", "-", "-"))
    c = d.get("concurrent")
    if c:
        rows.append((f'{c["requests"]} concurrent snapshot requests: decodes', str(c["decodes"]), "-", "-", "-"))
    return rows


def cameras(d):
    if not d:
        return []
    ph = d["phases"]
    rows = []
    for phase, label in (("streams", "no viewers"), ("viewers", "one viewer each")):
        r = ph.get(phase)
        if r and r.get("perStream"):
            rows.append((f'{d["cameras"]} cameras, {label}: CPU per stream (% of a core)', f'{r["perStream"]["cpuPercentOfCore"]:.2f}',
                         f'{ph["baseline"]["perStream"]["cpuPercentOfCore"]:.2f}' if phase == "viewers" and "baseline" in ph else "-",
                         ratio(r["perStream"]["cpuPercentOfCore"], ph["baseline"]["perStream"]["cpuPercentOfCore"]) if phase == "viewers" and "baseline" in ph else "-", "-"))
            rows.append((f'{d["cameras"]} cameras, {label}: memory per stream', f'{r["perStream"]["rssMb"]:.1f} MB',
                         f'{ph["baseline"]["perStream"]["rssMb"]:.1f} MB' if phase == "viewers" and "baseline" in ph else "-",
                         ratio(r["perStream"]["rssMb"], ph["baseline"]["perStream"]["rssMb"]) if phase == "viewers" and "baseline" in ph else "-", "-"))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--stamp", required=True)
    a = p.parse_args()
    f = lambda name: os.path.join(a.dir, name.format(a.stamp))  # noqa: E731
    rows = latency(load(f("latency-30fps-{}.json")), 30) + latency(load(f("latency-5fps-{}.json")), 5)
    rows += fanout(load(f("fanout-{}.json"))) + cameras(load(f("cameras-{}.json")))
    rows += rtsp_first_frame(load(f("rtsp-first-frame-{}.json"))) + rtsp_relay(load(f("rtsp-relay-{}.json")))
    rows += snapshots(load(f("snapshot-{}.json")))
    print(f"Run {a.stamp}, bench/run-all.sh; files in {a.dir}/*{a.stamp}*\n")
    print("| measure | LiveMux | baseline | LiveMux / baseline | LiveMux / floor |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    micro = sorted(glob.glob(os.path.join(a.dir, f"micro-*-{a.stamp[:8]}.md")))
    if micro:
        print("\nMicro benchmarks: " + ", ".join(os.path.basename(m) for m in micro))
    soak = load(f("soak-{}.json"))
    if soak:
        v = soak["verdict"]
        print(f'\nSoak ({soak["viewers"]} viewers, {len(soak["samples"])} samples): RSS slope {v["rss"].get("slopePerHour")} MB/h '
              f'(flat: {v["rss"]["flat"]}), latency p95 slope {v["latencyP95"].get("slopePerHour")} ms/h (flat: {v["latencyP95"]["flat"]})')


if __name__ == "__main__":
    main()
