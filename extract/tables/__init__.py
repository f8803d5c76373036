"""Task tables: plans whose tasks are laid out as rows of a table.

The readers (DOCX, PDF, HTML and markdown in text files) give :class:`Table`
objects with the lines of every cell; :func:`task_tables` finds the tables
that list tasks and joins their page fragments; :func:`read_tables` turns them
into the same :class:`Task` objects the prose outline gives.
"""
from __future__ import annotations

from extract.model import Table, Task
from extract.structure import Node

from .columns import Columns, assign_roles, column_role, header_like
from .layout import Row, TaskTable, task_tables
from .merge import blank_spans, merge_tasks, open_path
from .rows import Heading, table_tasks
from .text_tables import html_tables, markdown_tables, text_tables

__all__ = ["Columns", "Heading", "Row", "Table", "TaskTable", "assign_roles", "blank_spans",
           "column_role", "header_like", "html_tables", "markdown_tables", "merge_tasks",
           "open_path", "read_tables", "table_tasks", "task_tables", "text_tables"]


def read_tables(found: list[TaskTable], root: Node, body_lines: tuple[int, int]) -> list[Task]:
    """Tasks of every task table; a table inside the plan body (lines
    ``body_lines``) continues the prose outline open above it."""
    out: list[Task] = []
    first, last = body_lines
    for table in found:
        inside = first <= table.line_start <= last
        prefix = open_path(root, table.line_start) if inside else []
        out.extend(table_tasks(table, prefix))
    return out
