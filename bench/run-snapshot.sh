#!/usr/bin/env bash
# Snapshots: LiveMux's /api/frame.jpeg against go2rtc's way (wait for the camera's next keyframe, then
# ffmpeg) and a floor (one ffmpeg run on one keyframe from a file), on one 30 fps clock camera.
#
#   bench/run-snapshot.sh [-n 100] [--concurrent 50] [--fps 30] [--gop 60] [--cache 00:00:00] [--out FILE.json]
#
# Starts rtsp_camera.py --clock (640x360, 30 fps, 2 s GOP by default) and LiveMux with the camera as `cam`,
# AlwaysOn, snapshot cache --cache (default 0: every request is decoded, the honest cost; concurrent requests
# still share a decode), then runs snapshot/measure.py: latency p50/p95 and staleness (request time minus the
# barcode clock in the picture) for each target, ratios, and how many decodes --concurrent simultaneous
# requests caused. Everything started here is killed on exit; KEEP_WORK=1 keeps the logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=100 CONCURRENT=50 FPS=30 GOP=60 CACHE=00:00:00 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift ;;
    --concurrent) CONCURRENT="$2"; shift ;;
    --fps) FPS="$2"; shift ;;
    --gop) GOP="$2"; shift ;;
    --cache) CACHE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

require_base_tools
build_livemux "$REPO_ROOT"
start_camera --clock --fps "$FPS" --gop "$GOP" --width 640 --height 360
start_livemux "$REPO_ROOT" "$WORK/livemux.log" "--LiveMux:Streams:cam:Url=$CAMERA_URL" "--LiveMux:Streams:cam:AlwaysOn=true" \
  "--LiveMux:Snapshots:CacheTime=$CACHE" "--Logging:LogLevel:LiveMux.Server.Egress.Snapshot=Debug"

# The floor's input: one keyframe of the same camera, as an H.264 elementary stream.
ffmpeg -v error -rtsp_transport tcp -i "$CAMERA_URL" -an -c:v copy -frames:v 1 -bsf:v h264_mp4toannexb -f h264 -y "$WORK/keyframe.h264" \
  || die "could not record a keyframe from $CAMERA_URL"
# Warm-up: the stream is live and its GOP cached.
curl -sf -o /dev/null "http://127.0.0.1:$LIVEMUX_PORT/api/frame.jpeg?src=cam" || die "LiveMux gave no snapshot (log: $WORK/livemux.log)"

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/snapshot-$(date -u +%Y%m%dT%H%M%SZ).json"
log "measuring $N snapshots per target"
run_fg "$PY" "$BENCH_DIR/snapshot/measure.py" --livemux "http://127.0.0.1:$LIVEMUX_PORT/api/frame.jpeg?src=cam" \
  --camera "$CAMERA_URL" --keyframe "$WORK/keyframe.h264" -n "$N" --concurrent "$CONCURRENT" \
  --decodes-log "$WORK/livemux.log" --out "$OUT"
log "results in $OUT"
