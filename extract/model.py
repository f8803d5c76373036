"""The document model shared by every step: typed, plain dataclasses.

Each step reads what the previous one set and fills its own fields, so the
extract, normalize and emit packages only meet here.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class IngestError(Exception):
    """A file that cannot be read at all; the message is the reason shown in
    documents.csv (``failed: <message>``)."""


@dataclass
class Cell:
    """One table cell, read once however many grid positions it covers.

    ``text`` holds the cell's paragraphs (or, for PDF, its visual lines) joined
    by ``\\n``; ``line_start``/``line_end`` are the lines of
    :attr:`SourceText.text` where they were emitted (0 when not emitted)."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    line_start: int = 0
    line_end: int = 0


@dataclass
class Table:
    """A table as laid out in the source: cells on a grid of ``n_rows`` ×
    ``n_cols``, the first ``header_rows`` rows marked as repeated headers.

    ``span`` is the character range of :attr:`SourceText.text` the table
    occupies, so that its text can be kept out of the prose. ``soft_wrap`` says
    the line breaks inside cells are visual wraps (PDF), not paragraphs."""

    index: int
    cells: list[Cell]
    n_rows: int
    n_cols: int
    span: tuple[int, int] = (0, 0)
    header_rows: int = 0
    soft_wrap: bool = False
    page: int = 0

    def grid(self) -> list[list[Cell | None]]:
        """Rows of grid positions; a merged cell stands at every position it
        covers, so a vertical merge gives its value to each row it spans."""
        rows: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.row_span, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.col_span, self.n_cols)):
                    rows[r][c] = cell
        return rows


@dataclass
class SourceText:
    """Decoded text of one input file, NFC, ``\\n`` line ends.

    ``text`` is what line numbers refer to (1-based lines of ``text``).
    For DOCX the text is one line per paragraph or table cell paragraph, with
    Word's generated list numbers written in; bold paragraphs are wrapped in
    ``**`` so that layout hints survive like markdown ones. For PDF, pages are
    separated by a form feed line (``\\f``).
    """

    text: str
    kind: str  # "txt", "html", "docx", "pdf", "doc"
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Paragraph:
    """A logical paragraph after unwrapping, with its source lines."""

    text: str
    line_start: int
    line_end: int
    heading_hint: bool = False  # markdown heading or bold in the source
    italic_hint: bool = False


@dataclass
class Header:
    doc_type: str = ""
    number: str = ""
    issued_date: str = ""  # ISO
    issuer: str = ""
    locality: str = ""
    level: str = ""
    province: str = ""
    implements: list[str] = field(default_factory=list)
    based_on: list[str] = field(default_factory=list)
    period_start: str = ""
    period_end: str = ""
    signer: str = ""
    title: str = ""


@dataclass
class Mention:
    """One agency named in a lead or support field, after normalization."""

    role: str  # "lead" | "support"
    mention: str
    agency_id: str = ""
    agency_name: str = ""
    agency_locality: str = ""
    agency_type: str = ""
    level: str = ""
    match_method: str = ""
    match_score: float = 0.0
    candidates: list[tuple[str, float]] = field(default_factory=list)
    successor: str = ""  # agency_id of the body that took over its duties (2025 reorganisation)


@dataclass
class Task:
    seq: int
    task_id: str
    section_path: str
    text: str
    activities: list[str] = field(default_factory=list)
    lead_raw: str = ""
    support_raw: str = ""
    time_raw: str = ""
    products: str = ""
    line_start: int = 0
    line_end: int = 0
    group_time_raw: str = ""  # time field of the enclosing heading, for inheritance
    provenance: str = "text"  # "text" or "table:<t>:row:<r>[:<field>=<col>,…]"
    extra: dict[str, str] = field(default_factory=dict)  # table columns with no field of their own
    # set by normalize
    lead: list[Mention] = field(default_factory=list)
    support: list[Mention] = field(default_factory=list)
    time_start: str = ""
    time_end: str = ""
    recurrence: str = ""
    time_source: str = ""
    deadline: str = ""
    time_parsed: bool = True
    ref_decision: str = ""
    ref_task: str = ""
    ref_score: float | None = None
    adaptation: str = ""


@dataclass
class Document:
    doc_id: str
    source_path: str
    sha256: str = ""
    status: str = "ok"  # ok | partial | failed
    errors: list[str] = field(default_factory=list)
    kind: str = ""
    encoding: str = ""
    header: Header = field(default_factory=Header)
    tasks: list[Task] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    period_hints: list[str] = field(default_factory=list)  # sentences that may state the plan period
    body_start: int = 0  # index of the first outline paragraph; those before are the preamble

    def warn(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)
        if self.status == "ok":
            self.status = "partial"

    def fail(self, message: str) -> None:
        self.status = "failed"
        if message not in self.errors:
            self.errors.append(message)
