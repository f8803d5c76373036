"""The workbook (kehoach.xlsx) and Parquet copies of the CSV tables.

Cells are written as text unless the column is numeric by contract, so that
Excel never turns ``1.1`` into a date; values that would start a formula
(``=``, ``+``, ``-``, ``@``) are text cells too, never formulas.
"""
from __future__ import annotations

import csv
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .writers import EXCEL_MAX_COLS, EXCEL_MAX_ROWS, atomic_path

if TYPE_CHECKING:
    import pandas as pd

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


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    import pandas as pd
    found = {}
    for name in TABLE_ORDER:
        p = out / f"{name}.csv"
        if p.exists():
            found[name] = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return found


def write_formats(out: Path, formats: tuple[str, ...]) -> list[Path]:
    written = []
    if "xlsx" in formats:
        written.append(write_xlsx(out / "kehoach.xlsx", out))
    if "parquet" in formats:
        for name, df in _tables(out).items():
            path = out / f"{name}.parquet"
            with atomic_path(path) as tmp:
                _typed(df).to_parquet(tmp, index=False)
            written.append(path)
    return written


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd
    df = df.copy()
    for c in df.columns:
        if c in NUMERIC:
            df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce")
    return df


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def _data_rows(path: Path) -> int:
    """Rows below the header. Every row ends a line, so the line count is an
    upper bound: the file is parsed only when that bound is over Excel's limit."""
    with open(path, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
    if lines <= EXCEL_MAX_ROWS:
        return -1  # fits; counted while writing
    return sum(1 for _ in _csv_rows(path)) - 1


def sheet_layout(name: str, columns: list[str], head: list[list[str]]) -> tuple[list[float], list[int], set[int]]:
    """(column widths from the header and the first rows, text styles, numeric columns)."""
    from .xlsx import GREEN, TEXT
    widths = [min(60, max(8, max([len(c)] + [len(r[j]) for r in head if j < len(r)]) + 2))
              for j, c in enumerate(columns)]
    styles = [GREEN if name == "comparison" and c.endswith("covered") else TEXT for c in columns]
    return widths, styles, {j for j, c in enumerate(columns) if c in NUMERIC}


def too_large(rows: int, columns: int) -> bool:
    return rows + 1 > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLS


def readme_rows(counts: dict[str, int], notes: list[str]) -> list[list]:
    rows: list[list] = [["sheet", "what it holds", "rows"]]
    for name, n in counts.items():
        big = any(x.startswith(f"{name}: ") for x in notes)
        rows.append([name, DESCRIPTIONS.get(name, ""), f"{n} (not in this workbook)" if big else n])
    return rows + [["note", n, ""] for n in notes]


def add_csv_sheet(wb, name: str, path: Path, counts: dict[str, int], notes: list[str]) -> None:
    """The sheet of one CSV table, or a note when it is too large for Excel."""
    rows = _csv_rows(path)
    columns = next(rows, [])
    n = _data_rows(path)
    if too_large(n, len(columns)):
        n = counts[name] = n if n >= 0 else sum(1 for _ in rows)
        notes.append(f"{name}: {n} rows — too large for Excel, see {name}.csv")
        return
    head = list(islice(rows, 200))
    widths, styles, numeric = sheet_layout(name, columns, head)
    counts[name] = wb.add_sheet(name[:31], chain([columns], head, rows), widths=widths, header=True,
                                styles=styles, numeric=numeric, freeze=True) - 1


def write_xlsx(path: Path, out: Path) -> Path:
    """kehoach.xlsx from the run's CSV files, streamed (see emit/xlsx.py)."""
    from .xlsx import GENERAL, XlsxWriter

    counts: dict[str, int] = {}
    notes: list[str] = []
    with atomic_path(path) as tmp:
        wb = XlsxWriter(tmp)
        for name in TABLE_ORDER:
            p = out / f"{name}.csv"
            if p.exists():
                add_csv_sheet(wb, name, p, counts, notes)
        wb.add_sheet("README", readme_rows(counts, notes), widths=[18, 100], styles=[GENERAL] * 3)
        wb.close(["README"] + TABLE_ORDER)
    return path


def _xl_value(column: str, value: str):
    from .xlsx import number
    return number(value) if column in NUMERIC else value
