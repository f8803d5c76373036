"""Provinces and centrally-run cities (cấp tỉnh) of Viet Nam, before and after 2025.

Plans name their province in many spellings (``TP. Hồ Chí Minh``, ``Đắc Lắc``,
``Thanh Hoá``) and, after the 1 July 2025 merger, a plan may still cite an
absorbed province. Names are compared on a key that ignores case, tone-mark
placement, dashes and the level word, and every unit carries its dates so an
old name resolves to the unit that exists on a given day.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Iterator

from .datafile import load_yaml
from .syllables import tone_key

__all__ = [
    "Province",
    "all_provinces",
    "provinces_on",
    "find_province",
    "is_province_name",
    "provinces_in_text",
    "successor",
    "province_key",
]

_WORD = re.compile(r"[^\W\d_]+")
_GAP_IN_NAME = re.compile(r"[ \t\u00a0\r\n\-\u2010\u2011\u2012\u2013\u2014]+")
_GAP_AFTER_LEVEL = re.compile(r"[\s.]*")
_GAP_IN_LEVEL = re.compile(r"[ \t\u00a0.]*")
_GAP_SAME_LINE = re.compile(r"[ \t\u00a0]+")
_MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class Province:
    """One province-level unit over the period it existed under this name and rank."""

    id: str
    name: str
    kind: str  # "tỉnh" or "thành phố" (centrally-run city)
    code: str
    valid_from: date
    valid_to: date | None
    merged_into: str | None
    renamed_to: str | None
    merged_from: tuple[str, ...]
    aliases: tuple[str, ...]
    no_bare: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """Name with its level word, as in a heading: ``Tỉnh Quảng Ninh``."""
        return f"{self.kind[0].upper()}{self.kind[1:]} {self.name}"

    def valid_on(self, on_date: date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or on_date <= self.valid_to)


def _words_key(text: str) -> tuple[str, ...]:
    return tuple(tone_key(w) for w in _WORD.findall(unicodedata.normalize("NFC", text)))


def _load_context() -> tuple[list[tuple[tuple[str, ...], str]], set[tuple[str, ...]]]:
    raw = load_yaml(
        resources.files("extract").joinpath("data/province_context.yaml").read_text("utf-8")
    )
    levels = [(_words_key(str(e["words"])), str(e["kind"])) for e in raw["level_words"]]
    levels.sort(key=lambda e: len(e[0]), reverse=True)
    blockers = {_words_key(str(w)) for w in raw["not_province_before"]}
    return levels, blockers


_LEVELS, _BLOCKERS = _load_context()
_MAX_BLOCKER = max(len(b) for b in _BLOCKERS)


def _strip_level(key: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    for words, kind in _LEVELS:
        if key[: len(words)] == words and len(key) > len(words):
            return key[len(words):], kind
    return key, ""


def province_key(name: str) -> str:
    """Matching key of a province name: case, tone placement (hoà/hòa), dashes,
    dots and a leading level word (tỉnh, thành phố, TP.) do not matter."""
    return " ".join(_strip_level(_words_key(name))[0])


def _ascii_key(key: str) -> str:
    decomposed = unicodedata.normalize("NFD", key.replace("đ", "d"))
    return re.sub(r"[^a-z ]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _load() -> tuple[Province, ...]:
    raw = load_yaml(
        resources.files("extract").joinpath("data/provinces.yaml").read_text("utf-8")
    )
    nfc = lambda s: unicodedata.normalize("NFC", str(s))  # noqa: E731
    out = []
    for e in raw["provinces"]:
        valid_from = _as_date(e["valid_from"])
        assert valid_from is not None
        out.append(
            Province(
                id=str(e["id"]),
                name=nfc(e["name"]),
                kind=nfc(e["kind"]),
                code=str(e.get("code") or ""),
                valid_from=valid_from,
                valid_to=_as_date(e.get("valid_to")),
                merged_into=e.get("merged_into"),
                renamed_to=e.get("renamed_to"),
                merged_from=tuple(e.get("merged_from") or ()),
                aliases=tuple(nfc(a) for a in e.get("aliases") or ()),
                no_bare=tuple(nfc(a) for a in e.get("no_bare") or ()),
            )
        )
    return tuple(out)


_PROVINCES = _load()
_BY_ID = {p.id: p for p in _PROVINCES}


def _build_index() -> dict[tuple[str, ...], list[tuple[Province, bool]]]:
    index: dict[tuple[str, ...], list[tuple[Province, bool]]] = {}
    for p in _PROVINCES:
        no_bare = {_strip_level(_words_key(a))[0] for a in p.no_bare}
        for spelling in (p.name, *p.aliases):
            key = _strip_level(_words_key(spelling))[0]
            entries = index.setdefault(key, [])
            if all(q.id != p.id for q, _ in entries):
                entries.append((p, key not in no_bare))
    return index


def _build_ascii_index(
    index: dict[tuple[str, ...], list[tuple[Province, bool]]],
) -> dict[str, set[str]]:
    """Names by key without any diacritics, for input typed without them (Ha Noi)."""
    out: dict[str, set[str]] = {}
    for key, entries in index.items():
        out.setdefault(_ascii_key(" ".join(key)), set()).update(p.name for p, _ in entries)
    return out


_INDEX = _build_index()
_ASCII_INDEX = _build_ascii_index(_INDEX)


def all_provinces() -> tuple[Province, ...]:
    """Every unit in the data file, old and new."""
    return _PROVINCES


def provinces_on(on_date: date) -> list[Province]:
    """The units that existed on ``on_date`` (63 on 30 June 2025, 34 from 1 July 2025)."""
    return [p for p in _PROVINCES if p.valid_on(on_date)]


def _pick(candidates: list[Province], on_date: date | None) -> Province:
    """The unit valid on the date; else the one closest before it (an old name
    still resolves); with no date, the current one."""
    if on_date is None:
        current = [p for p in candidates if p.valid_to is None]
        if current:
            return current[-1]
        return max(candidates, key=lambda p: p.valid_to or date.max)
    valid = [p for p in candidates if p.valid_on(on_date)]
    if valid:
        return valid[-1]
    before = [p for p in candidates if p.valid_to is not None and p.valid_to < on_date]
    if before:
        return max(before, key=lambda p: p.valid_to or date.max)
    return min(candidates, key=lambda p: p.valid_from)


def _normal_kind(kind: str | None) -> str:
    if not kind:
        return ""
    key = _words_key(kind)
    for words, level_kind in _LEVELS:
        if key == words:
            return level_kind
    return kind


def _candidates(name: str, kind: str | None) -> list[Province]:
    key, written_kind = _strip_level(_words_key(name))
    wanted = _normal_kind(kind) or written_kind
    found = [p for p, _ in _INDEX.get(key, [])]
    if not found:
        names = _ASCII_INDEX.get(_ascii_key(" ".join(key)), set())
        if len(names) == 1:
            found = [p for p in _PROVINCES if p.name in names]
    if wanted:
        found = [p for p in found if p.kind == wanted]
    return found


def find_province(name: str, on_date: date | None = None) -> Province | None:
    """The province or centrally-run city called ``name``, or None.

    >>> find_province("TP. Hồ Chí Minh").name
    'Hồ Chí Minh'
    >>> find_province("tỉnh Bình Phước", date(2026, 1, 1)).id
    'binh-phuoc'
    """
    found = _candidates(name, None)
    of_kind = [p for p in found if p.kind == _strip_level(_words_key(name))[1]]
    found = of_kind or found
    return _pick(found, on_date) if found else None


def is_province_name(name: str, kind: str | None = None, on_date: date | None = None) -> bool:
    """Whether ``name`` names a province-level unit; with ``kind`` ("tỉnh",
    "thành phố", "TP.") or a level word inside ``name``, only a unit of that kind
    counts, so ``thành phố Thanh Hóa`` (a city inside a province) is not one."""
    found = _candidates(name, kind)
    if on_date is not None:
        found = [p for p in found if p.valid_on(on_date)]
    return bool(found)


def successor(province: Province, on_date: date | None = None) -> Province:
    """The unit that holds ``province``'s territory on ``on_date`` (today when None):
    ``successor(Bình Phước, 2025-07-01)`` is the new Đồng Nai."""
    current = province
    seen = {current.id}
    while current.valid_to is not None and (on_date is None or on_date > current.valid_to):
        nxt = current.merged_into or current.renamed_to
        if not nxt or nxt in seen:
            break
        current = _BY_ID[nxt]
        seen.add(current.id)
    return current


def _is_title(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def provinces_in_text(text: str, on_date: date | None = None) -> list[tuple[Province, int]]:
    """Every mention of a province in ``text`` (see :func:`iter_provinces_in_text`)."""
    return list(iter_provinces_in_text(text, on_date))


def iter_provinces_in_text(text: str, on_date: date | None = None) -> Iterator[tuple[Province, int]]:
    """Every mention of a province or centrally-run city in running text, with the
    offset of its name, in order.

    A name counts after a level word of its kind (``tỉnh Quảng Ninh``, ``TP. Hồ
    Chí Minh``; ``thành phố Hạ Long`` is not a province) or, capitalised, on its
    own when nothing around it makes it a commune, a river or a longer name.
    ``on_date`` chooses between an old and a new unit of the same name.
    """
    matches = list(_WORD.finditer(text))
    words = tuple(m.group() for m in matches)
    keys = tuple(tone_key(w) for w in words)  # tone_key caches each word

    def gap(a: int, b: int) -> str:
        return text[matches[a].end(): matches[b].start()]

    def level_before(i: int) -> str | None:
        for level, kind in _LEVELS:
            n = len(level)
            if i < n or keys[i - n: i] != level:
                continue
            if not _GAP_AFTER_LEVEL.fullmatch(gap(i - 1, i)):
                continue
            if all(_GAP_IN_LEVEL.fullmatch(gap(j, j + 1)) for j in range(i - n, i - 1)):
                return kind
        return None

    def bare_allowed(i: int, n: int) -> bool:
        if not all(w[:1].isupper() for w in words[i: i + n]):
            return False
        for size in range(1, _MAX_BLOCKER + 1):
            start = i - size
            if start < 0:
                break
            if keys[start:i] in _BLOCKERS and all(
                _GAP_IN_NAME.fullmatch(gap(j, j + 1)) for j in range(start, i)
            ):
                return False
        if i > 0 and _is_title(words[i - 1]) and _GAP_SAME_LINE.fullmatch(gap(i - 1, i)):
            return False  # part of a longer proper name (Lê Thanh Hóa)
        end = i + n
        if end < len(words) and _is_title(words[end]) and _GAP_SAME_LINE.fullmatch(gap(end - 1, end)):
            return False  # Điện Biên Phủ, Thái Bình Dương
        return True

    i = 0
    while i < len(matches):
        step = 1
        for n in range(min(_MAX_NAME_WORDS, len(matches) - i), 0, -1):
            entries = _INDEX.get(keys[i: i + n])
            if not entries:
                continue
            if not all(_GAP_IN_NAME.fullmatch(gap(j, j + 1)) for j in range(i, i + n - 1)):
                continue
            kind = level_before(i)
            if kind:
                found = [p for p, _ in entries if p.kind == kind]
            elif bare_allowed(i, n):
                found = [p for p, bare in entries if bare]
            else:
                found = []
            if found:
                yield _pick(found, on_date), matches[i].start()
            step = n
            break
        i += step
