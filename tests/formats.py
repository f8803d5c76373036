"""Make test inputs in every format kehoach reads, from the text of a plan.

Each writer turns one plan text into the form a province might publish it in
(legacy encodings, Word with real list numbering, a text PDF, a scan), so the
same plan can be checked to give the same result whatever the format.
"""
from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
"""Grave, acute, tilde, hook above, dot below: the marks Windows-1258 writes as
separate combining bytes after the base letter."""

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_WHOLE_BOLD = re.compile(r"\s*\*\*((?:(?!\*\*).)+)\*\*\s*")
_INLINE = re.compile(r"(\*\*(?:(?!\*\*).)+\*\*|(?<![*\w])\*(?=\S)[^*]+?(?<=\S)\*(?![*\w]))")
_ROMAN = re.compile(r"^([IVXLC]+)\. (?=\S)")
_DECIMAL = re.compile(r"^(\d+)\. (?=\S)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
WORD_LIST_ID = 90
"""numId/abstractNumId of the I./1. list written by ``write_docx(numbering="word")``."""


# --- plain text ----------------------------------------------------------------------


def windows_1258_form(text: str) -> str:
    """Text as Windows-1258 stores it: base letters (``ô``, ``ư``, ``ă``, ``đ``)
    precomposed, tone marks as separate combining characters."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        if not tones:
            out.append(char)
            continue
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


def write_text(text: str, path: str | Path, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write ``text`` with ``\\n`` replaced by ``newline``. ``encoding`` is a Python
    codec name, ``cp1258`` (tone marks decomposed first) or ``nfd`` (UTF-8, NFD)."""
    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\n", newline)
    if encoding.lower().replace("-", "") in ("cp1258", "windows1258"):
        data = windows_1258_form(text).encode("cp1258")
    elif encoding.lower() == "nfd":
        data = unicodedata.normalize("NFD", text).encode("utf-8")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)
    return path


def plain_text(text: str) -> str:
    """A plan text without its markdown (heading marks, ``**``, ``*``): what a
    reader of a PDF made by :func:`write_pdf` sees."""
    lines = []
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        content = heading.group(2) if heading else line
        lines.append("".join(seg for seg, _b, _i in _segments(content)))
    return "\n".join(lines)


# --- legacy font encodings ----------------------------------------------------------

LEGACY_ENCODINGS = ("tcvn3", "tcvn5712", "vni", "viscii")
"""What :func:`legacy_bytes` writes: ``tcvn3`` as ``.VnTime`` documents store it
(no toned capitals: they are typed as the small letter, drawn big by ``.VnTimeH``),
``tcvn5712`` (glibc's full TCVN 5712:1993 VN1, capitals included), ``vni`` and
``viscii``. The TCVN and VISCII bytes come from iconv, VNI from
:func:`vni_bytes`: never from the tables under test."""

_QUOTES = re.compile("([\u201c\u201d])")
_VNI_TONES = {"": "", "\u0301": "\xf9", "\u0300": "\xf8", "\u0309": "\xfb", "\u0303": "\xf5",
              "\u0323": "\xef"}
_VNI_CIRCUMFLEX = {"": "\xe2", "\u0301": "\xe1", "\u0300": "\xe0", "\u0309": "\xe5",
                   "\u0303": "\xe3", "\u0323": "\xe4"}
_VNI_BREVE = {"": "\xea", "\u0301": "\xe9", "\u0300": "\xe8", "\u0309": "\xfa", "\u0303": "\xfc",
              "\u0323": "\xeb"}
_VNI_I = {"\u0301": "\xed", "\u0300": "\xec", "\u0309": "\xe6", "\u0303": "\xf3", "\u0323": "\xf2"}


def legacy_reference(text: str, encoding: str) -> str:
    """The NFC text a legacy file made by :func:`legacy_bytes` stands for: VISCII
    has no curly quotes, so they are straight ones there."""
    text = unicodedata.normalize("NFC", text)
    return _QUOTES.sub('"', text) if encoding == "viscii" else text


