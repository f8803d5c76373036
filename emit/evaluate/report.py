"""Text report of an evaluation, and the ``--min`` threshold check."""
from __future__ import annotations

import json

from .counts import Counts
from .inputs import HEADER_FIELDS, EvaluationInputError
from .run import EvalResult
from .scoring import DocDetails
from .text import EPS

ALL = "ALL (micro)"
DOC_COLUMNS = (
    ("tP", "tasks.precision"), ("tR", "tasks.recall"), ("tF1", "tasks.f1"),
    ("tid", "tasks.task_id_acc"), ("mP", "mentions.precision"), ("mR", "mentions.recall"),
    ("mF1", "mentions.f1"), ("lead", "mentions.lead.f1"), ("supp", "mentions.support.f1"),
    ("B3F1", "norm.b3_f1"), ("type", "norm.type_acc"), ("lvl", "norm.level_acc"),
    ("time", "time.interval_acc"), ("rec", "time.recurrence_acc"), ("src", "time.source_acc"),
    ("ref", "ref.acc"), ("refG", "ref.group_acc"), ("e2e", "e2e.row_acc"), ("hdr", "header.acc"))
HEADER_LABELS = {"doc_type": "type", "number": "num", "issued_date": "date", "issuer": "issuer",
                 "locality": "local", "level": "level", "province": "prov", "implements": "impl",
                 "period_start": "start", "period_end": "end", "signer": "signer"}


def fmt(value: float | None, width: int = 5) -> str:
    """Three decimals without the leading zero; 1.00 is shown only for a true 1,
    so a near-perfect score never reads as perfect."""
    if value is None:
        text = "-"
    elif value >= 1:
        text = "1.00" if value == 1 else f"{value:.2f}"
    else:
        text = f"{value:.3f}"
        text = ".999" if text == "1.000" else text.lstrip("0")
    return text.rjust(width)


def _metric_row(name: str, width: int, metrics: dict, n_gold, n_pred) -> str:
    sizes = f"{'-' if n_gold is None else n_gold}/{n_pred}".rjust(9)
    return " ".join([name.ljust(width), sizes] + [fmt(metrics.get(k), 4) for _, k in DOC_COLUMNS])


def _document_table(result: EvalResult, width: int) -> list[str]:
    head = " ".join(["document".ljust(width), "gold/pred".rjust(9)]
                    + [label.rjust(4) for label, _ in DOC_COLUMNS])
    rule = "-" * len(head)
    lines = [head, rule]
    for doc in result.documents:
        m = result.per_doc[doc]
        lines.append(_metric_row(doc, width, m, m["n_gold_tasks"], m["n_pred_tasks"]))
    t = result.counts.tasks
    lines += [rule, _metric_row(ALL, width, result.overall, t.gold, t.predicted)]
    return lines


def _header_table(result: EvalResult, width: int) -> list[str]:
    head = " ".join(["header".ljust(width)] + [HEADER_LABELS[f].rjust(6) for f in HEADER_FIELDS])
    lines = [head, "-" * len(head)]
    for doc in result.documents:
        m = result.per_doc[doc]
        if "header.acc" not in m:
            lines.append(doc.ljust(width) + "  (no gold header)")
        else:
            lines.append(" ".join([doc.ljust(width)] + [
                ("ok" if m[f"header.{f}"] == 1 else "x").rjust(6) for f in HEADER_FIELDS]))
    if "header.acc" in result.overall:
        lines.append(" ".join(["ALL".ljust(width)]
                              + [fmt(result.overall[f"header.{f}"], 6) for f in HEADER_FIELDS]))
    return lines


def _prf_line(label: str, o: dict, key: str, counts) -> str:
    return (f"  {label:<10} P {fmt(o[key + '.precision'])}  R {fmt(o[key + '.recall'])}  "
            f"F1 {fmt(o[key + '.f1'])}   matched {counts.matched} / pred {counts.predicted}"
            f" / gold {counts.gold}")


