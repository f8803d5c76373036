"""From decoded text to logical paragraphs.

Plans arrive hard-wrapped (PDF text, portal pages), double-spaced, with page
numbers, running headers and markdown remnants. Structure parsing needs one
paragraph per logical unit, each knowing the source lines it came from, so
that every extracted value can be checked against the original.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.entities import html5

from .markers import starts_new_block
from .model import Paragraph

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:trang\s+|page\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_PAGE_BREAK = re.compile(r"^\s*(?:\f|-{3,}|_{3,}|\*{3,}|={3,}|<!--\s*page.*-->)\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_PAGE_BREAK_STARTS = frozenset("-_*=<")  # the first characters _PAGE_BREAK can match (besides \f)
_HTML_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|p|br|div|font)\b[^<>]{0,200}>", re.IGNORECASE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MD_CELL = re.compile(r"(?<!\\)\|")  # a cell separator: a pipe not escaped
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Words that open the paragraphs of a plan's preamble and closing, never a wrapped line.
_OPENER = re.compile(r"^(?:Căn cứ|Thực hiện|Trên đây|Nơi nhận|Kính gửi|Đồng kính gửi)\b")
_SENTENCE_END_CHARS = frozenset('.!?:;…”"»)')  # also ends "./." (the end of a legal text)
_MARKUP_CHARS = re.compile(r"[<#>*_\\&]")
# character references left by a copy from a web page (``&nbsp;``, ``&amp;``, ``&#7871;``);
# only with their semicolon, so ``Khoa học & Công nghệ`` and ``R&D`` stay as written
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


@dataclass
class _Line:
    text: str
    number: int
    heading: bool
    italic: bool
    after_blank: bool = False  # a blank line precedes it, in a text where that means something
    cell_start: bool = False  # the first line of a table cell: never a continuation


@lru_cache(maxsize=65536)  # pure; lines recur across the plans of one programme
def _strip_markup(raw: str) -> tuple[str, bool, bool]:
    """Remove markdown/HTML emphasis; report whether the line was a heading
    (``#``, or wholly bold) and whether it carried italics."""
    if not _MARKUP_CHARS.search(raw):  # most lines: none of the patterns below can match
        return _WS.sub(" ", raw).strip(), False, False
    s = _HTML_TAG.sub("", raw)
    heading = bool(_MD_HEADING.match(s))
    s = _MD_HEADING.sub("", s)
    s = _MD_QUOTE.sub("", s)
    core = s.strip()
    if core.startswith("**") and core.endswith("**") and len(core) > 4:
        heading = True
    italic = "*" in core.replace("**", "") or "_" in core
    s = _MD_EMPH.sub("", s)
    s = _MD_ESCAPE.sub(r"\1", s)
    if "&" in s:  # last, so that a ``&#42;`` stays a star
        s = unicodedata.normalize("NFC", _ENTITY.sub(_reference, s))
    return _WS.sub(" ", s).strip(), heading, italic


def _reference(match: re.Match[str]) -> str:
    """A character reference's character; a name HTML does not define stays
    as written (``html.unescape`` would read ``&notice;`` as ``¬ice;``)."""
    ref = match.group()
    return html.unescape(ref) if ref[1] == "#" else html5.get(ref[1:], ref)


def _is_noise(text: str) -> bool:
    # Both patterns need a short line or a dash: test that before the regexes.
    return ((len(text) <= 24 and bool(_PAGE_NUMBER.match(text)))
            or ("---" in text and bool(_TABLE_RULE.match(text))))


def _typical_width(lines: list[_Line]) -> int:
    """Width of a full line in this document: hard-wrapped text has most lines
    near one width; unwrapped text has no such width (long lines)."""
    lengths = sorted(len(ln.text) for ln in lines if len(ln.text) > 20)
    if not lengths:
        return 0
    return lengths[int(len(lengths) * 0.75)]


def _repeated_page_lines(raw_lines: list[str]) -> set[str]:
    """Running headers/footers: short lines next to page breaks that recur on
    several pages."""
    pages: list[list[str]] = [[]]
    for ln in raw_lines:
        if "\f" in ln:
            pages.append([])
            rest = ln.replace("\f", "").strip()
            if rest:
                pages[-1].append(rest)
        else:
            pages[-1].append(ln.strip())
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for page in pages:
        body = [x for x in page if x]
        for cand in set(body[:2] + body[-2:]):
            if len(cand) <= 120:
                counts[cand] = counts.get(cand, 0) + 1
    return {c for c, n in counts.items() if n >= max(3, len(pages) // 2)}


def _row_pieces(raw: str) -> list[tuple[str, bool]]:
    """The lines of a markdown table row left in the prose (the layout tables of
    a page saved from a portal: the header's issuer | motto, number | date; the
    closing's Nơi nhận | signature), cell by cell, ``<br>`` as a line break;
    with whether each line opens a cell. Task tables are read apart and never
    reach here."""
    row = raw.strip()
    if len(row) < 3 or row[-1] != "|" or row[-2:] == "\\|":
        return [(raw, False)]
    out = []
    for cell in _MD_CELL.split(row[1:-1]):
        lines = [line for line in _BR.split(cell) if line.strip()]
        out += [(line, k == 0) for k, line in enumerate(lines)]
    return out


def _continues(prev: _Line, cur: _Line, width: int) -> bool:
    """Whether ``cur`` is the hard-wrapped continuation of ``prev``."""
    if cur.cell_start or (cur.text.isupper() and _capitals_after_mixed(prev.text, cur.text)):
        return False
    if prev.heading != cur.heading and (prev.heading or cur.heading):
        return False
    text = cur.text
    first = text[0]
    ended = _ends_sentence(prev.text)
    if starts_new_block(text):
        # "- nghề nghiệp …": a dash that continues the sentence above.
        rest = text[2:]
        return (text[0] in "-–" and text[1:2] == " " and rest[:1].islower()
                and not starts_new_block(rest) and not ended)
    if ended:
        return first.islower() and not prev.text.rstrip().endswith(":")
    if first.islower() or first.isdigit() or first in "(“\"'‘-–&/,.":
        return True
    if cur.after_blank or _OPENER.match(text):
        return False
    # An upper-case start continues only a line that runs to the full width.
    return width > 0 and len(prev.text) >= 0.8 * width and width < 200


def _capitals_after_mixed(prev: str, text: str) -> bool:
    """A line in capitals (``KẾ HOẠCH``, ``II. NHIỆM VỤ``) after one in mixed
    case: a heading of its own, never the rest of that line."""
    return (text.isupper() and not prev.isupper() and " " in text.strip()
            and sum(c.isalpha() for c in text) >= 5)


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _SENTENCE_END_CHARS


def _mark_blank_breaks(lines: list[_Line], raw_lines: list[str]) -> None:
    """Blank lines separate paragraphs only in texts that do not put a blank
    line after every line (double-spaced PDF text does)."""
    after = [ln.number > 1 and not raw_lines[ln.number - 2].strip() for ln in lines]
    if not lines or sum(after) > 0.5 * len(lines):
        return
    for ln, blank in zip(lines, after):
        ln.after_blank = blank


def paragraphs(text: str, unwrap: bool = True) -> list[Paragraph]:
    """Split decoded text into paragraphs with 1-based source line spans.

    With ``unwrap``, hard-wrapped lines are joined. DOCX made from PDFs is
    often wrapped one line per paragraph too; a real paragraph break is never
    joined because joining needs a lower-case start or a full-width line.
    """
    raw_lines = text.split("\n")
    repeated = _repeated_page_lines(raw_lines)
    lines: list[_Line] = []
    for i, raw in enumerate(raw_lines, 1):
        if not raw or raw.isspace():  # half the lines of double-spaced text ("\f" alone too)
            continue
        if "\f" in raw or (raw.lstrip()[:1] in _PAGE_BREAK_STARTS and _PAGE_BREAK.match(raw)):
            raw = raw.replace("\f", "")
            if not raw.strip() or _PAGE_BREAK.match(raw):
                continue
        if repeated and raw.strip() in repeated:
            continue
        for piece, cell_start in _row_pieces(raw) if raw.lstrip()[:1] == "|" else ((raw, False),):
            cleaned, heading, italic = _strip_markup(piece)
            if not cleaned or _is_noise(cleaned):
                continue
            lines.append(_Line(cleaned, i, heading, italic, cell_start=cell_start))
    _mark_blank_breaks(lines, raw_lines)

    width = _typical_width(lines) if unwrap else 0
    out: list[Paragraph] = []
    prev: _Line | None = None
    for ln in lines:
        joined = unwrap and prev is not None and _continues(prev, ln, width)
        prev = ln
        if joined:
            last = out[-1]
            last.text = f"{last.text} {ln.text}"
            last.line_end = ln.number
            last.italic_hint = last.italic_hint or ln.italic
            continue
        out.append(Paragraph(ln.text, ln.number, ln.number, ln.heading, ln.italic))
    return out  # lines are whitespace-normalized and joined with one space: nothing to tidy
