"""Where documents are processed: in this process, in a local process pool,
or on a Dask cluster. Every engine runs the same per-document function and
yields results in input order, so the tables do not depend on the engine.
"""
from __future__ import annotations

import gc
import os
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Iterator

from extract.html_text import HTML_SUFFIXES
from extract.ingest import TEXT_SUFFIXES
from extract.model import Document

from . import tables
from .cache import encode_payload
from .inputs import InputFile
from .comparison_stream import document_part
from .side import side_rows
from .writers import render_rows


@dataclass(frozen=True)
class Config:
    """What a worker needs to build its pipeline (picklable)."""

    aliases: str | None = None
    steps: tuple[str, ...] | None = None


_PIPELINES: dict[Config, object] = {}


def pipeline_for(config: Config):
    """One pipeline per process and config: building it (gazetteer, spaCy
    matchers) costs about a second, so workers keep theirs."""
    p = _PIPELINES.get(config)
    if p is None:
        from normalize.pipeline import Pipeline
        p = _PIPELINES[config] = Pipeline(aliases=config.aliases, steps=config.steps)
    return p


def payload_of(doc: Document, cacheable: bool = True) -> dict:
    """One document's result as it crosses processes and sits in the cache: its
    documents row, its task and mention rows already rendered as CSV text
    (without the doc_id column), and its agency and review rows."""
    drow, trows, mrows = tables.rows_of(doc)
    agencies, review = side_rows(doc)
    part = None if doc.status == "failed" else document_part(doc.doc_id, drow["implements"], trows, mrows)
    return {"document": drow, "tasks": render_rows(trows, tables.TASK_COLUMNS),
            "mentions": render_rows(mrows, tables.MENTION_COLUMNS), "agencies": agencies,
            "review": review, "comparison": part,
            "unread": sum(1 for t in doc.tasks if not t.time_parsed), "cacheable": cacheable}


def process_item(item: InputFile, config: Config) -> bytes:
    """Extract and normalize one file into its table rows, encoded
    (:func:`~emit.cache.encode_payload`); never raises."""
    from .batch import process
    doc = process(item, pipeline_for(config))
    internal = any(e.startswith("internal error") for e in doc.errors)
    return encode_payload(payload_of(doc, cacheable=not internal))


def failed_payload(item: InputFile, reason: str) -> dict:
    doc = Document(item.doc_id, item.source_path)
    doc.fail(reason)
    return payload_of(doc, cacheable=False)


def _failed(item: InputFile, reason: str) -> bytes:
    return encode_payload(failed_payload(item, reason))


class SerialEngine:
    name = "serial"

    def __init__(self, config: Config):
        self.config = config

    def map(self, items: Iterable[InputFile]) -> Iterator[tuple[InputFile, dict]]:
        for item in items:
            yield item, process_item(item, self.config)

    def close(self) -> None:
        pass


# Small text files go to the pool several at a time: one round trip (pickling,
# pipes, pebble's bookkeeping) per few documents instead of per document.
CHUNK_DOCS = 8
CHUNK_FILE_BYTES = 256 << 10
_CHUNKABLE = TEXT_SUFFIXES - HTML_SUFFIXES  # a page goes through the HTML parser: alone


class Overtime(BaseException):
    """A document ran past its time in a chunk (not an ``Exception``: the
    per-document ``except Exception`` must not turn it into an internal error)."""


def _overtime(signum, frame):
    raise Overtime


def process_chunk(items: list[InputFile], config: Config, timeout: float | None) -> list[bytes]:
    """Several small text documents in one task, each under its own ``timeout``
    (an alarm in the worker: reading plain text is Python code, which the alarm
    interrupts; the pool's deadline for the whole chunk backs it up)."""
    import signal
    out = []
    previous = signal.signal(signal.SIGALRM, _overtime)
    try:
        for item in items:
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout or 0)  # 0: no alarm
                blob = process_item(item, config)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except Overtime:
                blob = _failed(item, f"timed out after {timeout:g}s")
            out.append(blob)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return out


def _small_text(item: InputFile) -> bool:
    """Whether a file may share a chunk: plain text, small enough to take
    milliseconds (PDF, DOCX and web pages spend time in C code, which an alarm
    may not interrupt)."""
    if item.path.suffix.lower() not in _CHUNKABLE:
        return False
    try:
        return item.path.stat().st_size <= CHUNK_FILE_BYTES
    except OSError:
        return False  # alone, so that its error is its own


def chunked(items: Iterable[InputFile], size: int) -> Iterator[list[InputFile]]:
    """Runs of up to ``size`` small text files, in input order; any other file
    (PDF, DOCX, a large text) alone."""
    run: list[InputFile] = []
    for item in items:
        if size > 1 and _small_text(item):
            run.append(item)
            if len(run) == size:
                yield run
                run = []
            continue
        if run:
            yield run
            run = []
        yield [item]
    if run:
        yield run