def _task_block(o: dict, extra: dict, c: Counts) -> list[str]:
    t = c.tasks
    lines = [
        f"  tasks      P {fmt(o['tasks.precision'])}  R {fmt(o['tasks.recall'])}  "
        f"F1 {fmt(o['tasks.f1'])}   matched {t.matched} / pred {t.predicted} / gold {t.gold};  "
        f"task_id acc {fmt(o['tasks.task_id_acc'])} ({c.task_id})",
        _prf_line("mentions", o, "mentions", c.mentions),
        _prf_line("  lead", o, "mentions.lead", c.lead),
        _prf_line("  support", o, "mentions.support", c.support),
        f"  agencies   B3 P {fmt(o['norm.b3_precision'])}  R {fmt(o['norm.b3_recall'])}  "
        f"F1 {fmt(o['norm.b3_f1'])} over {len(c.cluster_pairs)} matched mentions;  "
        f"type acc {fmt(o['norm.type_acc'])}  level acc {fmt(o['norm.level_acc'])}",
        f"  time       interval {fmt(o['time.interval_acc'])} ({c.interval})  "
        f"recurrence {fmt(o['time.recurrence_acc'])} ({c.recurrence})  "
        f"source {fmt(o['time.source_acc'])} ({c.time_source})",
        f"             start {fmt(extra.get('time.start_acc'))} ({c.time_start})  "
        f"end {fmt(extra.get('time.end_acc'))} ({c.time_end})  "
        f"deadline {fmt(extra.get('time.deadline_acc'))} ({c.deadline})",
        f"  ref        task {fmt(o['ref.acc'])} ({c.ref_task})  "
        f"group {fmt(o['ref.group_acc'])} ({c.ref_group})",
    ]
    r = c.rows
    lines.append(f"  task rows  fully correct {fmt(o['e2e.row_acc'])} ({r.matched}/{r.gold} gold tasks)  "
                 f"precision {fmt(o['e2e.precision'])} ({r.matched}/{r.predicted} pred)  "
                 f"F1 {fmt(o['e2e.f1'])}")
    return lines


def _overall_block(result: EvalResult) -> list[str]:
    o, c = result.overall, result.counts
    lines = ["overall (micro over documents)"]
    if "tasks.f1" in o:
        lines += _task_block(o, result.extra, c)
    if "header.acc" in o:
        lines.append(f"  header     acc {fmt(o['header.acc'])} ({c.header_total} fields)")
    return lines


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _detail_lines(doc: str, d: DocDetails) -> list[str]:
    lines = [f"== {doc}"]
    if d.missing_from_prediction:
        lines.append("  not in the prediction")
    lines += [f"  header {e.field}: gold {e.gold!r}  pred {e.pred!r}" for e in d.header_errors]
    lines += [f"  missed   {t.task_id}: {t.text}" for t in d.missed_tasks]
    lines += [f"  spurious {t.task_id}: {t.text}" for t in d.spurious_tasks]
    for e in d.task_errors:
        flag = "" if e.row_correct else "  [row wrong]"
        lines.append(f"  task {e.task_id} ~ pred {e.pred_task_id} (text sim {e.text_similarity}){flag}")
        lines += [f"      {part}: {_js(v)}" for part, v in e.errors.items()]
    lines += [f"  mention of unknown pred task {m.task_id} ({m.role}): {m.mention}"
              for m in d.orphan_mentions]
    if d.pred_duplicate_task_ids:
        lines.append(f"  pred task_id used twice: {', '.join(d.pred_duplicate_task_ids)}")
    return lines


def render_details(result: EvalResult) -> str:
    """Every error, document by document: what to look at after a drop in a metric."""
    return "\n".join(line for doc, d in result.details.items() for line in _detail_lines(doc, d))


def render(result: EvalResult, verbose: bool = False) -> str:
    """Per-document table, header table and overall block; with ``verbose`` the
    list of errors as well."""
    width = max([len(ALL)] + [len(d) for d in result.documents])
    parts = _document_table(result, width) + [""] + _header_table(result, width)
    parts += [""] + _overall_block(result)
    if verbose and result.details:
        parts += ["", render_details(result)]
    return "\n".join(parts)


def check_thresholds(result: EvalResult, mins: dict[str, float]) -> list[str]:
    """One message per metric below its minimum; a metric with nothing to measure
    fails too, since a gate that cannot be checked must not pass. An unknown metric
    name is an input error (a typo would otherwise silently pass)."""
    unknown = sorted(set(mins) - result.metric_names)
    if unknown:
        raise EvaluationInputError(f"unknown metric(s): {', '.join(unknown)}; "
                                   f"known: {', '.join(sorted(result.metric_names))}")
    failed = []
    for key, minimum in mins.items():
        value = result.metric(key)
        if value is None or value < minimum - EPS:
            shown = "n/a (nothing to measure)" if value is None else f"{value:.4f}"
            failed.append(f"FAIL {key} = {shown} < {minimum}")
    return failed
