"""Calendar anchors in a cleaned time field: days, months, quarters, halves and years.

Each anchor is a span of one calendar year, so a year-less one (``Quý IV``,
``05/02 hằng năm``) can be resolved later against a neighbour, the plan year or an
annual cadence. Full dates are read with strict patterns rather than a general date
parser, which would fill missing parts from today.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

KINDS = ("day", "month", "quarter", "half", "year")  # finest first
_Y = r"((?:19|20)\d{2})(?!\d)"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Q = r"(?:iv|iii|ii|i|[1-4])(?!\w)"
_LIST_SEP = r"\s*(?:,|và|-|đến\s*hết|đến|tới|hoặc)\s*"
_YEAR_TAIL = rf"(?:\s*(?:/|-|năm|,)\s*(?:năm\s*)?{_Y})?"


@dataclass(frozen=True)
class Anchor:
    """A span inside one year; ``year`` is None when the text leaves it out.

    ``kind`` "dom" is a day of the month with no month (``ngày 25 hằng tháng``).
    ``items`` counts the units listed (``Quý III và Quý IV`` is 2) so a ``từ`` before
    a listed range is not read as an open start.
    """

    kind: str
    pos: int
    endpos: int
    year: int | None
    first: tuple[int, int]  # (month, day)
    last: tuple[int, int]  # (month, day); day 0 = last day of that month
    items: int = 1

    def start(self, year: int) -> date:
        return date(year, *self.first)

    def end(self, year: int) -> date:
        month, day = self.last
        return date(year, month, day or calendar.monthrange(year, month)[1])

    def with_year(self, year: int) -> Anchor:
        return replace(self, year=year)


def _num(token: str) -> int:
    return _ROMAN.get(token) or int(token)


def _day(m: re.Match[str], d: int, mo: int, y: str | None) -> Anchor:
    return Anchor("day", m.start(), m.end(), int(y) if y else None, (mo, d), (mo, d))


_ORDINAL_WORD = re.compile(r"(?:tuần|thứ|đợt|lần|kỳ|số)\s*$")


def _ordinal_before(m: re.Match[str]) -> bool:
    """``tuần thứ 2 tháng 5/2024``: the number counts weeks or rounds, it is not
    the day of ``2 tháng 5``; the month is then read on its own."""
    before = m.string[max(0, m.start() - 12):m.start()]
    return not m.group(0).startswith("ngày") and _ORDINAL_WORD.search(before) is not None


def _units(m: re.Match[str], unit: str, count_pattern: str) -> list[int]:
    head = m.group(0)[: m.start(1) - m.start()] if m.group(1) else m.group(0)
    return [_num(t) for t in re.findall(count_pattern, head.replace(unit, " "))]


def _quarter(m: re.Match[str]) -> Anchor:
    qs = _units(m, "quý", r"(?<!\w)(?:iv|iii|ii|i|[1-4])(?!\w)")
    lo, hi = min(qs), max(qs)
    return Anchor("quarter", m.start(), m.end(), _year(m.group(1)), (3 * lo - 2, 1), (3 * hi, 0), len(qs))


def _month(m: re.Match[str]) -> Anchor:
    ms = _units(m, "tháng", r"(?<!\d)\d{1,2}(?!\d)")
    if not all(1 <= x <= 12 for x in ms):
        raise ValueError("month out of range")
    return Anchor("month", m.start(), m.end(), _year(m.group(1)), (min(ms), 1), (max(ms), 0), len(ms))


_ACT_NUMBER = re.compile(r"(?:số|quyết định|nghị quyết|chỉ thị|thông tư|nghị định|kế hoạch|luật)\s*:?\s*$", re.IGNORECASE)


def _bare_month(m: re.Match[str]) -> Anchor:
    """A month and year written without the word "tháng"; an act's number (số 12/2024) is not one."""
    month = int(m.group(1))
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    if _ACT_NUMBER.search(m.string, 0, m.start()):
        raise ValueError("an act's number, not a month")
    return Anchor("month", m.start(), m.end(), int(m.group(2)), (month, 1), (month, 0), 1)


def _half(m: re.Match[str]) -> Anchor:
    first = m.group(1) == "đầu"
    span = ((1, 1), (6, 30)) if first else ((7, 1), (12, 31))
    return Anchor("half", m.start(), m.end(), _year(m.group(2)), *span)


