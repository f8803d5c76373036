"""Word documents: DOCX read with python-docx, Word 97 ``.doc`` converted first.

Plans carry their structure in two places python-docx's ``paragraph.text`` loses:
list numbers Word generates from ``numbering.xml`` (the ``I.``, ``1.``, ``a)``
the section tree is built from) and tables whose merged cells python-docx repeats
at every grid position. This module walks the XML itself, so each paragraph gives
one line with its generated label written in front, and each table cell is read
once.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from extract.model import Cell, IngestError, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _R, _T, _TBL, _TR, _TC = W + "p", W + "r", W + "t", W + "tbl", W + "tr", W + "tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
_VAL = W + "val"
_RUN_CONTAINERS = frozenset(
    W + tag
    for tag in ("hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent",
                "customXml", "moveTo", "dir", "bdo")
)
_FALSE = frozenset({"0", "false", "off", "none"})
_MAX_GRID_SPAN = 63  # Word's limit on the columns of a table

DOC_CONVERTER_MISSING = (
    "cannot read .doc: install LibreOffice (Debian: libreoffice-writer-nogui) or antiword"
)
RTF_CONVERTER_MISSING = "cannot read .rtf: install LibreOffice (Debian: libreoffice-writer-nogui)"


def read_docx(data: bytes) -> tuple[str, list[str], list[Table]]:
    """Return the body text of a DOCX in reading order, one line per paragraph,
    warnings, and the body's top-level tables with the lines of each cell. Page
    headers, footers, notes and text boxes are left out."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own
        raise IngestError(f"corrupt DOCX: {_short(exc)}") from exc
    part = document.part
    styles = StyleIndex.from_element(_related_element(part, RT.STYLES))
    numbering = Numbering.from_element(_related_element(part, RT.NUMBERING), styles)
    out = _Emitter(styles, numbering)
    out.body(document.element.body)
    warnings = []
    if numbering.missing:
        warnings.append(f"{numbering.missing} numbered paragraphs refer to missing list definitions")
    return "\n".join(out.lines) + "\n", warnings, out.tables


@dataclass
class _Emitter:
    """Writes the lines of a body in reading order and records, for each
    top-level table, which lines every cell produced."""

    styles: "StyleIndex"
    numbering: "Numbering"
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def body(self, container: object) -> None:
        for child in _block_children(container):
            if child.tag == _TBL:
                self.table(child)
            else:
                self.paragraph(child)

    def paragraph(self, paragraph: object) -> None:
        self.lines.extend(paragraph_lines(paragraph, self.styles, self.numbering))

    def cell(self, cell: object) -> tuple[int, int]:
        first = len(self.lines) + 1
        for paragraph in iter_paragraphs(cell):
            self.paragraph(paragraph)
        return (first, len(self.lines)) if len(self.lines) >= first else (0, 0)

    def table(self, element: object) -> None:
        layout = table_layout(element)
        cells = []
        for tc, cell in layout.cells:
            start, end = self.cell(tc)
            lines = self.lines[start - 1:end] if start else []
            cell.text = "\n".join(lines)
            cell.line_start, cell.line_end = start, end
            cells.append(cell)
        self.tables.append(Table(index=len(self.tables) + 1, cells=cells, n_rows=layout.n_rows,
                                 n_cols=layout.n_cols, header_rows=layout.header_rows))


def _block_children(container: object) -> Iterator[object]:
    """Paragraphs and tables of a body in order, through content controls."""
    for child in container:  # type: ignore[attr-defined]
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_children(content)
        elif child.tag == _CUSTOM_XML:
            yield from _block_children(child)


@dataclass
class TableLayout:
    """Where each ``w:tc`` of a table sits on the grid, each cell once."""

    cells: list[tuple[object, Cell]]
    n_rows: int
    n_cols: int
    header_rows: int


