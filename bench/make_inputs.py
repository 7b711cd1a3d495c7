"""Inputs for bench/import.sh: a 20 MB text plan with distinct action codes
(the samples' action tables, rows renumbered), the same plan as an Excel
workbook (a line a row, a tab a column: one sheet, shared strings, as Excel
writes them) and a 100,000-row long CSV of indicator values."""
import pathlib, re, sys, zipfile
from xml.sax.saxutils import escape

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
plan = "\n".join(parts)
(out / "plan.txt").write_text(plan, encoding="utf-8")


def column(c):
    name = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        name = chr(65 + r) + name
    return name


def xml_text(text):
    # XML 1.0 has no place for most control characters.
    return escape("".join(ch for ch in text if ch >= " " or ch in "\t\n"))


strings, index, rows = [], {}, []
for r, line in enumerate(plan.split("\n"), start=1):
    cells = []
    for c, text in enumerate(line.rstrip("\r").split("\t")):
        if not text.strip():
            continue
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        cells.append(f'<c r="{column(c)}{r}" t="s"><v>{index[text]}</v></c>')
    if cells:
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
parts_xml = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}">'
    f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {ns} xmlns:r="{rel}">'
    '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}">'
    f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {ns}>'
    f'<sheetData>{"".join(rows)}</sheetData></worksheet>',
    "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
    + "".join(f'<si><t xml:space="preserve">{xml_text(t)}</t></si>' for t in strings)
    + "</sst>",
}
with zipfile.ZipFile(out / "plan.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts_xml.items():
        z.writestr(name, text)

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
