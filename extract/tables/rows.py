"""Rows of a task table → headings and tasks, with the plan's own numbering.

The rules are those of the annotation guide (Tables): a row with its own lead,
support or time cell is a task; a row whose text spans the field columns, a
row with only a number and a title, and a ``Nhóm nhiệm vụ`` value are section
headings; the STT code is read under the headings open above it, so ``đ.1`` under
``đ`` gives ``….đ.1`` and ``1.2`` under ``1`` gives ``….1.2``; a code of a kind
already open closes that level, as a mark does in prose. Rows without a number
are numbered in order under the nearest level, as prose bullets are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.markers import parse_fields, parse_marker, roman_value, starts_new_block
from extract.model import Cell, Task
from extract.syllables import repair_glued

from .columns import (
    CONTENT,
    FIELD_ROLES,
    GROUP,
    LEAD,
    NOTE,
    PRODUCTS,
    STT,
    SUPPORT,
    TIME,
)
from .layout import Row, TaskTable, cell_text

BULLET_KINDS = frozenset({"dash", "plus", "bullet"})
_CODE_TRIM = re.compile(r"^[\s(]+|[\s.):]+$")
_BULLET_CODE = re.compile(r"^[-–—+•*]?$")
_TRAILING_PUNCT = re.compile(r"[\s.;,]+$")
_WS = re.compile(r"\s+")
_RANK = {"roman": 0, "group": 0, "decimal": 1, "letter": 4, "compound": 5, "plain": 6}
FIELD_NAMES = {CONTENT: "text", LEAD: "lead", SUPPORT: "support", TIME: "time", PRODUCTS: "products"}


@dataclass
class Heading:
    """An open level: a prose heading above the table, a heading row, or a
    task row that numbered rows below may belong to."""

    kind: str
    code: str     # as written, to recognise ``1.2`` as a child of ``1``
    label: str    # the part it adds to task ids
    title: str    # as shown in section_path
    in_path: bool = True
    group_time: str = ""
    unnumbered: int = 0   # rows without a number so far under it
    plain: int = 0        # headings without a number so far under it


def code_kind(code: str) -> str:
    """``roman``, ``decimal``, ``multi<n>``, ``letter``, ``compound`` or ``""``."""
    if not code:
        return ""
    if re.fullmatch(r"[IVXL]{1,6}", code) and roman_value(code):
        return "roman"
    if re.fullmatch(r"\d{1,3}", code):
        return "decimal"
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})+", code):
        return f"multi{code.count('.') + 1}"
    if re.fullmatch(r"[a-zđ]", code):
        return "letter"
    if re.fullmatch(r"[\w]{1,6}(?:\.[\w]{1,4})+", code):
        return "compound"
    return ""


def _rank(kind: str) -> int:
    if kind.startswith("multi"):
        return 1 + int(kind[5:])
    return _RANK.get(kind, 6)


def clean_code(text: str) -> str:
    code = _CODE_TRIM.sub("", text.replace("**", "")).strip()
    return "" if _BULLET_CODE.match(code) else code


# --- cell text -----------------------------------------------------------------------


def paragraphs(cell: Cell | None, soft_wrap: bool) -> list[str]:
    """A cell's paragraphs: lines joined when they are visual wraps (PDF) or
    continue in lower case; a list mark or a field label starts a new one."""
    text = cell_text(cell)
    out: list[str] = []
    for raw in text.split("\n"):
        line = _WS.sub(" ", raw).strip()
        if not line:
            continue
        if out and not starts_new_block(line) and (soft_wrap or line[:1].islower()):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return [repair_glued(p) for p in out]


def field_value(cell: Cell | None, soft_wrap: bool) -> str:
    """A field cell as one line: paragraphs joined by ``; `` (a list of
    agencies one per line), list marks taken off, trailing punctuation cut as
    the prose reader cuts it."""
    parts = []
    for p in paragraphs(cell, soft_wrap):
        m = parse_marker(p)
        if m is not None and m.kind in BULLET_KINDS:
            p = m.rest
        parts.append(_TRAILING_PUNCT.sub("", p))
    out = ""
    for p in parts:
        if not p:
            continue
        out = p if not out else (f"{out} {p}" if out.endswith((",", ";")) else f"{out}; {p}")
    return out


@dataclass
class Content:
    code: str
    code_kind: str
    title: str
    text: str
    activities: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def read_content(cell: Cell | None, code: str, soft_wrap: bool) -> Content:
    """Title, description, activities and inline fields of a content cell; a
    list mark in front of the title gives the code when the STT cell has none."""
    paras = paragraphs(cell, soft_wrap)
    kind = code_kind(code)
    title = paras[0] if paras else ""
    m = parse_marker(title)
    if m is not None:
        if m.kind in BULLET_KINDS:
            title = m.rest.strip()
        elif not code and m.label:
            code, kind, title = m.label, m.kind if m.kind != "multi" else code_kind(m.label), m.rest.strip()
        elif m.label == code:
            title = m.rest.strip()
    text_parts = [title]
    activities: list[str] = []
    fields: dict[str, str] = {}
    for p in paras[1:]:
        found = parse_fields(p)
        for f in found:
            value = _TRAILING_PUNCT.sub("", f.value)
            if f.family == "content":
                text_parts.append(f.value)
            elif value:
                fields[f.family] = f"{fields[f.family]}; {value}" if f.family in fields else value
        if found:
            continue
        mark = parse_marker(p)
        if mark is not None and mark.kind in BULLET_KINDS:
            activities.append(mark.rest.strip())
        elif activities:
            activities[-1] = f"{activities[-1]} {p}"
        else:
            text_parts.append(p)
    return Content(code, kind, title, " ".join(t for t in text_parts if t).strip(), activities, fields)


# --- rows ----------------------------------------------------------------------------


@dataclass
class RowView:
    """What one row says, by role; a cell that also covers the content or STT
    column (a row merged across the table) gives no field value."""

    row: Row
    content: Content
    values: dict[str, str]
    group: Cell | None
    extra: dict[str, str]

    @property
    def assigning(self) -> bool:
        return any(self.values.get(r) for r in (LEAD, SUPPORT, TIME))


def view(table: TaskTable, row: Row, soft_wrap: bool) -> RowView:
    roles = table.columns.roles
    content_col = table.columns.index(CONTENT)
    stt_col = table.columns.index(STT)
    content_cell = row.cells[content_col] if content_col is not None else None
    stt_cell = row.cells[stt_col] if stt_col is not None else None
    code = clean_code(cell_text(stt_cell)) if stt_cell is not None and stt_cell is not content_cell else ""
    if code and not code_kind(code):
        if not cell_text(content_cell):
            content_cell = stt_cell  # a heading written into the first cell only
        code = ""
    content = read_content(content_cell, code, soft_wrap)
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    group: Cell | None = None
    for col, role in enumerate(roles):
        cell = row.cells[col]
        if cell is None or cell is content_cell or (stt_cell is not None and cell is stt_cell):
            continue
        if role in FIELD_ROLES:
            values.setdefault(role, field_value(cell, soft_wrap))
        elif role == GROUP:
            group = cell
        elif role in ("", NOTE) and cell_text(cell):
            extra[table.columns.headers[col] or f"col{col + 1}"] = " ".join(paragraphs(cell, soft_wrap))
    for family, value in content.fields.items():
        if not values.get(family):
            values[family] = value
    return RowView(row, content, values, group, extra)


def _is_child(parent: Content, child: Content) -> bool:
    if not parent.code:
        return False
    if child.code.startswith(parent.code + "."):
        return True
    return _rank(child.code_kind or "plain") > _rank(parent.code_kind)


@dataclass
class RowReader:
    """Walks a task table's rows with the stack of open levels."""

    table: TaskTable
    prefix: list[Heading]
    soft_wrap: bool = False
    stack: list[Heading] = field(default_factory=list)
    last_group: object = None
    tasks: list[Task] = field(default_factory=list)
    top_unnumbered: int = 0

    def run(self) -> list[Task]:
        self.stack = [Heading(h.kind, h.code, h.label, h.title, h.in_path) for h in self.prefix]
        views = [view(self.table, row, self.soft_wrap) for row in self.table.rows]
        for i, v in enumerate(views):
            self._group(v)
            if not v.content.text:
                continue
            nxt = views[i + 1] if i + 1 < len(views) else None
            time_only = v.values.get(TIME) and not v.values.get(LEAD) and not v.values.get(SUPPORT)
            if not v.assigning or (time_only and nxt is not None and nxt.assigning
                                   and _is_child(v.content, nxt.content)):
                self._heading(v.content, v.values.get(TIME, "") if v.assigning else "")
            else:
                self._task(v)
        return self.tasks

    def _group(self, v: RowView) -> None:
        cell = v.group
        if cell is None or cell is self.last_group or not cell_text(cell):
            return
        self.last_group = cell
        self.stack = [Heading(h.kind, h.code, h.label, h.title, h.in_path) for h in self.prefix]
        title = " ".join(paragraphs(cell, self.soft_wrap))
        m = parse_marker(title)
        if m is not None and m.label:
            self._push(m.label, code_kind(m.label) or m.kind, m.rest.strip(), "")
        else:
            self._push("", "group", title, "")

    def _place(self, code: str, kind: str) -> str:
        """Close the levels a row with ``code`` ends; return its id part."""
        for i in range(len(self.stack) - 1, -1, -1):
            parent = self.stack[i].code
            if parent and code.startswith(parent + "."):
                del self.stack[i + 1:]
                return code[len(parent) + 1:]
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].kind == kind:
                del self.stack[i:]
                break
        return code

    def _push(self, code: str, kind: str, title: str, group_time: str) -> Heading:
        if code:
            label = self._place(code, kind)
            shown = f"{code}. {title}".strip() if title else code
        else:
            self._place("", kind)
            parent = self.stack[-1] if self.stack else None
            number = 1
            if parent is not None:
                parent.plain += 1
                number = parent.plain
            label, shown = str(number), title
        heading = Heading(kind, code, label, shown, True, group_time)
        self.stack.append(heading)
        return heading

    def _heading(self, content: Content, group_time: str) -> None:
        self._push(content.code, content.code_kind or "plain", content.title, group_time)

    def _task(self, v: RowView) -> None:
        c = v.content
        if c.code:
            label = self._place(c.code, c.code_kind or "compound")
            path = list(self.stack)
        else:
            path = list(self.stack)
            if path:
                path[-1].unnumbered += 1
                label = str(path[-1].unnumbered)
            else:
                self.top_unnumbered += 1
                label = str(self.top_unnumbered)
        group_time = next((h.group_time for h in reversed(path) if h.group_time), "")
        ids = [h.label for h in path if h.in_path] + [label]
        first, last = v.row.lines()
        self.tasks.append(Task(
            seq=len(self.tasks) + 1,
            task_id=".".join(ids),
            section_path=" > ".join(h.title for h in path if h.in_path),
            text=c.text,
            activities=c.activities,
            lead_raw=v.values.get(LEAD, ""),
            support_raw=v.values.get(SUPPORT, ""),
            time_raw=v.values.get(TIME, ""),
            products=v.values.get(PRODUCTS, ""),
            line_start=first,
            line_end=last,
            group_time_raw=group_time,
            provenance=self._provenance(v),
            extra=v.extra,
        ))
        if c.code:
            self.stack.append(Heading(c.code_kind or "compound", c.code, label,
                                      f"{c.code}. {c.title}".strip()))

    def _provenance(self, v: RowView) -> str:
        cols = [f"{FIELD_NAMES[role]}={col + 1}" for col, role in enumerate(self.table.columns.roles)
                if role in FIELD_NAMES and (role == CONTENT or v.values.get(role))]
        return f"table:{self.table.index}:row:{v.row.number}:" + ",".join(cols)


def table_tasks(table: TaskTable, prefix: list[Heading]) -> list[Task]:
    """Tasks of one task table under the prose headings open where it stands."""
    return RowReader(table, prefix, table.soft_wrap).run()
