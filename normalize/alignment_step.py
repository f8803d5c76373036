"""Pipeline component: align a document's tasks to its reference decision."""
from __future__ import annotations

from extract.model import Document

from .align import align_tasks
from .reference import reference_for


def set_alignment(doc: Document) -> None:
    ref = reference_for(doc.header.implements)
    align_tasks(doc.tasks, ref, ref.symbol if ref else "")
