"""A batch run: every input file → one documents.csv row, its tasks and
mentions, and the tables built from them.

Each document is processed in isolation: whatever goes wrong with one file
becomes its ``failed`` row and the batch goes on.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from extract.model import Document
from extract.reader import read_plan
from normalize.pipeline import Pipeline

from . import tables
from .comparison import write_comparison_tables
from .inputs import InputFile, assign_ids, expand
from .writers import CsvTable, write_csv


@dataclass
class RunSummary:
    out_dir: Path
    documents: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    tasks: int = 0
    mentions: int = 0
    times_unread: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        unread = f", {self.times_unread} times unread" if self.times_unread else ""
        return (f"{self.documents} documents: {self.ok} ok, {self.partial} partial, "
                f"{self.failed} failed; {self.tasks} tasks, {self.mentions} mentions{unread} "
                f"in {self.seconds:.1f}s ({rate:.0f} docs/s) → {self.out_dir}")


def process(item: InputFile, pipeline: Pipeline) -> Document:
    """Extract and normalize one file; never raises."""
    try:
        doc = read_plan(item.path, item.doc_id, item.source_path)
        if doc.status != "failed":
            pipeline(doc)
        return doc
    except Exception as e:  # one bad document must not stop the batch
        doc = Document(item.doc_id, item.source_path)
        where = traceback.extract_tb(e.__traceback__)[-1]
        doc.fail(f"internal error: {type(e).__name__}: {e} ({Path(where.filename).name}:{where.lineno})")
        return doc


def run(inputs: list[str], out_dir: str | Path, *, pipeline: Pipeline | None = None,
        formats: tuple[str, ...] = ("csv", "xlsx"),
        progress: Callable[[int], object] | None = None) -> RunSummary:
    """Process ``inputs`` (files, folders, globs) and write the tables to ``out_dir``."""
    start = time.perf_counter()
    out = Path(out_dir)
    pipeline = pipeline or Pipeline()
    files, missing = expand(inputs)
    items = assign_ids(files)
    summary = RunSummary(out)
    docs_t = CsvTable(out / "documents.csv", tables.DOCUMENT_COLUMNS)
    tasks_t = CsvTable(out / "tasks.csv", tables.TASK_COLUMNS)
    ment_t = CsvTable(out / "mentions.csv", tables.MENTION_COLUMNS)
    opened = [docs_t, tasks_t, ment_t]
    collected: list[tuple[dict, list[dict], list[dict]]] = []
    try:
        for name in missing:
            d = Document(Path(name).stem or name, name)
            d.fail("file not found")
            _add(d, opened, summary, collected)
        for item in items:
            doc = process(item, pipeline)
            _add(doc, opened, summary, collected)
            if progress:
                progress(1)
    except BaseException:
        for t in opened:
            t.close(commit=False)
        raise
    for t in opened:
        t.close()
    summary.files += [t.path for t in opened]
    summary.files += pipeline.write_side_tables(out)
    summary.files += write_comparison_tables(out)
    if "xlsx" in formats or "parquet" in formats:
        from .workbook import write_formats
        summary.files += write_formats(out, formats)
    summary.seconds = time.perf_counter() - start
    return summary


def _add(doc: Document, tables_: list[CsvTable], summary: RunSummary, collected) -> None:
    drow, trows, mrows = tables.rows_of(doc)
    tables_[0].write([drow])
    tables_[1].write(trows)
    tables_[2].write(mrows)
    summary.documents += 1
    summary.tasks += len(trows)
    summary.mentions += len(mrows)
    summary.times_unread += sum(1 for t in doc.tasks if not t.time_parsed)
    setattr(summary, doc.status, getattr(summary, doc.status) + 1)


def count_inputs(inputs: list[str]) -> int:
    files, missing = expand(inputs)
    return len(files) + len(missing)
