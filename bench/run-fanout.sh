#!/usr/bin/env bash
# Fan-out: N WebSocket viewers of one 4 Mbps camera stream, LiveMux against the raw-socket floor and the
# baseline (Node + ws + one ffmpeg per viewer), in one run.
#
#   bench/run-fanout.sh [--viewers 1,10,100,500] [--baseline-max 100] [--skip-baseline] [--skip-floor] [--rtsp]
#                       [--warmup 5] [--seconds 20] [--bitrate 4000] [--size 1280x720] [--out FILE.json]
#
# The camera is tests/tools/rtsp_replay_camera.py: GStreamer's RTSP server sending a pre-encoded loop, so
# it costs a few % of a core instead of an x264 encoder's whole one, and stamps every frame with an SEI
# frame clock (epoch µs + frame number). The viewers are bench/LiveMux.LoadGen: each counts the frames it
# got (share = frames received / frames the camera sent in the window), and times each frame against its
# stamp (camera latency) and each LiveMux fragment against its prft (delivery latency).
# Servers, each started fresh for each N:
#   livemux   LiveMux, stream AlwaysOn; measured: the server process.
#   floor     LoadGen's floor: one LiveMux viewer socket upstream, each message written to N sockets in a
#             plain loop of blocking sends; measured: the floor process alone.
#   baseline  bench/baseline/server.mjs; measured: node and its ffmpeg children. Only up to --baseline-max
#             viewers: at 100 it already holds 100 camera sessions and several GB.
#   livemux-rtsp  (--rtsp) LiveMux again, started fresh, read by N RTSP clients over TCP interleaved instead
#             (LoadGen with an rtsp:// URL: DESCRIBE, SETUP, PLAY, then it drains the socket and finds the same
#             frame stamps in the RTP payloads); measured: the server process.
# CPU is utime+stime over the window in % of one core (bench/fanout/procmon.py); "CPU per Gbit/s" divides
# it by the Gbit/s the viewers actually received. The load generator's own CPU is reported too: on this
# 2-core machine it competes with the server. Prints a markdown table; writes JSON
# (default bench/results/fanout-<time>.json). Everything started here is killed on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VIEWERS="1,10,100,500" BASELINE_MAX=100 SKIP_BASELINE=0 SKIP_FLOOR=0 RTSP=0
WARMUP=5 SECONDS_=20 BITRATE=4000 SIZE=1280x720 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --viewers) VIEWERS="$2"; shift ;;
    --baseline-max) BASELINE_MAX="$2"; shift ;;
    --skip-baseline) SKIP_BASELINE=1 ;;
    --skip-floor) SKIP_FLOOR=1 ;;
    --warmup) WARMUP="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --bitrate) BITRATE="$2"; shift ;;
    --size) SIZE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --rtsp) RTSP=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || die "--size must be WxH"
