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
from .engines import Config, failed_payload, make_engine, process_item
from .inputs import InputFile, assign_ids, expand
from .outputs import RunOutputs, relabel_part
from .writers import relabel_csv


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


def _count(payload: dict, summary: RunSummary) -> None:
    summary.documents += 1
    summary.tasks += payload["n_tasks"]
    summary.mentions += payload["n_mentions"]
    summary.times_unread += payload["unread"]
    status = payload["document"]["status"]
    setattr(summary, status, getattr(summary, status) + 1)


_DOC_ID = 0  # doc_id is the first column of all three tables
_SOURCE_PATH = tables.DOCUMENT_COLUMNS.index("source_path")


def _relabel(payload: dict, item: InputFile) -> dict:
    """A cached result under this run's doc_id and source path."""
    d = payload["document"]
    if d["doc_id"] == item.doc_id and d["source_path"] == item.source_path:
        return payload
    docs, tasks, mentions = payload["csv"]
    text = [relabel_csv(docs, {_DOC_ID: item.doc_id, _SOURCE_PATH: item.source_path}),
            relabel_csv(tasks, {_DOC_ID: item.doc_id}), relabel_csv(mentions, {_DOC_ID: item.doc_id})]
    d = {**d, "doc_id": item.doc_id, "source_path": item.source_path}
    return {**payload, "document": d, "csv": text, "xml": None, "cmp": relabel_part(payload["cmp"], item.doc_id)}


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
    outputs = RunOutputs(out, xlsx="xlsx" in formats)
    try:
        for name in missing:
            payload = failed_payload(InputFile(Path(name), name, Path(name).stem or name), "file not found")
            outputs.add(payload)
            _count(payload, summary)
        todo: list[InputFile] = []
        shas: dict[str, str] = {}
        ready: set[str] = set()  # doc_ids whose result is cached, read when their turn comes
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
                ready.add(item.doc_id)
            else:
                todo.append(item)
        eng = make_engine(engine, config, workers, timeout, scheduler, len(todo)) if todo else None
        results = eng.map(todo) if eng else iter(())
        try:
            for item in items:
                hit = store.get(shas[item.doc_id]) if item.doc_id in ready else None
                if hit is not None:
                    payload = _relabel(hit, item)
                    summary.cached += 1
                else:
                    if item.doc_id in ready:  # gone from the cache meanwhile: process it here
                        payload = process_item(item, config)
                    else:
                        got, payload = next(results)
                        assert got is item
                    if store is not None and payload["cacheable"] and item.doc_id in shas:
                        store.put(shas[item.doc_id], payload)
                outputs.add(payload)
                _count(payload, summary)
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
    if store:
        store.close()
    summary.files += outputs.close(commit=True, finish=not summary.interrupted)
    if summary.interrupted:
        return summary
    if "parquet" in formats:
        from .workbook import write_formats
        summary.files += write_formats(out, ("parquet",))
    summary.seconds = time.perf_counter() - start
    return summary


def count_inputs(inputs: list[str]) -> int:
    files, missing = expand(inputs)
    return len(files) + len(missing)
