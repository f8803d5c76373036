"""Task times: each task's own field, else its group heading's, else the plan's."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from extract.model import Document

from .timeexpr import parse_time

# Pure and called with a few thousand distinct fields per archive ("Thường xuyên", "Quý IV")
_parse_time = lru_cache(maxsize=16384)(parse_time)


def _d(s: str) -> date | None:
    return date.fromisoformat(s) if s else None


def set_times(doc: Document) -> None:
    ps, pe = _d(doc.header.period_start), _d(doc.header.period_end)
    year = int(doc.header.issued_date[:4]) if doc.header.issued_date else (ps.year if ps else None)
    for t in doc.tasks:
        raw, source = (t.time_raw, "task") if t.time_raw else (t.group_time_raw, "group")
        if not raw:
            t.time_start, t.time_end = doc.header.period_start, doc.header.period_end
            t.recurrence, t.time_source = "once", "plan"
            continue
        v = _parse_time(raw, ps, pe, year)
        t.time_source = source
        t.time_parsed = v.parsed
        t.time_start = v.start.isoformat() if v.start else ""
        t.time_end = v.end.isoformat() if v.end else ""
        t.recurrence = v.recurrence
        t.deadline = v.deadline
