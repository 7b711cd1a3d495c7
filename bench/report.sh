#!/usr/bin/env bash
# The council-wide quarterly pack on the large generated council
# (BENCHMARKS.md, "Reports"): `goldthread report` in each format, end to
# end (open the database, read the figures, build, write), against
# LibreOffice turning the same DOCX into PDF, measured in one sitting.
# Usage: bench/report.sh [runs]   (needs GNU time; LibreOffice optional)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
cargo build --release -p goldthread >/dev/null
bin="$PWD/target/release/goldthread"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bin" generate --data-dir "$work/data" >/dev/null
# The last complete quarter: the generated council's history ends today.
period=$(python3 -c "
import datetime
d = datetime.date.today()
q = (d.month - 4) % 12 // 3      # 0..3 for the quarter containing today
y = d.year if d.month >= 4 else d.year - 1
q -= 1
if q < 0: q, y = 3, y - 1
print(f'{y}/{(y + 1) % 100:02d}-Q{q + 1}')")
echo "period $period"

for format in html csv xlsx docx pdf; do
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/time" \
      "$bin" report --data-dir "$work/data" --period "$period" --scope council \
      --format "$format" --out "$work/pack.$format" 2>/dev/null || { echo "$format: not built"; break; }
    read -r secs kib < "$work/time"
    echo "$format: ${secs} s, peak ${kib} KiB, $(stat -c %s "$work/pack.$format") bytes"
  done
done

if command -v libreoffice >/dev/null && [ -f "$work/pack.docx" ]; then
  for _ in $(seq "$runs"); do
    rm -f "$work/lo/pack.pdf"
    /usr/bin/time -f '%e %M' -o "$work/time" \
      libreoffice --headless --convert-to pdf --outdir "$work/lo" "$work/pack.docx" >/dev/null 2>&1
    read -r secs kib < "$work/time"
    echo "libreoffice docx -> pdf: ${secs} s, peak ${kib} KiB"
  done
else
  echo "libreoffice: not installed (apt-get install -y libreoffice-writer-nogui)"
fi
