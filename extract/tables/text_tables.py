"""Tables inside text files: HTML ``<table>`` (pages saved from legal portals),
markdown pipe tables, and rows of tab-separated cells (a table copied from Word).

The text is not rewritten: each cell names the lines of the file its content
sits on, and each table the character span it occupies, so the prose reader
can leave exactly that span out.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from extract.model import Cell, Table

_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_SPLIT = re.compile(r"(?<!\\)\|")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_TAGS = frozenset({"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
_WS = re.compile(r"[ \t\u00a0]+")
_MAX_AREA = 200_000  # grid positions covered by the cells of one table


def text_tables(text: str) -> list[Table]:
    """The HTML and markdown tables of a decoded text, in document order."""
    found = html_tables(text) if "<t" in text.lower() else []
    found += markdown_tables(text, [t.span for t in found])
    if "\t" in text:
        found += tab_tables(text, [t.span for t in found])
    found.sort(key=lambda t: t.span[0])
    for number, table in enumerate(found, 1):
        table.index = number
    return found


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


# --- markdown ------------------------------------------------------------------------


def markdown_tables(text: str, taken: list[tuple[int, int]] = ()) -> list[Table]:  # type: ignore[assignment]
    """Pipe tables: a row of cells, a ``|---|`` rule, more rows; one line per
    row, ``<br>`` for a line break inside a cell. A row that a copy wrapped
    onto the next lines (it opens with ``|`` and only a later line closes it)
    is read whole."""
    lines = text.split("\n")
    starts = _line_starts(text)
    out: list[Table] = []
    i = 0
    while i < len(lines) - 1:
        header = _header_row(lines, i)
        if header is None or any(a <= starts[i] < b for a, b in taken):
            i += 1
            continue
        separators = len(_MD_SPLIT.findall(header[1]))
        rows = [(i, header[0], header[1])]  # first line, last line, the row's text
        j = header[0] + 2
        while j < len(lines):
            whole = _MD_ROW.match(lines[j])
            # a row that ends in "|" with cells still to come was wrapped right after a separator
            short = whole and len(_MD_SPLIT.findall(lines[j])) < separators
            wrapped = _wrapped_row(lines, j, separators) if not whole or short else None
            if wrapped is not None:
                rows.append((j, wrapped[0], wrapped[1]))
                j = wrapped[0] + 1
            elif whole:
                rows.append((j, j, lines[j]))
                j += 1
            else:
                break
        cells: list[Cell] = []
        n_cols = 0
        for r, (first, last, row) in enumerate(rows):
            values = _md_cells(row)
            n_cols = max(n_cols, len(values))
            for c, value in enumerate(values):
                cells.append(Cell(value, r, c, line_start=first + 1, line_end=last + 1))
        end = starts[j - 1] + len(lines[j - 1])
        out.append(Table(0, cells, len(rows), n_cols, span=(starts[i], end), header_rows=1))
        i = j
    return out


_MAX_WRAPPED = 12  # lines one wrapped row may take


def _header_row(lines: list[str], i: int) -> tuple[int, str] | None:
    """(last line, text) of a header row starting on line ``i``: a row, maybe
    wrapped onto the next lines, right above a ``|---|`` rule."""
    if _MD_ROW.match(lines[i]):
        last, text = i, lines[i]
    else:
        wrapped = _wrapped_row(lines, i, 0)
        if wrapped is None:
            return None
        last, text = wrapped
    return (last, text) if last + 1 < len(lines) and _MD_RULE.match(lines[last + 1]) else None


def _wrapped_row(lines: list[str], j: int, separators: int) -> tuple[int, str] | None:
    """(last line, text joined by spaces) of a row that opens with ``|`` on line
    ``j`` and is closed by ``|`` on a later line, once it has the header's
    number of separators; None when a blank line or a line opening another row
    comes first."""
    if not lines[j].lstrip().startswith("|"):
        return None
    text = lines[j].rstrip()
    for k in range(j + 1, min(j + _MAX_WRAPPED, len(lines))):
        line = lines[k].strip()
        if not line or line.startswith("|"):
            return None
        text = f"{text} {line}"
        if _MD_ROW.match(text) and len(_MD_SPLIT.findall(text)) >= separators:
            return k, text
    return None


def _md_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [_BR.sub("\n", part).replace("\\|", "|").strip() for part in _MD_SPLIT.split(body)]


# --- tab-separated ---------------------------------------------------------------------

_MIN_TABS = 2  # three cells: an indented line or a "label<TAB>value" pair is not a table row


def tab_tables(text: str, taken: list[tuple[int, int]] = ()) -> list[Table]:  # type: ignore[assignment]
    """Rows of cells separated by tabs, as a table copied from Word or a
    spreadsheet lands in a text file: runs of two rows or more with at least
    three cells each (blank lines between them allowed), the first the header.
    A cell holding line breaks is quoted (``"…"``), as spreadsheets copy it.
    Whether a table lists tasks is decided later, by its header."""
    lines = text.split("\n")
    starts = _line_starts(text)
    out: list[Table] = []
    i = 0
    while i < len(lines):
        if lines[i].count("\t") < _MIN_TABS or any(a <= starts[i] < b for a, b in taken):
            i += 1
            continue
        rows = _tab_rows(lines, i)
        if len(rows) >= 2:
            cells: list[Cell] = []
            for r, (first, last, values) in enumerate(rows):
                cells += [Cell(v.strip(), r, c, line_start=first + 1, line_end=last + 1)
                          for c, v in enumerate(values)]
            last = rows[-1][1]
            out.append(Table(0, cells, len(rows), max(len(v) for _, _, v in rows),
                             span=(starts[i], starts[last] + len(lines[last])), header_rows=1))
        i = rows[-1][1] + 1 if rows else i + 1
    return out


def _tab_rows(lines: list[str], i: int) -> list[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of the tab-separated rows from line ``i``."""
    import csv

    rows: list[tuple[int, int, list[str]]] = []
    at = i
    while at < len(lines):
        line = lines[at]
        if not line.strip():
            at += 1
            continue
        if "\t" not in line:
            break
        # a quoted cell may run over the next lines: hand csv lines until the row closes
        end, quotes = at, line.count('"')
        while quotes % 2 and end + 1 < len(lines) and end - at < _MAX_WRAPPED:
            end += 1
            quotes += lines[end].count('"')
        values = next(csv.reader([x + "\n" for x in lines[at:end + 1]], delimiter="\t"), [])
        values = [v.rstrip("\n") for v in values]
        if len(values) < _MIN_TABS + 1:
            break
        rows.append((at, end, values))
        at = end + 1
    return rows


