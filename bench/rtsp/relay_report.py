#!/usr/bin/python3
"""bench/run-rtsp-relay.sh's report: run.mjs's results for origin-1, edge-1, origin-2, ... side by side, the edge's
added glass-to-glass latency, and the session counts (camera -> origin, origin -> edge).

    relay_report.py LATENCY.json AGE.json ORIGIN_STREAMS.json CAMERA_SESSIONS OUT.json
"""
import json
import sys


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def fmt(v):
    return "-" if v is None else f"{v:.0f}"


def main():
    latency_path, age_path, streams_path, camera_sessions, out = sys.argv[1:6]
    latency = json.load(open(latency_path))
    age = json.load(open(age_path))
    streams = json.load(open(streams_path)).get("streams", [])
    cam = next((s for s in streams if s.get("name") == "cam"), {})
    origin_rtsp_clients = (cam.get("rtsp") or {}).get("clients")
    by_kind = {"origin": [], "edge": []}
    for r in latency["results"]:
        by_kind[r["name"].rsplit("-", 1)[0]].append(r)
    rows = {}
    print("\n| viewer on | rounds | p50 ms, per round | p95 ms, per round | mean p50 ms | mean p95 ms | stalls | samples |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for kind, rs in by_kind.items():
        rows[kind] = {"p50": mean([r["p50"] for r in rs]), "p95": mean([r["p95"] for r in rs]),
                      "stalls": sum(r["stalls"] for r in rs), "samples": sum(r["samples"] for r in rs)}
        print(f"| {kind} | {len(rs)} | {' / '.join(fmt(r['p50']) for r in rs)} | {' / '.join(fmt(r['p95']) for r in rs)} | "
              f"{fmt(rows[kind]['p50'])} | {fmt(rows[kind]['p95'])} | {rows[kind]['stalls']} | {rows[kind]['samples']} |")
    o, e = rows["origin"], rows["edge"]
    added = {"p50": None if o["p50"] is None or e["p50"] is None else e["p50"] - o["p50"],
             "p95": None if o["p95"] is None or e["p95"] is None else e["p95"] - o["p95"]}
    ratio = e["p50"] / o["p50"] if o["p50"] and e["p50"] else None
    verdict = "meets" if added["p50"] is not None and added["p50"] <= 50 else "MISSES"
    print(f"\nbrowser: the relay hop adds p50 {fmt(added['p50'])} ms, p95 {fmt(added['p95'])} ms (edge / origin p50 "
          f"{'-' if ratio is None else f'{ratio:.2f}'}; {verdict} the issue's <= 50 ms at p50)")
    ao, ae, hop = age["age"]["origin"], age["age"]["edge"], age["hop"]
    hop_verdict = "meets" if hop["p95"] is not None and hop["p95"] <= 50 else "MISSES"
    print(f"RTSP readers at once ({age['seconds']:g} s): age p50 / p95 origin {fmt(ao['p50'])} / {fmt(ao['p95'])} ms, "
          f"edge {fmt(ae['p50'])} / {fmt(ae['p95'])} ms; the hop per picture p50 {fmt(hop['p50'])} ms, p95 {fmt(hop['p95'])} ms, "
          f"max {fmt(hop['max'])} ms over {hop['n']} pictures ({hop_verdict} <= 50 ms at p95); pictures lost on the edge "
          f"{age['picturesOnlyOnOrigin']}")
    print(f"RTSP sessions: camera -> origin {camera_sessions or '?'}, origin -> edge {fmt(origin_rtsp_clients)} (both must be 1)")
    json.dump({"when": latency["when"], "options": latency["options"], "summary": rows, "addedMs": added, "rtspReaders": age,
               "edgeOverOriginP50": ratio, "cameraSessions": int(camera_sessions) if camera_sessions else None,
               "originRtspClients": origin_rtsp_clients, "originStream": cam, "results": latency["results"]},
              open(out, "w"), indent=2)
    print(f"\nJSON: {out}")
    return 0 if all(r["samples"] for r in latency["results"]) else 1


if __name__ == "__main__":
    sys.exit(main())