class PoolEngine:
    """A local process pool (pebble): a document that exceeds ``timeout``
    seconds has its worker killed and replaced, and becomes a failed row.

    Small text files travel in chunks (:func:`chunked`), sized so that every
    worker gets several; a chunk whose worker dies or misses the deadline is
    done again one document at a time, so only the culprit fails."""

    name = "local"

    def __init__(self, config: Config, workers: int, timeout: float | None, n_items: int = 0):
        from pebble import ProcessPool
        pipeline_for(config)  # built once here, inherited by forked workers
        # The pipeline out of the collector's sight for the run: full collections would
        # walk its objects again and again (and, in a worker, write to its shared pages).
        # This process thaws at close (unless its caller froze objects of its own);
        # each worker freezes what it inherits.
        self._thaw = gc.get_freeze_count() == 0
        if self._thaw:
            gc.collect()
            gc.freeze()
        self.config, self.timeout = config, timeout
        self.chunk = max(1, min(CHUNK_DOCS, n_items // (workers * 4)))
        self.window = max(4, workers * 8)
        self.pool = ProcessPool(max_workers=workers, initializer=gc.freeze)

    def _schedule(self, chunk: list[InputFile]):
        if len(chunk) == 1:
            return self.pool.schedule(process_item, (chunk[0], self.config), timeout=self.timeout)
        # each document's own time, and a margin: the alarms end a hang long before
        deadline = self.timeout * len(chunk) + 5 if self.timeout else None
        return self.pool.schedule(process_chunk, (chunk, self.config, self.timeout), timeout=deadline)

    def _result(self, chunk: list[InputFile], fut) -> list[bytes]:
        from concurrent.futures import TimeoutError as FutureTimeout
        from pebble import ProcessExpired
        try:
            got = fut.result()
            return got if len(chunk) > 1 else [got]
        except Exception as e:
            if len(chunk) > 1:  # one of them hung, crashed the worker or failed: find which
                return [self._result([item], self._schedule([item]))[0] for item in chunk]
            if isinstance(e, ProcessExpired):
                return [_failed(chunk[0], f"worker crashed (exit code {e.exitcode})")]
            if isinstance(e, FutureTimeout):
                return [_failed(chunk[0], f"timed out after {self.timeout:g}s")]
            return [_failed(chunk[0], f"internal error: {type(e).__name__}: {e}")]

    def map(self, items: Iterable[InputFile]) -> Iterator[tuple[InputFile, dict]]:
        pending: deque = deque()
        chunks = chunked(items, self.chunk)
        for chunk in chunks:
            pending.append((chunk, self._schedule(chunk)))
            if len(pending) >= self.window:
                break
        while pending:
            chunk, fut = pending.popleft()
            results = self._result(chunk, fut)
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append((nxt, self._schedule(nxt)))
            yield from zip(chunk, results)

    def close(self) -> None:
        self.pool.stop()
        self.pool.join()
        if self._thaw:
            gc.unfreeze()
            self._thaw = False


class DaskEngine:
    """The same per-document function on Dask distributed: a running
    scheduler (``scheduler`` address) or a LocalCluster started here."""

    name = "dask"

    def __init__(self, config: Config, workers: int, scheduler: str | None, timeout: float | None):
        from distributed import Client, LocalCluster
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        self.config, self.timeout = config, timeout
        self.window = max(8, workers * 16)

    def map(self, items: Iterable[InputFile]) -> Iterator[tuple[InputFile, dict]]:
        pending: deque = deque()
        it = iter(items)

        def submit(item):
            return self.client.submit(process_item, item, self.config, pure=False, key=f"doc-{item.doc_id}-{id(item)}")
        for item in it:
            pending.append((item, submit(item)))
            if len(pending) >= self.window:
                break
        while pending:
            item, fut = pending.popleft()
            try:
                result = fut.result(timeout=self.timeout)
            except Exception as e:
                reason = "timed out" if "imeout" in type(e).__name__ else f"{type(e).__name__}: {e}"
                fut.cancel()
                result = _failed(item, f"dask: {reason}")
            nxt = next(it, None)
            if nxt is not None:
                pending.append((nxt, submit(nxt)))
            yield item, result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def make_engine(name: str, config: Config, workers: int | None, timeout: float | None,
                scheduler: str | None = None, n_items: int = 0):
    workers = workers or default_workers()
    if name == "dask":
        return DaskEngine(config, workers, scheduler, timeout)
    if name == "serial" or (name == "local" and (workers == 1 or n_items <= 2) and not timeout):
        return SerialEngine(config)
    return PoolEngine(config, workers, timeout, n_items)
