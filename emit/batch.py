"""A batch run: every input file → one documents.csv row, its tasks and
mentions, and the tables built from them.

Each document is processed in isolation (by the engine chosen: this process,
a local pool, a Dask cluster): whatever goes wrong with one file becomes its
``failed`` row and the batch goes on. Rows are streamed to the CSV files in
input order, so memory does not grow with the corpus; the files are renamed
into place at the end, so an interrupted run never leaves half a table.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from extract.model import Document
from extract.reader import path_text, read_plan
from normalize.pipeline import Pipeline

from . import tables
from .cache import ResultCache, decode_payload, pipeline_version
from .comparison_stream import ComparisonBuilder
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
    up_to_date: bool = False  # nothing changed since the last run: no file rewritten
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the run itself (a damaged cache replaced)

    COUNTS = ("documents", "ok", "partial", "failed", "tasks", "mentions", "times_unread")

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in self.COUNTS}

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        if self.up_to_date:
            return (f"{self.documents} documents unchanged ({self.ok} ok, {self.partial} partial, "
                    f"{self.failed} failed; {self.tasks} tasks, {self.mentions} mentions): outputs up to "
                    f"date, nothing rewritten ({self.seconds:.1f}s; --force rebuilds) → {self.out_dir}")
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
    comparison: ComparisonBuilder = field(default_factory=ComparisonBuilder)

    def __post_init__(self):
        self.docs = CsvTable(self.out / "documents.csv", tables.DOCUMENT_COLUMNS)
        self.tasks = CsvTable(self.out / "tasks.csv", tables.TASK_COLUMNS)
        self.mentions = CsvTable(self.out / "mentions.csv", tables.MENTION_COLUMNS)

    def add(self, payload: dict, summary: RunSummary) -> None:
        d = payload["document"]
        self.docs.write([d])
        self.tasks.write_rendered(d["doc_id"], payload["tasks"])
        self.mentions.write_rendered(d["doc_id"], payload["mentions"])
        self.side.add(payload["agencies"], payload["review"], d["doc_id"])
        self.comparison.add(d, payload.get("comparison"))
        summary.documents += 1
        summary.tasks += len(payload["tasks"])
        summary.mentions += len(payload["mentions"])
        summary.times_unread += payload["unread"]
        setattr(summary, d["status"], getattr(summary, d["status"]) + 1)

    def close(self, commit: bool) -> list[Path]:
        """Publish the streamed tables and the side tables (``commit``) or drop them."""
        for t in (self.docs, self.tasks, self.mentions):
            t.close(commit=commit)
        if not commit:
            self.comparison.close()
            return []
        return [self.docs.path, self.tasks.path, self.mentions.path] + self.side.write(self.out)

    def counted(self) -> dict[str, int]:
        """The rows of the streamed tables, as written (the workbook needs them first)."""
        return {"documents": self.docs.rows, "tasks": self.tasks.rows, "mentions": self.mentions.rows}

    def write_comparison(self) -> list[Path]:
        try:
            return self.comparison.write(self.out)
        finally:
            self.comparison.close()


def _relabel(payload: dict, item: InputFile) -> dict:
    """A cached result under this run's doc_id and source path."""
    d = {**payload["document"], "doc_id": item.doc_id, "source_path": item.source_path}
    return {**payload, "document": d}  # task and mention rows take the doc_id when written


