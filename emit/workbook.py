"""The workbook (kehoach.xlsx) and Parquet copies of the CSV tables.

Cells are written as text unless the column is numeric by contract, so that
Excel never turns ``1.1`` into a date; values that would start a formula
(``=``, ``+``, ``-``, ``@``) are text cells too, never formulas.
"""
from __future__ import annotations

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


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    found = {}
    for name in TABLE_ORDER:
        p = out / f"{name}.csv"
        if p.exists():
            found[name] = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return found


def write_formats(out: Path, formats: tuple[str, ...]) -> list[Path]:
    tables = _tables(out)
    written = []
    if "xlsx" in formats:
        written.append(write_xlsx(out / "kehoach.xlsx", tables))
    if "parquet" in formats:
        for name, df in tables.items():
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


def write_xlsx(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append(["sheet", "what it holds", "rows"])
    notes = []
    for name, df in tables.items():
        if len(df) + 1 > EXCEL_MAX_ROWS or len(df.columns) > EXCEL_MAX_COLS:
            notes.append(f"{name}: {len(df)} rows — too large for Excel, see {name}.csv")
            readme.append([name, DESCRIPTIONS.get(name, ""), f"{len(df)} (not in this workbook)"])
            continue
        readme.append([name, DESCRIPTIONS.get(name, ""), len(df)])
        ws = wb.create_sheet(name[:31])
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            ws.append([_xl_value(c, v) for c, v in zip(df.columns, row)])
        for i, _ in enumerate(df.columns, 1):
            for cell in ws.iter_cols(min_col=i, max_col=i, min_row=2):
                for c in cell:
                    if isinstance(c.value, str):
                        c.data_type = "s"
                        c.number_format = "@"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(df.columns, 1):
            longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
        if name == "comparison":
            _colour_coverage(ws, PatternFill)
    for n in notes:
        readme.append(["note", n, ""])
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 100
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _xl_value(column: str, value: str):
    if column in NUMERIC and value != "":
        try:
            f = float(value)
            return int(f) if f.is_integer() else f
        except ValueError:
            return value
    return value


def _colour_coverage(ws, fill_cls) -> None:
    yes = fill_cls("solid", start_color="C6EFCE")
    no = fill_cls("solid", start_color="FFC7CE")
    header = [c.value for c in ws[1]]
    for j, h in enumerate(header, 1):
        if not str(h).endswith("covered"):
            continue
        for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            for c in row:
                c.fill = yes if c.value in ("yes", "True", "1") else no
