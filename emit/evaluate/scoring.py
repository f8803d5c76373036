"""Scoring one document: header fields, then tasks, their mentions, times and
reference codes, collecting both the counts and a readable list of what went wrong."""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from .counts import Counts, Tally
from .inputs import HEADER_FIELDS, ROLES, GoldMention, GoldTask, Prediction, Row
from .matching import TASK_ID_BONUS, Pair, match_mentions, match_tasks, same_task_id
from .text import clean, code_group, fold, fold_code, header_field_equal


@dataclass
class HeaderError:
    field: str
    gold: object
    pred: object


@dataclass
class TaskRef:
    task_id: str
    text: str


@dataclass
class TaskError:
    """A matched task with at least one wrong part; ``errors`` maps the part to
    ``[gold, pred]`` (or to the mentions missed / added)."""

    task_id: str
    pred_task_id: str
    text_similarity: float
    row_correct: bool
    errors: dict[str, object]


@dataclass
class OrphanMention:
    """A mention whose task_id names no predicted task of its document."""

    task_id: str
    role: str
    mention: str


@dataclass
class DocDetails:
    missing_from_prediction: bool = False
    header_errors: list[HeaderError] = field(default_factory=list)
    missed_tasks: list[TaskRef] = field(default_factory=list)
    spurious_tasks: list[TaskRef] = field(default_factory=list)
    task_errors: list[TaskError] = field(default_factory=list)
    orphan_mentions: list[OrphanMention] = field(default_factory=list)
    pred_duplicate_task_ids: list[str] = field(default_factory=list)
    pred_bad_roles: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(vars(self).values())


Singletons = Iterator[int]


def new_singletons() -> Singletons:
    """Ids for mentions without a cluster: each is a cluster of its own."""
    return itertools.count()


def _short(text: object, width: int = 70) -> str:
    text = clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def score_header(gold: dict, pred: Row | None, counts: Counts, details: DocDetails) -> None:
    """Every field is judged; a document absent from the prediction gets all wrong."""
    for name in HEADER_FIELDS:
        ok = pred is not None and header_field_equal(name, gold.get(name), pred.get(name))
        counts.header[name].add(ok)
        if not ok:
            details.header_errors.append(
                HeaderError(name, gold.get(name), None if pred is None else pred.get(name)))


@dataclass
class _MentionsByTask:
    by_task: dict[int, dict[str, list[Row]]]
    orphans: list[tuple[str, Row]]

    def of(self, task: int, role: str) -> list[Row]:
        return self.by_task.get(task, {}).get(role, [])


def _first_task_by_id(tasks: list[Row]) -> dict[str, int]:
    first: dict[str, int] = {}
    for j, row in enumerate(tasks):
        first.setdefault(fold_code(row.get("task_id")), j)
    return first


def _duplicate_ids(tasks: list[Row]) -> list[str]:
    seen = Counter(fold_code(row.get("task_id")) for row in tasks)
    return sorted(k for k, n in seen.items() if n > 1)


def attach_mentions(tasks: list[Row], mentions: dict[tuple[str, str], list[Row]],
                    details: DocDetails) -> _MentionsByTask:
    """mentions.csv joins tasks on task_id; with a repeated id the first task gets
    them, as a spreadsheet lookup would."""
    first = _first_task_by_id(tasks)
    if len(first) < len(tasks):
        details.pred_duplicate_task_ids = _duplicate_ids(tasks)
    by_task: dict[int, dict[str, list[Row]]] = defaultdict(lambda: {r: [] for r in ROLES})
    orphans: list[tuple[str, Row]] = []
    for (task_id, role), rows in mentions.items():
        if role not in ROLES:
            details.pred_bad_roles.append(role)
        elif task_id in first:
            by_task[first[task_id]][role].extend(rows)
        else:
            orphans.extend((role, row) for row in rows)
    details.orphan_mentions = [OrphanMention(row.get("task_id"), role, row.get("mention"))
                               for role, row in orphans]
    return _MentionsByTask(dict(by_task), orphans)


def _cluster(key: object, side: str, singletons: Singletons) -> object:
    return fold(key) or (f"\0{side}-singleton", next(singletons))


def score_mentions(role: str, gold: list[GoldMention], pred: list[Row], counts: Counts,
                   errors: dict[str, object], singletons: Singletons) -> bool:
    """One field of a matched task; True when the mention sets correspond exactly."""
    pairs = match_mentions([m.mention for m in gold], [r.get("mention") for r in pred])
    overlap = counts.role(role)
    overlap.matched += len(pairs)
    overlap.predicted += len(pred)
    overlap.gold += len(gold)
    hit_gold = {p.gold for p in pairs}
    hit_pred = {p.pred for p in pairs}
    missed = [m.mention for i, m in enumerate(gold) if i not in hit_gold]
    added = [r.get("mention") for j, r in enumerate(pred) if j not in hit_pred]
    if missed:
        errors[f"{role}_missed"] = missed
    if added:
        errors[f"{role}_spurious"] = added
    for pair in pairs:
        _score_agency(gold[pair.gold], pred[pair.pred], counts, errors, singletons)
    return len(pairs) == len(gold) == len(pred)


