"""The streamed outputs of a batch: CSV tables, the comparison and kehoach.xlsx
built from per-document pieces, so the parent process only appends text and
bytes that the workers (or the cache) made.

Each document's payload (emit/engines.py) carries its rows as CSV text, as
deflated sheet XML, and its cells of the comparison (emit/comparison.py
``document_cells``) as CSV and XML fragments. The comparison is row-major
(rows of the decision × documents), so its fragments wait in a temporary file
until the end, when they are read back row by row.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from array import array
from collections import Counter
from pathlib import Path

from . import tables
from .comparison import BASE_COLUMNS, CELL_FIELDS, LONG_COLUMNS, comparison_rows, document_cells, row_key, support_map
from .side import SideTables
from .workbook import NUMERIC, TABLE_ORDER, add_csv_sheet, readme_rows, sheet_layout, too_large
from .writers import CsvTable, _cell, csv_text, relabel_csv
from .xlsx import BOLD, GENERAL, XlsxWriter, column_letter, deflate_piece, row_xml, text_rows_xml

Piece = tuple[bytes, int, int]
SHEETS = (("documents", tables.DOCUMENT_COLUMNS), ("tasks", tables.TASK_COLUMNS),
          ("mentions", tables.MENTION_COLUMNS))
_NUMERIC = {name: {j for j, c in enumerate(cols) if c in NUMERIC} for name, cols in SHEETS}
_LONG_DOC_ID = LONG_COLUMNS.index("doc_id")
_MENTION_FIELDS = [tables.MENTION_COLUMNS.index(c) for c in ("doc_id", "task_id", "role", "agency_type")]


def _records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def xml_piece(rows: list[list[str]], numeric: set[int]) -> Piece:
    """Deflated ``<row>`` XML of CSV rows (strings as the CSV holds them)."""
    return deflate_piece(text_rows_xml(rows, numeric).encode())


def document_pieces(cells: list[list[list[str]]]) -> list[Piece]:
    """XML pieces of one document's documents/tasks/mentions rows."""
    return [xml_piece(rows, _NUMERIC[name]) for rows, (name, _) in zip(cells, SHEETS)]


def comparison_part(document: dict, tasks: list[list[str]], mentions: list[list[str]]) -> dict | None:
    """One document's cells of the comparison, rendered (long CSV line, its XML
    row, its three wide cells): None for a failed document."""
    if document["status"] == "failed":
        return None
    trecs = [dict(zip(tables.TASK_COLUMNS, r)) for r in tasks]
    support = support_map(tuple(r[i] for i in _MENTION_FIELDS) for r in mentions)
    implements = document["implements"]
    symbol, cells = document_cells(implements, trecs, support)
    longs, wides = [], []
    for row, cell in cells:
        longs.append([_cell(v) for v in (row.decision, row.code, row.title, row.kind, document["doc_id"],
                                         document["locality"], *(cell[c] for c in LONG_COLUMNS[6:]))])
        wides.append([_cell(cell[f]) for f in CELL_FIELDS])
    lines, fragments = _csv_each(longs), _csv_each(wides)
    out = [[list(row_key(row)), line, text_rows_xml([values]), "," + wide[:-2]]
           for (row, _), line, values, wide in zip(cells, lines, longs, fragments)]
    return {"ref": symbol, "implements": implements, "cells": out,
            "doc": [document["locality"], document["issuer"], document["doc_id"]]}


class _Lines(list):
    write = list.append  # csv.writer writes each row with one call


def _csv_each(rows: list[list[str]]) -> list[str]:
    """Each row's CSV line (with its CRLF), rendered by one writer."""
    lines = _Lines()
    csv.writer(lines, lineterminator="\r\n").writerows(rows)
    return lines


def _long_xml(line: str) -> str:
    return text_rows_xml(_records(line))


def relabel_part(part: dict | None, doc_id: str) -> dict | None:
    if part is None:
        return None
    cells = []
    for key, line, _, wide in part["cells"]:
        line = relabel_csv(line, {_LONG_DOC_ID: doc_id})
        cells.append([key, line, _long_xml(line), wide])
    return {**part, "cells": cells, "doc": part["doc"][:2] + [doc_id]}


