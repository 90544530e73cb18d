#!/usr/bin/env bash
# Fan-out: N WebSocket viewers of one 4 Mbps camera stream, baseline vs LiveMux.
#
#   bench/run-fanout.sh [--skip-livemux] [--livemux-root DIR] [--viewers 1,10,100]
#                       [--warmup 5] [--seconds 20] [--bitrate 4000] [--size 1280x720] [--out FILE.json]
#
# Starts rtsp_camera.py (--bitrate kbit/s, 30 fps, 2 s GOP) and checks its real rate with ffmpeg.
# Then for each server and each N: starts the server fresh, opens N viewers (fanout/viewers.mjs),
# and over the measurement window samples the server's whole process tree (fanout/procmon.py:
# CPU = utime+stime of the server and all children such as per-viewer ffmpeg, peak summed RSS)
# and the camera's RTSP session count and CPU (to see when the camera is the bottleneck). Prints a
# markdown table with ratios to the baseline and writes JSON (default bench/results/fanout-<time>.json).
# Everything started here is killed on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SKIP_LIVEMUX=0
LIVEMUX_ROOT="$REPO_ROOT"
VIEWERS="1,10,100" WARMUP=5 SECONDS_=20 BITRATE=4000 SIZE=1280x720 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-livemux) SKIP_LIVEMUX=1 ;;
    --livemux-root) LIVEMUX_ROOT="$2"; shift ;;
    --viewers) VIEWERS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --bitrate) BITRATE="$2"; shift ;;
    --size) SIZE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || die "--size must be WxH"
[[ "$VIEWERS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--viewers must be a comma list of numbers"

require_base_tools
require ffprobe "apt-get install ffmpeg"
npm_install "$BENCH_DIR/fanout"
npm_install "$BENCH_DIR/baseline"
[ "$SKIP_LIVEMUX" = 1 ] || build_livemux "$LIVEMUX_ROOT"

CAMERA_ARGS=(--bitrate "$BITRATE" --fps 30 --gop 60 --width "${SIZE%x*}" --height "${SIZE#*x}")
start_camera "${CAMERA_ARGS[@]}"

log "checking the camera's real bitrate (8 s)"
run_fg timeout 30 ffmpeg -v error -rtsp_transport tcp -i "$CAMERA_URL" -t 8 -c copy -f mp4 -y "$WORK/rate.mp4" \
  || die "could not read the camera with ffmpeg"
CAMERA_KBPS="$(ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$WORK/rate.mp4" | awk '{printf "%d", $1/1000}')"
log "camera real rate: ${CAMERA_KBPS} kbit/s (asked ${BITRATE})"

wait_sessions_zero() { # the camera must be idle before the next run starts
  local i
  for i in $(seq 100); do
    [ "$(grep -a -E '^SESSIONS n=' "$CAMERA_LOG" | tail -1)" = "SESSIONS n=0" ] && return 0
    sleep 0.1
  done
  # Viewers of an overloaded baseline die without TEARDOWN, and their sessions only time out after a
  # minute. A fresh camera keeps them out of the next run's session count.
  log "camera still reports $(grep -a -E '^SESSIONS n=' "$CAMERA_LOG" | tail -1) after 10 s: restarting it"
  stop_pgid "$CAMERA_PID"
  start_camera "${CAMERA_ARGS[@]}"
}

ROWS="$WORK/rows.jsonl"
: >"$ROWS"
SERVERS=(baseline)
[ "$SKIP_LIVEMUX" = 1 ] || SERVERS+=(livemux)
for server in "${SERVERS[@]}"; do
  for n in ${VIEWERS//,/ }; do
    wait_sessions_zero
    SKIP_ROOT=()
    if [ "$server" = baseline ]; then
      start_baseline "$WORK/baseline-$n.log"
      SERVER_PID=$BASELINE_PID
      URL="ws://127.0.0.1:$BASELINE_PORT/ws"
    else
      start_livemux "$LIVEMUX_ROOT" "$WORK/livemux-$n.log"
      # `dotnet run` is only a launcher: measure its descendants (the server), not itself.
      SERVER_PID=$LIVEMUX_PID
      SKIP_ROOT=(--skip-root)
      URL="ws://127.0.0.1:$LIVEMUX_PORT/api/ws?src=cam"
    fi
    log "$server: $n viewers, warm-up ${WARMUP}s, window ${SECONDS_}s"
    node "$BENCH_DIR/fanout/viewers.mjs" --url "$URL" --n "$n" --warmup "$WARMUP" --seconds "$SECONDS_" \
      >"$WORK/viewers.json" 2>"$WORK/viewers.err" &
    VIEWERS_PID=$!
    FG_PIDS+=("$VIEWERS_PID")
    run_fg sleep "$WARMUP"
    "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$CAMERA_PID" --seconds "$((SECONDS_ - 1))" >"$WORK/camera-proc.json" &
    CAMMON_PID=$!
    FG_PIDS+=("$CAMMON_PID")
    run_fg "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$SERVER_PID" --seconds "$((SECONDS_ - 1))" \
      --sessions-log "$CAMERA_LOG" "${SKIP_ROOT[@]}" >"$WORK/procmon.json"
    wait "$CAMMON_PID" || die "camera sampling failed"
    wait "$VIEWERS_PID" || { cat "$WORK/viewers.err" >&2; die "$server: viewers got no data at n=$n"; }
    cat "$WORK/viewers.err" >&2
    "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); c=json.load(open(sys.argv[5])); print(json.dumps({"server":sys.argv[3],"n":int(sys.argv[4]),"viewers":v,"process":p,"camera":c}))' \
      "$WORK/viewers.json" "$WORK/procmon.json" "$server" "$n" "$WORK/camera-proc.json" >>"$ROWS"
    stop_pgid "$SERVER_PID"
  done
done

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/fanout-$(date -u +%Y%m%dT%H%M%SZ).json"
"$PY" - "$ROWS" "$OUT" "$CAMERA_KBPS" "$BITRATE" "$SIZE" "$WARMUP" "$SECONDS_" <<'EOF'
import json, sys, datetime
rows_path, out, kbps, asked, size, warmup, seconds = sys.argv[1:]
rows = [json.loads(l) for l in open(rows_path) if l.strip()]
base = {r["n"]: r for r in rows if r["server"] == "baseline"}
def ratio(r, key):
    b = base.get(r["n"])
    return f'{r["process"][key] / b["process"][key]:.2f}' if b and b["process"][key] else "-"
print(f"\ncamera: {size} 30 fps, asked {asked} kbit/s, real {kbps} kbit/s; warm-up {warmup} s, window {seconds} s\n")
print("| server | viewers | Mbps/viewer min | median | first byte ms (median) | CPU % of a core | peak RSS MB | camera sessions | camera CPU % | CPU / baseline | RSS / baseline |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    v, p = r["viewers"], r["process"]
    print(f'| {r["server"]} | {r["n"]} | {v["mbpsMin"]:.2f} | {v["mbpsMedian"]:.2f} | {v["firstByteMsMedian"] or 0:.0f} | '
          f'{p["cpuPercentOfCore"]} | {p["peakRssMb"]} | {p["cameraSessionsMax"]} | {r["camera"]["cpuPercentOfCore"]} | {ratio(r, "cpuPercentOfCore")} | {ratio(r, "peakRssMb")} |')
json.dump({"when": datetime.datetime.utcnow().isoformat() + "Z", "camera": {"size": size, "askedKbps": int(asked),
           "realKbps": int(kbps)}, "warmupS": int(warmup), "seconds": int(seconds), "rows": rows}, open(out, "w"), indent=2)
print(f"\nJSON: {out}")
EOF
