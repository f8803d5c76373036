"""AgencyNormalizer: mention -> canonical agency (exact -> alias -> fuzzy -> new), with a
cache by mention and context, the agencies seen so far and a review list for the user."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from typing import Any

from extract.model import Mention

from .abbrev import Abbreviations
from .collective import (collective_name, collective_type, is_collective, owner_phrase, tail_level,
                         units_after_plural)
from .gazetteer import FUZZY_THRESHOLD, Body, Gazetteer, Hit
from .places import LEVELS, RANK, Context, Place, place_data, strip_place, strip_unit_list, unit_level
from .split import Splitter, default_splitter
from .text import clean_field, collapse, display_key, fold_ascii, match_key, nfc, slug

_PAREN = re.compile(r"\([^()]*\)?")


@dataclass(frozen=True)
class UserAlias:
    agency_id: str
    agency_name: str = ""
    agency_type: str = ""
    level: str = ""


@dataclass
class _Result:
    mention: Mention
    successor: str = ""


def load_user_aliases(path: str | None, abbreviations: Abbreviations) -> dict[str, UserAlias]:
    """CSV ``mention,agency_id[,agency_name,agency_type,level]`` (a filled agencies_review.csv
    works too); rows without agency_id are ignored."""
    if not path:
        return {}
    out: dict[str, UserAlias] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            mention, aid = (row.get("mention") or "").strip(), (row.get("agency_id") or "").strip()
            if not mention or not aid:
                continue
            alias = UserAlias(aid, (row.get("agency_name") or "").strip(), (row.get("agency_type") or "").strip(),
                              (row.get("level") or "").strip())
            out[_alias_key(mention, abbreviations)] = alias
    return out


def _alias_key(mention: str, abbreviations: Abbreviations) -> str:
    return match_key(abbreviations.expand(abbreviations.repair_glue(clean_field(_PAREN.sub(" ", mention)))))


_CACHE_MAX = 100_000  # entries per cache: bounded, so a worker's memory stays flat over a long batch
_PLACEHOLDERS = ("Zzlocality", "Zzprovince")


def _abstract(ctx: Context) -> tuple[Context, dict[str, str]]:
    """``ctx`` with its locality and province names replaced by placeholders (the
    same one when they are equal; a centrally-run city keeps its name, which
    decides levels), and the map from placeholder back to the real name."""
    back: dict[str, str] = {}
    loc_name, prov_name = ctx.locality_name, ctx.province_name
    prov, loc = collapse(ctx.province), collapse(ctx.locality)
    if prov_name and not ctx.province_is_city:
        back[_PLACEHOLDERS[1]] = prov_name
        prov = prov[: len(prov) - len(prov_name)] + _PLACEHOLDERS[1]
    if loc_name:
        if loc_name != prov_name:
            holder = _PLACEHOLDERS[0]
            back[holder] = loc_name
        else:  # the province's own plan: one placeholder, or the city's name kept
            holder = _PLACEHOLDERS[1] if _PLACEHOLDERS[1] in back else loc_name
        loc = loc[: len(loc) - len(loc_name)] + holder
    return Context(loc, ctx.level, prov), back


def _copy(m: Mention, **changes) -> Mention:
    """``dataclasses.replace`` without its per-call introspection: every mention
    of a batch passes here, and Mention has no __post_init__ to run."""
    new = object.__new__(Mention)
    new.__dict__.update(m.__dict__)
    new.__dict__.update(changes)
    return new


class AgencyNormalizer:
    """Resolves agency mentions against the gazetteer in the context of one document."""

    def __init__(self, aliases_path: str | None = None, *, gazetteer: Gazetteer | None = None,
                 splitter: Splitter | None = None, threshold: float = FUZZY_THRESHOLD):
        self.gazetteer = gazetteer or Gazetteer.default()
        self.abbr = self.gazetteer.abbreviations
        self.splitter = splitter or default_splitter()
        self.threshold = threshold
        self.user = load_user_aliases(aliases_path, self.abbr)
        self._cache: dict[tuple[str, Context], _Result] = {}
        self._shared: dict[tuple[str, Context], _Result] = {}
        self._folded: dict[str, str] = {}  # mention -> its folded text and expansion
        self._fuzzy: dict[tuple[str, frozenset[str]], Hit] = {}
        self._agencies: dict[str, dict[str, Any]] = {}
        self._review: dict[tuple[str, str], dict[str, Any]] = {}

    # ------------------------------------------------------------------ API
    def mentions(self, raw: str, role: str, *, locality: str, level: str, province: str) -> list[Mention]:
        out = []
        for piece in self.splitter.pieces(raw):
            m = self.resolve(piece.text, locality=locality, level=level, province=province)
            m.role = role
            out.append(m)
        return out

    def resolve(self, mention: str, *, locality: str, level: str, province: str) -> Mention:
        ctx = Context(nfc(locality), level, nfc(province))
        key = (collapse(nfc(mention)), ctx)
        res = self._cache.get(key)
        if res is None:
            res = self._resolve_anywhere(key[0], ctx)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = res
        self._record(res, ctx)
        return _copy(res.mention, candidates=list(res.mention.candidates), successor=res.successor)

    def _resolve_anywhere(self, mention: str, ctx: Context) -> _Result:
        """``_resolve`` through a cache shared by every locality of the same kind.

        Each plan has its own locality, so a cache by (mention, context) misses on
        every new plan. When neither the mention nor its expansion names the
        document's locality or province, the names only reach the result through
        ``agency_locality`` and the ``agency_id`` prefix: the mention is resolved
        once in a context whose names are placeholders, and the real names are put
        back. Anything else (user aliases, a mention naming the place) is resolved
        directly."""
        names = [n for n in (ctx.locality_name, ctx.province_name) if n]
        if self.user or not names:
            return self._resolve(mention, ctx)
        folded = self._folded.get(mention)
        if folded is None:
            bare = clean_field(_PAREN.sub(" ", mention)) or clean_field(mention)
            folded = f"{fold_ascii(mention)}\n{fold_ascii(self.abbr.expand(self.abbr.repair_glue(bare)))}"
            if len(self._folded) >= _CACHE_MAX:
                self._folded.clear()
            self._folded[mention] = folded
        if any(fold_ascii(n) in folded for n in names):
            return self._resolve(mention, ctx)
        abstract, back = _abstract(ctx)
        key = (mention, abstract)
        res = self._shared.get(key)
        if res is None:
            if len(self._shared) >= _CACHE_MAX:
                self._shared.clear()
            res = self._shared[key] = self._resolve(mention, abstract)
        m = res.mention
        locality = back.get(m.agency_locality, m.agency_locality)
        prefix, sep, rest = m.agency_id.partition("/")
        for name, real in back.items():
            if prefix == slug(name):
                prefix = slug(real)
                break
        if locality == m.agency_locality and f"{prefix}{sep}{rest}" == m.agency_id:
            return res
        return _Result(_copy(m, agency_locality=locality, agency_id=f"{prefix}{sep}{rest}"), res.successor)

    def agencies_rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in sorted(self._agencies.values(), key=lambda r: r["agency_id"]):
            rows.append({**row, "aliases": "|".join(sorted(row["aliases"]))})
        return rows

    def review_rows(self) -> list[dict[str, Any]]:
        return sorted(self._review.values(), key=lambda r: (-r["count"], r["mention"]))

    # ------------------------------------------------------------------ resolution
    def _resolve(self, mention: str, ctx: Context) -> _Result:
        bare = clean_field(_PAREN.sub(" ", mention)) or clean_field(mention)
        expanded = self.abbr.expand(self.abbr.repair_glue(bare))
        full_key = match_key(expanded)
        place = strip_place(expanded, ctx)
        core_key = match_key(place.core)
        if self.user:
            alias = self.user.get(full_key) or self.user.get(core_key)
            if alias:
                return self._from_alias(mention, alias, ctx)
        for key, where in ((full_key, Place(expanded)), (core_key, place)):
            hits = self.gazetteer.lookup(key)
            if hits:
                body, method = self._choose(hits, self._wanted_level(where, ctx))
                return self._from_body(mention, body, method, 100.0, where, ctx, [])
        if is_collective(full_key):
            return self._collective(mention, expanded, ctx)
        head, units = strip_unit_list(expanded)
        if units and head:
            inner = self._resolve(f"{head} {units[0]}", ctx).mention
            level = unit_level(units[0], ctx) or inner.level
            typ = "ubnd_cap_duoi" if inner.agency_type == "ubnd" else inner.agency_type
            name = display_key(expanded)
            return _Result(Mention(role="", mention=mention, agency_id=f"generic/{slug(name)}", agency_name=name,
                                   agency_locality="", agency_type=typ, level=level, match_method="generic",
                                   match_score=100.0))
        hit = self._fuzzy_hit(core_key, place, ctx)
        if hit.body is not None:
            return self._from_body(mention, hit.body, "fuzzy", hit.score, place, ctx, self._named(hit))
        return self._new(mention, place, ctx, hit)

    def _wanted_level(self, place: Place, ctx: Context) -> str:
        if place.unit:
            lvl = unit_level(place.unit, ctx, place.name)
            if lvl:
                return lvl
        return ctx.level if ctx.level in LEVELS else ""

    @staticmethod
    def _choose(hits: list[tuple[Body, str]], wanted: str) -> tuple[Body, str]:
        def cost(h: tuple[Body, str]) -> tuple[int, int]:
            body, method = h
            lvl = body.pick_level(wanted)
            dist = abs(RANK[lvl] - RANK[wanted]) if wanted else 0
            return dist, 0 if method == "exact" else 1
        return min(hits, key=cost)

    def _fuzzy_hit(self, key: str, place: Place, ctx: Context) -> Hit:
        wanted = self._wanted_level(place, ctx)
        if place.unit and wanted:
            levels = frozenset({wanted})
        elif wanted:
            levels = frozenset(lvl for lvl in LEVELS if RANK[lvl] <= RANK[wanted])
        else:
            levels = frozenset(LEVELS)
        ck = (key, levels)
        if ck not in self._fuzzy:
            self._fuzzy[ck] = self.gazetteer.fuzzy(key, levels, self.threshold)
        return self._fuzzy[ck]

    def _named(self, hit: Hit) -> list[tuple[str, float]]:
        return [(self.gazetteer.lookup(k)[0][0].canonical("").strip() or k, s) for k, s in hit.candidates]

    def _home(self, level: str, place: Place, ctx: Context) -> tuple[str, str]:
        """(locality, unit word) of a body of ``level``: its own place when the mention
        names one, else the document's locality or province."""
        pd = place_data()
        own = unit_level(place.unit, ctx, place.name) if place.unit else ""
        if level == "central":
            return pd.central_locality, ""
        if level == "province":
            if place.name and own == "province":
                return place.name, "thành phố" if unit_level("thành phố", ctx, place.name) == "province" and place.unit.casefold() == "thành phố" else ctx.province_unit
            return ctx.province_name, ctx.province_unit
        if place.name and own == level:
            return place.name, place.unit.casefold()
        if ctx.level == level:
            return ctx.locality_name, ctx.locality_unit
        default = "huyện" if level == "district" else "xã"
        return ctx.locality_name, place.unit.casefold() if own == level else default

    def _from_body(self, mention: str, body: Body, method: str, score: float, place: Place, ctx: Context,
                   candidates: list[tuple[str, float]]) -> _Result:
        level = body.pick_level(self._wanted_level(place, ctx))
        if ctx.level in LEVELS and RANK[level] > RANK[ctx.level] and not place.name:
            return self._lower_bodies(mention, body, level)
        locality, unit = self._home(level, place, ctx)
        name = body.canonical(unit)
        m = Mention(role="", mention=mention, agency_id=f"{slug(locality)}/{slug(name)}", agency_name=name,
                    agency_locality=locality, agency_type=body.type, level=level, match_method=method,
                    match_score=round(score, 1), candidates=candidates)
        return _Result(m, body.successor)

    def _lower_bodies(self, mention: str, body: Body, level: str) -> _Result:
        """A body of a lower level named without its place ("Công an xã" in a district plan)
        stands for all of them: a collective with the body's type."""
        name = display_key(self.abbr.expand(clean_field(_PAREN.sub(" ", mention))))
        typ = "ubnd_cap_duoi" if body.type == "ubnd" else body.type
        m = Mention(role="", mention=mention, agency_id=f"generic/{slug(name)}", agency_name=name,
                    agency_locality="", agency_type=typ, level=level, match_method="generic", match_score=100.0)
        return _Result(m)

    def _collective(self, mention: str, expanded: str, ctx: Context) -> _Result:
        name = collective_name(display_key(expanded))
        key = match_key(name)
        level = ""
        owner = owner_phrase(expanded)
        if owner and not is_collective(match_key(owner)):
            level = self._resolve(owner, ctx).mention.level
        level = level or units_after_plural(key, ctx) or tail_level(expanded, ctx) or "generic"
        m = Mention(role="", mention=mention, agency_id=f"generic/{slug(name)}", agency_name=name,
                    agency_locality="", agency_type=collective_type(key), level=level,
                    match_method="generic", match_score=100.0)
        return _Result(m)

    def _new(self, mention: str, place: Place, ctx: Context, hit: Hit) -> _Result:
        level = self._wanted_level(place, ctx) or "generic"
        locality, _ = self._home(level, place, ctx) if level in LEVELS else ("", "")
        name = place.core
        m = Mention(role="", mention=mention, agency_id=f"{slug(locality) or 'generic'}/{slug(name)}",
                    agency_name=name, agency_locality=locality, agency_type=f"other:{slug(name, '_')}",
                    level=level, match_method="new", match_score=round(hit.score, 1),
                    candidates=self._named(hit))
        return _Result(m)

    def _from_alias(self, mention: str, alias: UserAlias, ctx: Context) -> _Result:
        saved, self.user = self.user, {}
        try:
            base = self._resolve(mention, ctx).mention
        finally:
            self.user = saved
        prefix = alias.agency_id.split("/", 1)[0]
        locality = base.agency_locality if slug(base.agency_locality) == prefix else prefix
        m = replace(base, agency_id=alias.agency_id, agency_name=alias.agency_name or base.agency_name,
                    agency_type=alias.agency_type or base.agency_type, level=alias.level or base.level,
                    agency_locality=locality, match_method="alias", match_score=100.0, candidates=[])
        return _Result(m)

    # ------------------------------------------------------------------ bookkeeping
    def _record(self, res: _Result, ctx: Context) -> None:
        m = res.mention
        row = self._agencies.get(m.agency_id)
        if row is None:
            row = self._agencies[m.agency_id] = {
                "agency_id": m.agency_id, "agency_name": m.agency_name, "agency_type": m.agency_type,
                "level": m.level, "locality": m.agency_locality, "aliases": set(), "successor": res.successor}
        row["aliases"].add(m.mention)
        if m.match_method in ("fuzzy", "new"):
            rk = (m.mention, m.agency_id)
            rev = self._review.get(rk)
            if rev is None:
                cands = m.candidates[:3] + [("", 0.0)] * (3 - len(m.candidates[:3]))
                rev = self._review[rk] = {
                    "mention": m.mention, "agency_id": "", "agency_name": "", "agency_type": "", "level": "",
                    "proposed_agency_id": m.agency_id, "proposed_agency_name": m.agency_name,
                    "proposed_agency_type": m.agency_type, "proposed_level": m.level,
                    "match_method": m.match_method, "match_score": m.match_score,
                    **{f"candidate_{i + 1}": c for i, (c, _) in enumerate(cands)},
                    **{f"score_{i + 1}": s for i, (_, s) in enumerate(cands)},
                    "doc_locality": ctx.locality, "count": 0}
            rev["count"] += 1