class _Sheet:
    """A table's sheet fed with pieces as documents arrive; its header (column
    widths come from the first 200 rows) is written once those rows are in."""

    def __init__(self, wb: XlsxWriter, name: str, columns: list[str]):
        self.wb, self.name, self.columns = wb, name, columns
        self.head: list[list[str]] = []
        self.pending: list[Piece] = []
        self.member = None
        self.rows = 0

    def add(self, piece: Piece, rows: list[list[str]] | None, n: int, text: str) -> None:
        self.rows += n
        if self.member is not None:
            self.member.add_piece(*piece)
            return
        self.head += (rows if rows is not None else _records(text))[: 200 - len(self.head)]
        self.pending.append(piece)
        if len(self.head) >= 200:
            self._start()

    def add_bytes(self, xml: bytes, n: int) -> None:
        self.rows += n
        self.member.write_bytes(xml)

    def add_text(self, xml: str, n: int, text: str) -> None:
        """Rows as XML text (deflated here, in large chunks)."""
        if self.member is None:
            self.add(deflate_piece(xml.encode()), None, n, text)
            return
        self.rows += n
        self.member.write(xml)

    def _start(self) -> None:
        widths, _, _ = sheet_layout(self.name, self.columns, self.head)
        self.member = self.wb.sheet(self.name, widths=widths, freeze=True)
        self.member.write(row_xml(self.columns, [BOLD] * len(self.columns)))
        for p in self.pending:
            self.member.add_piece(*p)
        self.pending = []

    def finish(self, notes: list[str]) -> None:
        if self.member is None:
            self._start()
        if too_large(self.rows, len(self.columns)):
            self.wb.drop(self.member)
            notes.append(f"{self.name}: {self.rows} rows — too large for Excel, see {self.name}.csv")
            return
        self.wb.end_sheet(self.member, f"A1:{column_letter(len(self.columns))}{self.rows + 1}")


class _ComparisonParts:
    """Every document's comparison fragments, kept in a temporary file until the
    rows are known: (document, offset, lengths) by row, in document order."""

    def __init__(self, folder: Path):
        fd, tmp = tempfile.mkstemp(prefix=".comparison-", suffix=".parts", dir=folder)
        self.path = Path(tmp)
        self.f = os.fdopen(fd, "wb")
        self.size = 0
        self.docs: list[tuple[str, str, str]] = []  # (locality, issuer, doc_id) of compared documents
        self.meta: list[tuple[str, str]] = []  # (reference symbol, implements)
        self.index: dict[tuple[str, ...], array] = {}

    def add(self, part: dict | None) -> None:
        if part is None:
            return
        pos = len(self.docs)
        self.docs.append(tuple(part["doc"]))
        self.meta.append((part["ref"], part["implements"]))
        chunks = []
        for key, line, xml, wide in part["cells"]:
            a, b, c = line.encode(), xml.encode(), wide.encode()
            self.index.setdefault(tuple(key), array("q")).extend((pos, self.size, len(a), len(b), len(c)))
            self.size += len(a) + len(b) + len(c)
            chunks += (a, b, c)
        self.f.write(b"".join(chunks))

    @staticmethod
    def _flush(long: CsvTable, sheet: _Sheet | None, texts: list[bytes], xmls: list[bytes]) -> None:
        """Append entries of comparison_long (CSV lines and their sheet rows)."""
        if not texts:
            return
        long.write_bytes(b"".join(texts), len(texts))
        if sheet is not None:
            if sheet.member is None:  # the first rows: one at a time, for the column widths
                for t, x in zip(texts, xmls):
                    sheet.add_text(x.decode(), 1, t.decode())
            else:
                sheet.add_bytes(b"".join(xmls), len(xmls))
        texts.clear()
        xmls.clear()

    def labels(self) -> list[str]:
        names = [loc or issuer or doc_id for loc, issuer, doc_id in self.docs]
        counts = Counter(names)
        return [f"{n} ({d[2]})" if counts[n] > 1 else n for n, d in zip(names, self.docs)]

    def write(self, out: Path, wb: XlsxWriter | None, notes: list[str], counts: dict[str, int]) -> list[Path]:
        self.f.close()
        rows = comparison_rows(self.meta)
        columns = BASE_COLUMNS + [f"{label} {f}" for label in self.labels() for f in CELL_FIELDS]
        wide = CsvTable(out / "comparison.csv", columns)
        long = CsvTable(out / "comparison_long.csv", LONG_COLUMNS)
        sheet = None
        if wb is not None:
            sheet = _Sheet(wb, "comparison_long", LONG_COLUMNS)
        empty = b"," * len(CELL_FIELDS)
        try:
            with open(self.path, "rb") as f:
                fd = f.fileno()
                for row in rows:
                    base = {"ref_decision": row.decision, "ref_task": row.code, "title": row.title,
                            "row_kind": row.kind, "is_group": "yes" if row.is_group else "no"}
                    entries = self.index.get(row_key(row), array("q"))
                    line = [csv_text(BASE_COLUMNS, [base])[:-2].encode()]
                    texts, xmls = [], []
                    at = 0
                    for k in range(0, len(entries), 5):
                        pos, off, lc, lx, lw = entries[k:k + 5]
                        data = os.pread(fd, lc + lx + lw, off)  # not mmap: its pages would count as our RSS
                        line.append(empty * (pos - at))
                        line.append(data[lc + lx:])
                        at = pos + 1
                        texts.append(data[:lc])
                        xmls.append(data[lc:lc + lx])
                        if len(texts) >= 4096:
                            self._flush(long, sheet, texts, xmls)
                    self._flush(long, sheet, texts, xmls)
                    line.append(empty * (len(self.docs) - at))
                    wide.write_bytes(b"".join(line) + b"\r\n", 1)
        except BaseException:
            wide.close(commit=False)
            long.close(commit=False)
            raise
        finally:
            self.path.unlink(missing_ok=True)
        wide.close()
        long.close()
        counts["comparison_long"] = long.rows
        if wb is not None:
            add_csv_sheet(wb, "comparison", out / "comparison.csv", counts, notes)
            sheet.finish(notes)
        return [wide.path, long.path]


