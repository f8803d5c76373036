"""Normalization and similarity used when comparing a prediction with the gold.

Both sides pass through the same functions, so that spelling noise that carries no
meaning (Unicode form, case, spacing, dash style, list labels) never costs a point.
The definitions follow the project's reference scorer, so both give the same numbers.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

TASK_TEXT_CHARS = 200
LENIENT_RATIO = 0.85
EPS = 1e-9

_SPACES = re.compile(r"\s+")
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
_UNKNOWN = frozenset({"", "null", "none", "nan"})
_MARKUP = re.compile(r"<[^<>]{1,40}>|[*_`#~]+")
_LIST_LABEL = re.compile(
    r"^(?:[-+•]\s*)?(?:(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s+)?", re.IGNORECASE)
_DASH = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\-]")
_SYMBOL = re.compile(r"\d+[a-zđ]?(?:/\d{4})?/[^\s;,]+")
_PEOPLES_COMMITTEE = re.compile(r"\b(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\b")
_ABBREVIATIONS = (
    (re.compile(r"\btp\b\.?"), "thành phố"),
    (re.compile(r"\btx\b\.?"), "thị xã"),
    (re.compile(r"\btt\b\.?"), "thị trấn"),
)
_ADMIN_WORDS = frozenset({
    "ubnd", "ủy", "uỷ", "ban", "nhân", "dân", "phường", "xã", "thị", "trấn", "quận",
    "huyện", "thành", "phố", "tp", "tp.", "tỉnh", "đặc", "khu"})


def clean(value: object) -> str:
    """NFC text without invisible characters, single-spaced: the common ground of
    every comparison (PDF extraction leaves soft hyphens and zero-width spaces)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def fold(value: object) -> str:
    """Case-insensitive form of a cell; the spellings of "unknown" all become ""."""
    text = unicodedata.normalize("NFC", clean(value).casefold())
    return "" if text in _UNKNOWN else text


def fold_code(value: object) -> str:
    """Task ids and reference codes: ``III. 2.a`` and ``iii.2.a`` are one code."""
    return fold(value).replace(" ", "")


def code_group(code: str) -> str:
    """First component of a reference code: ``2.c`` belongs to group ``2``."""
    return code.split(".")[0] if code else ""


def _punctuation_to_spaces(text: str) -> str:
    return "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)


def task_text_key(value: object) -> str:
    """What task texts are matched on: the gold holds only the first 200 characters,
    without list label or markup, so the prediction is cut the same way."""
    text = clean(_MARKUP.sub("", clean(value)))
    text = _LIST_LABEL.sub("", text, count=1)[:TASK_TEXT_CHARS]
    text = unicodedata.normalize("NFC", text.casefold())
    return _SPACES.sub(" ", _punctuation_to_spaces(text)).strip()


def mention_key(value: object) -> str:
    """What agency mentions are matched on: dash styles and "&"/"và" unified."""
    text = unicodedata.normalize("NFC", clean(value).casefold())
    text = _DASH.sub(" - ", text).replace("&", " và ")
    return _SPACES.sub(" ", text).strip(" .,;:")


def similarity(a: str, b: str) -> float:
    """difflib ratio without the auto-junk heuristic (it distorts long Vietnamese text)."""
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def symbols(value: object) -> frozenset[str]:
    """The act symbols in a gold list or a ``;``-separated cell (``Quyết định
    977/QĐ-TTg`` counts as ``977/qđ-ttg``)."""
    if value is None:
        return frozenset()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;,]", str(value))
    found = set()
    for item in items:
        text = _DASH.sub("-", fold(item))
        if text:
            hit = _SYMBOL.search(text)
            found.add(hit.group(0) if hit else text.replace(" ", ""))
    return frozenset(found)


def _without_committee(text: str) -> str:
    text = _PEOPLES_COMMITTEE.sub(" ", text)
    for pattern, spelled in _ABBREVIATIONS:
        text = pattern.sub(spelled + " ", text)
    return _SPACES.sub(" ", text).strip()


def _names_more_than_admin_words(short: str, long: str) -> bool:
    return bool(short) and f" {short} " in f" {long} " and bool(set(short.split()) - _ADMIN_WORDS)


def same_place(gold: object, pred: object) -> bool:
    """Issuer and locality are written many ways ("UBND TP. Hạ Long", "Thành phố Hạ
    Long"): equal once the committee words are gone and abbreviations spelled out, one
    containing the other, or close by difflib ratio."""
    a, b = fold(gold), fold(pred)
    if a == b:
        return True
    if not a or not b:
        return False
    a_core, b_core = _without_committee(a), _without_committee(b)
    if a_core and a_core == b_core:
        return True
    if _names_more_than_admin_words(a_core, b_core) or _names_more_than_admin_words(b_core, a_core):
        return True
    return similarity(a_core or a, b_core or b) >= LENIENT_RATIO - EPS


def header_field_equal(field: str, gold: object, pred: object) -> bool:
    """One header field: symbols as sets, places leniently, the rest exactly (folded)."""
    if field == "implements":
        return symbols(gold) == symbols(pred)
    if field in ("issuer", "locality"):
        return same_place(gold, pred)
    return fold(gold) == fold(pred)
