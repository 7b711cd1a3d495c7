"""Inputs for bench/import.sh: a 20 MB text plan with distinct action codes
(the samples' action tables, rows renumbered) and a 100,000-row long CSV of
indicator values."""
import pathlib, re, sys

out = pathlib.Path(sys.argv[1])
demo = pathlib.Path(__file__).resolve().parent.parent / "crates" / "cli" / "demo"
samples = [p.read_text(encoding="utf-8") for p in sorted(demo.glob("*.txt"))]

parts, n, size = [], 0, 0
code = re.compile(r"^(KA\.|15-CEC)(\d+)", re.M)
while size < 20 * 1024 * 1024:
    for text in samples:
        def renumber(m):
            global n
            n += 1
            return f"{m.group(1)}{n}"
        chunk = code.sub(renumber, text)
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
(out / "plan.txt").write_text("\n".join(parts), encoding="utf-8")

rows = ["indicator,code,period,value,target"]
quarters = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(2000, 2025) for q in range(1, 5)]
i = 0
while len(rows) <= 100_000:
    for p in quarters:
        rows.append(f"Indicator {i},PI {i},{p},{(i * 7 + len(rows)) % 1000 / 10},50")
        if len(rows) > 100_000:
            break
    i += 1
(out / "kpis.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
