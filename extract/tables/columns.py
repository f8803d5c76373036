"""What each column of a task table holds, read from its header.

Plans name the same column many ways (``Cơ quan chủ trì``, ``Đơn vị thực hiện``,
``Chủ trì``; ``Thời gian hoàn thành``, ``Tiến độ``) and order them as they like.
The label families of ``extract/data/fields.yaml``, which recognise ``Cơ quan chủ
trì:`` lines in prose, recognise the headers too, so a label added there works
in both layouts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extract.datafile import load_yaml


STT, CONTENT, LEAD, SUPPORT, TIME, PRODUCTS, GROUP, NOTE = (
    "stt", "content", "lead", "support", "time", "products", "group", "note")
FIELD_ROLES = (LEAD, SUPPORT, TIME, PRODUCTS)

_STT = re.compile(r"^(?:s|số|so)?\.?\s*t\.?\s*t\.?$|^(?:số\s+)?thứ\s+tự$|^số$")
_GROUP = re.compile(r"^(?:nhóm(?:\s+(?:nhiệm vụ|giải pháp|nội dung|công việc))?|lĩnh vực|chuyên đề)\b")
_NOTE = re.compile(r"^(?:ghi chú|lưu ý)\b")
_EXTRA_CONTENT = ("tên nhiệm vụ", "nội dung nhiệm vụ", "công việc", "nhiệm vụ, giải pháp",
                  "nội dung, nhiệm vụ", "nhiệm vụ/giải pháp", "tên đề án", "tên hoạt động",
                  "danh mục", "nội dung hoạt động")
_EXTRA_LEAD = ("chủ trì", "đơn vị chủ trì", "cơ quan thực hiện", "đơn vị thực hiện",
               "cơ quan chịu trách nhiệm", "đơn vị chịu trách nhiệm", "chịu trách nhiệm")
_EXTRA_PRODUCTS = ("kết quả", "kết quả thực hiện", "hình thức văn bản")
_EXTRA_TIME = ("thời gian", "tiến độ", "thời hạn", "năm thực hiện", "mốc hoàn thành")
_MARKUP = re.compile(r"\*\*|__|</?[a-z][^<>]{0,80}>", re.IGNORECASE)
_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Header text as compared: NFC, lower case, no markup, single spaces, no
    trailing colon or note in brackets."""
    s = unicodedata.normalize("NFC", _MARKUP.sub("", text)).casefold()
    s = _WS.sub(" ", s).strip(" :：.*")
    return s


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    data = load_yaml(resources.files("extract").joinpath("data/fields.yaml").read_text("utf-8"))
    heads = [fold(h) for h in data["heads"]]
    families = data["families"]
    out: list[tuple[str, tuple[str, ...]]] = []
    extras = {CONTENT: _EXTRA_CONTENT, LEAD: _EXTRA_LEAD, TIME: _EXTRA_TIME,
              PRODUCTS: _EXTRA_PRODUCTS}
    for family in ("support", "time", "products", "lead", "content"):
        phrases = {fold(p) for p in families[family]} | set(extras.get(family, ()))
        if family in (LEAD, SUPPORT):
            phrases |= {f"{h} {p}" for h in heads for p in list(phrases)}
        out.append((family, tuple(sorted(phrases, key=len, reverse=True))))
    return tuple(out)


@lru_cache(maxsize=4096)  # merged cells repeat one text at every grid position
def column_role(header: str) -> str:
    """The role a header names (``STT``, ``CONTENT``, ``LEAD`` …) or ``""``.

    A header is recognised by its start, so ``Thời gian thực hiện (hoàn thành)``
    is a time column and ``Cơ quan chủ trì thực hiện`` a lead column."""
    s = fold(header)
    if not s or len(s) > 80:
        return ""
    if _STT.match(s):
        return STT
    if _GROUP.match(s):
        return GROUP
    if _NOTE.match(s):
        return NOTE
    best, best_len = "", 0
    for family, phrases in _phrases():
        for phrase in phrases:
            if len(phrase) > best_len and (s == phrase or s.startswith(phrase)
                                           and not s[len(phrase)].isalnum()):
                best, best_len = family, len(phrase)
    return best


@dataclass(frozen=True)
class Columns:
    """Roles by grid column, plus the header text of columns kept as extras."""

    roles: tuple[str, ...]
    headers: tuple[str, ...]

    def index(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def is_task_table(self) -> bool:
        return CONTENT in self.roles and any(r in self.roles for r in (LEAD, SUPPORT, TIME))


def header_like(texts: list[str]) -> bool:
    """A row of column labels: at least two distinct recognised roles, and no
    cell that reads like data (long text)."""
    roles = [column_role(t) for t in texts if t.strip()]
    known = [r for r in roles if r]
    return len(set(known)) >= 2 and len(known) * 2 >= len(roles)


def assign_roles(header_rows: list[list[str]], n_cols: int) -> Columns:
    """Each column's role from the lowest header row that names one (an upper
    ``Cơ quan thực hiện`` spans ``Chủ trì`` / ``Phối hợp`` below it); a role
    already taken by a column to the left leaves the later column an extra."""
    roles: list[str] = []
    headers: list[str] = []
    taken: set[str] = set()
    for c in range(n_cols):
        role, label = "", ""
        for row in reversed(header_rows):
            text = row[c] if c < len(row) else ""
            if not text.strip():
                continue
            label = label or _WS.sub(" ", _MARKUP.sub("", text)).strip()
            role = column_role(text)
            if role:
                break
        if role in taken and role != GROUP:
            role = ""
        if role:
            taken.add(role)
        roles.append(role)
        headers.append(label)
    return Columns(tuple(roles), tuple(headers))
