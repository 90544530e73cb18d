#!/usr/bin/python3
"""Samples a process tree from /proc: CPU time (utime+stime of the root and all descendants, e.g.
one ffmpeg per viewer) and RSS summed over the tree, for a fixed window.

    procmon.py --pid PID --seconds 20 [--interval 0.5] [--sessions-log camera.log] [--skip-root]

Prints one JSON object: cpuSeconds, cpuPercentOfCore (100 = one core busy), peakRssMb (peak of the
tree's summed RSS), maxProcesses, and with --sessions-log the camera's active RTSP session count
(last and max `SESSIONS n=` line seen during the window; rtsp_camera.py prints them).

A process is keyed by (pid, start time), so a reused pid is a new process. A process born in the
window counts all its CPU time; one that exits counts up to its last sample.
"""

import argparse
import json
import os
import re
import time

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def read_stat(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("ascii", "replace")
        with open(f"/proc/{pid}/statm", "rb") as f:
            rss_pages = int(f.read().split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
        return None
    rest = raw[raw.rindex(")") + 2 :].split()
    # Fields after "(comm)": state=0, ppid=1, ..., utime=11, stime=12, ..., starttime=19
    return {"ppid": int(rest[1]), "ticks": int(rest[11]) + int(rest[12]), "start": int(rest[19]),
            "rss": rss_pages * PAGE}


def tree(root, skip_root=False):
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = read_stat(int(name))
            if s is not None:
                stats[int(name)] = s
    children = {}
    for pid, s in stats.items():
        children.setdefault(s["ppid"], []).append(pid)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in out:
            out[pid] = stats[pid]
            todo.extend(children.get(pid, []))
    if skip_root:
        out.pop(root, None)
    return out


def last_sessions(path, offset):
    """(values seen after byte offset, new offset)."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return [], offset
    text = data.decode("utf-8", "replace")
    cut = text.rfind("\n") + 1
    values = [int(m) for m in re.findall(r"^SESSIONS n=(\d+)", text[:cut], re.M)]
    return values, offset + len(text[:cut].encode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--sessions-log")
    p.add_argument("--skip-root", action="store_true",
                   help="count only the root's descendants (e.g. root = `dotnet run`, a launcher)")
    a = p.parse_args()

    sessions_last, sessions_max, log_offset = None, None, 0
    if a.sessions_log:
        values, log_offset = last_sessions(a.sessions_log, 0)
        if values:  # the count in force when the window opens
            sessions_last = sessions_max = values[-1]

    first = {(pid, s["start"]): s["ticks"] for pid, s in tree(a.pid, a.skip_root).items()}
    last = dict(first)
    peak_rss, max_procs = 0, 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    while True:
        now_tree = tree(a.pid, a.skip_root)
        for pid, s in now_tree.items():
            last[(pid, s["start"])] = s["ticks"]
        peak_rss = max(peak_rss, sum(s["rss"] for s in now_tree.values()))
        max_procs = max(max_procs, len(now_tree))
        if a.sessions_log:
            values, log_offset = last_sessions(a.sessions_log, log_offset)
            if values:
                sessions_last = values[-1]
                sessions_max = max([v for v in values] + ([sessions_max] if sessions_max is not None else []))
        if time.monotonic() >= end:
            break
        time.sleep(min(a.interval, max(0.0, end - time.monotonic())))
    elapsed = time.monotonic() - t0
    ticks = sum(v - first.get(k, 0) for k, v in last.items())
    cpu = ticks / TICK
    print(json.dumps({
        "pid": a.pid,
        "seconds": round(elapsed, 2),
        "cpuSeconds": round(cpu, 2),
        "cpuPercentOfCore": round(100 * cpu / elapsed, 1) if elapsed > 0 else None,
        "peakRssMb": round(peak_rss / 1048576, 1),
        "maxProcesses": max_procs,
        "cameraSessionsLast": sessions_last,
        "cameraSessionsMax": sessions_max,
    }))


if __name__ == "__main__":
    main()
