#!/usr/bin/env bash
# Runs every fuzz target (the CsCheck properties marked [Trait("Category", "Fuzz")] in LiveMux.Media.Tests and
# LiveMux.Rtsp.Tests) for N inputs each, on every core, and writes bench/results/fuzz-<UTC stamp>.json:
# per target the executions, duration, failures and the seed that reproduces the run.
# Usage: bench/run-fuzz.sh [--iterations N (default 1000000)] [--seed HEX] [--only Media|Rtsp] [--filter EXPR] [--out FILE] [--records FILE]
# --filter narrows the targets with a dotnet test filter (e.g. FullyQualifiedName~Fmp4_reader).
# --records keeps the per-target JSON lines in FILE and reports every line in it, so two --only runs with the
# same --seed, --records and --out make one result.
# A failing target prints the input (hex) and its index; LIVEMUX_FUZZ_SEED=<seed> reruns the same inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=1000000
seed=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
only=""
filter="Category=Fuzz"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="bench/results/fuzz-$stamp.json"
records=""
while (($#)); do
  case "$1" in
    --iterations) iterations="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --filter) filter="Category=Fuzz&$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    *) echo "usage: $0 [--iterations N] [--seed HEX] [--only Media|Rtsp] [--filter EXPR] [--out FILE] [--records FILE]" >&2; exit 2 ;;
  esac
done
if [[ -z "$records" ]]; then
  records=$(mktemp "${TMPDIR:-/tmp}/livemux-fuzz.XXXXXX.jsonl")
  trap 'rm -f "$records"' EXIT
fi

started=$(date +%s)
status=0
for project in Media Rtsp; do
  [[ -z "$only" || "$only" == "$project" ]] || continue
  dir="tests/LiveMux.$project.Tests"
  echo "--- $project: building" >&2
  dotnet build "$dir" -c Release -v q -nologo >&2
  echo "--- $project: $iterations inputs per target, seed $seed" >&2
  LIVEMUX_FUZZ_ITERATIONS="$iterations" LIVEMUX_FUZZ_SEED="$seed" LIVEMUX_FUZZ_RECORD="$records" \
    dotnet test "$dir" -c Release --no-build --filter "$filter" --logger "console;verbosity=normal" >&2 || status=1
done

/usr/bin/python3 - "$records" "$out" "$iterations" "$seed" "$started" <<'PY'
import json, os, platform, subprocess, sys, time
records, out, iterations, seed, started = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows = [json.loads(line) for line in open(records) if line.strip()]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
result = {
    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "dotnet": dotnet},
    "iterationsPerTarget": iterations,
    "seed": seed,
    "totalSeconds": int(time.time()) - started,
    "targets": rows,
}
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print("| target | executions | seconds | execs/s | failures |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['target']} | {r['executions']:,} | {r['durationSeconds']} | {r['execsPerSecond']:,} | {r['failures']} |")
print(f"written to {out}", file=sys.stderr)
PY
exit "$status"
