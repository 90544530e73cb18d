#!/usr/bin/env bash
# The whole benchmark suite in one run, then one summary table (the README's) with ratios to the baseline
# design (Node + ws + ffmpeg per viewer) and to the raw-socket floor:
#
#   bench/run-all.sh [--quick] [--with-soak] [--out-dir DIR]
#
#   1. glass-to-glass latency and first frame at 30 fps and at 5 fps   bench/run-latency.sh
#   2. fan-out to 1, 10, 100 and 500 viewers of one 4 Mbps stream,    bench/run-fanout.sh --rtsp
#      MSE over WebSocket and RTSP readers
#   3. 50 cameras of 2 Mbps, without and with one viewer each         bench/run-cameras.sh
#   4. an RTSP client's first picture, LiveMux against the camera     bench/run-rtsp-first-frame.sh
#   5. the latency a LiveMux-to-LiveMux relay hop adds                bench/run-rtsp-relay.sh
#   6. snapshot latency and staleness against "next keyframe, then ffmpeg" bench/run-snapshot.sh
#   7. micro benchmarks with allocations                              bench/run-micro.sh
#   8. (--with-soak) 100 viewers for an hour                          bench/run-soak.sh
# Fuzzing (bench/run-fuzz.sh) and the fault runs (bench/run-faults.sh) are separate: they are proofs of
# robustness, not measurements. --quick shortens every window (a smoke run, not for the README).
# Results go to bench/results/ (or --out-dir) with the machine and date; the summary is printed and
# written to <out-dir>/summary-<time>.md. Takes about 35 minutes without the soak.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="$BENCH_DIR/results" QUICK=0 SOAK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --with-soak) SOAK=1 ;;
    --out-dir) OUT_DIR="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT_DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
WINDOW=(--warmup 5 --seconds 20) LAT_WINDOW=(--warmup 5 --measure 20) MICRO=() TRIALS=(--trials 20) SNAPSHOTS=(-n 100) RELAY=(--rounds 2 --warmup 5 --measure 15)
if [ "$QUICK" = 1 ]; then
  WINDOW=(--warmup 3 --seconds 6); LAT_WINDOW=(--warmup 3 --measure 6); MICRO=(--job dry); TRIALS=(--trials 3); SNAPSHOTS=(-n 10)
  RELAY=(--rounds 1 --warmup 3 --measure 6)
fi

step() { echo; echo "=== $*" >&2; }

step "latency, 30 fps"
"$BENCH_DIR/run-latency.sh" --fps 30 --gop 60 "${LAT_WINDOW[@]}" --out "$OUT_DIR/latency-30fps-$STAMP.json"
step "latency, 5 fps"
"$BENCH_DIR/run-latency.sh" --fps 5 --gop 10 "${LAT_WINDOW[@]}" --out "$OUT_DIR/latency-5fps-$STAMP.json"
step "fan-out"
"$BENCH_DIR/run-fanout.sh" --viewers 1,10,100,500 --rtsp "${WINDOW[@]}" --out "$OUT_DIR/fanout-$STAMP.json"
step "50 cameras"
"$BENCH_DIR/run-cameras.sh" --cameras 50 "${WINDOW[@]}" --out "$OUT_DIR/cameras-$STAMP.json"
step "RTSP first picture"
"$BENCH_DIR/run-rtsp-first-frame.sh" "${TRIALS[@]}" --out "$OUT_DIR/rtsp-first-frame-$STAMP.json"
step "relay hop"
"$BENCH_DIR/run-rtsp-relay.sh" "${RELAY[@]}" --out "$OUT_DIR/rtsp-relay-$STAMP.json"
step "snapshots"
"$BENCH_DIR/run-snapshot.sh" "${SNAPSHOTS[@]}" --out "$OUT_DIR/snapshot-$STAMP.json"
step "micro benchmarks"
"$BENCH_DIR/run-micro.sh" --out "$OUT_DIR" "${MICRO[@]}"
if [ "$SOAK" = 1 ]; then
  step "soak"
  "$BENCH_DIR/run-soak.sh" --out-prefix "$OUT_DIR/soak-$STAMP" || echo "soak: not flat (see its verdict above)" >&2
fi

step "summary"
/usr/bin/python3 "$BENCH_DIR/summary.py" --dir "$OUT_DIR" --stamp "$STAMP" | tee "$OUT_DIR/summary-$STAMP.md"
