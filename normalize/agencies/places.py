"""Administrative units: the document context, unit words and place names in mentions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import load
from .text import EDGE_PUNCT, collapse, fold_ascii, nfc

LEVELS = ("central", "province", "district", "commune")
RANK = {lvl: i for i, lvl in enumerate(LEVELS)}


@dataclass(frozen=True)
class PlaceData:
    unit_words: dict[str, str]
    not_followed_by: dict[str, tuple[str, ...]]
    cities: frozenset[str]
    provinces: tuple[str, ...]
    prefixes: tuple[str, ...]
    central_locality: str


@lru_cache(maxsize=1)
def place_data() -> PlaceData:
    d = load("places.yaml")
    return PlaceData(
        unit_words={k.casefold(): v for k, v in d["unit_words"].items()},
        not_followed_by={k: tuple(v) for k, v in d.get("not_followed_by", {}).items()},
        cities=frozenset(fold_ascii(c) for c in d["centrally_run_cities"]),
        provinces=tuple(d["provinces"]),
        prefixes=tuple(sorted(d["place_prefixes"], key=len, reverse=True)),
        central_locality=d["central_locality"],
    )


@lru_cache(maxsize=4096)
def split_place_name(name: str) -> tuple[str, str]:
    """"Thành phố Hạ Long" -> ("thành phố", "Hạ Long"); "Quảng Ninh" -> ("", "Quảng Ninh")."""
    s = collapse(nfc(name))
    for p in place_data().prefixes:
        if s.casefold().startswith(p.casefold() + " "):
            return p.casefold(), s[len(p):].strip()
    return "", s


@dataclass(frozen=True)
class Context:
    """The document header values that decide whose body a mention names."""

    locality: str
    level: str
    province: str

    @property
    def locality_unit(self) -> str:
        return split_place_name(self.locality)[0]

    @property
    def locality_name(self) -> str:
        return split_place_name(self.locality)[1]

    @property
    def province_name(self) -> str:
        return split_place_name(self.province)[1]

    @property
    def province_is_city(self) -> bool:
        return fold_ascii(self.province_name) in place_data().cities

    @property
    def province_unit(self) -> str:
        return "thành phố" if self.province_is_city else "tỉnh"

    def known_places(self) -> list[str]:
        return list(_known_places(self.locality_name, self.province_name))


@lru_cache(maxsize=4096)
def _known_places(locality_name: str, province_name: str) -> tuple[str, ...]:
    names = {locality_name, province_name, *place_data().provinces}
    return tuple(sorted((n for n in names if n), key=len, reverse=True))


@lru_cache(maxsize=4096)
def _places_by_last_word(names: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """Folded place names (as word lists) by their last word, in the order of ``names``:
    a mention is compared only with the names its last word could end."""
    out: dict[str, list[list[str]]] = {}
    for n in names:
        nw = fold_ascii(n).split()
        if nw:
            out.setdefault(nw[-1], []).append(nw)
    return out


def unit_level(unit: str, ctx: Context, place: str = "") -> str:
    """Level named by a unit word; "thành phố" is a province for a centrally-run city
    and a district for a city of a province."""
    lvl = place_data().unit_words.get(unit.casefold(), "")
    if lvl != "city":
        return lvl
    if place:
        folded = fold_ascii(place)
        if folded in place_data().cities or folded == fold_ascii(ctx.province_name):
            return "province"
        return "district"
    if ctx.level == "province" or (ctx.level == "commune" and ctx.province_is_city):
        return "province"
    if ctx.level == "district" and ctx.locality_unit != "thành phố" and ctx.province_is_city:
        return "province"
    return "district"


@dataclass(frozen=True)
class Place:
    """What was stripped from the end of a mention."""

    core: str
    unit: str = ""  # unit word as written ("Thành phố")
    name: str = ""  # place name as written ("Hạ Long")
    tail: str = ""  # the stripped text as written ("thành phố Hạ Long")


def _words(s: str) -> list[str]:
    return s.split(" ")


def _ends_with_place(words: list[str], names: list[str] | tuple[str, ...]) -> int:
    """Number of trailing words that form a known place name."""
    if not words:
        return 0
    candidates = _places_by_last_word(tuple(names)).get(fold_ascii(words[-1]))
    if not candidates:
        return 0
    folded = [fold_ascii(w) for w in words]
    for nw in candidates:
        k = len(nw)
        if 0 < k < len(words) and folded[-k:] == nw:
            return k
    return 0


def _unit_at(words: list[str], i: int) -> int:
    """Length of the unit word starting at words[i], 0 if none."""
    data = place_data()
    for k in (2, 1):
        if i + k > len(words):
            continue
        w = " ".join(words[i:i + k]).casefold().strip(EDGE_PUNCT)
        if w in data.unit_words:
            nxt = words[i + k].casefold() if i + k < len(words) else ""
            if nxt and nxt in data.not_followed_by.get(w, ()):
                continue
            return k
    return 0


def strip_place(text: str, ctx: Context) -> Place:
    """Split "Phòng Tư pháp TP Hạ Long" (abbreviations already expanded) into the core
    "Phòng Tư pháp", the unit word and the place name."""
    s = collapse(text).strip(EDGE_PUNCT)
    words = _words(s)
    if len(words) < 2:
        return Place(s)
    name_len = _ends_with_place(words, ctx.known_places())
    if not name_len:
        for i in range(max(1, len(words) - 6), len(words) - 1):
            k = _unit_at(words, i)
            rest = words[i + k:]
            if k and 1 <= len(rest) <= 4 and all(w[:1].isupper() for w in rest):
                name_len = len(rest)
                break
    name = " ".join(words[len(words) - name_len:]) if name_len else ""
    body = words[:len(words) - name_len]
    unit = ""
    for k in (2, 1):
        if len(body) > k and _unit_at(body, len(body) - k) == k:
            unit = " ".join(body[-k:])
            body = body[:-k]
            break
    core = " ".join(body).strip(EDGE_PUNCT)
    if not core:
        return Place(s)
    tail = s[len(" ".join(body)):].strip()
    return Place(core, unit, name, tail)


def strip_unit_list(text: str) -> tuple[str, list[str]]:
    """"Công an xã, phường, thị trấn" -> ("Công an", ["xã", "phường", "thị trấn"]); a single
    trailing unit is left to ``strip_place``."""
    units = sorted(place_data().unit_words, key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    m = re.search(rf"(?i)\s((?:{alt}))((?:\s*,\s*|\s+và\s+)(?:{alt}))+\s*$", text)
    if not m:
        return text, []
    found = re.findall(rf"(?i)(?<!\w)(?:{alt})(?!\w)", m.group(0))
    return text[:m.start()].strip(EDGE_PUNCT), [f.casefold() for f in found]
