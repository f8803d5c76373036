"""Documents → the rows of the output tables (columns of CONTRACT.md).

Columns are declared once here; writers and the evaluation read them from
this module so that a table never loses or renames a column.
"""
from __future__ import annotations

from extract.model import Document, Mention, Task

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "sha256", "status", "error", "doc_type", "number", "issued_date",
    "issuer", "locality", "level", "province", "implements", "based_on", "period_start",
    "period_end", "signer", "n_tasks", "title", "kind", "encoding",
]
TASK_COLUMNS = [
    "doc_id", "task_seq", "task_id", "section_path", "text", "activities", "lead_raw",
    "support_raw", "lead_agencies", "support_agencies", "lead_types", "time_raw", "time_start",
    "time_end", "recurrence", "time_source", "deadline", "products", "ref_decision", "ref_task",
    "ref_score", "adaptation", "line_start", "line_end", "provenance",
]
MENTION_COLUMNS = [
    "doc_id", "task_id", "role", "mention", "agency_id", "agency_name", "agency_locality",
    "agency_type", "level", "match_method", "match_score",
]
AGENCY_COLUMNS = ["agency_id", "agency_name", "agency_type", "level", "locality", "aliases"]
REVIEW_COLUMNS = ["mention", "match_method", "match_score", "agency_id", "agency_name",
                  "candidates", "doc_ids", "locality", "level", "your_agency_id"]


def document_row(doc: Document) -> dict:
    h = doc.header
    return {
        "doc_id": doc.doc_id, "source_path": doc.source_path, "sha256": doc.sha256,
        "status": doc.status, "error": "; ".join(doc.errors), "doc_type": h.doc_type,
        "number": h.number, "issued_date": h.issued_date, "issuer": h.issuer,
        "locality": h.locality, "level": h.level, "province": h.province,
        "implements": ";".join(h.implements), "based_on": ";".join(h.based_on),
        "period_start": h.period_start, "period_end": h.period_end, "signer": h.signer,
        "n_tasks": len(doc.tasks), "title": h.title, "kind": doc.kind, "encoding": doc.encoding,
    }


def _join(ms: list[Mention], attr: str) -> str:
    return " ; ".join(getattr(m, attr) or m.mention for m in ms) if ms else ""


def task_row(doc: Document, t: Task) -> dict:
    return {
        "doc_id": doc.doc_id, "task_seq": t.seq, "task_id": t.task_id,
        "section_path": t.section_path, "text": t.text, "activities": " | ".join(t.activities),
        "lead_raw": t.lead_raw, "support_raw": t.support_raw,
        "lead_agencies": _join(t.lead, "agency_name"), "support_agencies": _join(t.support, "agency_name"),
        "lead_types": " ; ".join(m.agency_type for m in t.lead if m.agency_type),
        "time_raw": t.time_raw, "time_start": t.time_start, "time_end": t.time_end,
        "recurrence": t.recurrence, "time_source": t.time_source, "deadline": t.deadline,
        "products": t.products, "ref_decision": t.ref_decision, "ref_task": t.ref_task,
        "ref_score": "" if t.ref_score is None else round(t.ref_score, 3),
        "adaptation": t.adaptation, "line_start": t.line_start, "line_end": t.line_end,
        "provenance": t.provenance,
    }


def mention_rows(doc: Document, t: Task) -> list[dict]:
    return [{
        "doc_id": doc.doc_id, "task_id": t.task_id, "role": m.role, "mention": m.mention,
        "agency_id": m.agency_id, "agency_name": m.agency_name,
        "agency_locality": m.agency_locality, "agency_type": m.agency_type, "level": m.level,
        "match_method": m.match_method, "match_score": round(m.match_score, 1) if m.match_method else "",
    } for m in t.lead + t.support]


def rows_of(doc: Document) -> tuple[dict, list[dict], list[dict]]:
    """(documents row, task rows, mention rows) of one document."""
    tasks = [task_row(doc, t) for t in doc.tasks]
    mentions = [r for t in doc.tasks for r in mention_rows(doc, t)]
    return document_row(doc), tasks, mentions