def table_layout(table: object) -> TableLayout:
    """Grid positions of a table's cells.

    python-docx hands a horizontally merged cell out once per grid column it
    covers (the same ``_tc``) and a vertically merged one as a ``w:vMerge``
    restart followed by continue cells in the rows below. Here a ``w:gridSpan``
    widens the cell, and a continue cell (also legacy ``w:hMerge``) lengthens
    the cell it continues, so every value is read once and knows every row and
    column it applies to."""
    cells: list[tuple[object, Cell]] = []
    above: dict[int, Cell] = {}  # grid column → the cell that last started there
    header_rows = 0
    counting_header = True
    n_cols = 0
    rows = list(table.iterchildren(_TR))  # type: ignore[attr-defined]
    for r, row in enumerate(rows):
        props = row.find(W + "trPr")
        col = _int_val(props, "gridBefore")
        is_header = props is not None and _flag(props, "tblHeader") is True
        if counting_header and is_header:
            header_rows += 1
        else:
            counting_header = False
        previous: Cell | None = None
        for tc in _row_cells(row):
            tc_props = tc.find(W + "tcPr")
            span = min(max(1, _int_val(tc_props, "gridSpan") or 1), _MAX_GRID_SPAN)
            v_merge = tc_props.find(W + "vMerge") if tc_props is not None else None
            h_merge = tc_props.find(W + "hMerge") if tc_props is not None else None
            if v_merge is not None and v_merge.get(_VAL, "continue") == "continue" and col in above:
                start = above[col]
                start.row_span = r - start.row + 1
                previous = start
            elif h_merge is not None and h_merge.get(_VAL, "continue") == "continue" and previous:
                previous.col_span += span
            else:
                cell = Cell("", r, col, 1, span)
                cells.append((tc, cell))
                for c in range(col, col + span):
                    above[c] = cell
                previous = cell
            col += span
        n_cols = max(n_cols, col)
    return TableLayout(cells, len(rows), n_cols, header_rows)


def _int_val(props: object | None, tag: str) -> int:
    value = _child_val(props, tag)
    return int(value) if value and value.isdigit() else 0


def _related_element(part: object, reltype: str) -> object | None:
    try:
        return part.part_related_by(reltype).element  # type: ignore[attr-defined]
    except (KeyError, AttributeError):
        return None


# --- reading order -------------------------------------------------------------------


def iter_paragraphs(container: object) -> Iterator[object]:
    """Yield the ``w:p`` elements of a body, cell or content control in reading
    order, descending into tables row by row and cell by cell."""
    for child in container:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _P:
            yield child
        elif tag == _TBL:
            for cell in iter_table_cells(child):
                yield from iter_paragraphs(cell)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from iter_paragraphs(content)
        elif tag == _CUSTOM_XML:
            yield from iter_paragraphs(child)


def iter_table_cells(table: object) -> Iterator[object]:
    """Yield each cell of a table once, in row then column order.

    A horizontally merged cell is one ``w:tc`` spanning grid columns, which
    python-docx hands out once per column (the same ``_tc``); a vertically merged
    cell is a ``w:vMerge`` restart followed by continue cells in the rows below,
    which Word does not show. Walking the ``w:tc`` elements themselves, each
    visited once, and skipping continue cells (also legacy ``w:hMerge``) reads
    every cell exactly once."""
    for row in table.iterchildren(_TR):  # type: ignore[attr-defined]
        for cell in _row_cells(row):
            if not _is_merge_continuation(cell):
                yield cell


def _row_cells(row: object) -> Iterator[object]:
    for child in row:  # type: ignore[attr-defined]
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _row_cells(inner)


def _is_merge_continuation(cell: object) -> bool:
    props = cell.find(W + "tcPr")  # type: ignore[attr-defined]
    if props is None:
        return False
    for tag in ("vMerge", "hMerge"):
        merge = props.find(W + tag)
        if merge is not None and merge.get(_VAL, "continue") == "continue":
            return True
    return False


# --- paragraphs ----------------------------------------------------------------------


def paragraph_lines(paragraph: object, styles: "StyleIndex", numbering: "Numbering") -> list[str]:
    """The output lines of one paragraph: generated list label in front, and
    ``**...**`` around the text when every visible run is bold."""
    props = paragraph.find(W + "pPr")  # type: ignore[attr-defined]
    style_id = _child_val(props, "pStyle") or styles.default_paragraph
    pieces: list[str] = []
    all_bold = True
    visible = False
    for run in _iter_runs(paragraph):
        run_props = run.find(W + "rPr")
        if _flag(run_props, "vanish"):
            continue
        text = _run_text(run)
        pieces.append(text)
        if text.strip():
            visible = True
            all_bold = all_bold and styles.run_is_bold(run_props, style_id)
    text = "".join(pieces)
    label = numbering.label_for(props, style_id)
    if label:
        text = f"{label} {text}" if text.strip() else label
    lines = text.split("\n")
    if visible and all_bold:
        lines = [f"**{line.strip()}**" if line.strip() else line for line in lines]
    return lines


