"""Who leads, written as a sentence of a task's own words.

Plans that give a task its time in a field often name the lead in a sentence:
``Tổ chức hội nghị quán triệt. Giao Phòng Tư pháp chủ trì, phối hợp với các cơ
quan liên quan thực hiện.`` — then ``- Thời gian: Quý II/2024``. The sentence is
an assignment only when it is nothing else: an optional ``Giao``/``Đề nghị``, a
body's name, ``chủ trì``, an optional ``phối hợp với …`` and an optional closing
verb (``thực hiện``, ``triển khai``). It is read only for items that are already
tasks by their fields, so the prose of the closing sections stays prose.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .markers import fields_data

_SENTENCE = re.compile(
    r"(?:(?:[Gg]iao|[Đđ]ề\s+nghị)\s+)?(?P<who>[^.:]{2,300}?)\s+(?P<verb>chủ\s+trì)"
    r"(?P<with>(?:,\s*|\s+)(?:và\s+)?phối\s+hợp\s+(?:với|cùng)\s+[^.:]+?)?"
    r"(?:,?\s+(?:tổ\s+chức\s+)?(?:thực\s+hiện|triển\s+khai(?:\s+thực\s+hiện)?))?\s*[.;,]?\s*"
)
_BOUNDARY = re.compile(r"[.;]\s+")


@lru_cache(maxsize=1)
def _heads() -> tuple[str, ...]:
    return tuple(sorted(fields_data()["assignee_heads"], key=len, reverse=True))


def _names_a_body(who: str) -> bool:
    low = who.lower()
    if not (who[0].isupper() or low.startswith(("các ", "công chức"))) or " do " in f" {low} ":
        return False
    return any(low == h or low.startswith(h + " ") for h in _heads())


def split_assignment(text: str, *, own_paragraph: bool) -> tuple[str, str] | None:
    """(the words before the assignment sentence, the lead field's value) when
    ``text`` ends with one; None otherwise. ``own_paragraph``: the sentence may
    be the whole text (a description paragraph), not only a later sentence of
    an item's heading."""
    if "chủ trì" not in text:
        return None
    starts = [m.end() for m in _BOUNDARY.finditer(text)]
    for start in [0, *starts] if own_paragraph else starts:
        m = _SENTENCE.fullmatch(text, start)
        if m is not None and _names_a_body(m["who"].strip()):
            return text[:start].rstrip(), text[m.start("who"):m.end("with") if m["with"] else m.end("verb")]
    return None
