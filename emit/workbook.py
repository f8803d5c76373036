"""The workbook (kehoach.xlsx) and Parquet copies of the CSV tables.

Cells are written as text unless the column is numeric by contract, so that
Excel never turns ``1.1`` into a date; values that would start a formula
(``=``, ``+``, ``-``, ``@``) are text cells too, never formulas.

Both are streamed from the CSV files in Arrow record batches. A table can be
*pending*: its header and row count are known, its file is still being written
by another process, and its batches are read once ``ready`` is set — so a
batch writes the workbook in a second process while it writes the comparison.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .writers import EXCEL_MAX_COLS, EXCEL_MAX_ROWS, atomic_path

WORKBOOK = "kehoach.xlsx"
"""The workbook's file name in the output folder."""
TABLE_ORDER = ["documents", "tasks", "mentions", "agencies", "agencies_review",
               "comparison", "comparison_long"]
NUMERIC = {"n_tasks", "task_seq", "line_start", "line_end", "match_score", "ref_score"}
INTEGER = {"n_tasks", "task_seq", "line_start", "line_end"}
DESCRIPTIONS = {
    "documents": "one row per input file: status, header fields, plan period",
    "tasks": "one row per task: numbering, text, lead/support/time as written and normalized, reference task",
    "mentions": "one row per agency named in a lead or support field, with its canonical agency",
    "agencies": "the canonical agencies the run used",
    "agencies_review": "fuzzy or unresolved agency matches to check; fill your_agency_id and pass the file with --aliases",
    "comparison": "reference decision tasks × localities: covered, local task ids, lead agency types",
    "comparison_long": "the comparison in long form",
}


@dataclass
class TableShape:
    """What the workbook needs to know of a table before writing its rows."""

    name: str
    path: Path
    header: list[str]
    rows: int
    head: list[list[str]] = field(default_factory=list)  # first rows, for column widths
    pending: bool = False  # still being written: read after the ``ready`` event


def _tables(out: Path, pending: dict[str, tuple[list[str], int]], rows: dict[str, int]) -> list[TableShape]:
    shapes = []
    for name in TABLE_ORDER:
        path = out / f"{name}.csv"
        if name in pending:
            header, n = pending[name]
            shapes.append(TableShape(name, path, list(header), n, pending=True))
        elif path.exists():
            shapes.append(shape_of(name, path, rows.get(name)))
    return shapes


def write_formats(out: Path, formats: tuple[str, ...], pending: dict[str, tuple[list[str], int]] | None = None,
                  ready=None, rows: dict[str, int] | None = None) -> list[Path]:
    """kehoach.xlsx and/or Parquet files from the CSV tables in ``out``, streamed
    (memory holds a few blocks of one table). ``pending`` tables (name →
    (header, rows)) are read only after ``ready`` (an Event) is set; ``rows``
    gives the row counts of complete tables that their writer knows, which
    are then not counted again (a pass over the file)."""
    out = Path(out)
    tables = _tables(out, pending or {}, rows or {})
    written = []
    if "xlsx" in formats:
        written.append(write_xlsx(out / WORKBOOK, tables, ready))
    if "parquet" in formats:
        for t in tables:
            written.append(write_parquet(t, out / f"{t.name}.parquet", ready if t.pending else None))
    return written


def write_parquet(table: TableShape, path: Path, ready=None) -> Path:
    """One table as Parquet: text columns as strings, numeric ones as numbers."""
    import pyarrow.parquet as pq

    reader = _batches(table.path, table.header, _types(table.header, integers=True), ready=ready)
    with atomic_path(path) as tmp:
        with pq.ParquetWriter(tmp, reader.schema) as w:
            for batch in reader:
                w.write_batch(batch)
    return path


EXCEL_MAX_CELL = 32_767
csv.field_size_limit(2**31 - 1)