# --- HTML ----------------------------------------------------------------------------


class _TableParser(HTMLParser):
    """Collects top-level ``<table>`` elements; a table nested in a cell is
    read as part of that cell's text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = _line_starts(text)
        self.tables: list[Table] = []
        self.depth = 0
        self.rows: list[list[tuple[str, int, int, int, int]]] = []  # text, rowspan, colspan, l0, l1
        self.cell: list[str] | None = None
        self.cell_attrs = (1, 1)
        self.cell_lines = [0, 0]
        self.table_start = 0
        self.header_rows = 0
        self.in_thead = False

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.rows, self.table_start, self.header_rows = [], self._offset(), 0
                self.in_thead = False
                return
        if self.depth != 1:
            if self.cell is not None and tag in _BLOCK_TAGS | {"td", "th"}:
                self.cell.append("\n" if tag != "td" else " ")
            return
        if tag == "thead":
            self.in_thead = True
        elif tag == "tr":
            self._close_cell()
            self.rows.append([])
            if self.in_thead:
                self.header_rows += 1
        elif tag in ("td", "th"):
            self._close_cell()
            if not self.rows:
                self.rows.append([])
            values = dict(attrs)
            self.cell = []
            self.cell_attrs = (_span(values.get("rowspan")), _span(values.get("colspan")))
            line = self.getpos()[0]
            self.cell_lines = [line, line]
        elif self.cell is not None and tag in _BLOCK_TAGS:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self.depth == 1:
                self._close_cell()
                end = self._offset()
                self.tables.append(self._table(end))
            self.depth = max(0, self.depth - 1)
            return
        if self.depth != 1:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "thead":
            self.in_thead = False
        elif self.cell is not None and tag in ("p", "div", "li"):
            self.cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            if data.strip():
                self.cell_lines[1] = self.getpos()[0] + data.count("\n")

    def _close_cell(self) -> None:
        if self.cell is None:
            return
        lines = [_WS.sub(" ", ln).strip() for ln in "".join(self.cell).split("\n")]
        text = "\n".join(ln for ln in lines if ln)
        rowspan, colspan = self.cell_attrs
        self.rows[-1].append((text, rowspan, colspan, self.cell_lines[0], self.cell_lines[1]))
        self.cell = None

    def _table(self, end: int) -> Table:
        cells: list[Cell] = []
        occupied: set[tuple[int, int]] = set()
        n_cols = 0
        area = 0
        for r, row in enumerate(self.rows):
            c = 0
            for text, rowspan, colspan, l0, l1 in row:
                rowspan = min(rowspan, len(self.rows) - r)  # as browsers do
                area += rowspan * colspan
                if area > _MAX_AREA:  # broken spans: not laid out, left to the prose
                    return Table(0, [], 0, 0, span=(self.table_start, end))
                while (r, c) in occupied:
                    c += 1
                cells.append(Cell(text, r, c, rowspan, colspan, l0, l1))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, c + dc))
                c += colspan
                n_cols = max(n_cols, c)
        n_rows = max([len(self.rows)] + [cell.row + cell.row_span for cell in cells])
        close = self.text.find(">", end)
        return Table(0, cells, n_rows, n_cols, span=(self.table_start, close + 1 if close >= 0 else end),
                     header_rows=self.header_rows)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def html_tables(text: str) -> list[Table]:
    """Top-level ``<table>`` elements with ``rowspan``/``colspan`` resolved."""
    parser = _TableParser(text)
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # malformed markup: keep what was read before it
        pass
    return [t for t in parser.tables if t.cells]
