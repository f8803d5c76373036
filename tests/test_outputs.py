"""The streamed outputs of a batch (emit/outputs.py, emit/xlsx.py) equal the
tables rebuilt from the CSV files, whichever way a document arrives."""
from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from emit import batch
from emit.comparison import write_comparison_tables
from emit.workbook import write_formats
from emit.xlsx import XlsxWriter, deflate_piece, row_xml, text_rows_xml

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TABLES = ("documents", "tasks", "mentions", "agencies", "agencies_review", "comparison", "comparison_long")


def _cells(path: Path) -> dict[str, list[list[tuple]]]:
    wb = load_workbook(path)
    out = {}
    for ws in wb:
        out[ws.title] = [[(c.value if c.value != "" else None, c.data_type if c.value not in (None, "") else None,
                           c.number_format if c.value not in (None, "") else None, bool(c.font.b))
                          for c in row] for row in ws.iter_rows()]
        out[ws.title].append([(ws.freeze_panes, ws.auto_filter.ref)])
    return {"sheets": wb.sheetnames, **out}


def test_streamed_run_equals_tables_rebuilt_from_csv(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(RAW, src)
    out = tmp_path / "out"
    batch.run([str(src)], out, cache=tmp_path / "c.sqlite")
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    for name in ("documents", "tasks", "mentions", "agencies", "agencies_review"):
        shutil.copy(out / f"{name}.csv", rebuilt / f"{name}.csv")
    write_comparison_tables(rebuilt)
    write_formats(rebuilt, ("xlsx",))
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (rebuilt / f"{name}.csv").read_bytes(), name
    assert _cells(out / "kehoach.xlsx") == _cells(rebuilt / "kehoach.xlsx")
    # from the cache, and from the cache under other paths (rows rendered again)
    for again in (src, tmp_path / "moved"):
        if again != src:
            shutil.copytree(src, again)
        summary = batch.run([str(again)], tmp_path / "again", cache=tmp_path / "c.sqlite")
        assert summary.cached == 5
        for name in ("tasks", "mentions", "comparison", "comparison_long"):
            assert (tmp_path / "again" / f"{name}.csv").read_bytes() == (out / f"{name}.csv").read_bytes()
        got, want = _cells(tmp_path / "again" / "kehoach.xlsx"), _cells(out / "kehoach.xlsx")
        assert got["tasks"] == want["tasks"] and got["comparison_long"] == want["comparison_long"]


def test_text_rows_match_the_general_row_writer():
    rng = random.Random(7)
    pool = ["", "abc", "Sở Tư pháp", " lead", "tail ", "a&b", "x<y>", "1.5", "12", "nan", "line\nbreak",
            "cr\rx", "=SUM(A1)", "0012", "bad\x01ch", "-3", "inf", "\t"]
    for _ in range(3000):
        values = [rng.choice(pool) for _ in range(rng.randint(0, 8))]
        numeric = set(rng.sample(range(8), rng.randint(0, 3)))
        assert text_rows_xml([values], numeric) == row_xml(values, (), numeric)


def test_pieces_from_many_compressors_make_one_valid_member(tmp_path):
    wb = XlsxWriter(tmp_path / "x.xlsx")
    m = wb.sheet("s")
    rows = [[f"r{i}", "Ủy ban nhân dân & <tỉnh>", str(i)] for i in range(3000)]
    for i in range(0, 3000, 7):
        m.add_piece(*deflate_piece(text_rows_xml(rows[i:i + 7], {2}).encode()))
        m.write(text_rows_xml([["between"]]))
    wb.end_sheet(m)
    wb.close()
    assert zipfile.ZipFile(tmp_path / "x.xlsx").testzip() is None
    ws = load_workbook(tmp_path / "x.xlsx")["s"]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert got[0] == ["r0", "Ủy ban nhân dân & <tỉnh>", 0] and got[7] == ["between", None, None]
    assert len(got) == 3000 + 429
