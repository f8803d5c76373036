"""The workbook (kehoach.xlsx) and Parquet copies of the CSV tables.

Cells are written as text unless the column is numeric by contract, so that
Excel never turns ``1.1`` into a date; values that would start a formula
(``=``, ``+``, ``-``, ``@``) are text cells too, never formulas.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .writers import EXCEL_MAX_COLS, EXCEL_MAX_ROWS, atomic_path

TABLE_ORDER = ["documents", "tasks", "mentions", "agencies", "agencies_review",
               "comparison", "comparison_long"]
NUMERIC = {"n_tasks", "task_seq", "line_start", "line_end", "match_score", "ref_score"}
DESCRIPTIONS = {
    "documents": "one row per input file: status, header fields, plan period",
    "tasks": "one row per task: numbering, text, lead/support/time as written and normalized, reference task",
    "mentions": "one row per agency named in a lead or support field, with its canonical agency",
    "agencies": "the canonical agencies the run used",
    "agencies_review": "fuzzy or unresolved agency matches to check; fill your_agency_id and pass the file with --aliases",
    "comparison": "reference decision tasks × localities: covered, local task ids, lead agency types",
    "comparison_long": "the comparison in long form",
}


def _tables(out: Path) -> dict[str, Path]:
    return {name: out / f"{name}.csv" for name in TABLE_ORDER if (out / f"{name}.csv").exists()}


def write_formats(out: Path, formats: tuple[str, ...]) -> list[Path]:
    """kehoach.xlsx and/or Parquet files from the CSV tables in ``out``, one
    table at a time, so memory stays that of the largest table at most."""
    tables = _tables(out)
    written = []
    if "xlsx" in formats:
        written.append(write_xlsx(out / "kehoach.xlsx", tables))
    if "parquet" in formats:
        for name, csv_path in tables.items():
            df = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            path = out / f"{name}.parquet"
            with atomic_path(path) as tmp:
                _typed(df).to_parquet(tmp, index=False)
            written.append(path)
    return written


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if c in NUMERIC:
            df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce")
    return df


EXCEL_MAX_CELL = 32_767
csv.field_size_limit(2**31 - 1)


def _csv_rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def _shape(path: Path) -> tuple[list[str], list[list[str]], int]:
    """Header, the first 200 rows (for column widths) and the number of rows."""
    rows = _csv_rows(path)
    header = next(rows, [])
    head, n = [], 0
    for row in rows:
        if n < 200:
            head.append(row)
        n += 1
    return header, head, n


def write_xlsx(path: Path, tables: dict[str, Path]) -> Path:
    """kehoach.xlsx with xlsxwriter in constant-memory mode: rows go to disk as
    they are written, so a workbook of an archive does not fill memory."""
    import xlsxwriter

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
        text = wb.add_format({"num_format": "@"})
        bold = wb.add_format({"bold": True})
        yes = wb.add_format({"num_format": "@", "bg_color": "#C6EFCE"})
        no = wb.add_format({"num_format": "@", "bg_color": "#FFC7CE"})
        readme = wb.add_worksheet("README")
        readme.set_column(0, 0, 18)
        readme.set_column(1, 1, 100)
        readme.write_row(0, 0, ["sheet", "what it holds", "rows"], bold)
        r = 1
        notes = []
        for name, csv_path in tables.items():
            header, head, n = _shape(csv_path)
            if n + 1 > EXCEL_MAX_ROWS or len(header) > EXCEL_MAX_COLS:
                notes.append(f"{name}: {n} rows — too large for Excel, see {name}.csv")
                readme.write_row(r, 0, [name, DESCRIPTIONS.get(name, ""), f"{n} (not in this workbook)"], text)
                r += 1
                continue
            readme.write_string(r, 0, name, text)
            readme.write_string(r, 1, DESCRIPTIONS.get(name, ""), text)
            readme.write_number(r, 2, n)
            r += 1
            _sheet(wb, name, header, head, n, csv_path, (text, bold, yes, no))
        for n in notes:
            readme.write_row(r, 0, ["note", n], text)
            r += 1
        wb.close()
    return path


def _sheet(wb, name: str, cols: list[str], head: list[list[str]], n: int, csv_path: Path, fmts) -> None:
    text, bold, yes, no = fmts
    ws = wb.add_worksheet(name[:31])
    for i, col in enumerate(cols):
        longest = max([len(col)] + [len(r[i]) for r in head if i < len(r)])
        ws.set_column(i, i, min(60, max(8, longest + 2)))
    covered = {i for i, c in enumerate(cols) if name == "comparison" and c.endswith("covered")}
    numeric = {i for i, c in enumerate(cols) if c in NUMERIC}
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), max(len(cols) - 1, 0))
    ws.write_row(0, 0, cols, bold)
    rows = _csv_rows(csv_path)
    next(rows, None)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            value = _xl_value(cols[c], v) if c in numeric else v
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif value == "":
                continue
            elif c in covered:
                ws.write_string(r, c, value, yes if value in ("yes", "True", "1") else no)
            else:
                # Excel's cell limit; the CSV and Parquet files keep the whole value
                ws.write_string(r, c, value[:EXCEL_MAX_CELL], text)


def _xl_value(column: str, value: str):
    if column in NUMERIC and value != "":
        try:
            f = float(value)
            return int(f) if f.is_integer() else f
        except ValueError:
            return value
    return value
