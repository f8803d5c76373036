"""The plan's own period (documents.csv period_start / period_end)."""
from __future__ import annotations

import re
from datetime import date

from extract.model import Document

from .timeexpr import find_plan_period

_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


def plan_period(doc: Document) -> tuple[date | None, date | None]:
    """First period stated by the plan itself (its general sections, then its
    title); else 1 January of the issue year to the latest year its tasks name
    (ANNOTATION: Header)."""
    for hint in doc.period_hints:
        if not hint:
            continue
        start, end = find_plan_period(hint)
        if start is not None:
            return start, end
    issued = doc.header.issued_date
    if not issued:
        return None, None
    year = int(issued[:4])
    years = [int(y) for t in doc.tasks for y in _YEAR.findall(t.time_raw or "")]
    last = max([y for y in years if y >= year], default=None)
    return date(year, 1, 1), (date(last, 12, 31) if last else None)


def set_period(doc: Document) -> None:
    start, end = plan_period(doc)
    doc.header.period_start = start.isoformat() if start else ""
    doc.header.period_end = end.isoformat() if end else ""
