#!/usr/bin/env bash
# End-to-end import speed, as a user runs it (BENCHMARKS.md, "Importing"):
#  1. `goldthread import --dry-run --json` on a 20 MB plain-text plan with
#     distinct action codes: MB/s and peak memory against the input's size;
#  2. storing a 100,000-row long KPI CSV (indicator, period, value) in a
#     fresh SQLite database.
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

best=999999
for _ in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" import --dry-run --json "$work/plan.txt" > "$work/report.json"
  read -r secs kib < "$work/time"
  echo "dry run --json: ${secs} s, peak ${kib} KiB"
  best=$(python3 -c "print(min($best, $secs))")
  peak=$kib
done
python3 -c "
size=$size; best=$best; peak=$peak*1024
print(f'best {size/best/1e6:.1f} MB/s; peak memory {peak/size:.2f}x the input')"

for _ in $(seq "$runs"); do
  rm -rf "$work/data"
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" import --data-dir "$work/data" "$work/kpis.csv" > /dev/null
  read -r secs kib < "$work/time"
  echo "100,000-row long CSV stored on SQLite: ${secs} s, peak ${kib} KiB"
done
