"""The HTML report: one static page an analyst can open, read and print.

It shows, for a run's output folder, a summary of every document, a coverage
heatmap per reference decision (reference tasks × localities) and the text of
every local task with its source lines. Each heatmap cell links to the tasks
that fill it. Everything is in the one file (inline CSS, no script, no fonts or
images from elsewhere), so it opens offline and can be mailed as is.
"""
from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

import pandas as pd

from .comparison import Comparison, RefRow, load_comparison, read_table
from .writers import atomic_path

DOC_FIELDS = [("issuer", "Issuer"), ("number", "Number"), ("issued_date", "Date"), ("level", "Level"),
              ("province", "Province"), ("implements", "Implements")]
LEGEND = [("same", "--same", "wording kept"), ("adapted", "--adapted", "rewritten or narrowed"),
          ("yes", "--group", "group covered"), ("local", "--local", "local tasks"),
          ("no", "--no", "not covered"), ("not-aligned", "--na", "not aligned")]


def esc(value: object) -> str:
    """Text for HTML content and quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def task_anchor(doc_index: int, seq: str) -> str:
    return f"d{doc_index}-t{seq}"


def _css() -> str:
    return resources.files("emit").joinpath("data", "report.css").read_text(encoding="utf-8")


def _doc_index(documents: pd.DataFrame) -> dict[str, int]:
    return {d: i for i, d in enumerate(documents["doc_id"])}


def _coverage(cmp: Comparison, doc_id: str, decision: str) -> str:
    """``k/n tasks, g/m groups`` of a document against its decision."""
    rows = [r for r in cmp.rows if r.decision == decision and r.kind in ("task", "group")]
    done = {r.code for r in rows if not cmp.tasks_for(r, doc_id).empty}
    tasks = [r for r in rows if r.kind == "task"]
    groups = [r for r in rows if r.kind == "group"]
    return (f"{sum(r.code in done for r in tasks)}/{len(tasks)} tasks, "
            f"{sum(r.code in done for r in groups)}/{len(groups)} groups")


def documents_section(documents: pd.DataFrame, cmp: Comparison) -> str:
    """One row per input document: its header, what it was compared to, status."""
    compared = cmp.documents.set_index("doc_id")
    index = _doc_index(documents)
    head = "".join(f"<th>{esc(t)}</th>" for t in ["Locality"] + [t for _, t in DOC_FIELDS]
                   + ["Compared to", "Coverage", "Tasks", "Status", "Source"])
    body = []
    for _, d in documents.iterrows():
        name = d["locality"] or d["issuer"] or d["doc_id"]
        ref = compared["ref_decision"].get(d["doc_id"], "") if d["doc_id"] in compared.index else ""
        cover = _coverage(cmp, d["doc_id"], ref) if ref else ""
        against = esc(ref) if ref else '<span class="muted">not aligned</span>'
        status = esc(d["status"]) + (f'<br><small>{esc(d["error"])}</small>' if d["error"] else "")
        cells = [f'<a href="#doc-{index[d["doc_id"]]}">{esc(name)}</a><br><small>{esc(d["doc_id"])}</small>']
        cells += [esc(d[f]) for f, _ in DOC_FIELDS]
        cells += [against, esc(cover), esc(d["n_tasks"]), status, esc(d["source_path"])]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (f'<section id="documents"><h2>Documents</h2><table class="docs"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></section>')


def _links(tasks: pd.DataFrame, doc_index: int) -> str:
    return "".join(
        f'<a href="#{task_anchor(doc_index, t.task_seq)}" title="{esc(t.adaptation)} {esc(t.ref_score)}">'
        f"{esc(t.task_id)}</a>" for t in tasks.itertuples())


def _cell_class(row: RefRow, tasks: pd.DataFrame) -> str:
    if row.kind == "not_aligned":
        return "not-aligned"
    if tasks.empty:
        return "no"
    if row.kind == "local":
        return "local"
    if row.kind == "group":
        return "yes"
    return "same" if set(tasks["adaptation"]) == {"same"} else "adapted"


def heatmap_cell(cmp: Comparison, row: RefRow, doc: pd.Series, doc_index: int) -> str:
    """A cell: coloured by coverage, holding links to the tasks that fill it.

    A group cell links the tasks mapped to the group itself and counts the
    group's lettered tasks the plan covers (``k/n``)."""
    tasks = cmp.tasks_for(row, doc["doc_id"])
    content = _links(tasks if row.kind != "group" else tasks[tasks["ref_task"] == row.code], doc_index)
    if row.kind == "group":
        lettered = [r for r in cmp.rows if r.kind == "task" and r.decision == row.decision
                    and r.code in row.members]
        k = sum(not cmp.tasks_for(r, doc["doc_id"]).empty for r in lettered)
        content += f' <span class="count">{k}/{len(lettered)}</span>'
    covered = "no" if tasks.empty else ("not aligned" if row.kind == "not_aligned" else "yes")
    return (f'<td class="cell {_cell_class(row, tasks)}" data-doc="{esc(doc["doc_id"])}" '
            f'data-ref="{esc(row.code)}" data-kind="{row.kind}" data-covered="{covered}">'
            f"{content or '–'}</td>")


