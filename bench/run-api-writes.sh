#!/usr/bin/env bash
# API writes: N POST /api/streams one after another, then N from --parallel clients at once, then one more, on
# a fresh streams file (watched and reloaded as in production), against LiveMux run from this repo or from a
# given build (--server-dll, e.g. an older build to compare with).
#
#   bench/run-api-writes.sh [-n 400] [--parallel 16] [--server-dll DLL] [--label NAME] [--out FILE.json]
#
# api-writes/measure.py prints per phase the total and the POST latency p50/p95/max, and the p50 of the first
# and the last 100 POSTs (how a write's cost grows with the streams already there). Every POST must answer 201.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=400 PARALLEL=16 DLL="" LABEL="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift ;;
    --parallel) PARALLEL="$2"; shift ;;
    --server-dll) DLL="$2"; shift ;;
    --label) LABEL="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

require curl
ARGS=("--LiveMux:Demo=false" "--LiveMux:Rtsp:Port=0" "--LiveMux:StreamsFile=$WORK/streams.json"
  "--Logging:LogLevel:Default=Warning")
if [ -z "$DLL" ]; then
  build_livemux "$REPO_ROOT"
  start_livemux "$REPO_ROOT" "$WORK/livemux.log" "${ARGS[@]}"
  LABEL="${LABEL:-livemux-$(git -C "$REPO_ROOT" rev-parse --short HEAD)}"
else
  [ -f "$DLL" ] || die "no such file: $DLL"
  LIVEMUX_PORT="$(free_port)"
  start_bg livemux "$WORK/livemux.log" dotnet "$DLL" --urls "http://127.0.0.1:$LIVEMUX_PORT" "${ARGS[@]}"
  for i in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$LIVEMUX_PORT/api/streams" && break
    kill -0 "$LAST_PID" 2>/dev/null || { cat "$WORK/livemux.log" >&2; die "LiveMux exited during start-up"; }
    sleep 0.1
  done
  LABEL="${LABEL:-$DLL}"
fi

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/api-writes-$(date -u +%Y%m%dT%H%M%SZ).json"
run_fg "$PY" "$BENCH_DIR/api-writes/measure.py" --base "http://127.0.0.1:$LIVEMUX_PORT" -n "$N" --parallel "$PARALLEL" \
  --label "$LABEL" --out "$OUT"
log "results in $OUT"
