"""Collective mentions ("các cơ quan, đơn vị có liên quan", "UBND các xã, phường"):
detection, type and level. They name no single body, so they get generic ids."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .places import Context, place_data, strip_place, unit_level
from .resources import load
from .text import fold_ascii, tone_key


@dataclass(frozen=True)
class CollectiveRules:
    plural: frozenset[str]
    ascii_heads: tuple[str, ...]
    plural_heads: tuple[str, ...]
    type_rules: tuple[tuple[re.Pattern[str], re.Pattern[str] | None, str], ...]
    owners: tuple[str, ...]


@lru_cache(maxsize=1)
def collective_rules() -> CollectiveRules:
    d = load("collectives.yaml")
    return CollectiveRules(
        plural=frozenset(tone_key(p.casefold()) for p in d["plural_markers"]),
        ascii_heads=tuple(fold_ascii(h) for h in d["ascii_kind_heads"]),
        plural_heads=tuple(fold_ascii(h) for h in d["plural_heads"]),
        type_rules=tuple((re.compile(r["pattern"]), re.compile(r["not"]) if r.get("not") else None, r["type"])
                         for r in d["type_rules"]),
        owners=tuple(d["owner_markers"]),
    )


def is_collective(key: str) -> bool:
    """A plural marker anywhere ("UBND các xã"), or a kind head that names no body
    ("tổ chức xã hội - nghề nghiệp", typo "tô chức" included)."""
    r = collective_rules()
    words = key.split()
    if any(w in r.plural for w in words):
        return True
    return _kind_head(key)


def _kind_head(text: str, heads: tuple[str, ...] | None = None) -> bool:
    folded = " ".join(re.sub(r"[^\w\s]|_", " ", fold_ascii(text)).split())
    return any(folded == h or folded.startswith(h + " ") for h in heads or collective_rules().ascii_heads)


def collective_type(key: str) -> str:
    for rx, neg, typ in collective_rules().type_rules:
        if rx.search(key) and not (neg and neg.search(key)):
            return typ
    return "generic"


def collective_name(display: str) -> str:
    """Normalized phrase with the list's "các" in front ("tổ chức xã hội" -> "các tổ chức xã hội",
    "các các tổ chức" -> "các tổ chức")."""
    r = collective_rules()
    words = display.split()
    while len(words) > 1 and words[0] in r.plural and words[1] in r.plural:
        words.pop(0)
    if words and words[0] not in r.plural and _kind_head(display, r.plural_heads):
        words.insert(0, "các")
    return " ".join(words)


def units_after_plural(key: str, ctx: Context) -> str:
    """Level of the units listed after "các" ("UBND các huyện, thị xã" -> district)."""
    r = collective_rules()
    words = key.split()
    for i, w in enumerate(words):
        if w in r.plural:
            for k in (2, 1):
                unit = " ".join(words[i + 1:i + 1 + k])
                if unit in place_data().unit_words:
                    lvl = unit_level(unit, ctx)
                    if lvl == "province" and ctx.level == "province" and unit == "thành phố":
                        return "district"
                    return lvl
    return ""


def owner_phrase(text: str) -> str:
    """The body a collective belongs to ("các tổ chức thành viên của Mặt trận" -> "Mặt trận")."""
    for m in collective_rules().owners:
        parts = re.split(rf"(?<!\w){re.escape(m)}(?!\w)", text, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            return parts[1].strip()
    return ""


def tail_level(text: str, ctx: Context) -> str:
    place = strip_place(text, ctx)
    return unit_level(place.unit, ctx, place.name) if place.unit else ""

