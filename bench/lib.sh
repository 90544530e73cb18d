# Shared helpers for bench/run-*.sh (sourced, not run). Every process started through start_bg
# runs in its own process group and is killed (TERM, then KILL) by the EXIT trap.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PY=/usr/bin/python3
CAMERA="$REPO_ROOT/tests/tools/rtsp_camera.py"
REPLAY_CAMERA="$REPO_ROOT/tests/tools/rtsp_replay_camera.py"
LOADGEN="$REPO_ROOT/bench/LiveMux.LoadGen/bin/Release/net10.0/LiveMux.LoadGen.dll"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/livemux-bench.XXXXXX")"
STARTED_PGIDS=()
FG_PIDS=()

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "--- $*" >&2; }

require() { # require CMD [hint]
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found${2:+ ($2)}"
}

require_base_tools() {
  [ -x "$PY" ] || die "$PY not found (Debian python3 with python3-gi is needed for the camera)"
  "$PY" -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' 2>/dev/null \
    || die "GStreamer RTSP server bindings missing: apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-ugly"
  "$PY" -c 'import numpy' 2>/dev/null || die "numpy missing for $PY: apt-get install python3-numpy"
  require node "node 18+"
  require npm
  require ffmpeg "apt-get install ffmpeg"
  require setsid "util-linux"
}

npm_install() { # npm_install DIR: install the folder's locked deps once
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $dir"
  fi
}

start_bg() { # start_bg NAME LOGFILE CMD...: sets LAST_PID (also the process group id)
  local name="$1" logf="$2"; shift 2
  setsid "$@" >"$logf" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PGIDS+=("$LAST_PID")
  log "started $name pid=$LAST_PID (log $logf)"
}

run_fg() { # run_fg CMD...: like running CMD in the foreground, but a TERM/INT to this script acts
  # at once (bash defers traps until a foreground child ends; `wait` is interruptible).
  "$@" &
  local pid=$!
  FG_PIDS+=("$pid")
  wait "$pid"
}

stop_pgid() { # stop_pgid PGID: TERM the group, KILL it if still there after 5 s
  local pgid="$1" i
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
  local rc=$? pgid pid
  for pid in "${FG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pgid in "${STARTED_PGIDS[@]}"; do stop_pgid "$pgid"; done
  STARTED_PGIDS=()
FG_PIDS=()
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_line() { # wait_line LOGFILE REGEX TIMEOUT_S PID: prints the first matching line
  local logf="$1" re="$2" timeout="$3" pid="$4" i line
  for i in $(seq $((timeout * 10))); do
    line="$(grep -a -m1 -E "$re" "$logf" 2>/dev/null || true)"
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2; die "process $pid exited before printing /$re/ (log above)"; }
    sleep 0.1
  done
  cat "$logf" >&2
  die "timed out after ${timeout}s waiting for /$re/ in $logf"
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_camera() { # start_camera ARGS...: sets CAMERA_PID CAMERA_LOG CAMERA_URL
  CAMERA_LOG="$WORK/camera-$(date +%s%N).log"
  start_bg camera "$CAMERA_LOG" "$PY" -u "$CAMERA" --port 0 "$@"
  CAMERA_PID=$LAST_PID
  local ready
  ready="$(wait_line "$CAMERA_LOG" '^READY ' 20 "$CAMERA_PID")"
  CAMERA_URL="${ready##*url=}"
  log "camera at $CAMERA_URL"
}

start_replay_camera() { # start_replay_camera ARGS...: the pre-encoded camera (no encoder at run time);
  # sets CAMERA_PID CAMERA_LOG CAMERA_URL (its first mount) CAMERA_BASE (rtsp://host:port)
  CAMERA_LOG="$WORK/replay-camera-$(date +%s%N).log"
  start_bg replay-camera "$CAMERA_LOG" "$PY" -u "$REPLAY_CAMERA" --port 0 "$@"
  CAMERA_PID=$LAST_PID
  local ready
  ready="$(wait_line "$CAMERA_LOG" '^READY ' 300 "$CAMERA_PID")"
  CAMERA_URL="$(sed -E 's/.*url=([^ ]+).*/\1/' <<<"$ready")"
  CAMERA_BASE="${CAMERA_URL%/*}"
  log "replay camera at $CAMERA_BASE ($ready)"
}

build_loadgen() {
  require dotnet ".NET 10 SDK"
  log "building LiveMux.LoadGen (Release)"
  (cd "$REPO_ROOT" && MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet build bench/LiveMux.LoadGen -c Release -nologo -v q -p:UseSharedCompilation=false >&2) || die "LoadGen build failed"
}

start_baseline() { # start_baseline LOGFILE: sets BASELINE_PID BASELINE_PORT
  npm_install "$BENCH_DIR/baseline"
  start_bg baseline "$1" node "$BENCH_DIR/baseline/server.mjs" --port 0 --camera "$CAMERA_URL"
  BASELINE_PID=$LAST_PID
  local line
  line="$(wait_line "$1" '^LISTENING ' 20 "$BASELINE_PID")"
  BASELINE_PORT="$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$line")"
}

build_livemux() { # build_livemux ROOT
  require dotnet ".NET 10 SDK"
  [ -f "$1/src/LiveMux.Server/LiveMux.Server.csproj" ] || die "no src/LiveMux.Server/LiveMux.Server.csproj under $1"
  log "building LiveMux.Server (Release)"
  (cd "$1" && MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet build src/LiveMux.Server -c Release -nologo -v q -p:UseSharedCompilation=false >&2) || die "LiveMux build failed"
}

start_livemux() { # start_livemux ROOT LOGFILE [SERVER ARGS...]: sets LIVEMUX_PID LIVEMUX_PORT (build first)
  # Without SERVER ARGS the stream is `cam` from CAMERA_URL, AlwaysOn: viewers join a running stream, as
  # they do in production once anyone has watched it. The baseline cannot share a session, so each of its
  # viewers pays for a new one: that is its design.
  local root="$1" logf="$2"; shift 2
  local server_args=("$@")
  ((${#server_args[@]})) || server_args=("--LiveMux:Streams:cam:Url=$CAMERA_URL" "--LiveMux:Streams:cam:AlwaysOn=true")
  LIVEMUX_PORT="$(free_port)"
  require curl
  pushd "$root" >/dev/null
  start_bg livemux "$logf" env MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    dotnet run --project src/LiveMux.Server -c Release --no-build -- \
    --urls "http://127.0.0.1:$LIVEMUX_PORT" "${server_args[@]}"
  popd >/dev/null
  LIVEMUX_PID=$LAST_PID
  local i code
  for i in $(seq 900); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$LIVEMUX_PORT/player.html" 2>/dev/null || true)"
    case "$code" in
      200) return 0 ;;
      000|"") ;;
      *) cat "$logf" >&2; die "LiveMux is up but GET /player.html answered HTTP $code" ;;
    esac
    kill -0 "$LIVEMUX_PID" 2>/dev/null || { cat "$logf" >&2; die "LiveMux exited during start-up (log above)"; }
    sleep 0.1
  done
  cat "$logf" >&2
  die "LiveMux did not answer HTTP within 90 s"
}
