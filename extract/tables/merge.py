"""Table tasks and prose tasks in one document.

A task table stands somewhere in the outline: under ``III. NHIỆM VỤ`` its rows
continue that section's numbering; after the signature (an appendix, ``Phụ lục:
Danh mục nhiệm vụ``) they stand alone. When the prose also lists the tasks the
table lists, the table rows are the tasks (annotation guide, Tables), so prose
tasks that repeat a table task are dropped.
"""
from __future__ import annotations

import re
import unicodedata

from extract.model import Task
from extract.structure import BULLETS, Node

from .rows import Heading

SAME_TASK = 88.0
"""Similarity (0–100) of two task texts above which they are one task."""
_KEY_CHARS = 160
_NON_WORD = re.compile(r"[^\w]+")


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span's characters removed but its line breaks kept,
    so prose line numbers do not move."""
    out = []
    last = 0
    for start, end in sorted(spans):
        if end <= last:
            continue
        start = max(start, last)
        out.append(text[last:start])
        out.append("\n" * text.count("\n", start, end))
        last = end
    out.append(text[last:])
    return "".join(out)


def open_path(root: Node, line: int) -> list[Heading]:
    """The prose headings open just before ``line`` (bullets left out: a table
    row is not numbered under a dash)."""
    last: Node | None = None
    for node in root.walk():
        if node.kind == "root":
            continue
        if node.para.line_start >= line:
            break
        last = node
    if last is None:
        return []
    chain = last.ancestors() + [last]
    return [Heading(n.kind, n.label, n.label, f"{n.label}. {n.text}".strip())
            for n in chain if n.kind not in BULLETS]


def _key(text: str) -> str:
    s = unicodedata.normalize("NFC", text).casefold()
    return _NON_WORD.sub(" ", s).strip()[:_KEY_CHARS]


def repeats(prose: Task, table_tasks: list[Task]) -> bool:
    from rapidfuzz import fuzz

    key = _key(prose.text)
    if not key:
        return False
    return any(fuzz.ratio(key, _key(t.text)) >= SAME_TASK for t in table_tasks)


def merge_tasks(prose: list[Task], table: list[Task]) -> list[Task]:
    """One task list in document order: prose tasks that a table lists again
    give way to the table rows; ids made unique, sequence renumbered."""
    if not table:
        return prose
    kept = [t for t in prose if not repeats(t, table)]
    merged = sorted(kept + table, key=lambda t: (t.line_start, t.line_end))
    seen: dict[str, int] = {}
    for seq, task in enumerate(merged, 1):
        task.seq = seq
        base = task.task_id.split("~")[0] if task.provenance == "text" else task.task_id
        seen[base] = seen.get(base, 0) + 1
        task.task_id = base if seen[base] == 1 else f"{base}~{seen[base]}"
    return merged
