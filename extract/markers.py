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
def _field_regex() -> re.Pattern[str]:
    data = load_yaml(resources.files("extract").joinpath("data/fields.yaml").read_text("utf-8"))
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
    return re.compile(r"^(?:" + "|".join(alts) + r")\s*(?:\([^()]{0,40}\)\s*)?[:：]\s*:?\s*", re.IGNORECASE)


@lru_cache(maxsize=65536)
def parse_field(text: str) -> Field | None:
    """A labelled field line: ``- a) Cơ quan chủ trì: Sở Tư pháp.`` →
    ``Field("lead", "Cơ quan chủ trì", "Sở Tư pháp.")``."""
    body = strip_marks(text)
    m = _field_regex().match(body)
    if not m:
        return None
    family = next(k for k, v in m.groupdict().items() if v)
    value = body[m.end():].strip()
    label = body[: m.end()].rstrip(": ：").strip()
    return Field(family, label, value)


def starts_new_block(text: str) -> bool:
    """Whether a line opens a new paragraph by its mark or its label."""
    return parse_marker(text) is not None or parse_field(text) is not None
