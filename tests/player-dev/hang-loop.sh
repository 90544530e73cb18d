#!/usr/bin/env bash
# Start-up hang loop: the test camera (--clock, 30 fps, 2 s GOP, --audio CODEC) -> LiveMux (Release)
# -> hang-loop.mjs, which opens /player.html?src=cam in a fresh headless-Chromium context RUNS times
# and reports the runs whose playhead froze with the buffer growing ahead of it.
#
#   tests/player-dev/hang-loop.sh [--audio aac|opus|pcma|none] [--runs 30] [--seconds 8] [--fresh] [--measure] [--throttle N] [--provoke far-seek|audio-gap|gap-seek] [--livemux-root DIR] [--out F.json]
#
# --fresh restarts the camera and LiveMux before every run, so each page joins a stream that has just
# started (as bench/run-latency.sh does once per invocation); that is where the start-up hang lives.
# Without it, all runs join one long-running stream. --measure injects bench/latency/measure.js (the
# bench's per-frame barcode reader) into the page, as bench/run-latency.sh does. --throttle N slows
# the page's main thread N times (a loaded machine). --provoke far-seek makes a seek that stays
# pending in every run (see hang-loop.mjs): the player must recover from it.
#
# Uses bench/lib.sh: everything started is killed on exit; KEEP_WORK=1 keeps the logs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../bench/lib.sh"

AUDIO=aac RUNS=30 SECONDS_PER_RUN=8 OUT="" FRESH=0 INJECT=() LIVEMUX_ROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --audio) AUDIO="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --seconds) SECONDS_PER_RUN="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --fresh) FRESH=1 ;;
    --livemux-root) LIVEMUX_ROOT="$(cd "$2" && pwd)"; shift ;;
    --measure) INJECT+=(--inject "$BENCH_DIR/latency/measure.js") ;;
    --throttle) INJECT+=(--throttle "$2"); shift ;;
    --provoke) INJECT+=(--provoke "$2"); shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

require_base_tools
[ -n "$LIVEMUX_ROOT" ] || LIVEMUX_ROOT="$REPO_ROOT"
# Debug for LiveMux: the log then says when the audio was moved to match the sender reports.
export Logging__LogLevel__LiveMux=Debug
npm_install "$HERE"
build_livemux "$LIVEMUX_ROOT"
if [ "$FRESH" = 0 ]; then
  start_camera --clock --fps 30 --gop 60 --audio "$AUDIO"
  start_livemux "$LIVEMUX_ROOT" "$WORK/livemux.log"
  log "looping $RUNS runs of ${SECONDS_PER_RUN}s, audio $AUDIO"
  run_fg node "$HERE/hang-loop.mjs" --runs "$RUNS" --seconds "$SECONDS_PER_RUN" "${INJECT[@]}" ${OUT:+--out "$OUT"} \
    "http://127.0.0.1:$LIVEMUX_PORT/player.html?src=cam"
  exit
fi
hung=0
for n in $(seq "$RUNS"); do
  start_camera --clock --fps 30 --gop 60 --audio "$AUDIO"
  start_livemux "$LIVEMUX_ROOT" "$WORK/livemux-$n.log"
  if ! run_fg node "$HERE/hang-loop.mjs" --runs 1 --seconds "$SECONDS_PER_RUN" "${INJECT[@]}" ${OUT:+--out "${OUT%.json}-$n.json"} \
    "http://127.0.0.1:$LIVEMUX_PORT/player.html?src=cam"; then
    hung=$((hung + 1))
  fi
  for pgid in "${STARTED_PGIDS[@]}"; do stop_pgid "$pgid"; done
  STARTED_PGIDS=()
  echo "=== after $n fresh runs: $hung hung (audio $AUDIO)"
done
[ "$hung" = 0 ]