def _iter_runs(element: object) -> Iterator[object]:
    """Runs in order, through hyperlinks, insertions and content controls; deleted
    text, text boxes and drawings are not part of the paragraph's text."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag == _R:
            yield child
        elif child.tag in _RUN_CONTAINERS:
            yield from _iter_runs(child)


def _run_text(run: object) -> str:
    parts: list[str] = []
    for child in run:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag == W + "br":
            if child.get(W + "type", "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == W + "cr":
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _child_val(props: object | None, tag: str) -> str | None:
    if props is None:
        return None
    child = props.find(W + tag)  # type: ignore[attr-defined]
    return None if child is None else child.get(_VAL)


def _flag(props: object | None, tag: str) -> bool | None:
    """A toggle property (``w:b``, ``w:vanish``): True, False, or None if unset."""
    if props is None:
        return None
    child = props.find(W + tag)  # type: ignore[attr-defined]
    if child is None:
        return None
    return child.get(_VAL, "1").lower() not in _FALSE


# --- styles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    style_id: str
    based_on: str | None
    bold: bool | None
    num_id: str | None
    ilvl: int | None


@dataclass
class StyleIndex:
    """What the reader needs from ``styles.xml``: bold and list numbering, with
    ``w:basedOn`` inheritance resolved."""

    styles: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str | None = None
    default_bold: bool = False

    @classmethod
    def from_element(cls, root: object | None) -> "StyleIndex":
        index = cls()
        if root is None:
            return index
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")  # type: ignore[attr-defined]
        index.default_bold = bool(_flag(defaults, "b"))
        for element in root.iterchildren(W + "style"):  # type: ignore[attr-defined]
            style_id = element.get(W + "styleId")
            if not style_id:
                continue
            ppr = element.find(W + "pPr")
            num_pr = ppr.find(W + "numPr") if ppr is not None else None
            ilvl = _child_val(num_pr, "ilvl")
            index.styles[style_id] = Style(
                style_id=style_id,
                based_on=_child_val(element, "basedOn"),
                bold=_flag(element.find(W + "rPr"), "b"),
                num_id=_child_val(num_pr, "numId"),
                ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
            )
            is_default = (element.get(W + "default") or "").lower() in ("1", "true", "on")
            if element.get(W + "type") == "paragraph" and is_default:
                index.default_paragraph = style_id
        return index

    def chain(self, style_id: str | None) -> Iterator[Style]:
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.based_on

    def bold(self, style_id: str | None) -> bool | None:
        return next((s.bold for s in self.chain(style_id) if s.bold is not None), None)

    def run_is_bold(self, run_props: object | None, paragraph_style: str | None) -> bool:
        """Direct formatting, then the run's character style, then the paragraph
        style, then the document defaults."""
        for value in (
            _flag(run_props, "b"),
            self.bold(_child_val(run_props, "rStyle")),
            self.bold(paragraph_style),
        ):
            if value is not None:
                return value
        return self.default_bold

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs."""
        num_id: str | None = None
        ilvl: int | None = None
        for style in self.chain(style_id):
            if num_id is None and style.num_id is not None:
                num_id = style.num_id
            if ilvl is None and style.ilvl is not None:
                ilvl = style.ilvl
        return num_id, ilvl


# --- list numbering ------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a list definition (``w:lvl``)."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart; None = after any higher level
    legal: bool = False  # w:isLgl: show every level as a decimal
    style_id: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass(frozen=True)
class ListInstance:
    """A ``w:num``: an abstract definition plus the levels it overrides."""

    abstract_id: str
    levels: dict[int, Level]
    start_overrides: frozenset[int]


