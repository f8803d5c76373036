"""comparison.csv and comparison_long.csv of an archive, in bounded memory.

:func:`emit.comparison.compare` holds a run's tasks in memory, which is fine for
a notebook and not for 10,000 plans. Here each compared document contributes
its part — its cell in every comparison row it belongs to (:func:`document_part`,
the same functions as ``compare``) — and the parts wait in a temporary SQLite
table (:class:`ComparisonBuilder`) until every row can be written, one row at
a time. In a batch the workers compute the parts with the document's rows; for
a folder of tables (:func:`write_streamed`) tasks.csv and mentions.csv are read
as streams grouped by document, as a run writes them. Memory holds one
document's tasks, one comparison row and a line per compared document.

Tables not in document order (edited by hand, concatenated) raise
:class:`Unordered`; :func:`emit.comparison.write_comparison_tables` then uses
the in-memory comparison, which gives the same files.
"""
from __future__ import annotations

import csv
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from .comparison import (BASE_COLUMNS, CELL_FIELDS, LONG_COLUMNS, _CELL_COLUMNS, _labels, comparison_rows,
                         document_cells, row_key, support_map)
from .writers import CsvTable, _cell

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


def document_part(doc_id: str, implements: str, tasks: list[dict], mentions: list[dict]
                  ) -> tuple[str, list[tuple[str, list[str]]]]:
    """One document's part of the comparison from its task and mention rows (as
    written to the CSV files): the symbol of its reference ("" when none) and,
    for each comparison row it belongs to, the row's key and the cell values
    (``covered`` … ``adaptation``). Workers compute it with the rows, so the
    batch only gathers parts."""
    recs = [{c: _cell(t.get(c)) for c in _CELL_COLUMNS} | {"doc_id": doc_id} for t in tasks]
    support = support_map((doc_id, _cell(m.get("task_id")), _cell(m.get("role")), _cell(m.get("agency_type")))
                          for m in mentions)
    symbol, part = document_cells(_cell(implements), recs, support)
    return symbol, [(_key(r), [c[f] for f in _CELL_VALUES]) for r, c in part]


def _key(row) -> str:
    return "\x1f".join(row_key(row))


class ComparisonBuilder:
    """Gathers the parts of the compared documents, in input order, in a
    temporary SQLite table, then writes comparison.csv and comparison_long.csv
    one comparison row at a time."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="kehoach-cmp-")
        self.db = sqlite3.connect(Path(self._tmp.name) / "cells.sqlite")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"CREATE TABLE cells (row TEXT, doc INT, "
                        f"{', '.join(f'c{i} TEXT' for i in range(len(_CELL_VALUES)))})")
        self._insert = f"INSERT INTO cells VALUES (?, ?, {', '.join('?' * len(_CELL_VALUES))})"
        self.docs: list[dict[str, str]] = []
        self.decisions: list[str] = []
        self.cells = 0
        self._rows = None

    def add(self, doc: dict, part: tuple[str, list[tuple[str, list[str]]]] | None) -> None:
        """A document's row (doc_id, status, implements, locality, issuer) and part."""
        if doc.get("status") == "failed" or part is None:
            return
        i = len(self.docs)
        self.docs.append({c: _cell(doc.get(c)) for c in _DOC_COLUMNS})
        symbol, cells = part
        self.decisions.append(symbol)
        self.db.executemany(self._insert, [(key, i, *values) for key, values in cells])
        self.cells += len(cells)

    @property
    def rows(self):
        if self._rows is None:
            self._rows = comparison_rows(zip(self.decisions, (d["implements"] for d in self.docs)))
        return self._rows

    def pending_tables(self) -> dict[str, tuple[list[str], int]]:
        """(header, rows) of the two tables, known before they are written."""
        return {"comparison": (self.wide_header(), len(self.rows)),
                "comparison_long": (self.long_header(), self.cells)}

    def wide_header(self) -> list[str]:
        return BASE_COLUMNS + [f"{label} {f}" for label in _labels(self.docs) for f in CELL_FIELDS]

    def long_header(self) -> list[str]:
        return list(LONG_COLUMNS)

    def write(self, out: Path) -> list[Path]:
        docs = self.docs
        self.db.execute("CREATE INDEX IF NOT EXISTS by_row ON cells (row, doc)")
        wide_path, long_path = out / "comparison.csv", out / "comparison_long.csv"
        wide = CsvTable(wide_path, self.wide_header())
        long = CsvTable(long_path, self.long_header())
        width = len(CELL_FIELDS)
        at = [_CELL_VALUES.index(f) for f in CELL_FIELDS]
        try:
            for row in self.rows:
                base = [_cell(v) for v in (row.decision, row.code, row.title, row.kind)]
                cells = [""] * (len(docs) * width)
                lines = []
                for _, i, *values in self.db.execute("SELECT * FROM cells WHERE row=? ORDER BY doc", (_key(row),)):
                    cells[i * width:(i + 1) * width] = [values[a] for a in at]
                    lines.append(base + [docs[i]["doc_id"], docs[i]["locality"]] + values)
                long.write_clean(lines)
                wide.write_clean([base[:3] + ["yes" if row.is_group else "no", base[3]] + cells])
        except BaseException:
            wide.close(commit=False)
            long.close(commit=False)
            raise
        wide.close()
        long.close()
        return [wide_path, long_path]

    def close(self) -> None:
        self.db.close()
        self._tmp.cleanup()


def write_streamed(out: Path) -> list[Path]:
    """Write comparison.csv and comparison_long.csv from the tables in ``out``."""
    docs = list(_records(out / "documents.csv", _DOC_COLUMNS))
    compared = [d for d in docs if d["status"] != "failed"]
    order = {d["doc_id"]: i for i, d in enumerate(compared)}
    if len(order) != len(compared):
        raise Unordered("a doc_id appears twice in documents.csv")
    tasks = _by_document(_records(out / "tasks.csv", _CELL_COLUMNS), order)
    mentions = _by_document(_records(out / "mentions.csv", _MENTION_COLUMNS), order)
    builder = ComparisonBuilder()
    try:
        for doc, doc_tasks, doc_mentions in zip(compared, tasks, mentions):
            builder.add(doc, document_part(doc["doc_id"], doc["implements"], doc_tasks, doc_mentions))
        for rest in (tasks, mentions):  # what follows the last document must not belong to an earlier one
            for _ in rest:
                pass
        return builder.write(out)
    finally:
        builder.close()