def _score_agency(gold: GoldMention, pred: Row, counts: Counts, errors: dict[str, object],
                  singletons: Singletons) -> None:
    if not gold.is_collective:
        counts.cluster_pairs.append((_cluster(gold.agency, "gold", singletons),
                                     _cluster(pred.get("agency_id"), "pred", singletons)))
    type_ok = fold(gold.type) == fold(pred.get("agency_type"))
    level_ok = fold(gold.level) == fold(pred.get("level"))
    counts.agency_type.add(type_ok)
    counts.agency_level.add(level_ok)
    if not type_ok:
        errors.setdefault("agency_type", []).append([gold.mention, gold.type, pred.get("agency_type")])
    if not level_ok:
        errors.setdefault("agency_level", []).append([gold.mention, gold.level, pred.get("level")])


def _judge(tally: Tally, ok: bool, errors: dict[str, object], key: str, gold: object,
           pred: object) -> bool:
    """Count one judgement and note the two values when it is wrong."""
    tally.add(ok)
    if not ok:
        errors[key] = [gold, pred]
    return ok


def score_times_and_ref(gold: GoldTask, pred: Row, counts: Counts,
                        errors: dict[str, object]) -> tuple[bool, bool]:
    """-> (interval right, ref_task right), the two parts the row score needs."""
    start_ok = fold(gold.time_start) == fold(pred.get("time_start"))
    end_ok = fold(gold.time_end) == fold(pred.get("time_end"))
    counts.time_start.add(start_ok)
    counts.time_end.add(end_ok)
    if gold.has_deadline:
        counts.deadline.add(fold(gold.deadline) == fold(pred.get("deadline")))
    interval_ok = _judge(counts.interval, start_ok and end_ok, errors, "interval",
                         [gold.time_start, gold.time_end],
                         [pred.get("time_start"), pred.get("time_end")])
    _judge(counts.recurrence, fold(gold.recurrence) == fold(pred.get("recurrence")), errors,
           "recurrence", gold.recurrence, pred.get("recurrence"))
    _judge(counts.time_source, fold(gold.time_source) == fold(pred.get("time_source")), errors,
           "time_source", gold.time_source, pred.get("time_source"))
    gold_ref, pred_ref = fold_code(gold.ref_task), fold_code(pred.get("ref_task"))
    ref_ok = _judge(counts.ref_task, gold_ref == pred_ref, errors, "ref_task",
                    gold.ref_task, pred.get("ref_task"))
    counts.ref_group.add(code_group(gold_ref) == code_group(pred_ref))
    return interval_ok, ref_ok


def score_task_pair(gold: GoldTask, pred: Row, pair: Pair, mentions: _MentionsByTask,
                    counts: Counts, singletons: Singletons) -> TaskError | None:
    """Everything about one matched task; None when it is entirely right."""
    errors: dict[str, object] = {}
    gold_id, pred_id = fold_code(gold.task_id), fold_code(pred.get("task_id"))
    text_sim = pair.score - (TASK_ID_BONUS if same_task_id(gold_id, pred_id) else 0.0)
    _judge(counts.task_id, gold_id == pred_id, errors, "task_id", gold.task_id, pred.get("task_id"))
    exact = {role: score_mentions(role, gold.mentions(role), mentions.of(pair.pred, role),
                                  counts, errors, singletons) for role in ROLES}
    interval_ok, ref_ok = score_times_and_ref(gold, pred, counts, errors)
    row_ok = exact["lead"] and interval_ok and ref_ok
    counts.rows.matched += row_ok
    if not errors:
        return None
    return TaskError(gold.task_id, pred.get("task_id"), round(text_sim, 3), row_ok, errors)


def score_tasks(gold: list[GoldTask], pred: list[Row],
                pred_mentions: dict[tuple[str, str], list[Row]], counts: Counts,
                details: DocDetails, singletons: Singletons) -> None:
    """Match the tasks, score each pair; mentions of unmatched tasks on either side
    count as missed or spurious."""
    mentions = attach_mentions(pred, pred_mentions, details)
    for role, _ in mentions.orphans:
        counts.role(role).predicted += 1
    pairs = match_tasks([t.text for t in gold], [t.task_id for t in gold],
                        [r.get("text") for r in pred], [r.get("task_id") for r in pred])
    counts.tasks.matched, counts.tasks.predicted, counts.tasks.gold = len(pairs), len(pred), len(gold)
    counts.rows.predicted, counts.rows.gold = len(pred), len(gold)
    by_gold = {p.gold: p for p in pairs}
    matched_pred = {p.pred for p in pairs}
    for i, task in enumerate(gold):
        if i not in by_gold:
            for role in ROLES:
                counts.role(role).gold += len(task.mentions(role))
            details.missed_tasks.append(TaskRef(task.task_id, _short(task.text)))
            continue
        pair = by_gold[i]
        error = score_task_pair(task, pred[pair.pred], pair, mentions, counts, singletons)
        if error is not None:
            details.task_errors.append(error)
    for j, row in enumerate(pred):
        if j not in matched_pred:
            for role in ROLES:
                counts.role(role).predicted += len(mentions.of(j, role))
            details.spurious_tasks.append(TaskRef(row.get("task_id"), _short(row.get("text"))))


def score_document(doc: str, gold_header: dict | None, gold_tasks: list[GoldTask] | None,
                   pred: Prediction, singletons: Singletons) -> tuple[Counts, DocDetails]:
    counts, details = Counts(), DocDetails()
    pred_header = pred.documents.get(doc)
    pred_tasks = pred.tasks.get(doc, [])
    pred_mentions = pred.mentions.get(doc, {})
    details.missing_from_prediction = pred_header is None and not pred_tasks and not pred_mentions
    if gold_header is not None:
        score_header(gold_header, pred_header, counts, details)
    if gold_tasks is not None:
        score_tasks(gold_tasks, pred_tasks, pred_mentions, counts, details, singletons)
    return counts, details
