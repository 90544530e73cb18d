#!/usr/bin/python3
"""Samples one process every --every seconds for --seconds: RSS and open file descriptors from /proc, threads,
CPU seconds, and the managed heap from LiveMux's /metrics. One JSON line per sample on stdout.

    sample.py --pid PID --metrics http://127.0.0.1:P/metrics --every 60 --seconds 3600
"""

import argparse
import json
import os
import sys
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def proc(pid):
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return {
        "rssMb": round(int(status["VmRSS"].split()[0]) / 1024, 1),
        "threads": int(status["Threads"]),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "cpuSeconds": round((int(fields[11]) + int(fields[12])) / TICK, 2),
    }


def gc_heap_mb(url):
    try:
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    except OSError as e:
        print(f"sample: /metrics failed: {e}", file=sys.stderr)
        return None
    total = sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith("dotnet_gc_heap_size_bytes"))
    return round(total / 1024 / 1024, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--metrics", required=True)
    p.add_argument("--every", type=float, default=60)
    p.add_argument("--seconds", type=float, required=True)
    a = p.parse_args()
    start = time.monotonic()
    n = 0
    while True:
        due = start + n * a.every
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            row = {"atSeconds": round(time.monotonic() - start, 1), **proc(a.pid), "gcHeapMb": gc_heap_mb(a.metrics)}
        except FileNotFoundError:
            print("sample: the process is gone", file=sys.stderr)
            return 1
        print(json.dumps(row), flush=True)
        n += 1
        if n * a.every > a.seconds:
            return 0


if __name__ == "__main__":
    sys.exit(main())
