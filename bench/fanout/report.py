#!/usr/bin/python3
"""Turns bench/run-fanout.sh's rows (one JSON line per server and viewer count) into its markdown table and
result file. Ratios are taken within the run: LiveMux's CPU per delivered Gbit/s against the floor's at the
same viewer count, and LiveMux's CPU and RSS against the baseline's."""

import argparse
import datetime
import json
import os
import platform
import subprocess


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    mem = next((int(l.split()[1]) // 1024 // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memoryGb": mem, "os": platform.platform(), "dotnet": dotnet}


def per_gbit(row):
    gbps = row["viewers"]["window"]["mbps"]["total"] / 1000
    return row["process"]["cpuPercentOfCore"] / gbps if gbps > 0 else None


def fmt(value, spec="{:.2f}"):
    return "-" if value is None else spec.format(value)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rows")
    p.add_argument("out")
    for name in ("--camera-kbps", "--bitrate", "--size", "--warmup", "--seconds", "--baseline-max"):
        p.add_argument(name, required=True)
    a = p.parse_args()
    rows = [json.loads(l) for l in open(a.rows) if l.strip()]
    by = {(r["server"], r["n"]): r for r in rows}

    print(f"\ncamera: replay {a.size} 30 fps, asked {a.bitrate} kbit/s, real {a.camera_kbps} kbit/s; "
          f"warm-up {a.warmup} s, window {a.seconds} s; baseline up to {a.baseline_max} viewers\n")
    print("| server | viewers | frames got, min / median | viewers < 99% | delivered Gbit/s | server CPU, % of a core "
          "| CPU per Gbit/s | vs floor | peak RSS MB | camera sessions | latency p50 / p95 ms | load generator CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        w, proc = r["viewers"]["window"], r["process"]
        floor = by.get(("floor", r["n"]))
        ratio = per_gbit(r) / per_gbit(floor) if floor and r["server"] != "floor" and per_gbit(r) and per_gbit(floor) else None
        r["cpuPerGbit"] = per_gbit(r)
        r["cpuPerGbitVsFloor"] = ratio
        lat = w.get("cameraLatencyMs") or {}
        print(f'| {r["server"]} | {r["n"]} | {w["frameShare"]["min"]:.1f}% / {w["frameShare"]["median"]:.1f}% | '
              f'{w["viewersUnder99Percent"]} | {w["mbps"]["total"] / 1000:.3f} | {proc["cpuPercentOfCore"]:.1f} | '
              f'{fmt(per_gbit(r), "{:.1f}")} | {fmt(ratio)} | {proc["peakRssMb"]:.0f} | {proc.get("cameraSessionsMax", "-")} | '
              f'{fmt(lat.get("p50"), "{:.1f}")} / {fmt(lat.get("p95"), "{:.1f}")} | {r["loadgen"]["cpuPercentOfCore"]:.0f}% |')

    vs_base = []
    for n in sorted({r["n"] for r in rows}):
        lm, base = by.get(("livemux", n)), by.get(("baseline", n))
        if lm and base and base["process"]["cpuPercentOfCore"] and base["process"]["peakRssMb"]:
            vs_base.append((n, lm["process"]["cpuPercentOfCore"] / base["process"]["cpuPercentOfCore"],
                            lm["process"]["peakRssMb"] / base["process"]["peakRssMb"]))
    if vs_base:
        print("\nLiveMux / baseline: " + "; ".join(f"{n} viewers: CPU {c:.2f}, RSS {m:.2f}" for n, c, m in vs_base))

    # --rtsp: the same server read by RTSP clients instead of MSE WebSocket viewers, and both against the floor.
    vs_ws = []
    for n in sorted({r["n"] for r in rows}):
        rtsp, ws, floor = by.get(("livemux-rtsp", n)), by.get(("livemux", n)), by.get(("floor", n))
        if not (rtsp and ws and per_gbit(rtsp) and per_gbit(ws) and ws["process"]["peakRssMb"]):
            continue
        floor_cpu = per_gbit(floor) if floor else None
        floor_rss = floor["process"]["peakRssMb"] if floor else None
        vs_ws.append(f"{n} clients: CPU per Gbit/s RTSP {per_gbit(rtsp):.1f}, MSE {per_gbit(ws):.1f}, floor {fmt(floor_cpu, '{:.1f}')}: "
                     f"RTSP = {per_gbit(rtsp) / per_gbit(ws):.2f} x MSE = {fmt(per_gbit(rtsp) / floor_cpu if floor_cpu else None)} x floor; "
                     f"peak RSS MB RTSP {rtsp['process']['peakRssMb']:.0f}, MSE {ws['process']['peakRssMb']:.0f}, floor {fmt(floor_rss, '{:.0f}')}: "
                     f"RTSP = {rtsp['process']['peakRssMb'] / ws['process']['peakRssMb']:.2f} x MSE")
    if vs_ws:
        print("\nLiveMux RTSP against LiveMux MSE and the floor:\n  " + "\n  ".join(vs_ws))

    json.dump({"when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "machine": machine(),
               "camera": {"kind": "rtsp_replay_camera", "size": a.size, "askedKbps": int(a.bitrate), "realKbps": int(a.camera_kbps)},
               "warmupS": float(a.warmup), "seconds": float(a.seconds), "baselineMax": int(a.baseline_max), "rows": rows},
              open(a.out, "w"), indent=2)
    print(f"\nJSON: {a.out}")


if __name__ == "__main__":
    main()
