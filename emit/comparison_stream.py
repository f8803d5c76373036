"""comparison.csv and comparison_long.csv of an archive, in bounded memory.

:func:`emit.comparison.compare` holds a run's tasks in memory, which is fine for
a notebook and not for 10,000 plans. Here tasks.csv and mentions.csv are read
as streams grouped by document (a run writes them in document order), each
document's cells are computed with the same functions, and the cells wait in a
temporary SQLite table until every row of the comparison can be written, row
by row. Memory holds one document's tasks and one row of the comparison.

Tables not in document order (edited by hand, concatenated) fall back to the
in-memory comparison, which gives the same files.
"""
from __future__ import annotations

import csv
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from .comparison import (BASE_COLUMNS, CELL_FIELDS, LONG_COLUMNS, _CELL_COLUMNS, comparison_rows,
                         document_cells, row_key, support_map)
from .writers import CsvTable

_DOC_COLUMNS = ("doc_id", "status", "implements", "locality", "issuer")
_MENTION_COLUMNS = ("doc_id", "task_id", "role", "agency_type")
_CELL_VALUES = LONG_COLUMNS[LONG_COLUMNS.index("covered"):]


class Unordered(Exception):
    """tasks.csv or mentions.csv does not list documents in documents.csv order."""


def _records(path: Path, columns: Iterable[str]) -> Iterator[dict[str, str]]:
    """Rows of a run's CSV as dicts of ``columns`` (missing columns: "")."""
    if not path.exists():
        return
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        at = [(c, header.index(c) if c in header else None) for c in columns]
        for row in reader:
            yield {c: (row[i] if i is not None and i < len(row) else "") for c, i in at}


def _by_document(records: Iterator[dict[str, str]], order: dict[str, int]) -> Iterator[list[dict[str, str]]]:
    """For each document of ``order`` in turn, its records, which must come in
    that order; records of documents not in ``order`` are skipped."""
    pending = next(records, None)
    for doc_id, i in order.items():
        group = []
        while pending is not None:
            at = order.get(pending["doc_id"], -1)
            if at > i:
                break
            if at == i:
                group.append(pending)
            elif at >= 0:
                raise Unordered(pending["doc_id"])
            pending = next(records, None)
        yield group
    if pending is not None and order.get(pending["doc_id"], -1) >= 0:
        raise Unordered(pending["doc_id"])


def _labels(docs: list[dict[str, str]]) -> list[str]:
    names = [d["locality"] or d["issuer"] or d["doc_id"] for d in docs]
    counts = Counter(names)
    return [f"{n} ({d['doc_id']})" if counts[n] > 1 else n for n, d in zip(names, docs)]


def write_streamed(out: Path) -> list[Path]:
    """Write comparison.csv and comparison_long.csv from the tables in ``out``."""
    docs = [d for d in _records(out / "documents.csv", _DOC_COLUMNS) if d["status"] != "failed"]
    order = {d["doc_id"]: i for i, d in enumerate(docs)}
    if len(order) != len(docs):
        raise Unordered("a doc_id appears twice in documents.csv")
    labels = _labels(docs)
    with tempfile.TemporaryDirectory(prefix="kehoach-cmp-") as tmp:
        db = sqlite3.connect(Path(tmp) / "cells.sqlite")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"CREATE TABLE cells (row TEXT, doc INT, {', '.join(f'c{i} TEXT' for i in range(len(_CELL_VALUES)))})")
        tasks = _by_document(_records(out / "tasks.csv", _CELL_COLUMNS), order)
        mentions = _by_document(_records(out / "mentions.csv", _MENTION_COLUMNS), order)
        decisions = []
        insert = f"INSERT INTO cells VALUES (?, ?, {', '.join('?' * len(_CELL_VALUES))})"
        for i, (doc, doc_tasks, doc_mentions) in enumerate(zip(docs, tasks, mentions)):
            support = support_map((m["doc_id"], m["task_id"], m["role"], m["agency_type"]) for m in doc_mentions)
            symbol, part = document_cells(doc["implements"], doc_tasks, support)
            decisions.append(symbol)
            db.executemany(insert, [("\x1f".join(row_key(r)), i, *(c[f] for f in _CELL_VALUES)) for r, c in part])
        db.execute("CREATE INDEX by_row ON cells (row, doc)")
        rows = comparison_rows(zip(decisions, (d["implements"] for d in docs)))
        wide_path, long_path = out / "comparison.csv", out / "comparison_long.csv"
        wide = CsvTable(wide_path, BASE_COLUMNS + [f"{label} {f}" for label in labels for f in CELL_FIELDS])
        long = CsvTable(long_path, LONG_COLUMNS)
        try:
            for row in rows:
                base = {"ref_decision": row.decision, "ref_task": row.code, "title": row.title,
                        "row_kind": row.kind}
                line = [row.decision, row.code, row.title, "yes" if row.is_group else "no", row.kind]
                cells = [""] * (len(docs) * len(CELL_FIELDS))
                found = db.execute("SELECT * FROM cells WHERE row=? ORDER BY doc", ("\x1f".join(row_key(row)),))
                for _, i, *values in found:
                    cell = dict(zip(_CELL_VALUES, values))
                    cells[i * len(CELL_FIELDS):(i + 1) * len(CELL_FIELDS)] = [cell[f] for f in CELL_FIELDS]
                    long.write([{**base, "doc_id": docs[i]["doc_id"], "locality": docs[i]["locality"], **cell}])
                wide.write_list(line + cells)
        except BaseException:
            wide.close(commit=False)
            long.close(commit=False)
            db.close()
            raise
        wide.close()
        long.close()
        db.close()
    return [wide_path, long_path]
