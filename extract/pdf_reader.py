"""PDF text layer via pypdfium2: fast (about 10 ms for a plan) and keeps the words
of Vietnamese syllables together, where layout models split them.

Pages that carry ruled lines are also given to pdfplumber, whose table finder
needs the lines' geometry; it is slow (about 100 ms a page), so prose pages
never see it. On a page with tables, the prose around each table still comes
from pypdfium2 and each table cell is written as its own lines, in row order,
so that a cell's lines can be named like any other text line.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from extract.model import Cell, IngestError, Table

PAGE_BREAK = "\n\f\n"
"""Pages are joined by a line holding only a form feed."""

MIN_RULES = 6
"""Path objects a page needs before its tables are looked for: a grid of two
rows and two columns already has more, an underlined signature far fewer."""


@dataclass
class PageText:
    lines: list[str]
    tables: list[Table] = field(default_factory=list)  # line numbers relative to the page


def read_pdf(data: bytes) -> tuple[str, list[str], list[Table]]:
    """Return the raw text of every page (``\\f`` lines between pages), warnings
    and the ruled tables found; raise :class:`IngestError` when there is no
    text to read."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError("encrypted PDF") from exc
        raise IngestError(f"corrupt PDF: {_short(exc)}") from exc
    plumber = _Plumber(data)
    try:
        pages = [_page(pdf, i, plumber) for i in range(len(pdf))]
    finally:
        pdf.close()
        plumber.close()
    empty = sum(1 for page in pages if not "".join(page.lines).strip())
    if not pages or empty == len(pages):
        raise IngestError("no text layer (needs OCR)")
    warnings = []
    if empty:
        warnings.append(f"{empty} of {len(pages)} PDF pages have no text layer (needs OCR)")
    return _join(pages), warnings, [t for page in pages for t in page.tables]


def _join(pages: list[PageText]) -> str:
    """Join pages with form-feed lines, moving table line numbers to the text's."""
    out: list[str] = []
    for number, page in enumerate(pages, 1):
        if number > 1:
            out.append("\f")
        offset = len(out)
        lines = page.lines
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        out.extend(lines)
        for table in page.tables:
            table.page = number
            for cell in table.cells:
                if cell.line_start:
                    cell.line_start += offset
                    cell.line_end += offset
    return "\n".join(out)


def _page(pdf: object, index: int, plumber: "_Plumber") -> PageText:
    page = pdf[index]  # type: ignore[index]
    try:
        textpage = page.get_textpage()
        try:
            if _rule_count(page) >= MIN_RULES:
                found = plumber.tables(index)
                if found:
                    return _page_with_tables(textpage, page.get_height(), page.get_width(), found)
            return PageText(_split(textpage.get_text_range()))
        finally:
            textpage.close()
    finally:
        page.close()


def _rule_count(page: object) -> int:
    import pypdfium2.raw as raw

    count = 0
    for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):  # type: ignore[attr-defined]
        count += 1
        if count >= MIN_RULES:
            break
    return count


def _split(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")


@dataclass
class _Found:
    """A table as pdfplumber saw it: its box (top-down coordinates) and its
    cells as (x0, top, x1, bottom, text)."""

    bbox: tuple[float, float, float, float]
    cells: list[tuple[float, float, float, float, str]]


def _page_with_tables(textpage: object, height: float, width: float, found: list[_Found]) -> PageText:
    """Prose bands from pypdfium2 between the tables, each table's cells in
    row order, one line per visual line of a cell."""
    lines: list[str] = []
    tables: list[Table] = []
    y = 0.0  # top of the next prose band, from the page top
    for item in sorted(found, key=lambda f: f.bbox[1]):
        x0, top, x1, bottom = item.bbox
        if top > y:
            lines.extend(_band(textpage, height, width, y, top))
        tables.append(_table_lines(item, lines))
        y = max(y, bottom)
    if y < height:
        lines.extend(_band(textpage, height, width, y, height))
    return PageText(lines, tables)


def _band(textpage: object, height: float, width: float, top: float, bottom: float) -> list[str]:
    text = textpage.get_text_bounded(left=0, bottom=height - bottom, right=width,  # type: ignore[attr-defined]
                                     top=height - top)
    return [ln for ln in _split(text) if ln.strip()] if text.strip() else []


def _table_lines(found: _Found, lines: list[str]) -> Table:
    xs = _edges([c[0] for c in found.cells] + [c[2] for c in found.cells])
    ys = _edges([c[1] for c in found.cells] + [c[3] for c in found.cells])
    cells = []
    for x0, top, x1, bottom, text in sorted(found.cells, key=lambda c: (round(c[1], 1), c[0])):
        row, col = _index(ys, top), _index(xs, x0)
        cell = Cell(text, row, col, max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - col))
        parts = _split(text) if text.strip() else [""]
        cell.line_start = len(lines) + 1
        lines.extend(parts)
        cell.line_end = len(lines)
        cell.text = "\n".join(parts)
        cells.append(cell)
    return Table(index=0, cells=cells, n_rows=max(1, len(ys) - 1), n_cols=max(1, len(xs) - 1),
                 soft_wrap=True)


def _edges(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Distinct grid lines: coordinates closer than ``tolerance`` are one line."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


class _Plumber:
    """pdfplumber, opened only when a page with ruled lines asks for it."""

    def __init__(self, data: bytes):
        self.data = data
        self.pdf: object | None = None

    def tables(self, index: int) -> list[_Found]:
        try:
            import pdfplumber
        except ImportError:
            return []
        try:
            if self.pdf is None:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            page = self.pdf.pages[index]  # type: ignore[attr-defined]
            out = []
            for table in page.find_tables():
                rows = table.extract()
                cells = []
                for row, texts in zip(table.rows, rows):
                    for box, text in zip(row.cells, texts):
                        if box is not None:
                            cells.append((box[0], box[1], box[2], box[3], text or ""))
                if len(table.rows) >= 2 and len({c[0] for c in cells}) >= 2:
                    out.append(_Found(tuple(table.bbox), cells))
            return out
        except Exception:  # a table finder failure must not lose the page's text
            return []

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()  # type: ignore[attr-defined]


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:120]
