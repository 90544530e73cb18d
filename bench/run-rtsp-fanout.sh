#!/usr/bin/env bash
# RTSP fan-out: N RTSP clients (TCP interleaved) of one 4 Mbps stream against N MSE WebSocket viewers of it and
# against the raw-socket floor, in one run: CPU per delivered Gbit/s and peak RSS side by side.
#
#   bench/run-rtsp-fanout.sh [--viewers 100] [--warmup 5] [--seconds 20] [--out FILE.json] [run-fanout.sh options]
#
# This is bench/run-fanout.sh --rtsp --skip-baseline --viewers 100 (see it for the camera, the load generator, the
# floor and the accounting): rows livemux (MSE over WebSocket), floor, livemux-rtsp (LiveMux started fresh, read by
# N LiveMux.LoadGen RTSP readers, which drain the socket and count the camera's frame stamps in the RTP payloads).
# Writes JSON (default bench/results/rtsp-fanout-<time>.json).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in -h|--help) sed -n '2,10p' "$0"; exit 0 ;; esac
OUT="$BENCH_DIR/results/rtsp-fanout-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "--- load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$BENCH_DIR/run-fanout.sh" --rtsp --skip-baseline --viewers 100 --out "$OUT" "$@"
echo "--- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