def legacy_bytes(text: str, encoding: str) -> bytes:
    """``text`` in a legacy encoding (see :data:`LEGACY_ENCODINGS`). Curly quotes
    are the Windows-1252 bytes Word writes in ``.VnTime``/``VNI-Times`` text."""
    text = legacy_reference(text, encoding)
    if encoding == "vni":
        return vni_bytes(text)
    if encoding == "tcvn3":
        text = "".join(_small_if_toned_capital(c) for c in text)
    charset = {"tcvn3": "TCVN5712-1", "tcvn5712": "TCVN5712-1", "viscii": "VISCII"}[encoding]
    out = []
    for piece in _QUOTES.split(text):
        if piece in ("\u201c", "\u201d"):
            out.append(piece.encode("cp1252"))
        elif piece:
            out.append(_iconv(piece, charset))
    return b"".join(out)


def _small_if_toned_capital(char: str) -> str:
    return char.lower() if char.isupper() and set(unicodedata.normalize("NFD", char)) & TONE_MARKS else char


def _iconv(text: str, charset: str) -> bytes:
    import subprocess

    result = subprocess.run(["iconv", "-f", "UTF-8", "-t", charset], input=text.encode("utf-8"),
                            capture_output=True, check=True)
    return result.stdout


def vni_bytes(text: str) -> bytes:
    """VNI-Windows bytes built from each letter's parts, following the published
    layout: base letter, then one byte for the circumflex or breve with its tone
    (``aá`` = ấ), or for the tone alone (``aù`` = á); ``ô``/``ö`` are ơ/ư, ``ñ`` is
    đ, and the toned i's and ỵ are single bytes. Capitals take capital marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        tone = "".join(m for m in marks if m in TONE_MARKS)
        shape = "".join(m for m in marks if m not in TONE_MARKS)
        upper = base.isupper()
        lower = base.lower()
        if char in "đĐ":
            piece = "\xf1"
        elif shape == "\u031b":  # horn
            piece = {"o": "\xf4", "u": "\xf6"}[lower] + _VNI_TONES[tone]
        elif shape == "\u0302":
            piece = lower + _VNI_CIRCUMFLEX[tone]
        elif shape == "\u0306":
            piece = lower + _VNI_BREVE[tone]
        elif shape:
            raise ValueError(f"no VNI form for {char!r}")
        elif lower == "i" and tone:
            piece = _VNI_I[tone]
        elif lower == "y" and tone == "\u0323":
            piece = "\xee"
        elif tone:
            piece = lower + _VNI_TONES[tone]
        else:
            out.append(char.encode("cp1252"))
            continue
        out.append((piece.upper() if upper else piece).encode("cp1252"))
    return b"".join(out)


# --- DOCX ----------------------------------------------------------------------------


def write_docx(text: str, path: str | Path, numbering: str = "typed") -> Path:
    """One paragraph per non-empty line of a plan text.

    ``numbering="typed"`` keeps labels in the text. ``numbering="word"`` removes
    ``I. `` and ``1. `` labels and applies a real two-level Word list (upperRoman
    ``%1.`` at level 0, decimal ``%2.`` at level 1, restarting under each Roman),
    for the labels that list reproduces; reading the file back must rebuild them.
    Markdown headings get Heading styles with bold set on every run, ``**x**``
    becomes bold and ``*x*`` italic runs."""
    import docx

    if numbering not in ("typed", "word"):
        raise ValueError(f"numbering must be 'typed' or 'word', not {numbering!r}")
    document = docx.Document()
    if numbering == "word":
        _add_word_list(document)
    for line in _docx_paragraphs(text, numbering):
        _add_line(document, line)
    path = Path(path)
    document.save(str(path))
    return path


def write_html(text: str, path: str | Path, style: str = "portal") -> Path:
    """A plan as a web page: ``portal`` (UTF-8, HTML5, as legal portals serve it:
    a head with styles and scripts, a menu, the plan in ``<p>`` blocks with bold
    and italic runs and ``&nbsp;``, a page footer) or ``word`` (Word's "Web Page":
    Windows-1258 with decomposed tones, Office namespaces, conditional comments,
    ``<o:p>``, source lines wrapped inside paragraphs)."""
    import html as _html

    if style not in ("portal", "word"):
        raise ValueError(f"style must be 'portal' or 'word', not {style!r}")

    def runs(line: _DocxLine) -> str:
        out = []
        for segment, bold, italic in _segments(line.content):
            piece = _html.escape(segment).replace("  ", " &nbsp;")
            if italic:
                piece = f"<i>{piece}</i>" if style == "portal" else f"<i><span lang=VI>{piece}</span></i>"
            if bold or line.bold:
                piece = f"<strong>{piece}</strong>" if style == "portal" else f"<b>{piece}</b>"
            out.append(piece)
        return "".join(out)

    paragraphs = _docx_paragraphs(text, "typed")
    if style == "portal":
        body = "\n".join(f'<p style="margin:6pt 0"><span>{runs(p)}</span></p>' for p in paragraphs)
        page = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">\n'
                f"<title>{_html.escape(paragraphs[0].content)}</title>\n"
                "<style>body { font: 13pt Arial; } .content1 p { margin: 0 }</style>\n"
                "<script>var q = []; function less(a, b) { return a < b && b > 0; }</script>\n"
                '</head>\n<body>\n<nav><a href="/">Trang chủ</a> › <a href="/van-ban">Văn bản pháp luật</a></nav>\n'
                f'<div class="content1"><div>\n{body}\n</div></div>\n'
                "<footer>Bản quyền &copy; Cổng thông tin <a href=\"#\">Liên hệ</a></footer>\n"
                "<script>q.push(1);</script>\n</body></html>\n")
        data = page.encode("utf-8")
    else:
        blocks = []
        for p in paragraphs:
            words, lines, line = runs(p).split(" "), [], ""
            for word in words:  # Word wraps its source at about 76 characters
                if line and len(line) + len(word) > 76:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            lines.append(line)
            blocks.append("<p class=MsoNormal>" + "\r\n".join(lines) + "<o:p></o:p></p>")
        page = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"\r\n'
                'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\r\n'
                '<head>\r\n<meta http-equiv=Content-Type content="text/html; charset=windows-1258">\r\n'
                "<meta name=Generator content=\"Microsoft Word 15\">\r\n"
                "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->\r\n"
                "<style>\r\n<!--\r\np.MsoNormal {margin:0cm; font-size:13.0pt;}\r\n-->\r\n</style>\r\n"
                "</head>\r\n\r\n<body lang=EN-US style='tab-interval:36.0pt'>\r\n<div class=WordSection1>\r\n\r\n"
                + "\r\n\r\n".join(blocks) + "\r\n\r\n</div>\r\n</body>\r\n</html>\r\n")
        data = windows_1258_form(page).encode("cp1258")
    path = Path(path)
    path.write_bytes(data)
    return path


def docx_expected_lines(text: str) -> list[str]:
    """The lines the DOCX reader must give for ``write_docx(text, ...)`` (either
    numbering): labels in front, ``**...**`` around paragraphs all in bold."""
    lines = []
    for line in _docx_paragraphs(text, "typed"):
        segments = _segments(line.content)
        body = "".join(seg for seg, _b, _i in segments)
        bold = line.bold or all(b for seg, b, _i in segments if seg.strip())
        lines.append(f"**{body.strip()}**" if bold and body.strip() else body)
    return lines


class _DocxLine:
    __slots__ = ("content", "bold", "style", "ilvl")

    def __init__(self, content: str, bold: bool, style: str | None, ilvl: int | None):
        self.content, self.bold, self.style, self.ilvl = content, bold, style, ilvl


def _add_line(document: object, line: "_DocxLine") -> None:
    """One paragraph with its bold/italic runs and, when numbered, its Word list level."""
    paragraph = document.add_paragraph(style=line.style)
    if line.ilvl is not None:
        _set_num_pr(paragraph, WORD_LIST_ID, line.ilvl)
    for segment, bold, italic in _segments(line.content):
        run = paragraph.add_run(segment)
        run.bold = bold or line.bold or (False if line.style else None)
        if italic:
            run.italic = True


def _docx_paragraphs(text: str, numbering: str) -> list[_DocxLine]:
    """Split a plan into paragraph specs, taking off the labels that a Word list
    in the same position would generate (so the list reproduces them exactly)."""
    out: list[_DocxLine] = []
    romans = decimals = 0
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        heading = _HEADING.match(raw)
        style = f"Heading {len(heading.group(1))}" if heading else None
        content = heading.group(2) if heading else raw
        whole = _WHOLE_BOLD.fullmatch(content)
        bold = whole is not None
        if whole:
            content = whole.group(1).strip()
        ilvl = None
        if numbering == "word":
            roman = _ROMAN.match(content)
            decimal = _DECIMAL.match(content)
            if roman and _roman_value(roman.group(1)) == romans + 1:
                romans, decimals, ilvl = romans + 1, 0, 0
                content = content[roman.end():]
            elif decimal and int(decimal.group(1)) == decimals + 1:
                decimals, ilvl = decimals + 1, 1
                content = content[decimal.end():]
        out.append(_DocxLine(content, bold, style, ilvl))
    return out


def _segments(content: str) -> list[tuple[str, bool, bool]]:
    """(text, bold, italic) pieces of a line with inline markdown."""
    pieces = []
    for part in _INLINE.split(content):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            pieces.append((part[2:-2], True, False))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            pieces.append((part[1:-1], False, True))
        else:
            pieces.append((part, False, False))
    return pieces or [("", False, False)]


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _add_word_list(document: object) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    root = document.part.part_related_by(RT.NUMBERING).element  # type: ignore[attr-defined]
    levels = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="%{ilvl + 1}."/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 * (ilvl + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for ilvl, fmt in ((0, "upperRoman"), (1, "decimal"))
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{WORD_LIST_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{WORD_LIST_ID}">'
        f'<w:abstractNumId w:val="{WORD_LIST_ID}"/></w:num>'
    )
    first_num = root.find(num.tag)
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before any num
    else:
        root.append(abstract)
    root.append(num)


def _set_num_pr(paragraph: object, num_id: int, ilvl: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def write_docx_table(
    path: str | Path,
    rows: Sequence[Sequence[str | None]],
    merges: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
    before: Sequence[str] = (),
    after: Sequence[str] = (),
) -> Path:
    """A DOCX with paragraphs ``before``, one table, then paragraphs ``after``.

    ``merges`` are ((row, col), (row, col)) corners of merged ranges; the text of
    a merged range is the text of its top-left cell (covered cells say ``None``)."""
    import docx

    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for (r1, c1), (r2, c2) in merges:
        table.cell(r1, c1).merge(table.cell(r2, c2))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                table.cell(r, c).text = value
    for line in after:
        document.add_paragraph(line)
    path = Path(path)
    document.save(str(path))
    return path


# --- PDF -----------------------------------------------------------------------------

SYSTEM_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def vietnamese_font(bold: bool = False) -> Path:
    """A TTF with Vietnamese letters: ``$KEHOACH_TEST_FONT``, the system DejaVu
    Sans, or the copy matplotlib bundles."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    candidates = []
    if os.environ.get("KEHOACH_TEST_FONT") and not bold:
        candidates.append(Path(os.environ["KEHOACH_TEST_FONT"]))
    candidates.append(SYSTEM_FONT.with_name(name))
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        f"write_pdf needs {name} (a TTF with Vietnamese letters): install fonts-dejavu-core "
        "or matplotlib, or set KEHOACH_TEST_FONT"
    )