class RunOutputs:
    """documents.csv, tasks.csv, mentions.csv (and their sheets) streamed in
    input order; the side tables, the comparison and the workbook at the end."""

    def __init__(self, out: Path, xlsx: bool = True):
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.csv = [CsvTable(out / f"{name}.csv", cols) for name, cols in SHEETS]
        self.side = SideTables()
        self.parts = _ComparisonParts(out)
        self._xlsx_tmp = None
        self.wb = None
        self.sheets: list[_Sheet] = []
        if xlsx:
            fd, tmp = tempfile.mkstemp(prefix=".kehoach.xlsx.", suffix=".tmp", dir=out)
            os.close(fd)
            self._xlsx_tmp = Path(tmp)
            self.wb = XlsxWriter(self._xlsx_tmp)
            self.sheets = [_Sheet(self.wb, name, cols) for name, cols in SHEETS]

    def add(self, payload: dict) -> None:
        d = payload["document"]
        counts = (1, payload["n_tasks"], payload["n_mentions"])
        for table, text, n in zip(self.csv, payload["csv"], counts):
            table.write_text(text, n)
        if self.wb is not None:
            xml = payload.get("xml")
            records = None
            if xml is None:  # a cached result from before, or relabelled: render here
                records = [_records(t) for t in payload["csv"]]
                xml = document_pieces(records)
            for k, (sheet, piece, n) in enumerate(zip(self.sheets, xml, counts)):
                sheet.add(piece, records[k] if records else None, n, payload["csv"][k])
        self.side.add(payload["agencies"], payload["review"], d["doc_id"])
        self.parts.add(payload["cmp"])

    def close(self, commit: bool, finish: bool = True) -> list[Path]:
        """Commit the tables (and with ``finish`` the comparison and the workbook:
        an interrupted run keeps only complete tables), or remove the temporary files."""
        try:
            for t in self.csv:
                t.close(commit=commit)
            if not commit:
                return []
            files = [t.path for t in self.csv] + self.side.write(self.out)
            if not finish:
                return files
            notes: list[str] = []
            counts = {name: t.rows for (name, _), t in zip(SHEETS, self.csv)}
            for sheet in self.sheets:
                sheet.finish(notes)
            for name in ("agencies", "agencies_review"):
                if self.wb is not None:
                    add_csv_sheet(self.wb, name, self.out / f"{name}.csv", counts, notes)
            files += self.parts.write(self.out, self.wb, notes, counts)
            if self.wb is not None:
                ordered = {n: counts[n] for n in TABLE_ORDER if n in counts}
                self.wb.add_sheet("README", readme_rows(ordered, notes), widths=[18, 100], styles=[GENERAL] * 3)
                self.wb.close(["README"] + TABLE_ORDER)
                os.replace(self._xlsx_tmp, self.out / "kehoach.xlsx")
                files.append(self.out / "kehoach.xlsx")
            return files
        finally:
            self.parts.f.close()
            self.parts.path.unlink(missing_ok=True)
            if self._xlsx_tmp is not None:
                self._xlsx_tmp.unlink(missing_ok=True)
                for _, m in (self.wb.sheets if self.wb else []):
                    m.f.close()
                    m.path.unlink(missing_ok=True)