@dataclass
class Numbering:
    """Computes the labels Word shows for numbered paragraphs, in document order.

    Counters belong to the abstract list, so separate ``w:num`` instances of one
    list continue each other, unless an instance overrides a level's start, which
    restarts that level where the instance is first used."""

    instances: dict[str, ListInstance] = field(default_factory=dict)
    styles: StyleIndex = field(default_factory=StyleIndex)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    missing: int = 0

    @classmethod
    def from_element(cls, root: object | None, styles: StyleIndex) -> "Numbering":
        numbering = cls(styles=styles)
        if root is None:
            return numbering
        abstracts: dict[str, dict[int, Level]] = {}
        links: dict[str, str] = {}
        for element in root.iterchildren(W + "abstractNum"):  # type: ignore[attr-defined]
            abstract_id = element.get(W + "abstractNumId", "")
            abstracts[abstract_id] = _parse_levels(element)
            link = _child_val(element, "numStyleLink")
            if link:
                links[abstract_id] = link
        nums = {
            element.get(W + "numId", ""): element
            for element in root.iterchildren(W + "num")  # type: ignore[attr-defined]
        }
        for num_id, element in nums.items():
            abstract_id = _child_val(element, "abstractNumId") or ""
            abstract_id = _follow_style_link(abstract_id, links, nums, styles)
            levels = dict(abstracts.get(abstract_id, {}))
            restarts: set[int] = set()
            for override in element.iterchildren(W + "lvlOverride"):
                ilvl = int(override.get(W + "ilvl", "0"))
                replacement = override.find(W + "lvl")
                if replacement is not None:
                    levels[ilvl] = _parse_level(replacement)
                start = _child_val(override, "startOverride")
                if start is not None and start.lstrip("-").isdigit():
                    base = levels.get(ilvl, Level())
                    levels[ilvl] = Level(int(start), base.fmt, base.text, base.restart,
                                         base.legal, base.style_id)
                    restarts.add(ilvl)
            numbering.instances[num_id] = ListInstance(abstract_id, levels, frozenset(restarts))
        return numbering

    def label_for(self, paragraph_props: object | None, style_id: str | None) -> str:
        """The label of a paragraph (``I.``, ``1.2.``, ``a)``, ``-``) or ``""``;
        advances the counters, so call it once per paragraph in document order."""
        num_pr = paragraph_props.find(W + "numPr") if paragraph_props is not None else None  # type: ignore[attr-defined]
        direct_num = _child_val(num_pr, "numId")
        direct_ilvl = _child_val(num_pr, "ilvl")
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = direct_num if direct_num is not None else style_num
        if num_id is None or num_id == "0":
            return ""
        instance = self.instances.get(num_id)
        if instance is None:
            self.missing += 1
            return ""
        if direct_ilvl is not None and direct_ilvl.isdigit():
            ilvl = int(direct_ilvl)
        elif style_ilvl is not None:
            ilvl = style_ilvl
        else:
            ilvl = next((i for i, lvl in instance.levels.items() if lvl.style_id == style_id), 0)
        return self._advance(num_id, instance, ilvl)

    def _advance(self, num_id: str, instance: ListInstance, ilvl: int) -> str:
        counters = self.counters.setdefault(instance.abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for restarted in instance.start_overrides:
                counters.pop(restarted, None)
        level = instance.levels.get(ilvl, Level())
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [i for i in counters if i > ilvl]:
            restart = instance.levels.get(deeper, Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet":
            return "-"
        if level.fmt == "none" and "%" not in level.text:
            return level.text.strip()
        return _fill(level, instance.levels, counters)


def _fill(level: Level, levels: dict[int, Level], counters: dict[int, int]) -> str:
    """Replace ``%1``..``%9`` in the level text by the formatted counters."""
    out: list[str] = []
    text = level.text
    i = 0
    while i < len(text):
        if text[i] == "%" and i + 1 < len(text) and text[i + 1].isdigit():
            ref = int(text[i + 1]) - 1
            ref_level = levels.get(ref, Level())
            value = counters.get(ref, ref_level.start)
            out.append(format_number(value, "decimal" if level.legal else ref_level.fmt))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out).strip()


def format_number(value: int, fmt: str) -> str:
    """A counter in a Word number format (``upperRoman`` 4 → ``IV``)."""
    if fmt in ("upperRoman", "lowerRoman") and value > 0:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                            (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                            (5, "V"), (4, "IV"), (1, "I")):
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out)


def _parse_levels(abstract: object) -> dict[int, Level]:
    levels = {}
    for element in abstract.iterchildren(W + "lvl"):  # type: ignore[attr-defined]
        levels[int(element.get(W + "ilvl", "0"))] = _parse_level(element)
    return levels


def _parse_level(element: object) -> Level:
    start = _child_val(element, "start")
    restart = _child_val(element, "lvlRestart")
    legal = _flag(element, "isLgl")
    return Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_child_val(element, "numFmt") or "decimal",
        text=_child_val(element, "lvlText") or "",
        restart=int(restart) if restart and restart.isdigit() else None,
        legal=bool(legal),
        style_id=_child_val(element, "pStyle"),
    )


