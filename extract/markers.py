"""List marks and field labels at the start of a paragraph.

Vietnamese plans number their outline with Roman numerals, Arabic numbers
(``1.``, ``1.1.``), letters (``a)``, including ``đ)``) and bullets (``-``,
``+``, ``•``). Field lines (``Cơ quan chủ trì: …``) may carry any of those
marks, so a field is recognised by its label, whatever mark precedes it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .datafile import load_yaml

ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*[.)/:–-]\s*(?P<rest>\S.*)$")
ROMAN_PART = re.compile(r"^(?:PHẦN|Phần|MỤC|Mục)\s+(?P<label>[IVXL]{1,6}|\d{1,2})\s*[.:)–-]?\s*(?P<rest>\S.*)$")
MULTI = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?\s+(?P<rest>\S.*)$")
DECIMAL = re.compile(r"^(?P<label>\d{1,2})\s*[.)]\s*(?P<rest>[^\d\s].*)$")
LETTER = re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?P<rest>\S.*)$")
LETTER_DOT = re.compile(r"^(?P<label>[a-zđ])\.\s+(?P<rest>[A-ZĐÀ-Ỹ].*)$")
DASH = re.compile(r"^[-–—−‒]\s*(?P<rest>\S.*)$")
PLUS = re.compile(r"^\+\s*(?P<rest>\S.*)$")
BULLET = re.compile(r"^[•●○◦▪■□➢➤✓✔·∙]\s*(?P<rest>\S.*)$")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(s: str) -> int | None:
    """Value of a well-formed Roman numeral up to 89, else None."""
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN_VALUES.get(ch)
        if v is None:
            return None
        total += -v if v < prev else v
        prev = max(prev, v)
    canonical = to_roman(total)
    return total if canonical == s else None


def to_roman(n: int) -> str:
    out = []
    for v, sym in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


@dataclass(frozen=True)
class Marker:
    kind: str   # roman | decimal | multi | letter | dash | plus | bullet
    label: str  # "III", "2", "1.2", "đ", "" for bullets
    rest: str   # the text after the mark


@lru_cache(maxsize=65536)  # pure; plans repeat their lines (field labels, copied tasks)
def parse_marker(text: str) -> Marker | None:
    """The list mark opening ``text``, if any."""
    m = ROMAN.match(text)
    if m and roman_value(m["label"]) and not _looks_like_word(m["label"], m["rest"]):
        return Marker("roman", m["label"], m["rest"])
    m = ROMAN_PART.match(text)
    if m:
        return Marker("roman", m["label"], m["rest"])
    m = MULTI.match(text)
    if m:
        return Marker("multi", m["label"], m["rest"])
    m = DECIMAL.match(text)
    if m:
        return Marker("decimal", m["label"], m["rest"])
    m = LETTER.match(text) or LETTER_DOT.match(text)
    if m:
        return Marker("letter", m["label"], m["rest"])
    for kind, rx in (("dash", DASH), ("plus", PLUS), ("bullet", BULLET)):
        m = rx.match(text)
        if m:
            return Marker(kind, "", m["rest"])
    return None


def _looks_like_word(label: str, rest: str) -> bool:
    """``V-League``, ``I-ốt``: a Roman-looking letter glued to a word."""
    return label in {"V", "X", "L"} and rest[:1].islower()


def strip_marks(text: str) -> str:
    """Remove every leading list mark (``- a) Cơ quan …`` → ``Cơ quan …``)."""
    for _ in range(3):
        m = parse_marker(text)
        if m is None:
            break
        text = m.rest
    return text


@dataclass(frozen=True)
class Field:
    family: str  # lead | support | time | products | content
    label: str   # as written
    value: str


def _fold(s: str) -> str:
    return unicodedata.normalize("NFC", s).casefold()


@lru_cache(maxsize=1)
def fields_data() -> dict:
    """extract/data/fields.yaml: field labels by family, and the words they need."""
    return load_yaml(resources.files("extract").joinpath("data/fields.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _assigning_phrases() -> tuple[str, ...]:
    """The lead, support and time phrases in small letters: a paragraph without
    any of them holds no assignment, which a substring test tells faster than
    the label regex."""
    families = fields_data()["families"]
    return tuple(sorted({ph.lower() for f in _INLINE_FAMILIES for ph in families[f]}))


def _label_alternatives() -> str:
    """The field labels of fields.yaml as one regex alternation, a named group per family."""
    data = fields_data()
    heads = sorted(data["heads"], key=len, reverse=True)
    need_head = set(data.get("need_head", []))
    alts = []
    head_rx = "(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s*") for h in heads) + r")\s+"
    for family in ("time", "products", "content", "support", "lead"):
        phrases = sorted(data["families"][family], key=len, reverse=True)
        parts = []
        for ph in phrases:
            rx = re.escape(ph).replace(r"\ ", r"\s+")
            if family in ("lead", "support"):
                rx = (head_rx + rx) if ph in need_head else f"(?:{head_rx})?{rx}"
            parts.append(rx)
        alts.append(f"(?P<{family}>{'|'.join(parts)})")
    return "|".join(alts)


_COLON = r"\s*(?:\([^()]{0,40}\)\s*)?[:：]"


@lru_cache(maxsize=1)
def _field_regex() -> re.Pattern[str]:
    return re.compile(r"^(?:" + _label_alternatives() + r")" + _COLON + r"\s*:?\s*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _next_field_regex() -> re.Pattern[str]:
    """A further label inside a field's value, after the punctuation that ends
    the field before it: ``Chủ trì: Sở Tư pháp; phối hợp: Sở Nội vụ``."""
    return re.compile(r"(?:[;.,]\s*|\s+[-–—]\s+)(?:" + _label_alternatives() + r")" + _COLON + r"\s*",
                      re.IGNORECASE)


def _family(m: re.Match[str]) -> str:
    return next(k for k, v in m.groupdict().items() if v)


@lru_cache(maxsize=65536)
def parse_field(text: str) -> Field | None:
    """A labelled field line: ``- a) Cơ quan chủ trì: Sở Tư pháp.`` →
    ``Field("lead", "Cơ quan chủ trì", "Sở Tư pháp.")``. The value runs to the
    end of the line; :func:`parse_fields` also splits further labels in it."""
    body = strip_marks(text)
    m = _field_regex().match(body)
    if not m:
        return None
    value = body[m.end():].strip()
    label = body[: m.end()].rstrip(": ：").strip()
    return Field(_family(m), label, value)


@lru_cache(maxsize=65536)
def parse_fields(text: str) -> tuple[Field, ...]:
    """Every field of a field line, which may hold several in a row (``Chủ trì:
    Sở Tư pháp; phối hợp: Sở Nội vụ; thời gian: Quý I/2024.``): a label that
    follows a ``;``, ``.``, ``,`` or a spaced dash, with its colon, ends the field
    before it. () when the line is not a field line."""
    first = parse_field(text)
    if first is None:
        return ()
    fields, family, label, value, at = [], first.family, first.label, first.value, 0
    further = _next_field_regex().finditer(value) if ":" in value or "：" in value else ()
    for m in further:  # positions, not slices: a long line stays linear
        fields.append(Field(family, label, value[at:m.start()].strip()))
        family = _family(m)
        label = m.group(0).lstrip(";.,-–— \t").rstrip(": ：").strip()
        at = m.end()
    fields.append(Field(family, label, value[at:].strip()))
    return tuple(fields)


@lru_cache(maxsize=1)
def _inline_field_regex() -> re.Pattern[str]:
    """A label inside a paragraph: after a sentence's end (``… người dân.
    Đơn vị thực hiện: …``) or opening a parenthesis (``… (Cơ quan chủ trì: …)``)."""
    return re.compile(r"(?:(?<=[.;])\s+|\s*\()(?=(?:" + _label_alternatives() + r")" + _COLON + r")",
                      re.IGNORECASE)


_INLINE_FAMILIES = frozenset({"lead", "support", "time"})


@lru_cache(maxsize=65536)
def split_inline_fields(text: str) -> tuple[str, str] | None:
    """A paragraph whose assignment is written inside it, as (its own words, the
    field text): ``Tổ chức hội nghị (Cơ quan chủ trì: Sở Tư pháp; Thời gian: năm
    2023).`` → (``Tổ chức hội nghị``, ``Cơ quan chủ trì: Sở Tư pháp; Thời gian: năm
    2023``). The first label must assign (lead, support or time) and have its
    colon; a parenthesis must run to the end of the paragraph. None otherwise,
    and for a field line itself."""
    opening, closing = _final_parenthesis(text)
    if opening > 0 and "chủ trì" in text:
        assigned = _assignment_in_parenthesis(text, opening, closing)
        if assigned is not None:
            return assigned
    if ":" not in text and "：" not in text:
        return None
    low = text.lower()
    if not any(ph in low for ph in _assigning_phrases()) or parse_field(text) is not None:
        return None
    for m in _inline_field_regex().finditer(text):
        if _family(m) not in _INLINE_FAMILIES:
            continue
        in_parenthesis = m.group(0).endswith("(")
        if in_parenthesis and m.end() - 1 != opening:
            continue
        head = text[:m.start()].rstrip()
        if not strip_marks(head).strip(" .;,:"):
            continue  # nothing of its own before the label
        if in_parenthesis:
            return head, text[m.end():closing].strip()
        if opening < m.start() < closing:  # "… (theo kế hoạch riêng; thời gian: Quý II)"
            return head.rstrip(" ;,.") + ")", text[m.end():closing].strip()
        return head, text[m.end():].strip()
    return None


# "(Sở Tư pháp chủ trì, phối hợp với …; thời gian: …)": who leads, named before the verb
_LEAD_BEFORE_VERB = re.compile(r"(?:[Dd]o\s+)?(?P<lead>[^:]{2,300}?)\s+chủ\s+trì(?=\s*(?:[,;]|$))")


def _assignment_in_parenthesis(text: str, opening: int, closing: int) -> tuple[str, str] | None:
    """``Tổ chức hội nghị (Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ; thời gian:
    Quý II/2024).`` → the item's words and a lead field holding the parenthesis.
    The lead must read as a body's name (a capital, or a collective ``các …``)."""
    inner = text[opening + 1:closing].strip()
    m = _LEAD_BEFORE_VERB.match(inner)
    if m is None:
        return None
    lead = m["lead"]
    if not (lead[0].isupper() or lead.startswith("các ")):
        return None
    head = text[:opening].rstrip()
    if not strip_marks(head).strip(" .;,:") or parse_field(text) is not None:
        return None
    return head, "Chủ trì: " + inner[m.start("lead"):]


def _final_parenthesis(text: str) -> tuple[int, int]:
    """Where the parenthesis that ends ``text`` (closing punctuation aside) opens
    and closes; (-1, -1) when none does."""
    end = len(text.rstrip(" .;,")) - 1
    if end < 0 or text[end] != ")":
        return -1, -1
    depth = 0
    for i in range(end, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i, end
    return -1, -1


def starts_new_block(text: str) -> bool:
    """Whether a line opens a new paragraph by its mark or its label."""
    return parse_marker(text) is not None or parse_field(text) is not None
