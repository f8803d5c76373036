"""Two roles written in one field: ``Đơn vị thực hiện: Sở Tư pháp chủ trì, phối
hợp với Sở Nội vụ`` or ``… Sở Tư pháp chủ trì; các sở, ngành phối hợp``.

The field is a lead field by its label, but the agencies after ``phối hợp với``
(or before a closing ``phối hợp``) support; an analyst counting lead agencies
must not count them. The field text stays as written; only its mentions take
the role their words give them.
"""
from __future__ import annotations

import re

_LEAD_VERB = re.compile(r"\bchủ\s+trì\b", re.IGNORECASE)
# "…, phối hợp với Y", "… và phối hợp cùng Y"
_WITH = re.compile(r"(?:,\s*|\s+)(?:và\s+)?phối\s+hợp\s+(?:với|cùng)\s+", re.IGNORECASE)
# "X chủ trì; Y phối hợp (thực hiện)." — Y all that follows the lead's verb
_CLOSING = re.compile(r"(?:\s+(?:thực\s+hiện|tham\s+mưu))?\s*[;,]\s*(?P<who>.+?)\s+(?:cùng\s+)?phối\s+hợp(?:\s+thực\s+hiện)?\s*[.;,]?\s*$",
                      re.IGNORECASE)


def split_roles(lead_raw: str) -> tuple[str, str]:
    """(the lead part, the support part) of a lead field; the support part is
    empty unless the field says ``chủ trì`` and then who ``phối hợp``. A name
    holding the words (``Hội đồng phối hợp PBGDPL``) is not a role."""
    verb = _LEAD_VERB.search(lead_raw)
    if verb is None:
        return lead_raw, ""
    with_ = _WITH.search(lead_raw, verb.end())
    if with_ is not None:
        return lead_raw[:with_.start()].strip(), lead_raw[with_.end():].strip()
    closing = _CLOSING.match(lead_raw, verb.end())
    if closing is not None:
        return lead_raw[:closing.start()].strip(), closing["who"].strip()
    return lead_raw, ""
