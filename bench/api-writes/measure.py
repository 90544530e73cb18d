#!/usr/bin/env python3
"""POSTs N streams to /api/streams one after another, then N more from P threads at once, then one marker POST;
prints (and writes with --out) one JSON object: per phase the total time and the latency of each POST (p50, p95,
max, and the p50 of the first and last 100 to show how a POST's cost grows with the streams already there).
Every POST must answer 201, and the list must hold every stream at the end."""
import argparse
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def post(base, name, i):
    body = json.dumps({"name": name, "url": f"rtsp://192.0.2.{1 + i % 250}/live{i}"}).encode()
    request = urllib.request.Request(base + "/api/streams", data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as e:
        status = e.code
    return time.perf_counter() - start, status


def summary(latencies, total):
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=20) if len(ms) > 1 else ms * 19
    return {
        "posts": len(ms), "total_s": round(total, 2), "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(q[18], 1), "max_ms": round(ms[-1], 1),
        "first100_p50_ms": round(statistics.median([x * 1000 for x in latencies[:100]]), 1),
        "last100_p50_ms": round(statistics.median([x * 1000 for x in latencies[-100:]]), 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("-n", type=int, default=400)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--label", default="livemux")
    parser.add_argument("--out")
    args = parser.parse_args()
    failures = []

    start = time.perf_counter()
    sequential = []
    for i in range(args.n):
        seconds, status = post(args.base, f"seq{i}", i)
        sequential.append(seconds)
        if status != 201:
            failures.append(f"seq{i}: {status}")
    sequential_total = time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        results = list(pool.map(lambda i: post(args.base, f"par{i}", args.n + i), range(args.n)))
    parallel_total = time.perf_counter() - start
    failures += [f"par{i}: {status}" for i, (_, status) in enumerate(results) if status != 201]

    marker, status = post(args.base, "marker", 0)
    if status != 201:
        failures.append(f"marker: {status}")
    with urllib.request.urlopen(args.base + "/api/streams", timeout=300) as response:
        names = {s["name"] for s in json.load(response)["streams"]}
    missing = [n for n in [f"seq{i}" for i in range(args.n)] + [f"par{i}" for i in range(args.n)] if n not in names]

    result = {
        "target": args.label, "streams": 2 * args.n + 1, "parallel_clients": args.parallel,
        "sequential": summary(sequential, sequential_total),
        "parallel": summary([s for s, _ in results], parallel_total),
        "marker_ms": round(marker * 1000, 1), "failures": failures[:20], "missing": missing[:20],
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
