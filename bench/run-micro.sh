#!/usr/bin/env bash
# Micro benchmarks (BenchmarkDotNet, bench/LiveMux.Benchmarks): every class, or those matching --filter.
#   bench/run-micro.sh [--filter PATTERN] [--out DIR] [other BenchmarkDotNet arguments]
# Defaults: --filter '*' --job short, run under nice -n 15 (the machine is shared: read ratios, not absolutes).
# Writes one markdown table per class to DIR/micro-<class>-<yyyymmdd>.md (default bench/results/) with a
# header line naming machine, date and command, then prints a combined table: benchmark, mean per operation,
# ratio to the class's floor, allocated per operation.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PY=/usr/bin/python3
OUT="$BENCH_DIR/results"
FILTER='*'
EXTRA=()
COMMAND="bench/run-micro.sh"; [ $# -eq 0 ] || COMMAND+="$(printf " %q" "$@")"
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) FILTER="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done
case " ${EXTRA[*]-} " in *" --job "*|*" -j "*) ;; *) EXTRA+=(--job short) ;; esac

command -v dotnet >/dev/null || { echo "ERROR: the .NET SDK (dotnet) is needed" >&2; exit 1; }
[ -x "$PY" ] || PY=python3
WORK="$(mktemp -d "${TMPDIR:-/tmp}/livemux-micro.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cd "$REPO_ROOT"
nice -n 15 dotnet build -c Release bench/LiveMux.Benchmarks >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
# BenchmarkDotNet starts one child process per benchmark; nice is inherited.
nice -n 15 dotnet bench/LiveMux.Benchmarks/bin/Release/net10.0/LiveMux.Benchmarks.dll \
  --filter "$FILTER" --artifacts "$WORK/artifacts" --exporters github "${EXTRA[@]}" >"$WORK/run.log" 2>&1 \
  || { tail -50 "$WORK/run.log" >&2; exit 1; }

mkdir -p "$OUT"
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
MACHINE="${CPU:-unknown CPU}, $(nproc) logical cores, $(free -g | awk '/^Mem:/ {print $2}') GB, $(. /etc/os-release && echo "$PRETTY_NAME"), shared with other work (run under nice -n 15)"
"$PY" - "$WORK/artifacts/results" "$OUT" "$MACHINE" "$COMMAND" <<'PYEOF'
import datetime, glob, html, os, re, sys

results, out, machine, command = sys.argv[1:5]
now = datetime.datetime.now(datetime.timezone.utc)
rows = []
for report in sorted(glob.glob(os.path.join(results, "*-report-github.md"))):
    cls = os.path.basename(report).removesuffix("-report-github.md").split(".")[-1]
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", cls.removesuffix("Benchmarks")).lower()
    text = open(report).read()
    target = os.path.join(out, f"micro-{name}-{now:%Y%m%d}.md")
    with open(target, "w") as f:
        f.write(f"Machine: {machine}. Date: {now:%Y-%m-%d %H:%M} UTC. Command: `{command.strip()}`.\n\n{text}")
    print(f"wrote {os.path.relpath(target)}", file=sys.stderr)
    table = [l for l in text.splitlines() if l.startswith("|")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    # A benchmark class without a floor has no Ratio column: its rows say so instead of failing the run.
    mean = header.index("Mean")
    ratio = header.index("Ratio") if "Ratio" in header else None
    alloc = header.index("Allocated") if "Allocated" in header else None
    for line in table[2:]:
        # BenchmarkDotNet bolds each parameter group's first row and separates groups with empty rows.
        cells = [html.unescape(c.strip()).replace("**", "") for c in line.strip("|").split("|")]
        if not cells[mean]:
            continue
        label = " ".join([cls.removesuffix("Benchmarks")] + [c for c in cells[1:mean] if c] + [cells[0].strip("'")])
        rows.append((label, cells[mean], cells[ratio] if ratio is not None else "no floor", cells[alloc] if alloc is not None else "?"))

width = max((len(r[0]) for r in rows), default=9)
print(f"| {'benchmark':<{width}} | mean per op | ratio to floor | allocated per op |")
print(f"|{'-' * (width + 2)}|------------:|---------------:|-----------------:|")
for label, mean, ratio, alloc in rows:
    print(f"| {label:<{width}} | {mean:>11} | {ratio:>14} | {alloc:>16} |")
PYEOF
