#!/usr/bin/env bash
# The end-to-end tests' machine figures at their tight bounds: the tests of tests/LiveMux.EndToEnd.Tests
# marked Category=Figures (frames decoded per window, the player's lag behind live, glass-to-glass p50, the
# stats overlay against the barcode clock, another stream's longest gap) with LIVEMUX_STRICT_FIGURES=1.
# In CI (`dotnet test`, .ci/run) the same tests assert structural bounds that only a fault of LiveMux
# crosses; here they assert what a quiet machine should reach. Run it on a quiet machine.
#
#   nice -n 15 bench/run-e2e-figures.sh [--filter EXPR] [--out FILE.json]
#
# --filter: an extra dotnet test filter, joined with &, e.g. 'FullyQualifiedName~AudioLatencyTests'.
# Writes bench/results/e2e-figures-<UTC time>.json (each test's outcome, duration, message and output)
# and prints a summary table. Exit status: 0 when every test passed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FILTER="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) FILTER="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

[ -x "$PY" ] || die "$PY not found"
require dotnet
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BENCH_DIR/results"
[ -n "$OUT" ] || OUT="$BENCH_DIR/results/e2e-figures-$STAMP.json"
TEST_FILTER="Category=Figures${FILTER:+&$FILTER}"

log "building the end-to-end tests"
dotnet build "$REPO_ROOT/tests/LiveMux.EndToEnd.Tests" -c Release >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }

log "running $TEST_FILTER with LIVEMUX_STRICT_FIGURES=1"
set +e
LIVEMUX_STRICT_FIGURES=1 \
  run_fg dotnet test "$REPO_ROOT/tests/LiveMux.EndToEnd.Tests" -c Release --no-build \
    --filter "$TEST_FILTER" --results-directory "$WORK" --logger "trx;LogFileName=figures.trx" \
    >"$WORK/test.log" 2>&1
STATUS=$?
set -e
tail -5 "$WORK/test.log" >&2

"$PY" - "$WORK/figures.trx" "$OUT" "$STAMP" "$TEST_FILTER" <<'PY'
import json, os, platform, subprocess, sys, xml.etree.ElementTree as ET
trx, out, stamp, test_filter = sys.argv[1:]
outcomes = []
if os.path.exists(trx):
    ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
    for r in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns):
        msg, std = r.find(".//t:Message", ns), r.find(".//t:StdOut", ns)
        outcomes.append({"test": r.get("testName"), "outcome": r.get("outcome"), "duration": r.get("duration"),
                         "message": None if msg is None else msg.text, "output": None if std is None else std.text})
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {
    "what": "end-to-end figures at their bench bounds (bench/run-e2e-figures.sh, LIVEMUX_STRICT_FIGURES=1)", "utc": stamp,
    "machine": {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
                "dotnet": subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip(),
                "loadavg_at_end": os.getloadavg()},
    "filter": test_filter, "outcomes": outcomes,
}
json.dump(doc, open(out, "w"), indent=1)
print("| test | outcome | duration | failure |")
print("|---|---|---|---|")
for o in outcomes:
    first = (o["message"] or "").strip().splitlines()
    print(f'| {o["test"]} | {o["outcome"]} | {o["duration"]} | {first[0][:160] if first else ""} |')
print(f"wrote {out}")
PY
exit $STATUS