[[ "$VIEWERS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--viewers must be a comma list of numbers"
MAX_VIEWERS="$(tr ',' '\n' <<<"$VIEWERS" | sort -n | tail -1)"

require_base_tools
require ffprobe "apt-get install ffmpeg"
[ "$SKIP_BASELINE" = 1 ] || npm_install "$BENCH_DIR/baseline"
build_livemux "$REPO_ROOT"
build_loadgen

start_replay_camera --bitrate "$BITRATE" --fps 30 --gop 60 --width "${SIZE%x*}" --height "${SIZE#*x}"

log "checking the camera's real bitrate (6 s)"
run_fg timeout 30 ffmpeg -v error -rtsp_transport tcp -i "$CAMERA_URL" -t 6 -c copy -f mp4 -y "$WORK/rate.mp4" \
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
  start_replay_camera --bitrate "$BITRATE" --fps 30 --gop 60 --width "${SIZE%x*}" --height "${SIZE#*x}"
}

measure() { # measure SERVER N URL PID [procmon args...]: viewers + CPU/RSS of PID's tree over the window
  local server="$1" n="$2" url="$3" pid="$4"; shift 4
  log "$server: $n viewers, warm-up ${WARMUP}s, window ${SECONDS_}s"
  setsid dotnet "$LOADGEN" viewers --url "$url" --n "$n" --warmup "$WARMUP" --seconds "$SECONDS_" \
    >"$WORK/viewers.json" 2>"$WORK/viewers.err" </dev/null &
  local loadgen=$!
  FG_PIDS+=("$loadgen")
  run_fg sleep "$WARMUP"
  "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$CAMERA_PID" --seconds "$((SECONDS_ - 1))" >"$WORK/camera-proc.json" &
  local cammon=$!
  "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$loadgen" --seconds "$((SECONDS_ - 1))" >"$WORK/loadgen-proc.json" &
  local genmon=$!
  FG_PIDS+=("$cammon" "$genmon")
  run_fg "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$pid" --seconds "$((SECONDS_ - 1))" \
    --sessions-log "$CAMERA_LOG" "$@" >"$WORK/procmon.json"
  wait "$cammon" || die "camera sampling failed"
  wait "$genmon" || die "load generator sampling failed"
  wait "$loadgen" || { cat "$WORK/viewers.err" >&2; die "$server: no viewer got a frame at n=$n"; }
  cat "$WORK/viewers.err" >&2
  "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); c=json.load(open(sys.argv[5])); g=json.load(open(sys.argv[6])); print(json.dumps({"server":sys.argv[3],"n":int(sys.argv[4]),"viewers":v,"process":p,"camera":c,"loadgen":g}))' \
    "$WORK/viewers.json" "$WORK/procmon.json" "$server" "$n" "$WORK/camera-proc.json" "$WORK/loadgen-proc.json" >>"$ROWS"
}

start_livemux_rtsp() { # start_livemux_rtsp LOGFILE: LiveMux with its RTSP server on a free port (never the default 8554)
  RTSP_PORT="$(free_port)"
  start_livemux "$REPO_ROOT" "$1" "--LiveMux:Streams:cam:Url=$CAMERA_URL" "--LiveMux:Streams:cam:AlwaysOn=true" \
    "--LiveMux:Rtsp:Port=$RTSP_PORT" "--LiveMux:Rtsp:UdpPort=-1" "--LiveMux:Rtsp:MaxConnections=$((MAX_VIEWERS + 100))"
}

ROWS="$WORK/rows.jsonl"
: >"$ROWS"
for n in ${VIEWERS//,/ }; do
  wait_sessions_zero
  start_livemux_rtsp "$WORK/livemux-$n.log"
  run_fg sleep 2
  # `dotnet run` is only a launcher: measure its descendants (the server), not itself.
  measure livemux "$n" "ws://127.0.0.1:$LIVEMUX_PORT/api/ws?src=cam" "$LIVEMUX_PID" --skip-root
  if [ "$SKIP_FLOOR" = 0 ]; then
    # The floor is fed by one LiveMux viewer socket, so it gets the same bytes at the same moments.
    start_bg floor "$WORK/floor-$n.log" dotnet "$LOADGEN" floor --upstream "ws://127.0.0.1:$LIVEMUX_PORT/api/ws?src=cam"
    FLOOR_PID=$LAST_PID
    FLOOR_PORT="$(wait_line "$WORK/floor-$n.log" '^READY ' 20 "$FLOOR_PID" | sed -E 's/.*port=([0-9]+).*/\1/')"
    run_fg sleep 1
    measure floor "$n" "ws://127.0.0.1:$FLOOR_PORT/" "$FLOOR_PID"
    stop_pgid "$FLOOR_PID"
  fi
  stop_pgid "$LIVEMUX_PID"
  if [ "$RTSP" = 1 ]; then
    wait_sessions_zero
    start_livemux_rtsp "$WORK/livemux-rtsp-$n.log"
    run_fg sleep 2
    measure livemux-rtsp "$n" "rtsp://127.0.0.1:$RTSP_PORT/cam" "$LIVEMUX_PID" --skip-root
    stop_pgid "$LIVEMUX_PID"
  fi
  if [ "$SKIP_BASELINE" = 0 ] && [ "$n" -le "$BASELINE_MAX" ]; then
    wait_sessions_zero
    start_baseline "$WORK/baseline-$n.log"
    measure baseline "$n" "ws://127.0.0.1:$BASELINE_PORT/ws" "$BASELINE_PID"
    stop_pgid "$BASELINE_PID"
  fi
done

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/fanout-$(date -u +%Y%m%dT%H%M%SZ).json"
"$PY" "$BENCH_DIR/fanout/report.py" "$ROWS" "$OUT" --camera-kbps "$CAMERA_KBPS" --bitrate "$BITRATE" --size "$SIZE" \
  --warmup "$WARMUP" --seconds "$SECONDS_" --baseline-max "$BASELINE_MAX"