def _row_id(k: int, i: int) -> str:
    return f"h{k}-r{i}"


def heatmap_section(cmp: Comparison, decision: str, k: int, index: dict[str, int]) -> str:
    """The heatmap of one decision: its tasks as rows, its plans as columns."""
    docs = [d for _, d in cmp.documents.iterrows() if d["ref_decision"] == decision]
    heads = "".join(
        f'<th data-doc="{esc(d["doc_id"])}"><a href="#doc-{index[d["doc_id"]]}">'
        f'{esc(d["locality"] or d["label"])}</a>'
        f'<br><small>{esc(d["level"])} · {esc(d["number"] or d["doc_id"])}</small></th>' for d in docs)
    body = []
    for i, row in enumerate(cmp.rows):
        if row.decision != decision or row.kind == "not_aligned":
            continue
        cells = "".join(heatmap_cell(cmp, row, d, index[d["doc_id"]]) for d in docs)
        body.append(f'<tr id="{_row_id(k, i)}" class="{row.kind}" data-ref="{esc(row.code)}">'
                    f'<th class="code">{esc(row.code or "local")}</th>'
                    f'<td class="title"><span title="{esc(row.title)}">{esc(row.title)}</span></td>{cells}</tr>')
    legend = "".join(f'<span style="--c: var({v})">{esc(t)}</span>' for _, v, t in LEGEND[:5])
    return (f'<section id="heatmap-{k}" class="decision"><h2>Coverage of {esc(decision)}</h2>'
            f'<div class="legend">{legend}</div>'
            f'<table class="heatmap"><thead><tr><th>Task</th><th>Reference title</th>{heads}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></section>')


def not_aligned_section(cmp: Comparison, index: dict[str, int]) -> str:
    """Plans whose decision has no reference task list: named, not compared."""
    docs = [d for _, d in cmp.documents.iterrows() if not d["ref_decision"]]
    if not docs:
        return ""
    items = "".join(
        f'<li><a href="#doc-{index[d["doc_id"]]}">{esc(d["label"])}</a> '
        f'<small>{esc(d["doc_id"])}</small> — implements {esc(d["implements"] or "no named decision")}, '
        f'{esc(d["n_tasks"])} tasks</li>' for d in docs)
    return (f'<section id="not-aligned"><h2>Not aligned</h2><p>These plans carry out a decision that has '
            f'no reference task list, so their tasks are listed below but not compared.</p><ul>{items}</ul></section>')


