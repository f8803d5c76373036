"""A batch run: every input file → one documents.csv row, its tasks and
mentions, and the tables built from them.

Each document is processed in isolation (by the engine chosen: this process,
a local pool, a Dask cluster): whatever goes wrong with one file becomes its
``failed`` row and the batch goes on. Rows are streamed to the CSV files in
input order, so memory does not grow with the corpus; the files are renamed
into place at the end, so an interrupted run never leaves half a table.
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
from .cache import ResultCache, pipeline_version
from .comparison import write_comparison_tables
from .engines import Config, failed_payload, make_engine
from .inputs import InputFile, assign_ids, expand
from .side import SideTables
from .writers import CsvTable


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
    cached: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        extra = f", {self.times_unread} times unread" if self.times_unread else ""
        extra += f", {self.cached} from cache" if self.cached else ""
        head = "interrupted after " if self.interrupted else ""
        return (f"{head}{self.documents} documents: {self.ok} ok, {self.partial} partial, "
                f"{self.failed} failed; {self.tasks} tasks, {self.mentions} mentions{extra} "
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


@dataclass
class _Outputs:
    """The streamed tables of one run."""

    out: Path
    docs: CsvTable = None
    tasks: CsvTable = None
    mentions: CsvTable = None
    side: SideTables = field(default_factory=SideTables)

    def __post_init__(self):
        self.docs = CsvTable(self.out / "documents.csv", tables.DOCUMENT_COLUMNS)
        self.tasks = CsvTable(self.out / "tasks.csv", tables.TASK_COLUMNS)
        self.mentions = CsvTable(self.out / "mentions.csv", tables.MENTION_COLUMNS)

    def add(self, payload: dict, summary: RunSummary) -> None:
        d = payload["document"]
        self.docs.write([d])
        self.tasks.write(payload["tasks"])
        self.mentions.write(payload["mentions"])
        self.side.add(payload["agencies"], payload["review"], d["doc_id"])
        summary.documents += 1
        summary.tasks += len(payload["tasks"])
        summary.mentions += len(payload["mentions"])
        summary.times_unread += payload["unread"]
        setattr(summary, d["status"], getattr(summary, d["status"]) + 1)

    def close(self, commit: bool) -> list[Path]:
        for t in (self.docs, self.tasks, self.mentions):
            t.close(commit=commit)
        if not commit:
            return []
        return [self.docs.path, self.tasks.path, self.mentions.path] + self.side.write(self.out)


def _relabel(payload: dict, item: InputFile) -> dict:
    """A cached result under this run's doc_id and source path."""
    d = {**payload["document"], "doc_id": item.doc_id, "source_path": item.source_path}
    t = [{**r, "doc_id": item.doc_id} for r in payload["tasks"]]
    m = [{**r, "doc_id": item.doc_id} for r in payload["mentions"]]
    return {**payload, "document": d, "tasks": t, "mentions": m}


def run(inputs: list[str], out_dir: str | Path, *, aliases: str | None = None,
        steps: tuple[str, ...] | None = None, formats: tuple[str, ...] = ("csv", "xlsx"),
        engine: str = "local", workers: int | None = None, timeout: float | None = 300.0,
        scheduler: str | None = None, cache: str | Path | None = None, force: bool = False,
        progress: Callable[[int], object] | None = None) -> RunSummary:
    """Process ``inputs`` (files, folders, globs) and write the tables to ``out_dir``.

    ``cache`` is an SQLite file of earlier results (None: no cache); with
    ``force`` every file is processed again.
    """
    start = time.perf_counter()
    out = Path(out_dir)
    files, missing = expand(inputs)
    items = assign_ids(files)
    config = Config(aliases=str(aliases) if aliases else None, steps=tuple(steps) if steps else None)
    summary = RunSummary(out)
    store = None
    if cache is not None:
        alias_bytes = Path(aliases).read_bytes().hex() if aliases else ""
        store = ResultCache(Path(cache), pipeline_version(f"{config.steps}|{alias_bytes}"))
    outputs = _Outputs(out)
    try:
        for name in missing:
            outputs.add(failed_payload(InputFile(Path(name), name, Path(name).stem or name), "file not found"),
                        summary)
        todo: list[InputFile] = []
        shas: dict[str, str] = {}
        cached: set[str] = set()  # doc_ids whose result is read from the cache when written
        for item in items:
            if store is None:
                todo.append(item)
                continue
            try:
                sha = store.sha_for(item.path)
            except OSError:
                todo.append(item)
                continue
            shas[item.doc_id] = sha
            if not force and store.has(sha):
                cached.add(item.doc_id)
            else:
                todo.append(item)
        eng = make_engine(engine, config, workers, timeout, scheduler, len(todo)) if todo else None
        results = eng.map(todo) if eng else iter(())
        try:
            for item in items:
                if item.doc_id in cached:
                    payload = _relabel(store.get(shas[item.doc_id]), item)
                    summary.cached += 1
                else:
                    got, payload = next(results)
                    assert got is item
                    if store is not None and payload["cacheable"] and item.doc_id in shas:
                        store.put(shas[item.doc_id], payload)
                outputs.add(payload, summary)
                if progress:
                    progress(1)
        finally:
            if eng:
                eng.close()
    except KeyboardInterrupt:
        summary.interrupted = True
    except BaseException:
        outputs.close(commit=False)
        if store:
            store.close()
        raise
    finally:
        summary.seconds = time.perf_counter() - start
    summary.files += outputs.close(commit=True)
    if store:
        store.close()
    if summary.interrupted:
        return summary
    summary.files += write_comparison_tables(out)
    if "xlsx" in formats or "parquet" in formats:
        from .workbook import write_formats
        summary.files += write_formats(out, formats)
    summary.seconds = time.perf_counter() - start
    return summary


def count_inputs(inputs: list[str]) -> int:
    files, missing = expand(inputs)
    return len(files) + len(missing)
