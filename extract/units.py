"""The province of a district or commune, from its name.

A district's or commune's plan often names its province only as ``UBND tỉnh``
or not at all; analysts group plans by province all the same. The country's
districts and communes (``extract/data/units.tsv``, both sides of the 1 July
2025 reform) give it — when the unit's level and name are unique in the map of
the plan's date, as ``huyện Củ Chi`` is and ``huyện Châu Thành`` (six provinces)
is not.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from importlib import resources

from .provinces import Province, find_province, successor
from .syllables import tone_key

REFORM = date(2025, 7, 1)
"""From this day there are no districts, and communes and provinces are the merged ones."""
_WORD = re.compile(r"\w+")
_LEVELS = ("huyện", "quận", "thị xã", "thành phố", "xã", "phường", "thị trấn", "đặc khu")


def _key(text: str) -> tuple[str, ...]:
    return tuple(_word_key(w) for w in _WORD.findall(unicodedata.normalize("NFC", text).casefold()))


@lru_cache(maxsize=8192)  # the map's 30,000 words are a few thousand distinct syllables
def _word_key(word: str) -> str:
    return tone_key(word) if word.isalpha() else word


@lru_cache(maxsize=1)
def _level_keys() -> list[tuple[tuple[str, ...], str]]:
    return sorted(((_key(w), w) for w in _LEVELS), key=lambda e: len(e[0]), reverse=True)


def _split(locality: str) -> tuple[str, tuple[str, ...]]:
    """(level word, key of the name) of ``Huyện Củ Chi``; ("", ()) without a level word."""
    key = _key(locality)
    for words, level in _level_keys():
        if key[:len(words)] == words and len(key) > len(words):
            return level, key[len(words):]
    return "", ()


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str, tuple[str, ...]], frozenset[str]]:
    """(era, level, name key) → the provinces that have such a unit."""
    text = resources.files("extract").joinpath("data", "units.tsv").read_text(encoding="utf-8")
    out: dict[tuple[str, str, tuple[str, ...]], set[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        era, level, name, province = line.split("\t")
        out.setdefault((era, level, _key(name)), set()).add(province)
    return {k: frozenset(v) for k, v in out.items()}


def _eras(on_date: date | None) -> tuple[str, ...]:
    return ("old", "new") if on_date is None else ("new",) if on_date >= REFORM else ("old",)


def provinces_with_unit(locality: str, on_date: date | None = None) -> frozenset[str]:
    """The names of the provinces that have a unit of ``locality``'s level and name."""
    level, name = _split(locality)
    return frozenset(p for era in _eras(on_date) for p in _index().get((era, level, name), ())) if name \
        else frozenset()


_UNIT_IN_TEXT = re.compile(r"\b(?i:huyện|quận|thị xã|thành phố)\s+(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s?){1,4}")


def province_from_units_in_text(locality: str, text: str, on_date: date | None = None) -> Province | None:
    """The province of a commune whose name several provinces share, from the
    district its text names (``… Kế hoạch số 05/KH-UBND của UBND huyện Đồng Phú``):
    the first district named whose province is unique and has such a commune."""
    if not text:
        return None
    wanted = provinces_with_unit(locality, on_date)
    if not wanted:
        return None
    for m in _UNIT_IN_TEXT.finditer(text):
        words = m.group(0).split()
        for k in range(len(words), 1, -1):  # "huyện Cờ Đỏ Thực" (a sentence after it) → "huyện Cờ Đỏ"
            p = province_of_unit(" ".join(words[:k]), on_date)
            if p is not None:
                if p.name in wanted:
                    return p
                break
    return None


def province_of_unit(locality: str, on_date: date | None = None) -> Province | None:
    """The province of the district or commune ``locality`` (``Huyện Củ Chi``) on
    ``on_date``, when one province alone has a unit of that level and name in the
    map of that date; None when none or several do. Without a date, the maps
    before and after the reform must agree (the province before it is given)."""
    level, name = _split(locality)
    if not name:
        return None
    eras = _eras(on_date)
    found = [(era, p) for era in eras for p in _index().get((era, level, name), ())]
    if not found or len(found) != len({era for era, _ in found}):
        return None  # no such unit, or several of that name in one map
    provinces = []
    for era, province in found:
        day = on_date or (REFORM if era == "new" else date(2025, 6, 30))
        p = find_province(province, day)
        if p is None:
            return None
        provinces.append(successor(p, day))
    if len(provinces) == 2 and successor(provinces[0], REFORM).id != provinces[1].id:
        return None  # the two maps disagree
    return provinces[0]
