#!/usr/bin/env bash
# Many cameras: the cost of each stream LiveMux holds, with no viewers and with one viewer each, against
# the baseline design serving the same cameras to one viewer each, in one run.
#
#   bench/run-cameras.sh [--cameras 50] [--bitrate 2000] [--size 1280x720] [--warmup 5] [--seconds 20]
#                        [--skip-baseline] [--out FILE.json]
#
# One tests/tools/rtsp_replay_camera.py process serves --cameras mounts (/cam0 ...), each its own media
# with its own pre-encoded loop and SEI frame clock. Phases, each measured over the window with
# bench/fanout/procmon.py (CPU % of one core, peak RSS):
#   idle       LiveMux with no streams: what the process costs by itself;
#   streams    LiveMux with every camera as an AlwaysOn stream and nobody watching;
#   viewers    the same server with one LoadGen viewer per stream (frame share, latency);
#   baseline   one bench/baseline/server.mjs per camera (it serves one camera) with one viewer each,
#              measured as the tree of all of them and their ffmpeg children.
# Per stream = (phase - idle) / cameras. Prints a markdown table; writes JSON
# (default bench/results/cameras-<time>.json). Everything started here is killed on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CAMERAS=50 BITRATE=2000 SIZE=1280x720 WARMUP=5 SECONDS_=20 SKIP_BASELINE=0 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cameras) CAMERAS="$2"; shift ;;
    --bitrate) BITRATE="$2"; shift ;;
    --size) SIZE="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --skip-baseline) SKIP_BASELINE=1 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || die "--size must be WxH"
[[ "$CAMERAS" =~ ^[1-9][0-9]*$ ]] || die "--cameras must be a positive number"

require_base_tools
[ "$SKIP_BASELINE" = 1 ] || npm_install "$BENCH_DIR/baseline"
build_livemux "$REPO_ROOT"
build_loadgen
start_replay_camera --mounts "$CAMERAS" --bitrate "$BITRATE" --fps 30 --gop 60 --width "${SIZE%x*}" --height "${SIZE#*x}"

ROWS="$WORK/rows.jsonl"
: >"$ROWS"

sample() { # sample PHASE PID [procmon args...]: CPU/RSS of PID's tree over the window, as a row
  local phase="$1" pid="$2"; shift 2
  run_fg "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$pid" --seconds "$SECONDS_" --sessions-log "$CAMERA_LOG" "$@" >"$WORK/proc.json"
  "$PY" -c 'import json,sys; print(json.dumps({"phase":sys.argv[1],"process":json.load(open(sys.argv[2])),"viewers":json.load(open(sys.argv[3])) if sys.argv[3] else None}))' \
    "$phase" "$WORK/proc.json" "${VIEWERS_JSON:-}" >>"$ROWS"
}

wait_live() { # every stream live in /api/streams, or die after 60 s
  local i live=0
  for i in $(seq 600); do
    live="$(curl -s "http://127.0.0.1:$LIVEMUX_PORT/api/streams" | "$PY" -c 'import json,sys; print(sum(1 for s in json.load(sys.stdin)["streams"] if s["state"] == "live"))' 2>/dev/null || echo 0)"
    [ "$live" = "$CAMERAS" ] && { log "all $CAMERAS streams live"; return 0; }
    sleep 0.1
  done
  die "only $live of $CAMERAS streams live after 60 s"
}

with_viewers() { # with_viewers PHASE PID LOADGEN ARGS...: one viewer per URL; PID's tree measured, as a row
  local phase="$1" pid="$2"; shift 2
  setsid dotnet "$LOADGEN" viewers "$@" --n 1 --warmup "$WARMUP" --seconds "$SECONDS_" \
    >"$WORK/viewers.json" 2>"$WORK/viewers.err" </dev/null &
  local loadgen=$!
  FG_PIDS+=("$loadgen")
  run_fg sleep "$WARMUP"
  run_fg "$PY" "$BENCH_DIR/fanout/procmon.py" --pid "$pid" --skip-root --seconds "$((SECONDS_ - 1))" \
    --sessions-log "$CAMERA_LOG" >"$WORK/proc.json"
  wait "$loadgen" || { cat "$WORK/viewers.err" >&2; die "$phase: no viewer got a frame"; }
  "$PY" -c 'import json,sys; print(json.dumps({"phase":sys.argv[1],"process":json.load(open(sys.argv[2])),"viewers":json.load(open(sys.argv[3]))}))' \
    "$phase" "$WORK/proc.json" "$WORK/viewers.json" >>"$ROWS"
}

viewer_urls() { # viewer_urls FORMAT: --url arguments, FORMAT gets the camera index
  local k
  for k in $(seq 0 $((CAMERAS - 1))); do printf -- "--url\n$1\n" "$k"; done
}

log "idle LiveMux (no streams)"
start_livemux "$REPO_ROOT" "$WORK/livemux-idle.log" --LiveMux:Demo=false
run_fg sleep "$WARMUP"
VIEWERS_JSON="" sample idle "$LIVEMUX_PID" --skip-root
stop_pgid "$LIVEMUX_PID"

