"""Vietnamese time fields of plans → interval, recurrence and deadline.

Follows the Time rules of shared/ANNOTATION.md: years and ranges become whole-year
intervals, frequency and ``Khi có yêu cầu`` forms span the plan period, a deadline ends
the interval and starts it with the plan. A field it cannot read gives ``parsed=False``
and an empty interval, never a guessed date. The output shape (value, granularity,
interval) is that of HeidelTime and Duckling.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from normalize.planperiod import period_phrases
from normalize.timeanchors import KINDS, Anchor, scan
from normalize.timetext import Vocabulary, clean, vocabulary

__all__ = ["TimeValue", "parse_time", "find_plan_period", "UNREAD"]


@dataclass(frozen=True)
class TimeValue:
    """What a time field means, in the columns of tasks.csv (CONTRACT.md).

    ``deadline`` uses ISO 8601's year-less forms for periodic deadlines, so a reader can
    tell ``trước ngày 05/02 hằng năm`` (``--02-05``) from a one-off date.
    """

    start: date | None
    end: date | None
    recurrence: str  # once | annual | quarterly | monthly | continuous | on_demand | "" (unread)
    deadline: str  # ISO date "2026-06-30", annual "--02-05", monthly "---25", or ""
    parsed: bool  # False when nothing could be read (interval left empty, never a wrong date)
    granularity: str = ""  # day | month | quarter | half | year | period


UNREAD = TimeValue(None, None, "", "", False)
MAX_FIELD_CHARS = 2000
"""A longer time field is text swallowed by a field line, not a time: left unread."""
_RECURRENCE = {"semiannual": "annual"}


@dataclass(frozen=True)
class _Context:
    """What a field is read against: the plan period and the year relative forms take."""

    start: date | None
    end: date | None
    year: int | None

    @staticmethod
    def of(start: date | None, end: date | None, year: int | None) -> _Context:
        if start and end and start.year == end.year:
            ref: int | None = start.year
        elif start is None and end is None:
            ref = year
        elif year and (start is None or start.year <= year) and (end is None or year <= end.year):
            ref = year
        else:
            ref = None
        return _Context(start, end, ref)


def _cadence(text: str, words: Vocabulary) -> str:
    for name, pattern in words.frequency:
        if pattern.search(text):
            return name
    return ""


def _waiting(text: str, words: Vocabulary, first_anchor: int) -> str:
    """on_demand/once when such a cue leads the field (``Theo yêu cầu…, từ năm…``)."""
    hits = [(m.start(), rec) for rec, pattern in (("on_demand", words.on_demand), ("once", words.once))
            if (m := pattern.search(text)) and m.start() < first_anchor]
    return min(hits)[1] if hits else ""


def _resolve(anchors: tuple[Anchor, ...], relative: bool, ref: int | None) -> tuple[list[Anchor], list[Anchor]] | None:
    """Split into dated and year-less anchors; a year-less one borrows a neighbour's year
    (``tháng 3 đến tháng 6/2024``) or the plan year, unless the field is periodic."""
    dated: list[Anchor] = []
    floating: list[Anchor] = []
    for i, a in enumerate(anchors):
        if a.year is not None:
            dated.append(a)
            continue
        if relative or a.kind == "dom":
            floating.append(a)
            continue
        after = [b.year for b in anchors[i + 1:] if b.year is not None]
        before = [b.year for b in anchors[:i] if b.year is not None]
        year = after[0] if after else before[-1] if before else ref
        if year is None:
            return None
        dated.append(a.with_year(year))
    return dated, floating


def _gap(text: str, anchors: list[Anchor], a: Anchor) -> str:
    prev = max((b.endpos for b in anchors if b.endpos <= a.pos), default=0)
    return text[prev:a.pos]


def _deadline_of(a: Anchor, year: int, cue: str) -> date:
    if a.kind == "day" or cue == "by":
        return a.end(year)
    return a.start(year) - timedelta(days=1)


def _annual_deadline(a: Anchor, cue: str) -> str:
    if a.kind == "dom":
        return f"---{a.first[1]:02d}"
    day = _deadline_of(a, 2001, cue)  # a common year: "cuối tháng 2" is the 28th
    return f"--{day.month:02d}-{day.day:02d}"


def _cue(gap: str, words: Vocabulary) -> str:
    for name, pattern in (("before", words.before), ("by", words.by),
                          ("from", words.range_from), ("to", words.range_to)):
        if pattern.search(gap):
            return name
    return ""


def _finest(anchors: list[Anchor]) -> str:
    kinds = ["day" if a.kind == "dom" else a.kind for a in anchors]
    return min(kinds, key=KINDS.index) if kinds else ""


def _open_end(ctx: _Context, lower: date) -> date | None:
    return ctx.end if ctx.end and ctx.end >= lower else None


def parse_time(raw: str, period_start: date | None = None, period_end: date | None = None,
               year: int | None = None) -> TimeValue:
    """Read one time field against the plan period.

    ``year`` (the plan's year) resolves ``Quý IV`` or ``6 tháng đầu năm`` when the period
    does not; it never becomes an interval by itself, so with no period ``Thường xuyên``
    has an empty interval (the caller decides the period, ANNOTATION.md Header).
    """
    if not raw or len(raw) > 4 * MAX_FIELD_CHARS:
        return UNREAD
    text = clean(raw)
    if not text or len(text) > MAX_FIELD_CHARS:
        return UNREAD
    found = scan(text)
    if not found.valid:
        return UNREAD
    words = vocabulary()
    ctx = _Context.of(period_start, period_end, year)
    cadence = _cadence(text, words)
    first_pos = found.anchors[0].pos if found.anchors else len(text)
    recurrence = _RECURRENCE.get(cadence, cadence) or _waiting(text, words, first_pos)
    split = _resolve(found.anchors, cadence != "", ctx.year)
    if split is None:
        return UNREAD
    dated, floating = split
    if any(a.kind == "dom" for a in floating) and cadence != "monthly":
        return UNREAD
    try:
        return _combine(text, words, ctx, dated, floating, recurrence, cadence)
    except ValueError:  # 29/2 of a common year, after borrowing a year
        return UNREAD


def _combine(text: str, words: Vocabulary, ctx: _Context, dated: list[Anchor],
             floating: list[Anchor], recurrence: str, cadence: str) -> TimeValue:
    everything = sorted(dated + floating, key=lambda a: a.pos)
    roles = {id(a): _cue(_gap(text, everything, a), words) for a in everything}
    deadline = ""
    for a in floating:
        if roles[id(a)] in ("before", "by"):
            deadline = _annual_deadline(a, roles[id(a)])
    if not dated:
        if not (recurrence or floating or words.plan_period.search(text)):
            return UNREAD
        grain = "half" if cadence == "semiannual" else _finest(floating) or "period"
        return TimeValue(ctx.start, ctx.end, recurrence or "once", deadline, True, grain)

    limits = [a for a in dated if roles[id(a)] in ("before", "by")]
    spans = [a for a in dated if a not in limits]
    start, end = _span(text, words, ctx, spans, roles) if spans else (None, None)
    if limits:
        end = _deadline_of(limits[-1], _year_of(limits[-1]), roles[id(limits[-1])])
        deadline = end.isoformat()
        start = start or _with_plan_start(ctx, end)
    if start and end and start > end:
        return UNREAD
    return TimeValue(start, end, recurrence or "once", deadline, True, _bounding_grain(spans, limits))


def _year_of(a: Anchor) -> int:
    if a.year is None:
        raise ValueError("anchor without a year")
    return a.year


def _span(text: str, words: Vocabulary, ctx: _Context, spans: list[Anchor],
          roles: dict[int, str]) -> tuple[date, date | None]:
    """Interval of the dated anchors that are not deadlines: their hull, opened to the
    plan's end by ``Từ …`` or ``… và các năm tiếp theo``, started with the plan by ``Đến …``."""
    start = min(a.start(_year_of(a)) for a in spans)
    end: date | None = max(a.end(_year_of(a)) for a in spans)
    role = roles[id(spans[0])] if len(spans) == 1 else ""
    if role == "to" and end:
        start = _with_plan_start(ctx, end)
    elif role == "from" and spans[0].items == 1:
        end = _open_end(ctx, start)
    if words.open_end.search(text[max(a.endpos for a in spans):]):
        end = _open_end(ctx, end or start)
    return start, end


def _bounding_grain(spans: list[Anchor], limits: list[Anchor]) -> str:
    """Granularity of the anchors that give the interval its bounds."""
    bounds = limits[-1:]
    if spans:
        bounds.append(min(spans, key=lambda a: a.start(_year_of(a))))
        if not limits:
            bounds.append(max(spans, key=lambda a: a.end(_year_of(a))))
    return _finest(bounds)


def _with_plan_start(ctx: _Context, end: date) -> date:
    """A deadline's interval opens with the plan, or on 1 January of its own year."""
    if ctx.start and ctx.start <= end:
        return ctx.start
    return date(end.year, 1, 1)


def find_plan_period(text: str) -> tuple[date | None, date | None]:
    """The plan's own period from its title, a statement sentence or its heading.

    ``giai đoạn 2023 - 2025 và những năm tiếp theo`` has no end: (2023-01-01, None).
    """
    for phrase in period_phrases(text):
        value = parse_time(phrase)
        if value.parsed and value.start and value.granularity != "period":
            return value.start, value.end
    return None, None
