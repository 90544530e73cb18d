#!/usr/bin/env bash
# The first decoded picture of a new RTSP client: pulling the camera directly against pulling it through LiveMux,
# alternating, in one run.
#
#   bench/run-rtsp-first-frame.sh [--trials 20] [--protocols tcp,udp] [--latency 0] [--fps 30] [--gop 60]
#                                 [--out FILE.json]
#
# Starts rtsp_camera.py --clock (640x360, 30 fps, 2 s GOP by default) and LiveMux with the camera as `cam`, AlwaysOn
# (warmed: LiveMux holds the camera session and its GOP cache, as it does in use), RTSP server on a free port and a
# free UDP pair. LiveMux's session also keeps the camera's shared pipeline running, so a direct client joins it
# mid-GOP, as it joins a real camera. Then bench/rtsp/first_frame.py runs --trials rounds; each measures, for every
# protocol, one fresh GStreamer client (rtspsrc, jitter buffer --latency ms) against the camera and one against
# LiveMux, in a shuffled order, each after a random 0..GOP sleep so start moments are uniform over the GOP. Prints
# p50/p95 of the time to the first picture, its age (barcode) and the time to a live picture, and the LiveMux/direct
# ratios (the issue asks <= 0.25). Writes JSON (default bench/results/rtsp-first-frame-<time>.json). Everything
# started here is killed on exit; KEEP_WORK=1 keeps the logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TRIALS=20 PROTOCOLS=tcp,udp LATENCY=0 FPS=30 GOP=60 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) TRIALS="$2"; shift ;;
    --protocols) PROTOCOLS="$2"; shift ;;
    --latency) LATENCY="$2"; shift ;;
    --fps) FPS="$2"; shift ;;
    --gop) GOP="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

require_base_tools
build_livemux "$REPO_ROOT"
start_camera --clock --fps "$FPS" --gop "$GOP" --width 640 --height 360
RTSP_PORT="$(free_port)"
start_livemux "$REPO_ROOT" "$WORK/livemux.log" "--LiveMux:Streams:cam:Url=$CAMERA_URL" "--LiveMux:Streams:cam:AlwaysOn=true" \
  "--LiveMux:Rtsp:Port=$RTSP_PORT" "--LiveMux:Rtsp:UdpPort=0"
# Warm: LiveMux has the camera session and a full GOP cached before the first trial.
log "warming up (LiveMux reads the camera for $((GOP / FPS + 2)) s)"
run_fg sleep "$((GOP / FPS + 2))"

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/rtsp-first-frame-$(date -u +%Y%m%dT%H%M%SZ).json"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_fg "$PY" "$BENCH_DIR/rtsp/first_frame.py" --direct "$CAMERA_URL" --livemux "rtsp://127.0.0.1:$RTSP_PORT/cam" \
  --trials "$TRIALS" --protocols "$PROTOCOLS" --latency "$LATENCY" --gop-seconds "$(awk "BEGIN{print $GOP/$FPS}")" --out "$OUT"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