STREAM_ARGS=(--LiveMux:Demo=false)
for k in $(seq 0 $((CAMERAS - 1))); do
  STREAM_ARGS+=("--LiveMux:Streams:cam$k:Url=$CAMERA_BASE/cam$k" "--LiveMux:Streams:cam$k:AlwaysOn=true")
done
log "LiveMux with $CAMERAS streams, no viewers"
start_livemux "$REPO_ROOT" "$WORK/livemux-streams.log" "${STREAM_ARGS[@]}"
wait_live
run_fg sleep "$WARMUP"
VIEWERS_JSON="" sample streams "$LIVEMUX_PID" --skip-root

log "LiveMux with $CAMERAS streams, one viewer each"
mapfile -t URLS < <(viewer_urls "ws://127.0.0.1:$LIVEMUX_PORT/api/ws?src=cam%d")
with_viewers viewers "$LIVEMUX_PID" "${URLS[@]}"
stop_pgid "$LIVEMUX_PID"

if [ "$SKIP_BASELINE" = 0 ]; then
  log "baseline: one server per camera, one viewer each"
  # One parent for all of them, so procmon sees a single tree (node servers and their ffmpeg children).
  start_bg baselines "$WORK/baselines.log" bash -c '
    for k in $(seq 0 $(('"$CAMERAS"' - 1))); do
      node "$0/baseline/server.mjs" --port 0 --camera "$1/cam$k" >"$2/baseline-$k.log" 2>&1 &
    done
    wait' "$BENCH_DIR" "$CAMERA_BASE" "$WORK"
  BASELINES_PID=$LAST_PID
  BURLS=()
  for k in $(seq 0 $((CAMERAS - 1))); do
    line="$(wait_line "$WORK/baseline-$k.log" '^LISTENING ' 60 "$BASELINES_PID")"
    BURLS+=(--url "ws://127.0.0.1:$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$line")/ws")
  done
  with_viewers baseline "$BASELINES_PID" "${BURLS[@]}" --no-request
  stop_pgid "$BASELINES_PID"
fi

mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/cameras-$(date -u +%Y%m%dT%H%M%SZ).json"
BENCH_DIR="$BENCH_DIR" "$PY" - "$ROWS" "$OUT" "$CAMERAS" "$BITRATE" "$SIZE" "$WARMUP" "$SECONDS_" <<'EOF'
import datetime, importlib.util, json, os, sys
rows_path, out, cameras, bitrate, size, warmup, seconds = sys.argv[1:]
cameras = int(cameras)
rows = {r["phase"]: r for r in (json.loads(l) for l in open(rows_path) if l.strip())}
idle = rows["idle"]["process"]
print(f"\n{cameras} cameras, replay {size} 30 fps {bitrate} kbit/s each; warm-up {warmup} s, window {seconds} s\n")
print("| phase | CPU, % of a core | per stream | peak RSS MB | per stream MB | frames got, min / median | latency p50 / p95 ms | camera sessions |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for phase in ("idle", "streams", "viewers", "baseline"):
    r = rows.get(phase)
    if not r:
        continue
    p = r["process"]
    base_cpu, base_rss = (0, 0) if phase == "baseline" else (idle["cpuPercentOfCore"], idle["peakRssMb"])
    per_cpu = "-" if phase == "idle" else f'{(p["cpuPercentOfCore"] - base_cpu) / cameras:.2f}'
    per_rss = "-" if phase == "idle" else f'{(p["peakRssMb"] - base_rss) / cameras:.2f}'
    r["perStream"] = None if phase == "idle" else {"cpuPercentOfCore": float(per_cpu), "rssMb": float(per_rss)}
    v = r.get("viewers")
    share = lat = "-"
    if v:
        w = v["window"]
        share = f'{w["frameShare"]["min"]:.1f}% / {w["frameShare"]["median"]:.1f}%'
        c = w.get("cameraLatencyMs") or {}
        lat = f'{c.get("p50", 0):.1f} / {c.get("p95", 0):.1f}' if c else "-"
    print(f'| {phase} | {p["cpuPercentOfCore"]:.1f} | {per_cpu} | {p["peakRssMb"]:.0f} | {per_rss} | {share} | {lat} | {p.get("cameraSessionsMax", "-")} |')
if "viewers" in rows and "baseline" in rows:
    lm, b = rows["viewers"]["process"], rows["baseline"]["process"]
    print(f'\nLiveMux / baseline with one viewer per camera: CPU {lm["cpuPercentOfCore"] / b["cpuPercentOfCore"]:.2f}, RSS {lm["peakRssMb"] / b["peakRssMb"]:.2f}')
spec = importlib.util.spec_from_file_location("report", os.path.join(os.environ["BENCH_DIR"], "fanout", "report.py"))
report = importlib.util.module_from_spec(spec); spec.loader.exec_module(report)
json.dump({"when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "machine": report.machine(),
           "cameras": cameras, "camera": {"kind": "rtsp_replay_camera", "size": size, "kbps": int(bitrate)},
           "warmupS": float(warmup), "seconds": float(seconds), "phases": rows}, open(out, "w"), indent=2)
print(f"\nJSON: {out}")
EOF