def _year(token: str | None) -> int | None:
    return int(token) if token else None


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Anchor | None]], ...] = (
    (re.compile(rf"(?<![\d/.]){_Y}-(\d{{1,2}})-(\d{{1,2}})(?![\d/.])"),
     lambda m: _day(m, int(m.group(3)), int(m.group(2)), m.group(1))),
    (re.compile(rf"(?:ngày\s*)?(?<![\d/.-])(\d{{1,2}})\s*/\s*(\d{{1,2}})\s*/\s*{_Y}"),
     lambda m: _day(m, int(m.group(1)), int(m.group(2)), m.group(3))),
    (re.compile(rf"(?:ngày\s*)?(?<![\d/.-])(\d{{1,2}})([.-])(\d{{1,2}})\2{_Y}"),
     lambda m: _day(m, int(m.group(1)), int(m.group(3)), m.group(4))),
    (re.compile(rf"(?:ngày\s*)?(?<![\d/.])(\d{{1,2}})\s*tháng\s*(\d{{1,2}})\s*(?:năm|/|,)?\s*{_Y}"),
     lambda m: None if _ordinal_before(m) else _day(m, int(m.group(1)), int(m.group(2)), m.group(3))),
    (re.compile(r"ngày\s*(\d{1,2})\s*(?:/|-|\.|tháng)\s*(\d{1,2})(?![\d/])"),
     lambda m: _day(m, int(m.group(1)), int(m.group(2)), None)),
    (re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/])"),
     lambda m: _day(m, int(m.group(1)), int(m.group(2)), None)),
    (re.compile(rf"(?:(?:6|06|sáu)\s*tháng|nửa)\s*(đầu|cuối|sau)\s*(?:của\s*)?năm(?:\s*{_Y})?"), _half),
    (re.compile(rf"quý\s*{_Q}(?:{_LIST_SEP}(?:quý\s*)?{_Q})*{_YEAR_TAIL}"), _quarter),
    (re.compile(rf"tháng\s*\d{{1,2}}(?!\d)(?:{_LIST_SEP}(?:tháng\s*)?\d{{1,2}}(?!\d))*{_YEAR_TAIL}"), _month),
    # a month and its year without the word "tháng": "Tháng 3/2024 - 6/2024", "Thời gian: 6/2024"
    (re.compile(rf"(?<![\d/.])(\d{{1,2}})\s*/\s*{_Y}(?![\d/.])"), _bare_month),
    (re.compile(r"ngày\s*(\d{1,2})(?!\d)(?!\s*(?:/|-|\.|tháng)\s*\d)"),
     lambda m: Anchor("dom", m.start(), m.end(), None, (0, int(m.group(1))), (0, int(m.group(1))))),
    (re.compile(rf"(?:năm\s*)?(?<![\d/.]){_Y}(?![/.]\d)"),
     lambda m: Anchor("year", m.start(), m.end(), int(m.group(1)), (1, 1), (12, 31))),
    (re.compile(r"(?<!\w)(?:trong năm|cả năm|năm nay)(?=\s*(?:$|[,;.]|và(?!\w)|hoặc(?!\w)))"),
     lambda m: Anchor("year", m.start(), m.end(), None, (1, 1), (12, 31))),
)

# Time words with a number that no pattern above accepted: an invalid or unknown form.
_STRAY = re.compile(
    r"quý\s*(?:[ivx]+|\d+)(?!\w)|tháng\s*\d|ngày\s*\d|\d\s*[/.]\s*\d|(?<!\d)\d{1,2}-\d{1,2}-\d"
    r"|năm\s*\d|(?<![\d/])\d{4,}(?![\d/])"
)

# A year and a one- or two-digit number (``2024 - 12``, ``2021-25``): a month or a range
# written short; either reading could be wrong, so the field stays unread.
_HALF_RANGE = re.compile(r"(?<![\d/.])(?:19|20)\d{2}\s*-\s*\d{1,2}(?![\d/.-])")


@dataclass(frozen=True)
class Scan:
    anchors: tuple[Anchor, ...]
    valid: bool  # False when a date is impossible or a time number is left unread


def _checked(anchor: Anchor) -> bool:
    if anchor.kind == "dom":
        return 1 <= anchor.first[1] <= 31
    try:
        year = anchor.year or 2000  # a leap year, so a year-less 29/2 is allowed here
        return anchor.start(year) <= anchor.end(year)
    except ValueError:
        return False


def scan(text: str) -> Scan:
    """Every anchor of ``text`` in reading order; earlier patterns claim text first."""
    taken: list[tuple[int, int]] = []
    found: list[Anchor] = []
    for pattern, build in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                anchor = build(m)
            except ValueError:
                return Scan((), False)
            if anchor is None:  # not this pattern here; a later one may read the text
                continue
            if not _checked(anchor):
                return Scan((), False)
            taken.append((m.start(), m.end()))
            found.append(anchor)
    if not taken:
        rest = text
    else:
        cuts = sorted(taken)
        rest = " ".join(text[e:s] for (_, e), (s, _) in zip([(0, 0), *cuts], [*cuts, (len(text), 0)]))
    valid = _STRAY.search(rest) is None and _HALF_RANGE.search(text) is None
    return Scan(tuple(sorted(found, key=lambda a: a.pos)), valid)