def write_pdf(text: str, path: str | Path, width: int = 95) -> Path:
    """A text PDF (A4) of a plan: markdown removed, paragraphs all in bold set in
    bold, lines wrapped at ``width`` characters, as many pages as needed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    regular = vietnamese_font()
    pdfmetrics.registerFont(TTFont("KehoachSans", str(regular)))
    try:
        pdfmetrics.registerFont(TTFont("KehoachSans-Bold", str(vietnamese_font(bold=True))))
        bold_font = "KehoachSans-Bold"
    except RuntimeError:
        bold_font = "KehoachSans"
    page_width, page_height = A4
    margin, size, leading = 42.0, 9.0, 12.0
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = page_height - margin
    for raw in text.split("\n"):
        heading = _HEADING.match(raw)
        content = heading.group(2) if heading else raw
        segments = _segments(content)
        line = "".join(seg for seg, _b, _i in segments)
        is_bold = all(b for seg, b, _i in segments if seg.strip()) and bool(line.strip())
        wrapped = textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
        for piece in wrapped:
            if y < margin:
                pdf.showPage()
                y = page_height - margin
            if piece:
                pdf.setFont(bold_font if is_bold else "KehoachSans", size)
                pdf.drawString(margin, y, piece)
            y -= leading
    pdf.showPage()
    pdf.save()
    return Path(path)


def write_scanned_pdf(path: str | Path, pages: int = 1) -> Path:
    """A PDF that looks like a scan: drawn shapes where the lines of text would
    be, and no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page_width, page_height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.setFillGray(0.95)
        pdf.rect(20, 20, page_width - 40, page_height - 40, fill=1, stroke=0)
        pdf.setFillGray(0.2)
        for i in range(40):
            pdf.rect(60, page_height - 80 - i * 18, 300 + (i * 37) % 180, 7, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return Path(path)


# --- task tables ---------------------------------------------------------------------


class TableSpec:
    """A table to write: ``rows`` of cell texts (``\\n`` between a cell's
    paragraphs, ``None`` under a merged range), ``merges`` as ((row, col), (row,
    col)) corners, the first ``header_rows`` rows marked to repeat on every page
    (``w:tblHeader``; ``repeatRows`` in PDF)."""

    def __init__(self, rows: Sequence[Sequence[str | None]],
                 merges: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
                 header_rows: int = 1):
        self.rows = [list(r) for r in rows]
        self.merges = list(merges)
        self.header_rows = header_rows

    @property
    def n_cols(self) -> int:
        return max(len(r) for r in self.rows)


Block = "str | TableSpec"


def write_docx_blocks(path: str | Path, blocks: Sequence[object]) -> Path:
    """A DOCX of prose blocks (plan text, one paragraph per non-empty line, as
    :func:`write_docx` with typed numbering) and tables, in order."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for block in blocks:
        if isinstance(block, TableSpec):
            table = document.add_table(rows=len(block.rows), cols=block.n_cols)
            table.style = "Table Grid"
            for (r1, c1), (r2, c2) in block.merges:
                table.cell(r1, c1).merge(table.cell(r2, c2))
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    cell = table.cell(r, c)
                    lines = value.split("\n")
                    cell.paragraphs[0].text = lines[0]
                    for line in lines[1:]:
                        cell.add_paragraph(line)
            for r in range(block.header_rows):
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:tblHeader"))
                tr_pr[-1].set(qn("w:val"), "true")
            document.add_paragraph("")
            continue
        for line in _docx_paragraphs(str(block), "typed"):
            _add_line(document, line)
    path = Path(path)
    document.save(str(path))
    return path


def write_pdf_blocks(path: str | Path, blocks: Sequence[object]) -> Path:
    """A text PDF (A4) of prose blocks, one paragraph per non-empty line with
    markdown removed, and ruled tables (grid lines, wrapped cell text, merged
    ranges, header rows repeated on every page the table runs onto)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("KehoachSans", str(vietnamese_font())))
    prose = ParagraphStyle("prose", fontName="KehoachSans", fontSize=9, leading=12)
    small = ParagraphStyle("cell", fontName="KehoachSans", fontSize=8, leading=10)
    story: list[object] = []
    page_width = A4[0] - 2 * 42
    for block in blocks:
        if isinstance(block, TableSpec):
            data = [[Paragraph(escape(v).replace("\n", "<br/>"), small) if v else ""
                     for v in row] + [""] * (block.n_cols - len(row)) for row in block.rows]
            widths = _pdf_widths(block, page_width)
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                     ("VALIGN", (0, 0), (-1, -1), "TOP")]
            style += [("SPAN", (c1, r1), (c2, r2)) for (r1, c1), (r2, c2) in block.merges]
            story.append(Table(data, colWidths=widths, repeatRows=block.header_rows,
                               style=TableStyle(style)))
            continue
        for line in plain_text(str(block)).split("\n"):
            if line.strip():
                story.append(Paragraph(escape(line), prose))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=42, rightMargin=42,
                            topMargin=42, bottomMargin=42)
    doc.build(story)
    return Path(path)


