"""String normalization shared by splitting and matching.

Keys are for comparison only: they are casefolded, tone marks are placed one way
(underthesea), and punctuation becomes space, so "Phòng Văn hoá và Thông tin" and
"Phòng Văn hóa - Thông tin" can meet. Displayed text keeps the document's spelling.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from underthesea import text_normalize

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_MARKUP = re.compile(r"[*_`#]+")
_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]|_")
_DASH_RX = re.compile(f"[{re.escape(DASHES)}]")
EDGE_PUNCT = " \t.,;:" + DASHES


@lru_cache(maxsize=65536)
def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "").translate(_INVISIBLE)


def collapse(s: str) -> str:
    return _WS.sub(" ", s).strip()


def clean_field(raw: str) -> str:
    """NFC, markdown emphasis removed, single spaces, field-edge punctuation removed
    ("Cơ quan chủ trì: : Các phòng…" leaves "Các phòng…")."""
    s = collapse(_MARKUP.sub("", nfc(raw)))
    return s.strip(EDGE_PUNCT)


@lru_cache(maxsize=65536)
def tone_key(s: str) -> str:
    """One tone-mark placement (hoá -> hóa, uỷ -> ủy); underthesea also respaces
    punctuation, which is harmless in a key."""
    return text_normalize(s) if s else s


@lru_cache(maxsize=65536)
def match_key(s: str) -> str:
    """Comparison key: NFC, casefold, tone marks unified, "&" as "và", punctuation as space."""
    t = tone_key(nfc(s).casefold())
    t = t.replace("&", " và ")
    return collapse(_PUNCT.sub(" ", t))


def display_key(s: str) -> str:
    """Key that keeps commas and dashes, for collective names ("các cơ quan, tổ chức…")."""
    t = collapse(nfc(s).casefold())
    t = _DASH_RX.sub(" - ", t).replace("&", " và ")
    t = re.sub(r"\s+,", ",", collapse(t))
    return t.strip(EDGE_PUNCT)


@lru_cache(maxsize=65536)
def fold_ascii(s: str) -> str:
    """Diacritics removed, đ -> d, casefolded: for slugs and typo-tolerant head checks."""
    t = unicodedata.normalize("NFD", nfc(s).casefold().replace("đ", "d"))
    return "".join(c for c in t if not unicodedata.combining(c))


def slug(s: str, sep: str = "-") -> str:
    """ASCII slug ("Phòng Tư pháp" -> "phong-tu-phap")."""
    return re.sub(r"[^a-z0-9]+", sep, fold_ascii(s)).strip(sep)