def run(inputs: list[str], out_dir: str | Path, *, aliases: str | None = None,
        steps: tuple[str, ...] | None = None, formats: tuple[str, ...] = ("csv", "xlsx"),
        engine: str = "local", workers: int | None = None, timeout: float | None = 300.0,
        scheduler: str | None = None, cache: str | Path | None = None, force: bool = False,
        progress: Callable[[int], object] | None = None,
        stage: Callable[[str], object] | None = None,
        planned: Callable[[int], object] | None = None) -> RunSummary:
    """Process ``inputs`` (files, folders, globs) and write the tables to ``out_dir``.

    ``cache`` is an SQLite file of earlier results (None: no cache); with
    ``force`` every file is processed again. ``planned`` is told how many
    inputs were found, once they are listed (a progress bar's total, without
    listing an archive twice); ``progress`` of each document done; ``stage`` of
    what follows the documents (the comparison and the workbook, which take a
    while on an archive).
    """
    start = time.perf_counter()
    _refuse_inside_writer()
    out = Path(out_dir)
    check_out_dir(out)
    files, missing = expand(inputs, out)
    items = assign_ids(files)
    if planned:
        planned(len(files) + len(missing))
    config = Config(aliases=str(aliases) if aliases else None, steps=tuple(steps) if steps else None)
    summary = RunSummary(out)
    if not files and not missing:  # an empty folder, say: not an error, but surely not what was meant
        summary.warnings.append(f"no files found in {', '.join(path_text(Path(i)) for i in inputs)}")
    store = None
    if cache is not None:
        alias_bytes = Path(aliases).read_bytes().hex() if aliases else ""
        store = ResultCache(Path(cache), pipeline_version(f"{config.steps}|{alias_bytes}"))
    try:
        try:
            plan = _plan(items, store, force)
        except sqlite3.DatabaseError as e:  # damage that opening the cache did not show
            store.replace(e)
            plan = _plan(items, store, force)
    except KeyboardInterrupt:  # while hashing: nothing written yet, earlier outputs stay
        if store:
            store.close()
        summary.interrupted = True
        summary.seconds = time.perf_counter() - start
        return summary
    if store is not None and store.replaced:
        summary.warnings.append(store.replaced)
    if store is not None and not force and not plan.todo:
        last = store.last_run(out, _run_key(store, out, items, plan.shas, missing, formats))
        if last is not None:
            store.close()
            for k, v in last.items():
                setattr(summary, k, v)
            summary.cached, summary.up_to_date = len(items), True
            summary.seconds = time.perf_counter() - start
            if progress:
                progress(len(items) + len(missing))
            return summary
    writer = _early_writer(out, formats, len(items) + len(missing))
    outputs = _Outputs(out)
    try:
        for name in missing:
            outputs.add(failed_payload(InputFile(Path(name), name, Path(name).stem or name), "file not found"),
                        summary)
        eng = make_engine(engine, config, workers, timeout, scheduler, len(plan.todo)) if plan.todo else None
        results = eng.map(plan.todo) if eng else iter(())
        again = _Again(config, timeout)
        try:
            for item in items:
                payload = store.get(plan.shas[item.doc_id]) if item.doc_id in plan.cached else None
                if payload is not None:
                    payload = _relabel(payload, item)
                    summary.cached += 1
                else:
                    if item.doc_id in plan.cached:  # a damaged entry, or the cache failed
                        blob = again(item)
                    else:
                        got, blob = next(results)
                        assert got is item
                    payload = decode_payload(blob)
                    if store is not None:
                        plan.learn(item, payload, store)  # the worker's hash of a file not hashed here
                        if payload["cacheable"] and item.doc_id in plan.shas:
                            store.put(plan.shas[item.doc_id], blob)
                outputs.add(payload, summary)
                if progress:
                    progress(1)
        finally:
            again.close()
            if eng:
                eng.close()
    except KeyboardInterrupt:
        summary.interrupted = True
    except BaseException:
        outputs.close(commit=False)
        if store:
            store.close()
        if writer:
            writer.stop()
        raise
    finally:
        summary.seconds = time.perf_counter() - start
    try:
        summary.files += outputs.close(commit=True)
        if summary.interrupted:  # the comparison needs every document
            outputs.comparison.close()
            return summary
        if stage:
            stage(tail_label(formats))
        summary.files += _comparison_and_formats(outputs, formats, writer)
        if store:
            store.record_run(out, _run_key(store, out, items, plan.shas, missing, formats), summary.counts(),
                             summary.files)
    finally:
        if store:
            store.close()
            if store.broken:
                summary.warnings.append(store.broken)
        if writer:
            writer.stop()
    summary.seconds = time.perf_counter() - start
    return summary


def _refuse_inside_writer() -> None:
    """The workbook process is spawned, so it imports the script that started
    the batch; a script that runs a batch at import would start another batch
    there, on the same cache and files."""
    import multiprocessing as mp

    from .workbook import WRITER_NAME
    if mp.current_process().name == WRITER_NAME:
        raise RuntimeError("kehoach's workbook process imported the script that started the batch, "
                           "and the script runs a batch when imported: put that call under "
                           "`if __name__ == \"__main__\":` (the batch is being finished without this process)")


def check_out_dir(out: Path) -> None:
    """Create the output folder; ValueError, before any work, for one that
    cannot be used: its path is not UTF-8 (Arrow and the workbook writer open
    files by UTF-8 names only; input names need not be), or it cannot be
    created or written to."""
    resolved = Path(out).resolve()
    if path_text(resolved) != str(resolved):
        raise ValueError(f"the output folder's path is not valid UTF-8 ({path_text(resolved)}): choose another")
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=resolved):
            pass
    except OSError as e:
        raise ValueError(f"cannot write to the output folder {resolved}: {e.strerror or e}") from None


def tail_label(formats: tuple[str, ...]) -> str:
    """What a run writes once every document is read: ``writing the comparison, kehoach.xlsx``."""
    names = {"xlsx": "kehoach.xlsx", "parquet": "Parquet"}
    return "writing " + ", ".join(["the comparison"] + [names[f] for f in formats if f in names])