def _follow_style_link(
    abstract_id: str, links: dict[str, str], nums: dict[str, object], styles: StyleIndex
) -> str:
    """An abstract list that only says ``w:numStyleLink`` takes its levels from
    the list its numbering style points to."""
    for _ in range(3):
        link = links.get(abstract_id)
        if link is None:
            break
        num_id, _ilvl = styles.numbering(link)
        target = nums.get(num_id or "")
        if target is None:
            break
        abstract_id = _child_val(target, "abstractNumId") or abstract_id
    return abstract_id


# --- Word 97 -------------------------------------------------------------------------


def read_doc(data: bytes) -> tuple[str, list[str], list[Table]]:
    """Read a Word 97 (or RTF) file through LibreOffice, else antiword."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    antiword = shutil.which("antiword")
    is_rtf = data.lstrip()[:5] == b"{\\rtf"
    if office is None and is_rtf:
        raise IngestError(RTF_CONVERTER_MISSING)
    if office is None and antiword is None:
        raise IngestError(DOC_CONVERTER_MISSING)
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        source = Path(tmp) / ("input.rtf" if is_rtf else "input.doc")
        source.write_bytes(data)
        if office is not None:
            return read_docx(_convert_with_office(office, source, Path(tmp)))
        text = _run_antiword(antiword, source)  # type: ignore[arg-type]
        return text, ["read with antiword: list numbers and tables are approximate"], []


OFFICE_FILTERS = {"doc": ("MS Word 97", "MS Word 95", "MS WinWord 6.0"), "rtf": ("Rich Text Format",)}
"""LibreOffice import filters tried in turn. Naming the filter matters: left to
guess, LibreOffice imports a corrupt .doc as plain text and returns garbage."""


def _convert_with_office(office: str, source: Path, tmp: Path) -> bytes:
    profile = (tmp / "profile").as_uri()  # own profile: parallel runs do not lock each other
    said = ""
    for i, infilter in enumerate(OFFICE_FILTERS[source.suffix.lstrip(".")]):
        outdir = tmp / f"out{i}"
        outdir.mkdir()
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   f"--infilter={infilter}", "--convert-to", "docx", "--outdir", str(outdir),
                   str(source)]
        _returncode, _stdout, stderr = _run_converter(command, "LibreOffice")
        converted = outdir / (source.stem + ".docx")
        if converted.is_file():
            return converted.read_bytes()
        said = said or _converter_message(stderr)
    raise IngestError("cannot read .doc: LibreOffice could not convert it "
                      f"({said or 'corrupt or encrypted?'})")


CONVERTER_TIMEOUT = 120
"""Seconds a .doc conversion may take; a hung LibreOffice is killed with its children."""


def _run_converter(command: list[str], name: str) -> tuple[int, bytes, bytes]:
    """Run a converter in its own process group, so a time-out kills the whole
    tree (``soffice`` is a launcher that starts ``soffice.bin``), not just the
    launcher; errors become :class:`IngestError` naming the program."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise IngestError(f"cannot read .doc: {name} failed to start ({_short(exc)})") from exc
    try:
        stdout, stderr = process.communicate(timeout=CONVERTER_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise IngestError(f"cannot read .doc: {name} took longer than {CONVERTER_TIMEOUT} s") from exc
    return process.returncode, stdout, stderr


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    import os
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # already gone, or no process groups (Windows)
        process.kill()
    process.communicate()


def _converter_message(stderr: bytes) -> str:
    """The last line of a converter's stderr that is not a known harmless warning
    (LibreOffice says one line; a crash ends with what went wrong)."""
    for line in reversed(stderr.decode("utf-8", "replace").splitlines()):
        line = line.strip()
        if line and "javaldx" not in line:
            return line[:160]
    return ""


def _run_antiword(antiword: str, source: Path) -> str:
    returncode, stdout, stderr = _run_converter(
        [antiword, "-m", "UTF-8.txt", "-w", "0", str(source)], "antiword")
    if returncode != 0 or not stdout.strip():
        raise IngestError(f"cannot read .doc: {_converter_message(stderr) or 'antiword found no text'}")
    return stdout.decode("utf-8", errors="replace")


def _short(exc: BaseException) -> str:
    return (str(exc).split("\n")[0] or type(exc).__name__)[:120]
