"""Section tree and tasks from a plan's own numbering.

The outline is rebuilt from the marks themselves (Roman, ``1.``, ``1.1.``,
``a)``, ``-``, ``+``): a mark kind seen before on the open path closes the
levels below it, a new kind opens a level. Field lines never become nodes;
they attach to the item they follow. Which items are tasks, and which bullets
are only activities, follows the project's annotation rules (docs/ANNOTATION).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .assignments import split_assignment
from .markers import (
    Field,
    Marker,
    parse_field,
    parse_fields,
    parse_marker,
    split_inline_fields,
)
from .model import Paragraph, Task

BULLETS = {"dash", "plus", "bullet"}
ASSIGNING = {"lead", "support", "time"}

_GENERAL_HEADING = re.compile(
    r"^(?:mục đích|yêu cầu|mục tiêu|quan điểm|phạm vi|đối tượng|thời gian|kinh phí|nguồn kinh phí|"
    r"tổ chức thực hiện|trách nhiệm thực hiện|chế độ (?:thông tin, )?báo cáo|hiệu lực|điều khoản|căn cứ)",
    re.IGNORECASE,
)
_TRAILING_PUNCT = re.compile(r"[\s.;,]+$")


@dataclass
class Node:
    kind: str
    label: str
    text: str
    para: Paragraph
    parent: Node | None = None
    description: list[Paragraph] = field(default_factory=list)
    fields: list[tuple[Field, Paragraph]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    is_task: bool = False
    group_time: str = ""

    def assigning(self) -> bool:
        return any(f.family in ASSIGNING for f, _ in self.fields)

    def ancestors(self) -> list[Node]:
        out, n = [], self.parent
        while n is not None and n.kind != "root":
            out.append(n)
            n = n.parent
        return out[::-1]

    def walk(self) -> list[Node]:
        """This node and all below it, in document order (preorder)."""
        out, stack = [], [self]
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return out

    def last_line(self) -> int:
        lines = [self.para.line_end]
        lines += [p.line_end for p in self.description]
        lines += [p.line_end for _, p in self.fields]
        return max(lines)


def _kind_of(m: Marker) -> str:
    if m.kind == "multi":
        return f"multi{m.label.count('.') + 1}"
    return m.kind


def body_start(paras: list[Paragraph]) -> int:
    """Index of the first outline heading: the first Roman numeral, or the
    first ``1.`` when the plan has no Roman level."""
    first_decimal = None
    for i, p in enumerate(paras):
        m = parse_marker(p.text)
        if m is None or parse_field(p.text):
            continue
        if m.kind == "roman" and m.label in ("I", "1"):
            return i
        if m.kind == "decimal" and m.label == "1" and first_decimal is None:
            first_decimal = i
    return first_decimal if first_decimal is not None else len(paras)


def build_tree(paras: list[Paragraph]) -> Node:
    """The outline of ``paras`` (body paragraphs only) under a root node."""
    root = Node("root", "", "", Paragraph("", 0, 0))
    stack = [root]
    for p in paras:
        fields = parse_fields(p.text)
        if fields:
            stack[-1].fields.extend((f, p) for f in fields)
            continue
        inline = split_inline_fields(p.text)
        if inline is not None:  # "… người dân. Thời gian: năm 2024." — the item, then its fields
            p, fields = replace(p, text=inline[0]), parse_fields(inline[1])
        m = parse_marker(p.text)
        if m is None:
            top = stack[-1]
            if not top.fields and not top.children and top is not root:
                top.description.append(p)
        else:
            kind = _kind_of(m)
            for i in range(len(stack) - 1, 0, -1):
                if stack[i].kind == kind:
                    del stack[i:]
                    break
            node = Node(kind, m.label, m.rest.strip(), p, parent=stack[-1])
            stack[-1].children.append(node)
            stack.append(node)
        if stack[-1] is not root:
            stack[-1].fields.extend((f, p) for f in fields)
    return root


def _in_general_section(node: Node) -> bool:
    top = node.ancestors()[0] if node.ancestors() else node
    return bool(_GENERAL_HEADING.match(top.text))


def _lift_trailing_block(root: Node) -> None:
    """Sibling bullets followed by one field block after the last of them:
    the block belongs to their parent heading (the bullets become activities)."""
    for node in list(root.walk()):
        kids = node.children
        if node.kind == "root" or not kids or node.assigning():
            continue
        last = kids[-1]
        if last.kind not in BULLETS or not last.assigning() or last.children:
            continue
        if all(para is last.para for _, para in last.fields):  # written inside the bullet: its own
            continue
        if any(k.assigning() for k in kids[:-1]):
            continue
        node.fields, last.fields = last.fields, []


def mark_tasks(root: Node) -> list[str]:
    """Decide which nodes are tasks; return candidate plan-period strings
    (lone time fields of general sections)."""
    _lift_trailing_block(root)
    periods: list[str] = []
    for node in root.walk():
        if node.kind == "root" or not node.assigning():
            continue
        families = {f.family for f, _ in node.fields}
        has_task_below = any(d.assigning() for c in node.children for d in c.walk())
        if families <= {"time", "products", "content"}:
            time = _field_text(node, "time")
            if _in_general_section(node) and not has_task_below:
                periods.append(time)
                continue
            if has_task_below:
                for c in node.children:
                    for d in c.walk():
                        d.group_time = d.group_time or time
                continue
        node.is_task = True
        if "lead" not in families:
            _lead_from_own_words(node)
    return periods


def _lead_from_own_words(node: Node) -> None:
    """A task without a lead field whose own words end with an assignment
    sentence (``… Giao Phòng Tư pháp chủ trì, phối hợp với …``): that sentence
    becomes its lead field (docs/ANNOTATION.md, fields inside the item)."""
    if node.description:
        last = node.description[-1]
        found = split_assignment(last.text, own_paragraph=True)
        if found is not None:
            head, value = found
            if head:
                node.description[-1] = replace(last, text=head)
            else:
                node.description.pop()
            node.fields.insert(0, (Field("lead", "chủ trì", value), last))
        return
    found = split_assignment(node.text, own_paragraph=False)
    if found is not None:
        node.text = found[0]
        node.fields.insert(0, (Field("lead", "chủ trì", found[1]), node.para))


def _field_text(node: Node, family: str) -> str:
    vals = [_TRAILING_PUNCT.sub("", f.value) for f, _ in node.fields if f.family == family]
    return "; ".join(v for v in vals if v)


def _ordinals(root: Node) -> dict[int, int]:
    """id(node) → its 1-based rank among the siblings of its kind."""
    out: dict[int, int] = {}
    for n in root.walk():
        seen: dict[str, int] = {}
        for c in n.children:
            seen[c.kind] = out[id(c)] = seen.get(c.kind, 0) + 1
    return out


def _id_part(node: Node, ordinals: dict[int, int]) -> str:
    if node.kind in BULLETS:
        return str(ordinals[id(node)])
    if node.kind.startswith("multi") and node.parent is not None:
        head, _, last = node.label.rpartition(".")
        if head and head == node.parent.label or head.endswith(f".{node.parent.label}"):
            return last  # "1.2" under "1." is part "2" of "I.1.2"
    return node.label


def _heading(node: Node) -> str:
    prefix = f"{node.label}. " if node.label and node.kind not in BULLETS else ""
    return f"{prefix}{node.text}".strip()


def _activities(task: Node, tasks: set[int]) -> list[Node]:
    out = []
    for c in task.children:
        for d in c.walk():
            if id(d) in tasks:
                break
            if not any(id(x) in tasks for x in d.walk()):
                out.append(d)
    return out


def tasks_from_tree(root: Node) -> list[Task]:
    """Tasks in document order, with ids, paths, fields and activities."""
    nodes = [n for n in root.walk() if n.is_task]
    task_ids = {id(n) for n in nodes}
    ordinals = _ordinals(root)
    task_before: dict[int, Node] = {}  # id(node) → the last task among its earlier siblings
    for parent in root.walk():
        last = None
        for c in parent.children:
            if last is not None:
                task_before[id(c)] = last
            if id(c) in task_ids:
                last = c
    orphans: dict[int, list[Node]] = {}
    for n in root.walk():
        if n.kind not in BULLETS or n.is_task or any(id(x) in task_ids for x in n.walk()):
            continue
        if any(id(a) in task_ids for a in n.ancestors()):
            continue
        prev = task_before.get(id(n))
        if prev is not None and n.parent.kind != "root":
            orphans.setdefault(id(prev), []).append(n)

    out: list[Task] = []
    seen: dict[str, int] = {}
    for seq, n in enumerate(nodes, 1):
        path = n.ancestors()
        tid = ".".join(_id_part(x, ordinals) for x in path + [n])
        seen[tid] = seen.get(tid, 0) + 1
        if seen[tid] > 1:
            tid = f"{tid}~{seen[tid]}"
        acts = _activities(n, task_ids) + orphans.get(id(n), [])
        text_parts = [n.text] + [p.text for p in n.description]
        text_parts += [f.value for f, _ in n.fields if f.family == "content"]
        last = max([n.last_line()] + [a.last_line() for a in acts])
        out.append(Task(
            seq=seq,
            task_id=tid,
            section_path=" > ".join(_heading(a) for a in path),
            text=" ".join(t for t in text_parts if t).strip(),
            activities=[" ".join([a.text] + [p.text for p in a.description]).strip() for a in acts],
            lead_raw=_field_text(n, "lead"),
            support_raw=_field_text(n, "support"),
            time_raw=_field_text(n, "time"),
            products=_field_text(n, "products"),
            line_start=n.para.line_start,
            line_end=last,
            group_time_raw=n.group_time,
        ))
    return out


def parse_tasks(body: list[Paragraph]) -> tuple[list[Task], list[str], Node]:
    """Tasks of a plan body, the plan-period strings found on the way, and the tree."""
    root = build_tree(body)
    periods = mark_tasks(root)
    return tasks_from_tree(root), periods, root
