"""From the tables of a file to task tables: header found, columns named,
fragments of one table joined, repeated header rows dropped.

A table that runs over several pages comes back as one fragment per page (PDF)
or as several tables one after the other (DOCX made from a PDF), each starting
with the header row again; the fragments are joined into one list of rows, so
numbering and headings carry on across the page break.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.model import Cell, Table

from .columns import CONTENT, STT, Columns, assign_roles, fold, header_like

_NUMBER_CELL = re.compile(r"^\(?(?:\d{1,2}|[a-z])\)?$")
_MARKUP = re.compile(r"\*\*|__")
_NOISE_LINE = re.compile(r"^\s*(?:\f|(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?)?\s*$", re.IGNORECASE)
MAX_HEADER_SEARCH = 4
"""Rows above the header a table may have (a title row such as ``DANH MỤC``)."""
MAX_GRID = 200_000
"""Grid positions (rows × columns) of the largest table read, 10,000 rows of 20
columns; a larger grid comes from broken spans and would take minutes."""


@dataclass
class Row:
    """One data row: the cell at each column (merged cells repeated) and the
    cells that start in this row, whose lines are the row's lines."""

    number: int
    cells: list[Cell | None]
    own: list[Cell]

    def lines(self) -> tuple[int, int]:
        spans = [(c.line_start, c.line_end) for c in self.own if c.line_start]
        if not spans:
            spans = [(c.line_start, c.line_end) for c in self.cells if c is not None and c.line_start]
        if not spans:
            return 0, 0
        return min(s for s, _ in spans), max(e for _, e in spans)


@dataclass
class TaskTable:
    """A task table as one list of data rows, possibly joined from fragments."""

    index: int
    columns: Columns
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    line_start: int = 0
    line_end: int = 0
    n_cols: int = 0
    soft_wrap: bool = False


def cell_text(cell: Cell | None) -> str:
    return "" if cell is None else _MARKUP.sub("", cell.text).strip()


def _table_lines(table: Table) -> tuple[int, int]:
    starts = [c.line_start for c in table.cells if c.line_start]
    ends = [c.line_end for c in table.cells if c.line_end]
    return (min(starts), max(ends)) if starts else (0, 0)


def _find_header(table: Table, grid: list[list[Cell | None]]) -> tuple[int, int] | None:
    """(first, end) rows of the header block, or None when no row names columns."""
    texts = [[cell_text(c) for c in row] for row in grid]
    for first in range(min(MAX_HEADER_SEARCH, len(grid))):
        if header_like(texts[first]):
            end = first + 1
            while end < len(grid) and (end < table.header_rows or header_like(texts[end])):
                end += 1
            return first, end
    return None


def _is_number_row(texts: list[str]) -> bool:
    """``(1) (2) (3) …`` under the header, numbering the columns."""
    filled = [t for t in texts if t]
    return len(filled) >= 3 and all(_NUMBER_CELL.match(t.lower()) for t in filled) and \
        len(set(filled)) >= 3


def _data_rows(grid: list[list[Cell | None]], start: int, header: list[str], first_number: int) -> list[Row]:
    """Rows from ``start`` on, without repeated headers or column-number rows."""
    folded_header = [fold(h) for h in header]
    rows: list[Row] = []
    for r in range(start, len(grid)):
        cells = grid[r]
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        if [fold(t) for t in texts] == folded_header or header_like(texts) or _is_number_row(texts):
            continue
        own = []
        for c in cells:
            if c is not None and c.row == r and all(c is not o for o in own):
                own.append(c)
        rows.append(Row(first_number + r - start, list(cells), own))
    return rows


def _adjacent(text_lines: list[str], end: int, start: int) -> bool:
    """Whether only page furniture (form feeds, page numbers, a short running
    header) lies between line ``end`` and line ``start``."""
    between = [ln for ln in text_lines[end:max(end, start - 1)] if not _NOISE_LINE.match(ln)]
    return len(between) <= 2 and all(len(ln.strip()) <= 60 for ln in between)


def task_tables(tables: list[Table], text: str) -> list[TaskTable]:
    """The task tables among ``tables`` (in document order), continuation
    fragments joined to the table they continue."""
    lines = text.split("\n")
    out: list[TaskTable] = []
    current: TaskTable | None = None
    for table in tables:
        if table.n_rows * table.n_cols > MAX_GRID:
            current = None
            continue
        grid = table.grid()
        found = _find_header(table, grid)
        first, last = _table_lines(table)
        follows = current is not None and _adjacent(lines, current.line_end, first) \
            and table.n_cols == current.n_cols
        if found is not None:
            h0, h1 = found
            header = [_join_header(grid, c, h0, h1) for c in range(table.n_cols)]
            columns = assign_roles([[cell_text(c) for c in row] for row in grid[h0:h1]], table.n_cols)
            if follows and current is not None and columns.roles == current.columns.roles:
                _extend(current, _data_rows(grid, h1, header, _next(current)), table, last)
                continue
            if not columns.is_task_table():
                current = None
                continue
            current = TaskTable(table.index, columns, header, n_cols=table.n_cols,
                                line_start=first, line_end=last, soft_wrap=table.soft_wrap)
            current.rows = _data_rows(grid, h1, header, h1 + 1)
            current.spans.append(table.span)
            out.append(current)
        elif follows and current is not None:
            _extend(current, _data_rows(grid, 0, current.header, _next(current)), table, last)
        else:
            current = None
    return out


def _next(table: TaskTable) -> int:
    return table.rows[-1].number + 1 if table.rows else 1


def _join_header(grid: list[list[Cell | None]], col: int, h0: int, h1: int) -> str:
    seen: list[str] = []
    for r in range(h0, h1):
        text = cell_text(grid[r][col])
        if text and text not in seen:
            seen.append(text)
    return " ".join(seen)


def _extend(table: TaskTable, rows: list[Row], fragment: Table, last: int) -> None:
    """Append a continuation fragment; a first row with no number whose text
    starts in lower case is the rest of the row cut by the page break."""
    stt = table.columns.index(STT)
    content = table.columns.index(CONTENT)
    if rows and table.rows and stt is not None and content is not None:
        head = rows[0]
        body = cell_text(head.cells[content])
        if not cell_text(head.cells[stt]) and body[:1].islower():
            table.rows[-1] = _glue(table.rows[-1], head)
            rows = rows[1:]
    table.rows.extend(rows)
    table.spans.append(fragment.span)
    table.line_end = max(table.line_end, last)


def _glue(a: Row, b: Row) -> Row:
    cells: list[Cell | None] = []
    for x, y in zip(a.cells, b.cells):
        if x is None or y is None or not cell_text(y):
            cells.append(x if x is not None else y)
            continue
        cells.append(Cell(f"{x.text}\n{y.text}", x.row, x.col, x.row_span, x.col_span,
                          x.line_start, y.line_end or x.line_end))
    own = [c for c in cells if c is not None]
    return Row(a.number, cells, own)