def _pdf_widths(block: TableSpec, total: float) -> list[float]:
    """Column widths by the length of the longest text in each column."""
    wide = {(r1, c1) for (r1, c1), (_r2, c2) in block.merges if c2 > c1}
    longest = [1] * block.n_cols
    for r, row in enumerate(block.rows[block.header_rows:], block.header_rows):
        for c, value in enumerate(row):
            if value and (r, c) not in wide:
                longest[c] = max(longest[c], min(len(value), 400))
    weights = [max(6.0, float(n) ** 0.5) for n in longest]
    return [total * w / sum(weights) for w in weights]


def html_table(spec: TableSpec) -> str:
    """The table as HTML, merged ranges as ``rowspan``/``colspan``, header rows
    in ``<thead>``."""
    from html import escape

    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for (r1, c1), (r2, c2) in spec.merges}
    covered = {(r, c) for (r1, c1), (r2, c2) in spec.merges
               for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - set(spans)
    out = ["<table border=\"1\">"]
    for r, row in enumerate(spec.rows):
        if r == 0 and spec.header_rows:
            out.append("<thead>")
        tag = "th" if r < spec.header_rows else "td"
        cells = []
        for c in range(spec.n_cols):
            if (r, c) in covered:
                continue
            value = row[c] if c < len(row) else ""
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            body = "".join(f"<p>{escape(p)}</p>" for p in (value or "").split("\n")) if value else ""
            cells.append(f"<{tag}{attrs}>{body}</{tag}>")
        out.append("  <tr>" + "".join(cells) + "</tr>")
        if r + 1 == spec.header_rows:
            out.append("</thead><tbody>")
    out.append("</tbody></table>" if spec.header_rows else "</table>")
    return "\n".join(out)


def tab_table(spec: TableSpec) -> str:
    """The table as a copy from a spreadsheet or Word into a text file leaves it:
    a line per row, a tab between cells (merged ranges written once, the
    covered cells empty), a cell of several lines quoted."""
    def cell(value: str | None) -> str:
        value = value or ""
        return '"' + value.replace('"', '""') + '"' if "\n" in value or '"' in value else value

    return "\n".join("\t".join(cell(row[c] if c < len(row) else "") for c in range(spec.n_cols))
                     for row in spec.rows)


def markdown_table(spec: TableSpec) -> str:
    """The table as a markdown pipe table (merged ranges written once, the
    covered cells left empty; ``<br>`` between a cell's paragraphs)."""
    def cell(value: str | None) -> str:
        return (value or "").replace("|", "\\|").replace("\n", "<br>")

    lines = []
    for r, row in enumerate(spec.rows):
        values = [cell(row[c] if c < len(row) else "") for c in range(spec.n_cols)]
        lines.append("| " + " | ".join(values) + " |")
        if r == 0:
            lines.append("|" + "---|" * spec.n_cols)
    return "\n".join(lines)