def _csv_rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def shape_of(name: str, path: Path, rows: int | None = None) -> TableShape:
    """Header, the first 200 rows and the number of rows of a CSV table: ``rows``
    when the caller knows it, else counted by Arrow on one column."""
    import pyarrow.csv as pacsv

    lines = _csv_rows(path)
    header = next(lines, [])
    head = [row for _, row in zip(range(200), lines)]
    if len(head) < 200 or not header:
        return TableShape(name, path, header, len(head), head)
    if rows is not None:
        return TableShape(name, path, header, rows, head)
    first = pacsv.open_csv(path, parse_options=_arrow_parse(), convert_options=_strings(header[:1]),
                           read_options=_read_options())
    return TableShape(name, path, header, sum(b.num_rows for b in first), head)


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


def _types(header: list[str], integers: bool = False) -> dict:
    """Arrow type of each column: text, or a number for the numeric columns
    (whole numbers as integers for Parquet; Excel has only one number type)."""
    import pyarrow as pa
    return {c: (pa.int64() if integers and c in INTEGER else pa.float64()) if c in NUMERIC else pa.string()
            for c in header}


def write_xlsx(path: Path, tables: list[TableShape], ready=None) -> Path:
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
    for t in tables:
        if t.rows + 1 > EXCEL_MAX_ROWS or len(t.header) > EXCEL_MAX_COLS:
            readme.append({"sheet": t.name, "what it holds": DESCRIPTIONS.get(t.name, ""),
                           "rows": f"{t.rows} (too large for Excel, see {t.name}.csv)"})
            continue
        readme.append({"sheet": t.name, "what it holds": DESCRIPTIONS.get(t.name, ""), "rows": t.rows})
        sheets.append(t)
    with atomic_path(path) as tmp:
        book = FastExcel(str(tmp))
        book.sheet("README", readme or _empty(["sheet", "what it holds", "rows"]),
                   header_format=bold, column_widths=[18, 100, 40])
        for t in sheets:
            text_like = [c for c in t.header if c not in NUMERIC]
            data = _batches(t.path, t.header, _types(t.header), cut=True, ready=ready if t.pending else None)
            book.sheet(
                t.name[:31], data if t.rows else _empty(t.header),
                header_format=bold, autofilter=True, column_widths=_widths(t.header, t.head),
                conditional_formats={c: covered_rules for c in t.header
                                     if t.name == "comparison" and c.endswith("covered")} or None,
                # ids such as 1.1 or 0012 are text on purpose: no green triangles
                ignore_errors=text_like or None,
            )
        book.freeze(row=1)
        book.save()
    return path


def _empty(columns: list[str]):
    """A sheet with its header and no rows (a generator of no dicts has no
    header): an empty Arrow stream, which needs no pandas (0.5 s to import)."""
    import pyarrow as pa
    return pa.RecordBatchReader.from_batches(pa.schema([pa.field(c, pa.string()) for c in columns]), [])


def _widths(header: list[str], head: list[list[str]]) -> list[float]:
    return [min(60, max(8, max([len(c)] + [len(r[i]) for r in head if i < len(r)]) + 2))
            for i, c in enumerate(header)]


_NUMBER = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
_WHOLE = r"^\s*[-+]?\d+(\.0*)?\s*$"


