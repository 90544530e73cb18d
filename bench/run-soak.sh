#!/usr/bin/env bash
# Soak: --viewers WebSocket viewers of one stream for --minutes, recording every minute the server's RSS,
# managed heap, open file descriptors and threads, and the viewers' latency and frame share; then plots them.
#
#   bench/run-soak.sh [--viewers 100] [--minutes 60] [--bitrate 4000] [--size 1280x720] [--out-prefix PATH]
#
# Camera: tests/tools/rtsp_replay_camera.py (pre-encoded, SEI frame clock). Viewers: bench/LiveMux.LoadGen
# (--report-every 60). Samples: bench/soak/sample.py. Writes <prefix>.json and <prefix>.png (default
# bench/results/soak-<time>) and prints the flatness verdict of bench/soak/plot.py: exit 1 when RSS or
# latency p95 is not flat. Everything started here is killed on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VIEWERS=100 MINUTES=60 BITRATE=4000 SIZE=1280x720 PREFIX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --viewers) VIEWERS="$2"; shift ;;
    --minutes) MINUTES="$2"; shift ;;
    --bitrate) BITRATE="$2"; shift ;;
    --size) SIZE="$2"; shift ;;
    --out-prefix) PREFIX="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || die "--size must be WxH"
"$PY" -c 'import matplotlib' 2>/dev/null || die "matplotlib missing for $PY: apt-get install python3-matplotlib"

require_base_tools
build_livemux "$REPO_ROOT"
build_loadgen
start_replay_camera --bitrate "$BITRATE" --fps 30 --gop 60 --width "${SIZE%x*}" --height "${SIZE#*x}"
start_livemux "$REPO_ROOT" "$WORK/livemux.log"
SERVER_PID="$(pgrep -P "$LIVEMUX_PID" | head -1)"
[ -n "$SERVER_PID" ] || die "no server process under dotnet run ($LIVEMUX_PID)"

SECONDS_TOTAL=$((MINUTES * 60))
WARMUP=10
log "soak: $VIEWERS viewers for $MINUTES min (server pid $SERVER_PID)"
setsid dotnet "$LOADGEN" viewers --url "ws://127.0.0.1:$LIVEMUX_PORT/api/ws?src=cam" --n "$VIEWERS" \
  --warmup "$WARMUP" --seconds "$SECONDS_TOTAL" --report-every 60 >"$WORK/viewers.jsonl" 2>"$WORK/viewers.err" </dev/null &
LOADGEN_PID=$!
FG_PIDS+=("$LOADGEN_PID")
run_fg sleep "$WARMUP"
"$PY" "$BENCH_DIR/soak/sample.py" --pid "$SERVER_PID" --metrics "http://127.0.0.1:$LIVEMUX_PORT/metrics" \
  --every 60 --seconds "$SECONDS_TOTAL" >"$WORK/samples.jsonl" 2>"$WORK/samples.err" &
SAMPLER_PID=$!
FG_PIDS+=("$SAMPLER_PID")
wait "$LOADGEN_PID" || { cat "$WORK/viewers.err" >&2; die "the viewers got no frames"; }
wait "$SAMPLER_PID" || { cat "$WORK/samples.err" >&2; die "sampling failed (did the server exit?)"; }
kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during the soak"

mkdir -p "$BENCH_DIR/results"
[ -n "$PREFIX" ] || PREFIX="$BENCH_DIR/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"
"$PY" "$BENCH_DIR/soak/plot.py" "$WORK/samples.jsonl" "$WORK/viewers.jsonl" "$PREFIX.json" "$PREFIX.png" \
  --viewers "$VIEWERS" --bitrate "$BITRATE" --size "$SIZE"
log "written $PREFIX.json and $PREFIX.png"
