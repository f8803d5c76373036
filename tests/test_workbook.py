"""kehoach.xlsx: text stays text, nothing becomes a formula, big tables are noted."""
from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from emit import workbook
from emit.tables import TASK_COLUMNS
from emit.writers import write_csv


def _tasks(values: list[str]) -> list[dict]:
    return [{"doc_id": "d", "task_seq": i + 1, "task_id": v, "text": v, "line_start": 3}
            for i, v in enumerate(values)]


def test_text_cells_are_text_and_never_formulas(tmp_path):
    tricky = ["1.1", "III.2.đ.1", "=SUM(A1:A3)", "+84 912", "-Cơ quan", "@x", "2023-01-01", "0012"]
    write_csv(tmp_path / "tasks.csv", TASK_COLUMNS, _tasks(tricky))
    workbook.write_formats(tmp_path, ("xlsx",))
    ws = load_workbook(tmp_path / "kehoach.xlsx")["tasks"]
    header = [c.value for c in ws[1]]
    col = header.index("task_id") + 1
    got = [ws.cell(row=r, column=col) for r in range(2, 2 + len(tricky))]
    assert [c.value for c in got] == tricky
    assert all(c.data_type == "s" for c in got)
    seq = ws.cell(row=2, column=header.index("task_seq") + 1)
    assert seq.value == 1 and seq.data_type == "n"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_readme_sheet_and_too_large_tables(tmp_path, monkeypatch):
    write_csv(tmp_path / "tasks.csv", TASK_COLUMNS, _tasks([str(i) for i in range(5)]))
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 3)
    workbook.write_formats(tmp_path, ("xlsx", "parquet"))
    wb = load_workbook(tmp_path / "kehoach.xlsx")
    assert "tasks" not in wb.sheetnames
    notes = " ".join(str(c.value) for row in wb["README"].iter_rows() for c in row)
    assert "too large for Excel" in notes
    df = pd.read_parquet(tmp_path / "tasks.parquet")
    assert len(df) == 5 and df["task_id"].tolist() == ["0", "1", "2", "3", "4"]
    assert str(df["task_seq"].dtype).startswith(("int", "Int", "float"))


def test_huge_cells_do_not_break_the_workbook(tmp_path):
    big = "Cơ quan " * 200_000
    write_csv(tmp_path / "tasks.csv", TASK_COLUMNS, [{"doc_id": "d", "task_seq": 1, "text": big}])
    workbook.write_formats(tmp_path, ("xlsx",))
    ws = load_workbook(tmp_path / "kehoach.xlsx")["tasks"]
    col = [c.value for c in ws[1]].index("text") + 1
    assert len(ws.cell(row=2, column=col).value) == workbook.EXCEL_MAX_CELL


def test_comparison_covered_cells_are_coloured_and_empty_tables_keep_headers(tmp_path):
    cols = ["ref_task", "Xã A (a) covered", "Xã A (a) task_ids"]
    write_csv(tmp_path / "comparison.csv", cols, [
        {"ref_task": "1", "Xã A (a) covered": "yes", "Xã A (a) task_ids": "1.1"},
        {"ref_task": "2", "Xã A (a) covered": "no"},
        {"ref_task": "3", "Xã A (a) covered": "not aligned"}])
    write_csv(tmp_path / "agencies_review.csv", ["mention", "your_agency_id"], [])
    workbook.write_formats(tmp_path, ("xlsx",))
    wb = load_workbook(tmp_path / "kehoach.xlsx")
    ws = wb["comparison"]
    rules = {str(r.sqref): [(x.operator, x.text, x.dxf.fill.bgColor.rgb if x.dxf and x.dxf.fill else None)
                            for x in r.rules] for r in ws.conditional_formatting}
    assert list(rules) == ["B2:B4"]
    got = dict((text, colour) for _, text, colour in rules["B2:B4"])
    assert got["yes"].endswith("C6EFCE") and got["no"].endswith("FFC7CE")
    # "not aligned" is neither: it begins with neither "yes" nor ends with "no"
    assert not "not aligned".startswith("yes") and not "not aligned".endswith("no")
    assert [c.value for c in wb["agencies_review"][1]] == ["mention", "your_agency_id"]
    assert wb["agencies_review"].max_row == 1


def test_a_hand_edited_number_column_does_not_break_the_workbook(tmp_path):
    write_csv(tmp_path / "tasks.csv", TASK_COLUMNS, [
        {"doc_id": "d", "task_seq": "2", "line_start": "x1", "ref_score": "0.75", "line_end": "2.5"},
        {"doc_id": "d", "task_seq": "thứ ba", "line_start": "12", "ref_score": ""}])
    workbook.write_formats(tmp_path, ("xlsx", "parquet"))
    ws = load_workbook(tmp_path / "kehoach.xlsx")["tasks"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    seq, line, score = (header.index(c) for c in ("task_seq", "line_start", "ref_score"))
    assert [r[seq] for r in rows] == [2, None] and [r[line] for r in rows] == [None, 12]
    assert rows[0][score] == 0.75
    df = pd.read_parquet(tmp_path / "tasks.parquet")
    assert df["task_seq"].tolist()[0] == 2 and pd.isna(df["task_seq"].tolist()[1])
    assert pd.isna(df["line_end"].tolist()[0])  # not a whole number: empty, never truncated to 2


def test_a_known_row_count_is_taken_and_an_unknown_one_counted(tmp_path, monkeypatch):
    import pyarrow.csv
    path = tmp_path / "tasks.csv"
    write_csv(path, TASK_COLUMNS, _tasks([f"1.{i}" for i in range(250)]))
    assert workbook.shape_of("tasks", path).rows == 250
    monkeypatch.setattr(pyarrow.csv, "open_csv", lambda *a, **k: (_ for _ in ()).throw(AssertionError("counted")))
    shape = workbook.shape_of("tasks", path, rows=250)
    assert (shape.rows, len(shape.head), shape.header) == (250, 200, TASK_COLUMNS)