def _field(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{esc(value) or '<span class=muted>–</span>'}</dd>"


def task_article(t: pd.Series, doc_index: int, source: str, back: str) -> str:
    """A local task as written, with where to find it in the source."""
    ref = (f"→ {t['ref_decision']} {t['ref_task']} · {t['adaptation']} · {t['ref_score']}"
           if t["ref_task"] else (f"→ no counterpart in {t['ref_decision']}" if t["ref_decision"] else ""))
    kind = t["adaptation"] if t["ref_task"] else ("local" if t["ref_decision"] else "")
    acts = "".join(f"<li>{esc(a.strip())}</li>" for a in t["activities"].split(" | ") if a.strip())
    when = t["time_raw"] + (f" ({t['time_start']} – {t['time_end']})" if t["time_start"] or t["time_end"] else "")
    lines = f"{source}, lines {t['line_start']}–{t['line_end']}"
    return (f'<article class="task {esc(kind)}" id="{task_anchor(doc_index, t["task_seq"])}">'
            f'<h4>{esc(t["task_id"])} <span class="ref">{esc(ref)}</span></h4>'
            f'<p class="text">{esc(t["text"])}</p>'
            + (f'<ul class="activities">{acts}</ul>' if acts else "")
            + "<dl>" + _field("Lead (as written)", t["lead_raw"]) + _field("Support (as written)", t["support_raw"])
            + _field("Lead types", t["lead_types"]) + _field("Time", when) + _field("Source", lines) + "</dl>"
            f'<a class="back" href="#{back}">↑ back to the comparison</a></article>')


def tasks_section(documents: pd.DataFrame, cmp: Comparison) -> str:
    """Every document's tasks, each with an anchor the heatmap links to."""
    index = _doc_index(documents)
    decisions = list(dict.fromkeys(d for d in cmp.documents["ref_decision"] if d))
    row_of = {(r.decision, r.code): i for i, r in enumerate(cmp.rows) if r.kind != "not_aligned"}
    parts = []
    for _, d in documents.iterrows():
        ref = cmp.documents.loc[cmp.documents["doc_id"] == d["doc_id"], "ref_decision"]
        ref = ref.iloc[0] if len(ref) else ""
        tasks = cmp.tasks[cmp.tasks["doc_id"] == d["doc_id"]]
        arts = []
        for _, t in tasks.iterrows():
            if ref:
                k = decisions.index(ref)
                back = _row_id(k, row_of.get((ref, t["ref_task"]), row_of[(ref, "")]))
            else:
                back = "not-aligned"
            arts.append(task_article(t, index[d["doc_id"]], d["source_path"], back))
        title = d["locality"] or d["issuer"] or d["doc_id"]
        sub = " · ".join(x for x in (d["number"], d["issued_date"], d["doc_id"]) if x)
        parts.append(f'<section id="doc-{index[d["doc_id"]]}" class="doc" data-doc="{esc(d["doc_id"])}">'
                     f'<h3>{esc(title)} <small>{esc(sub)}</small></h3>'
                     + ("".join(arts) or '<p class="muted">No tasks.</p>') + "</section>")
    return f'<section id="tasks"><h2>Local tasks</h2>{"".join(parts)}</section>'


def render_report(pred_dir: str | Path) -> str:
    """The report of a run's output folder as one HTML document."""
    pred = Path(pred_dir)
    documents = read_table(pred / "documents.csv")
    cmp = load_comparison(pred)
    index = _doc_index(documents)
    decisions = list(dict.fromkeys(d for d in cmp.documents["ref_decision"] if d))
    heatmaps = "".join(heatmap_section(cmp, dec, k, index) for k, dec in enumerate(decisions))
    nav = "".join(f'<li><a href="#heatmap-{k}">Coverage of {esc(d)}</a></li>' for k, d in enumerate(decisions))
    nav = f'<li><a href="#documents">Documents</a></li>{nav}'
    if not cmp.documents[cmp.documents["ref_decision"] == ""].empty:
        nav += '<li><a href="#not-aligned">Not aligned</a></li>'
    nav += '<li><a href="#tasks">Local tasks</a></li>'
    summary = (f"{len(documents)} documents, {len(cmp.tasks)} tasks; "
               f"compared to {esc(', '.join(decisions) or 'no reference decision')}")
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>kehoach — how local plans carry out {esc(', '.join(decisions) or 'their decisions')}</title>"
            f"<style>{_css()}</style></head><body>"
            f"<header><h1>How local plans carry out the national decision</h1>"
            f'<p class="muted">{summary}. Cells link to the local tasks; task ids as in each plan.</p></header>'
            f"<nav><ul>{nav}</ul></nav>"
            + documents_section(documents, cmp) + heatmaps + not_aligned_section(cmp, index)
            + tasks_section(documents, cmp) + "</body></html>\n")


def write_report(pred_dir: str | Path, path: str | Path) -> Path:
    """Write the report of ``pred_dir`` (a run's output folder) to ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(render_report(pred_dir), encoding="utf-8")
    return path
