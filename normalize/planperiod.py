"""Where a plan states its own period, as phrases for the time parser to read.

A plan says its period in a sentence (``Đề án được triển khai thực hiện từ năm 2023 đến
năm 2030``), under a numbered ``Thời gian thực hiện:`` heading, or only in its title
(``… trên địa bàn phường năm 2026``). Task fields carry the same label, and the preamble
cites other acts with their own years and periods, so both are kept out.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_Y = r"(?:19|20)\d{2}(?!\d)"
_DOC = r"(?:đề án|kế hoạch|chương trình|dự án)"
_STATEMENT = re.compile(
    rf"{_DOC}(?:\s+này)?\s+(?:được\s+)?(?:triển khai\s+|tổ chức\s+)?(?:thực hiện|triển khai|áp dụng)\s+"
    rf"(?=(?:trong\s+)?(?:từ|giai đoạn|năm|đến)(?!\w))"
)
_LABEL = re.compile(rf"thời gian thực hiện(?P<own>\s+(?:của\s+)?{_DOC})?\s*:?\s*")
_HEADING_BEFORE = re.compile(r"(?:^|[\s>])(?:\d+(?:\.\d+)*|[ivx]+)\.\s*$")
_VALUE_END = re.compile(r"[.;:](?=\s|$)")
_CITED = re.compile(
    r"(?:căn cứ[^.;\n]*|(?:quyết định|kế hoạch|nghị quyết|thông tư|chỉ thị|công văn|nghị định|"
    r"văn bản|hướng dẫn|thông báo)\s+(?:số\s*)?[\w.\-]*\d+/[^.;\n]*)"
)
_FULL_DATE = re.compile(
    r"(?:ngày\s*)?\d{1,2}\s*(?:/|-|\.|tháng)\s*\d{1,2}\s*(?:/|-|\.|năm)\s*(?:19|20)\d{2}"
)
_TITLE_PERIOD = re.compile(
    rf"(?:giai đoạn|năm)\s*{_Y}(?:\s*(?:-|–|—|đến)\s*(?:năm\s*)?{_Y})?"
    r"(?:\s*(?:và|,)\s*(?:các|những)\s*năm tiếp theo)?"
)
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_#`]+")


def _flat(text: str) -> str:
    return _SPACES.sub(" ", _MARKUP.sub("", unicodedata.normalize("NFC", text).lower()))


def _value(text: str, start: int) -> str:
    rest = text[start:start + 200]
    stop = _VALUE_END.search(rest)
    return rest[: stop.start()] if stop else rest


def period_phrases(text: str) -> Iterator[str]:
    """Phrases that may state the plan's period, most explicit first."""
    flat = _flat(text)
    statements: list[tuple[int, str]] = [(m.start(), _value(flat, m.end())) for m in _STATEMENT.finditer(flat)]
    for m in _LABEL.finditer(flat):
        before = flat[max(0, m.start() - 12): m.start()]
        if m.group("own") or m.start() == 0 or _HEADING_BEFORE.search(before):
            statements.append((m.start(), _value(flat, m.end())))
    for _, phrase in sorted(statements):
        yield phrase
    bare = _flat(_FULL_DATE.sub(" ", _CITED.sub(" ", unicodedata.normalize("NFC", text).lower())))
    found = list(_TITLE_PERIOD.finditer(bare))
    # "Chương trình … giai đoạn 2022 - 2027 trên địa bàn huyện năm 2024": the programme's period
    # comes with its name, the plan's own after the place it is for
    place = bare.find("địa bàn")
    if len(found) > 1 and place >= 0:
        found.sort(key=lambda m: m.start() < place)
    for m in found:
        yield m.group(0)