class _Again:
    """Documents whose stored result cannot be used after all (a damaged entry,
    a cache that failed during the run), processed in a worker of their own
    under the run's ``timeout``; started when first needed (rarely)."""

    def __init__(self, config: Config, timeout: float | None):
        self.config, self.timeout, self.engine = config, timeout, None

    def __call__(self, item: InputFile) -> bytes:
        if self.engine is None:
            self.engine = make_engine("local", self.config, 1, self.timeout, None, 1)
        return next(iter(self.engine.map([item])))[1]

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()


# Tables smaller than this get their workbook in this process: a second
# process costs about a second to start, which only pays off on archives.
FORMATS_PROCESS_BYTES = 8 << 20
# A run of this many documents starts that process at once, so that it has
# imported its libraries by the time the tables are complete (their size is
# then known: below FORMATS_PROCESS_BYTES it is sent away unused).
FORMATS_PROCESS_DOCS = 1000


def _early_writer(out: Path, formats: tuple[str, ...], documents: int):
    if documents < FORMATS_PROCESS_DOCS or not set(formats) & {"xlsx", "parquet"}:
        return None
    return _formats_process(out)


def _formats_process(out: Path):
    from .workbook import FormatsProcess
    try:
        return FormatsProcess(out)
    except (AssertionError, OSError, RuntimeError):  # e.g. run() inside a daemonic worker process
        return None


def _comparison_and_formats(outputs: _Outputs, formats: tuple[str, ...], writer=None) -> list[Path]:
    """The comparison tables, then kehoach.xlsx/Parquet. For an archive the
    workbook is written by a second process (``writer``, when one was started
    early) while this one writes the comparison (the workbook's comparison
    sheets wait for it)."""
    from .workbook import write_formats

    extra = tuple(f for f in formats if f in ("xlsx", "parquet"))
    size = sum(t.path.stat().st_size for t in (outputs.docs, outputs.tasks, outputs.mentions))
    if not extra or size < FORMATS_PROCESS_BYTES:
        if writer:
            writer.stop()
        writer = None
    elif writer is None:
        writer = _formats_process(outputs.out)
    if writer is None:
        files = outputs.write_comparison()
        return files + (write_formats(outputs.out, extra, rows=outputs.counted()) if extra else [])
    from .workbook import WriterGone
    files = None
    try:
        writer.start(extra, outputs.comparison.pending_tables(), outputs.counted())
        files = outputs.write_comparison()
        writer.release()
        return files + writer.join()
    except WriterGone:  # it never started, or was killed: write its files here (stop() removes its leftovers)
        if files is None:
            files = outputs.write_comparison()
        return files + write_formats(outputs.out, extra, rows=outputs.counted())
    finally:
        writer.stop()


@dataclass
class _Plan:
    """What a run does with its inputs: the files to process, the sha256 of
    each input known so far, the doc_ids whose result is cached, and the files
    whose content is hashed by the worker that reads them (doc_id → their
    :meth:`~emit.cache.ResultCache.file_state`)."""

    todo: list[InputFile] = field(default_factory=list)
    shas: dict[str, str] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)
    unhashed: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def learn(self, item: InputFile, payload: dict, store: ResultCache) -> None:
        """Take the sha256 of an unhashed file from its result (the worker
        hashed the bytes it read) and remember it for the next run."""
        state = self.unhashed.pop(item.doc_id, None)
        sha = payload["document"].get("sha256") if state else None
        if sha:
            self.shas[item.doc_id] = sha
            store.remember(state, sha)


def _plan(items: list[InputFile], store: ResultCache | None, force: bool) -> _Plan:
    """Which inputs to process. Each is hashed to look up its result, unless no
    result could be found anyway (a new cache, ``force``): then the worker's
    hash of what it reads is taken instead, and processing starts at once."""
    plan = _Plan()
    if store is None:
        plan.todo = list(items)
        return plan
    lookup = not force and store.has_results()
    for item in items:
        try:
            if not lookup:
                plan.unhashed[item.doc_id] = store.file_state(item.path, item.real_path)
            else:
                sha = plan.shas[item.doc_id] = store.sha_for(item.path, item.real_path)
                if store.has(sha):
                    plan.cached.add(item.doc_id)
                    continue
        except OSError:  # processed, so that its error is recorded
            pass
        plan.todo.append(item)
    return plan


def _run_key(store: ResultCache, out: Path, items: list[InputFile], shas: dict[str, str],
             missing: list[str], formats: tuple[str, ...]) -> str:
    """What a run's outputs depend on: the pipeline version, the formats, the
    output folder and every input's id, path and content."""
    parts = [store.version, sorted(formats), str(out.resolve()), missing,
             [(i.doc_id, i.source_path, shas.get(i.doc_id, "")) for i in items]]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
