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
    """Header, the first 200 rows (for column widths) and the number of rows
    (counted by Arrow's multi-threaded reader, on one column)."""
    import pyarrow.csv as pacsv

    rows = _csv_rows(path)
    header = next(rows, [])
    head = [row for _, row in zip(range(200), rows)]
    if len(head) < 200 or not header:
        return header, head, len(head)
    first = pacsv.open_csv(path, parse_options=_arrow_parse(), convert_options=_strings(header[:1]),
                           read_options=_read_options())
    return header, head, sum(b.num_rows for b in first)




def _strings(columns: list[str]):
    """Arrow options that read ``columns`` as text, empty cells as ''."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.ConvertOptions(column_types={c: pa.string() for c in columns}, include_columns=columns,
                                strings_can_be_null=False, quoted_strings_can_be_null=False)


def _read_options():
    """Blocks of 1 MB read one at a time: memory stays a few blocks whatever the
    size of the table (more threads read ahead and hold more)."""
    import pyarrow.csv as pacsv
    return pacsv.ReadOptions(block_size=1 << 20, use_threads=False)


def _arrow_parse():
    import pyarrow.csv as pacsv
    return pacsv.ParseOptions(newlines_in_values=True)


def write_xlsx(path: Path, tables: dict[str, Path]) -> Path:
    """kehoach.xlsx through rustpy-xlsxwriter (rust_xlsxwriter), in its
    constant-memory mode: rows are streamed from the CSV files to disk, so the
    workbook of an archive neither fills memory nor takes minutes."""
    from rustpy_xlsxwriter import FastExcel, Format

    bold = Format().set_bold()
    covered_rules = [
        {"type": "text", "criteria": "begins_with", "value": "yes",
         "format": Format().set_background_color("#C6EFCE")},
        {"type": "text", "criteria": "ends_with", "value": "no",  # "no", not "not aligned"
         "format": Format().set_background_color("#FFC7CE")},
    ]
    readme: list[dict] = []
    sheets = []
    for name, csv_path in tables.items():
        header, head, n = _shape(csv_path)
        if n + 1 > EXCEL_MAX_ROWS or len(header) > EXCEL_MAX_COLS:
            readme.append({"sheet": name, "what it holds": DESCRIPTIONS.get(name, ""),
                           "rows": f"{n} (too large for Excel, see {name}.csv)"})
            continue
        readme.append({"sheet": name, "what it holds": DESCRIPTIONS.get(name, ""), "rows": n})
        sheets.append((name, header, head, n, csv_path))
    with atomic_path(path) as tmp:
        book = FastExcel(str(tmp))
        book.sheet("README", readme or _empty(["sheet", "what it holds", "rows"]),
                   header_format=bold, column_widths=[18, 100, 40])
        for name, header, head, n, csv_path in sheets:
            numeric = [c for c in header if c in NUMERIC]
            text_like = [c for c in header if c not in NUMERIC]
            book.sheet(
                name[:31], _batches(csv_path, header, numeric) if n else _empty(header),
                header_format=bold, autofilter=True, column_widths=_widths(header, head),
                conditional_formats={c: covered_rules for c in header
                                     if name == "comparison" and c.endswith("covered")} or None,
                # ids such as 1.1 or 0012 are text on purpose: no green triangles
                ignore_errors=text_like or None,
            )
        book.freeze(row=1)
        book.save()
    return path


def _empty(columns: list[str]) -> pd.DataFrame:
    """A sheet with its header and no rows (a generator of no dicts has no header)."""
    return pd.DataFrame(columns=columns, dtype=str)


def _widths(header: list[str], head: list[list[str]]) -> list[float]:
    return [min(60, max(8, max([len(c)] + [len(r[i]) for r in head if i < len(r)]) + 2))
            for i, c in enumerate(header)]


def _batches(csv_path: Path, header: list[str], numeric: list[str]):
    """A CSV table as a stream of Arrow record batches, for the writer to read
    without Python in the loop: text columns as text (empty cells null), the
    numeric columns as numbers, cells cut to Excel's limit (the CSV and Parquet
    keep them whole)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    types = {c: (pa.float64() if c in numeric else pa.string()) for c in header}
    reader = pacsv.open_csv(
        csv_path, parse_options=_arrow_parse(), read_options=_read_options(),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True))

    def cut(batch):
        cols = [pc.utf8_slice_codeunits(col, 0, EXCEL_MAX_CELL)
                if pa.types.is_string(col.type) and (pc.max(pc.utf8_length(col)).as_py() or 0) > EXCEL_MAX_CELL
                else col for col in batch.columns]
        return pa.RecordBatch.from_arrays(cols, schema=batch.schema)

    return pa.RecordBatchReader.from_batches(reader.schema, (cut(b) for b in reader))


def _xl_value(column: str, value: str):
    if column in NUMERIC and value != "":
        try:
            f = float(value)
            return int(f) if f.is_integer() else f
        except ValueError:
            return value
    return value
