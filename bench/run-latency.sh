#!/usr/bin/env bash
# Glass-to-glass latency and time to first frame: baseline vs LiveMux, in headless Chromium.
#
#   bench/run-latency.sh [--skip-livemux] [--livemux-root DIR] [--warmup 5] [--measure 20]
#                        [--fps 30] [--gop 60] [--audio none|aac|opus|pcma|pcmu] [--skip-baseline]
#                        [--out FILE.json]
#
# Starts rtsp_camera.py --clock (30 fps, 2 s GOP by default), the baseline server and LiveMux
# (`dotnet run --project src/LiveMux.Server -c Release`, from --livemux-root, default this repo; its
# page is /player.html?src=cam), then runs latency/run.mjs over both. Everything started here is
# killed on exit. KEEP_WORK=1 keeps the logs. --audio gives the camera a second track (rtsp_camera.py
# --audio); the measure then also reports whether the browser decoded audio (audioDecodedBytes).
# --skip-baseline measures LiveMux alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SKIP_LIVEMUX=0 SKIP_BASELINE=0 AUDIO=none
LIVEMUX_ROOT="$REPO_ROOT"
WARMUP=5 MEASURE=20 FPS=30 GOP=60 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-livemux) SKIP_LIVEMUX=1 ;;
    --skip-baseline) SKIP_BASELINE=1 ;;
    --audio) AUDIO="$2"; shift ;;
    --livemux-root) LIVEMUX_ROOT="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --measure) MEASURE="$2"; shift ;;
    --fps) FPS="$2"; shift ;;
    --gop) GOP="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

require_base_tools
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || die "$CHROMIUM not found (apt-get install chromium); set CHROMIUM=... to override"
npm_install "$BENCH_DIR/latency"
[ "$SKIP_LIVEMUX" = 1 ] || build_livemux "$LIVEMUX_ROOT"

[ "$SKIP_LIVEMUX$SKIP_BASELINE" != 11 ] || die "--skip-livemux and --skip-baseline leave nothing to measure"
start_camera --clock --fps "$FPS" --gop "$GOP" --audio "$AUDIO"
TARGETS=()
if [ "$SKIP_BASELINE" = 0 ]; then
  start_baseline "$WORK/baseline.log"
  TARGETS+=("baseline=http://127.0.0.1:$BASELINE_PORT/")
fi
if [ "$SKIP_LIVEMUX" = 0 ]; then
  start_livemux "$LIVEMUX_ROOT" "$WORK/livemux.log"
  TARGETS+=("livemux=http://127.0.0.1:$LIVEMUX_PORT/player.html?src=cam")
fi

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/latency-$(date -u +%Y%m%dT%H%M%SZ).json"
log "measuring ${TARGETS[*]} (warm-up ${WARMUP}s, ${MEASURE}s each)"
export CHROMIUM
run_fg node "$BENCH_DIR/latency/run.mjs" --warmup "$WARMUP" --measure "$MEASURE" --fps "$FPS" \
  --audio "$AUDIO" --out "$OUT" "${TARGETS[@]}"
