#!/usr/bin/env bash
# The latency a LiveMux-to-LiveMux relay hop adds: glass-to-glass (barcode) in headless Chromium on an origin LiveMux
# against an edge LiveMux whose stream is the origin's rtsp://127.0.0.1:<port>/cam, in one run.
#
#   bench/run-rtsp-relay.sh [--rounds 2] [--warmup 5] [--measure 15] [--rtsp-seconds 20] [--fps 30] [--gop 60]
#                           [--out FILE.json]
#
# Starts rtsp_camera.py --clock (640x360, 30 fps, 2 s GOP), the origin (cam = the camera, AlwaysOn) and the edge
# (cam = the origin's RTSP URL, AlwaysOn), each with its RTSP server on a free port, TCP only. Then:
#   1. latency/run.mjs (the same measure.js as run-latency.sh) over /player.html?src=cam of origin, edge, origin,
#      edge, ... (--rounds pairs, so a drift of the machine's load hits both): glass-to-glass with the browser's
#      player and buffer;
#   2. rtsp/relay_age.py for --rtsp-seconds: two GStreamer RTSP readers at once, on the origin and on the edge,
#      decoding every picture's barcode: each one's age, and per picture the edge's arrival - the origin's (the
#      hop alone, without the browser's buffer).
# Prints both tables, the added latency (the issue asks <= 50 ms) and the RTSP sessions the camera and the origin
# serve (both must be 1). Writes JSON (default bench/results/rtsp-relay-<time>.json). Everything started here is
# killed on exit; KEEP_WORK=1 keeps the logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=2 WARMUP=5 MEASURE=15 RTSP_SECONDS=20 FPS=30 GOP=60 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --measure) MEASURE="$2"; shift ;;
    --rtsp-seconds) RTSP_SECONDS="$2"; shift ;;
    --fps) FPS="$2"; shift ;;
    --gop) GOP="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || die "--rounds must be 1..99"

require_base_tools
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || die "$CHROMIUM not found (apt-get install chromium); set CHROMIUM=... to override"
npm_install "$BENCH_DIR/latency"
build_livemux "$REPO_ROOT"
start_camera --clock --fps "$FPS" --gop "$GOP"

ORIGIN_RTSP="$(free_port)"
start_livemux "$REPO_ROOT" "$WORK/origin.log" "--LiveMux:Streams:cam:Url=$CAMERA_URL" "--LiveMux:Streams:cam:AlwaysOn=true" \
  "--LiveMux:Rtsp:Port=$ORIGIN_RTSP" "--LiveMux:Rtsp:UdpPort=-1"
ORIGIN_PORT=$LIVEMUX_PORT
EDGE_RTSP="$(free_port)"
start_livemux "$REPO_ROOT" "$WORK/edge.log" "--LiveMux:Streams:cam:Url=rtsp://127.0.0.1:$ORIGIN_RTSP/cam" \
  "--LiveMux:Streams:cam:AlwaysOn=true" "--LiveMux:Rtsp:Port=$EDGE_RTSP" "--LiveMux:Rtsp:UdpPort=-1"
EDGE_PORT=$LIVEMUX_PORT

TARGETS=()
for r in $(seq "$ROUNDS"); do
  TARGETS+=("origin-$r=http://127.0.0.1:$ORIGIN_PORT/player.html?src=cam" "edge-$r=http://127.0.0.1:$EDGE_PORT/player.html?src=cam")
done
mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/rtsp-relay-$(date -u +%Y%m%dT%H%M%SZ).json"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
export CHROMIUM
run_fg node "$BENCH_DIR/latency/run.mjs" --warmup "$WARMUP" --measure "$MEASURE" --fps "$FPS" --out "$WORK/latency.json" "${TARGETS[@]}"
log "RTSP readers on origin and edge at once (${RTSP_SECONDS} s)"
run_fg "$PY" "$BENCH_DIR/rtsp/relay_age.py" --origin "rtsp://127.0.0.1:$ORIGIN_RTSP/cam" --edge "rtsp://127.0.0.1:$EDGE_RTSP/cam" \
  --seconds "$RTSP_SECONDS" --out "$WORK/age.json"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -sf "http://127.0.0.1:$ORIGIN_PORT/api/streams" >"$WORK/origin-streams.json" || echo '{}' >"$WORK/origin-streams.json"
CAMERA_SESSIONS="$(grep -a -E '^SESSIONS n=' "$CAMERA_LOG" | tail -1 | sed -E 's/.*n=//')"
"$PY" "$BENCH_DIR/rtsp/relay_report.py" "$WORK/latency.json" "$WORK/age.json" "$WORK/origin-streams.json" "${CAMERA_SESSIONS:-}" "$OUT"
