"""A readable outline of one document, for ``kehoach show``."""
from __future__ import annotations

import textwrap

from extract.model import Document


def render_document(doc: Document, fields: bool = True, width: int = 100) -> str:
    h = doc.header
    lines = [f"{doc.doc_id}  [{doc.status}]" + (f"  {'; '.join(doc.errors)}" if doc.errors else "")]
    for label, value in (("type", h.doc_type), ("number", h.number), ("issued", h.issued_date),
                         ("issuer", h.issuer), ("locality", h.locality), ("level", h.level),
                         ("province", h.province), ("implements", "; ".join(h.implements)),
                         ("based on", "; ".join(h.based_on)),
                         ("period", f"{h.period_start} … {h.period_end}".strip(" …")),
                         ("signer", h.signer), ("title", h.title)):
        if value:
            lines.append(f"  {label:<10} {value}")
    lines.append(f"  tasks      {len(doc.tasks)}")
    last_path = None
    for t in doc.tasks:
        if t.section_path != last_path:
            lines.append("")
            lines.append(f"  {t.section_path}")
            last_path = t.section_path
        head = f"    {t.task_id:<12} " + t.text
        lines += textwrap.wrap(head, width, subsequent_indent=" " * 17)[:2]
        if fields:
            for label, value in (("chủ trì", t.lead_raw), ("phối hợp", t.support_raw),
                                 ("thời gian", t.time_raw or f"({t.time_source})"),
                                 ("→", f"{t.time_start}..{t.time_end} {t.recurrence}".strip(".")),
                                 ("ref", f"{t.ref_task} {t.adaptation}".strip())):
                if value and value.strip():
                    lines.append(f"{'':17}{label}: {value}"[: width + 40])
            if t.activities:
                lines.append(f"{'':17}activities: {len(t.activities)}")
        lines.append(f"{'':17}lines {t.line_start}-{t.line_end}")
    return "\n".join(lines)
