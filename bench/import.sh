#!/usr/bin/env bash
# End-to-end import speed, as a user runs it (BENCHMARKS.md, "Importing"):
#  1. `goldthread import --dry-run --json` on a 20 MB plain-text plan with
#     distinct action codes: MB/s and peak memory against the input's size;
#  2. the same plan as an Excel workbook (`--dry-run --json`): MB/s of the
#     plan's text and peak memory against the text's size and the file's;
#  3. storing a 100,000-row long KPI CSV (indicator, period, value) in a
#     fresh SQLite database.
# Each run also prints its CPU time (user + system): on a shared machine the
# wall time moves with the neighbours' load, the CPU time much less.
# Usage: bench/import.sh [runs]   (needs python3 and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release -p goldthread >/dev/null
bin="$PWD/target/release/goldthread"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 bench/make_inputs.py "$work"
size=$(stat -c %s "$work/plan.txt")
echo "plan.txt: $size bytes; kpis.csv: $(wc -l < "$work/kpis.csv") lines"

# dry_run FILE: best wall time, best CPU time and the peak, over the runs.
dry_run() {
  local best=999999 cpu_best=999999 peak=0 secs user sys kib
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" import --dry-run --json "$1" > "$work/report.json"
    read -r secs user sys kib < "$work/time"
    echo "$(basename "$1") dry run --json: ${secs} s (CPU ${user} + ${sys} s), peak ${kib} KiB"
    best=$(python3 -c "print(min($best, $secs))")
    cpu_best=$(python3 -c "print(min($cpu_best, $user + $sys))")
    peak=$(python3 -c "print(max($peak, $kib))")
  done
  python3 -c "
size=$size; file=$(stat -c %s "$1"); peak=$peak*1024
print(f'best {size/$best/1e6:.1f} MB/s of the plan wall, {size/$cpu_best/1e6:.1f} MB/s on CPU time; '
      f'peak memory {peak/size:.2f}x the plan text' + (f', {peak/file:.1f}x the file' if file != size else ''))"
}
dry_run "$work/plan.txt"
dry_run "$work/plan.xlsx"

for _ in $(seq "$runs"); do
  rm -rf "$work/data"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" import --data-dir "$work/data" "$work/kpis.csv" > /dev/null
  read -r secs user sys kib < "$work/time"
  echo "100,000-row long CSV stored on SQLite: ${secs} s (CPU ${user} + ${sys} s), peak ${kib} KiB"
done
