"""Evaluating a run against the gold: per-document and micro-averaged metrics."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

from .counts import Counts, extra_metrics, shared_metrics
from .inputs import EvaluationInputError, Gold, Prediction, load_gold, load_prediction
from .scoring import DocDetails, new_singletons, score_document
from .text import clean

Metrics = dict[str, float | None]


@dataclass
class EvalResult:
    """``overall`` and ``per_doc`` hold the reference scorer's metrics under its keys
    (per_doc also ``n_gold_tasks`` / ``n_pred_tasks``); metrics it lacks are kept
    apart in ``extra`` / ``per_doc_extra`` so the two sets never get mixed up."""

    pred_dir: str
    gold_dir: str
    documents: list[str]
    overall: Metrics
    per_doc: dict[str, dict]
    extra: Metrics = field(default_factory=dict)
    per_doc_extra: dict[str, Metrics] = field(default_factory=dict)
    details: dict[str, DocDetails] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    per_doc_counts: dict[str, Counts] = field(default_factory=dict)
    pred_docs_not_scored: list[str] = field(default_factory=list)

    def metric(self, key: str) -> float | None:
        return self.overall[key] if key in self.overall else self.extra.get(key)

    @property
    def metric_names(self) -> set[str]:
        return set(self.overall) | set(self.extra)

    def to_dict(self) -> dict:
        """Plain JSON-ready data (``--json`` output); cluster pairs are left out."""
        data = dataclasses.asdict(self)
        for c in [data["counts"], *data["per_doc_counts"].values()]:
            c["matched_mention_pairs"] = len(c.pop("cluster_pairs"))
        return data


def resolve_documents(wanted: list[str], available: list[str]) -> list[str]:
    """Exact ids or unique prefixes (``000`` for ``000_6eb7e64af74a1c4e``), in the
    order given, without repeats."""
    chosen = []
    for item in (clean(w) for w in wanted):
        if not item:
            continue
        hits = [item] if item in available else [d for d in available if d.startswith(item)]
        if not hits:
            raise EvaluationInputError(f"--docs: {item!r} is not a gold document "
                                       f"(gold has: {', '.join(available) or 'none'})")
        if len(hits) > 1:
            raise EvaluationInputError(f"--docs: {item!r} is ambiguous: {', '.join(hits)}")
        chosen.append(hits[0])
    return list(dict.fromkeys(chosen))


def _document_warnings(doc: str, details: DocDetails) -> list[str]:
    out = []
    if details.missing_from_prediction:
        out.append(f"doc {doc}: not in the prediction; counted as all missed")
    if details.pred_bad_roles:
        out.append(f"doc {doc}: mentions.csv roles other than lead/support ignored: "
                   + ", ".join(sorted(set(details.pred_bad_roles))))
    if details.pred_duplicate_task_ids:
        out.append(f"doc {doc}: pred task_id used by several tasks (mentions go to the "
                   f"first): {', '.join(details.pred_duplicate_task_ids)}")
    return out


def _selected(gold: Gold, gold_dir: str, docs: list[str] | None) -> list[str]:
    available = gold.documents
    if not available:
        raise EvaluationInputError(f"no gold documents in {gold_dir} "
                                   f"(looked for docs*.jsonl and tasks/*.jsonl)")
    return resolve_documents(docs, available) if docs else available


def evaluate(pred_dir: str | os.PathLike, gold_dir: str | os.PathLike,
             docs: list[str] | None = None) -> EvalResult:
    """Score the CONTRACT tables in ``pred_dir`` against the gold in ``gold_dir``.

    Only gold documents are scored (a run usually covers more files than were
    annotated); ``docs`` narrows them further. Raises EvaluationInputError on a
    missing folder, file or required column.
    """
    warnings: list[str] = []
    gold = load_gold(gold_dir, warnings)
    selected = _selected(gold, os.fspath(gold_dir), docs)
    pred: Prediction = load_prediction(pred_dir, warnings)
    total = Counts()
    singletons = new_singletons()
    result = EvalResult(os.fspath(pred_dir), os.fspath(gold_dir), selected, {}, {},
                        warnings=warnings, counts=total)
    for doc in selected:
        header, tasks = gold.headers.get(doc), gold.tasks.get(doc)
        counts, details = score_document(doc, header, tasks, pred, singletons)
        total.merge(counts)
        metrics = shared_metrics(counts, header is not None, tasks is not None)
        metrics["n_gold_tasks"] = counts.tasks.gold if tasks is not None else None
        metrics["n_pred_tasks"] = len(pred.tasks.get(doc, []))
        result.per_doc[doc] = metrics
        result.per_doc_extra[doc] = extra_metrics(counts, tasks is not None)
        result.per_doc_counts[doc] = counts
        if details:
            result.details[doc] = details
        warnings.extend(_document_warnings(doc, details))
    any_header = any(d in gold.headers for d in selected)
    any_tasks = any(d in gold.tasks for d in selected)
    result.overall = shared_metrics(total, any_header, any_tasks)
    result.extra = extra_metrics(total, any_tasks)
    result.pred_docs_not_scored = sorted(pred.doc_ids - set(selected))
    if result.pred_docs_not_scored:
        warnings.append("pred documents without gold, not scored: "
                        + ", ".join(result.pred_docs_not_scored))
    return result