def _batches(csv_path: Path, header: list[str], types: dict, *, cut: bool = False, ready=None):
    """A CSV table as a stream of Arrow record batches with ``types``, for the
    writers to read without Python in the loop; empty text cells are null.
    With ``cut``, text is cut to Excel's cell limit (CSV and Parquet keep it
    whole). The file is opened when the first batch is wanted, after ``ready``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    schema = pa.schema([pa.field(c, types[c]) for c in header])
    # pa.scalar(None, …) would import pandas (half a second) to check what None is
    null_text = pa.nulls(1, pa.string())[0]

    def typed(batch):
        cols = []
        for name, col in zip(batch.schema.names, batch.columns):
            if not pa.types.is_string(types[name]):
                # a hand-edited cell that is not a number becomes empty, as
                # pandas' to_numeric(errors="coerce") would: the CSV keeps it
                whole = pa.types.is_integer(types[name])
                number = pc.match_substring_regex(col, _WHOLE if whole else _NUMBER)
                col = pc.cast(pc.if_else(number, col, null_text), pa.float64())
                col = pc.cast(col, types[name]) if whole else col
            elif cut and (pc.max(pc.utf8_length(col)).as_py() or 0) > EXCEL_MAX_CELL:
                col = pc.utf8_slice_codeunits(col, 0, EXCEL_MAX_CELL)
            cols.append(col)
        return pa.RecordBatch.from_arrays(cols, schema=schema)

    def batches():
        if ready is not None:
            ready.wait()
        reader = pacsv.open_csv(
            csv_path, parse_options=_arrow_parse(), read_options=_read_options(),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                 strings_can_be_null=True))
        for b in reader:
            yield typed(b)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _child(out: str, jobs, ready, conn) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle: it stops this
    # the imports and the wait happen while the batch still reads documents
    import pyarrow.csv  # noqa: F401
    import rustpy_xlsxwriter  # noqa: F401
    try:
        formats, pending, rows = jobs.recv()
    except EOFError:  # the batch did not need this process
        return
    try:
        conn.send(("ok", [str(p) for p in write_formats(Path(out), formats, pending, ready, rows)]))
    except BaseException as e:  # reported to the parent, which raises it
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


WRITER_NAME = "kehoach-formats"
"""The name of the process :class:`FormatsProcess` starts."""


class WriterGone(RuntimeError):
    """The workbook process ended without a word (killed, or it could not start)."""


class FormatsProcess:
    """:func:`write_formats` in a fresh process (spawned: it shares none of the
    batch's memory). Started early, it imports its libraries while the batch
    reads documents; :meth:`start` gives it the job once the batch has written
    the streamed tables and knows the shape of the ``pending`` ones,
    :meth:`release` says those are complete, :meth:`join` waits."""

    def __init__(self, out: Path):
        import multiprocessing as mp
        ctx = mp.get_context("spawn")
        self.ready = ctx.Event()
        self._conn, child_conn = ctx.Pipe(duplex=False)
        job_conn, self._jobs = ctx.Pipe(duplex=False)
        self.out = Path(out)
        self.started = False
        self.proc = ctx.Process(target=_child, args=(str(out), job_conn, self.ready, child_conn),
                                name=WRITER_NAME, daemon=True)
        self.proc.start()
        child_conn.close()
        job_conn.close()

    def start(self, formats: tuple[str, ...], pending: dict[str, tuple[list[str], int]],
              rows: dict[str, int] | None = None) -> None:
        try:
            self._jobs.send((formats, pending, rows))
        except OSError:  # BrokenPipeError: the process has ended
            self.proc.join()
            raise WriterGone(f"the workbook writer stopped (exit code {self.proc.exitcode})") from None
        self.started = True

    def release(self) -> None:
        self.ready.set()

    def join(self) -> list[Path]:
        try:
            status, value = self._conn.recv()
        except EOFError:
            self.proc.join()
            raise WriterGone(f"the workbook writer stopped (exit code {self.proc.exitcode})") from None
        self.proc.join()
        if status != "ok":
            raise RuntimeError(f"writing the workbook failed: {value}")
        return [Path(p) for p in value]

    def stop(self) -> None:
        """End the writer if it still runs (the batch failed or was interrupted),
        with the temporary files it leaves; one never given a job has none."""
        self._jobs.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
        if self.started:  # stopped here or killed: its temporary files stay behind
            for tmp in self.out.glob(".*.tmp"):
                if tmp.name.startswith((f".{WORKBOOK}.", *(f".{n}.parquet." for n in TABLE_ORDER))):
                    tmp.unlink(missing_ok=True)
