"""The gazetteer (gazetteer.yaml): bodies by type and level, indexed by matching key."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from .abbrev import Abbreviations
from .places import RANK, Context, strip_place
from .resources import load
from .text import collapse, match_key

UNIT = "{unit}"
FUZZY_THRESHOLD = 88.0
_NEUTRAL = Context("", "", "")


@dataclass(frozen=True)
class Body:
    type: str
    levels: tuple[str, ...]
    name: str
    aliases: tuple[str, ...] = ()
    by_unit: tuple[tuple[str, str], ...] = ()
    since: int | None = None
    until: int | None = None
    successor: str = ""

    def canonical(self, unit: str) -> str:
        """Canonical name for a body whose unit word is ``unit`` (tỉnh, thành phố, xã…)."""
        for u, name in self.by_unit:
            if u == unit:
                return name
        if UNIT in self.name:
            return collapse(self.name.replace(UNIT, unit))
        return self.name

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every written form: the name (without its unit placeholder), per-unit names, aliases."""
        names = [collapse(self.name.replace(UNIT, ""))]
        names += [n for _, n in self.by_unit]
        names += list(self.aliases)
        return tuple(dict.fromkeys(names))

    def pick_level(self, wanted: str) -> str:
        """The body's level nearest to ``wanted``, preferring the higher one on a tie."""
        if wanted in self.levels:
            return wanted
        if not wanted:
            return self.levels[0]
        return min(self.levels, key=lambda lvl: (abs(RANK[lvl] - RANK[wanted]), RANK[lvl]))


@dataclass
class Hit:
    body: Body | None
    method: str  # exact | alias | fuzzy | ""
    score: float
    candidates: list[tuple[str, float]] = field(default_factory=list)


def gazetteer_key(text: str, abbreviations: Abbreviations) -> tuple[str, str]:
    """(key of the whole name, key with its trailing unit word/place removed)."""
    expanded = abbreviations.expand(collapse(text.replace(UNIT, "")))
    return match_key(expanded), match_key(strip_place(expanded, _NEUTRAL).core)


class Gazetteer:
    def __init__(self, bodies: list[Body], abbreviations: Abbreviations):
        self.bodies = bodies
        self.abbreviations = abbreviations
        self.index: dict[str, list[tuple[Body, str]]] = {}
        for b in bodies:
            for i, surface in enumerate(b.surfaces):
                method = "exact" if i == 0 or (b.by_unit and surface in dict(b.by_unit).values()) else "alias"
                for key in dict.fromkeys(gazetteer_key(surface, abbreviations)):
                    if key:
                        self._add(key, b, method)
        self._keys_by_level: dict[str, list[str]] = {}

    def _add(self, key: str, body: Body, method: str) -> None:
        hits = self.index.setdefault(key, [])
        if all(h is not body for h, _ in hits):
            hits.append((body, method))

    @classmethod
    def default(cls) -> "Gazetteer":
        return _default()

    def lookup(self, key: str) -> list[tuple[Body, str]]:
        return self.index.get(key, [])

    def keys_for(self, levels: frozenset[str]) -> list[str]:
        """Keys of the bodies that exist at one of ``levels`` (fuzzy candidates)."""
        tag = ",".join(sorted(levels))
        if tag not in self._keys_by_level:
            self._keys_by_level[tag] = [k for k, hits in self.index.items()
                                        if any(set(b.levels) & levels for b, _ in hits)]
        return self._keys_by_level[tag]

    def fuzzy(self, key: str, levels: frozenset[str], threshold: float = FUZZY_THRESHOLD) -> Hit:
        choices = self.keys_for(levels)
        found = process.extract(key, choices, scorer=fuzz.ratio, limit=3)
        cands = [(c, float(s)) for c, s, _ in found]
        if cands and cands[0][1] >= threshold:
            return Hit(self.index[cands[0][0]][0][0], "fuzzy", cands[0][1], cands)
        return Hit(None, "", cands[0][1] if cands else 0.0, cands)

    def phrases(self) -> list[str]:
        """Surface forms and their abbreviated spellings, for the splitter's PhraseMatcher."""
        out: list[str] = []
        for b in self.bodies:
            for s in b.surfaces:
                out.extend(self.abbreviations.variants(s))
        return list(dict.fromkeys(out))

    def __len__(self) -> int:
        return len(self.bodies)


def _body(d: dict) -> Body:
    levels = tuple(d.get("levels") or [d["level"]])
    return Body(
        type=d["type"], levels=levels, name=d["name"], aliases=tuple(d.get("aliases", ())),
        by_unit=tuple((k, v) for k, v in (d.get("by_unit") or {}).items()),
        since=d.get("since"), until=d.get("until"), successor=d.get("successor", ""),
    )


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    data = load("gazetteer.yaml")
    return Gazetteer([_body(d) for d in data["bodies"]], Abbreviations.default())
