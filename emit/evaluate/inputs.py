"""Reading a prediction folder (CONTRACT CSVs) and a gold folder (gold/SPEC.md).

Bad prediction input stops the evaluation with a message naming the file; a
half-written gold only produces warnings, because annotators save as they go.
"""
from __future__ import annotations

import csv
import glob
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from .text import clean, fold, fold_code

HEADER_FIELDS = ("doc_type", "number", "issued_date", "issuer", "locality", "level",
                 "province", "implements", "period_start", "period_end", "signer")
ROLES = ("lead", "support")
REQUIRED_COLUMNS = {
    "documents.csv": ("doc_id",) + HEADER_FIELDS,
    "tasks.csv": ("doc_id", "task_id", "text", "time_start", "time_end", "recurrence",
                  "time_source", "ref_task"),
    "mentions.csv": ("doc_id", "task_id", "role", "mention", "agency_id", "agency_type",
                     "level"),
}

csv.field_size_limit(2**31 - 1)


class EvaluationInputError(Exception):
    """A prediction or gold folder that cannot be evaluated; the message says which
    file or column is wrong, for the command line to show as is."""


@dataclass
class GoldMention:
    mention: str
    agency: str | None = None
    type: str | None = None
    level: str | None = None

    @property
    def is_collective(self) -> bool:
        """Collectives ("các cơ quan liên quan") name no single body to cluster."""
        return str(self.agency or "").upper().startswith("GENERIC|")


@dataclass
class GoldTask:
    task_id: str
    text: str
    lead: list[GoldMention] = field(default_factory=list)
    support: list[GoldMention] = field(default_factory=list)
    time_start: str | None = None
    time_end: str | None = None
    recurrence: str | None = None
    time_source: str | None = None
    ref_task: str | None = None
    deadline: str | None = None
    has_deadline: bool = False

    def mentions(self, role: str) -> list[GoldMention]:
        return self.lead if role == "lead" else self.support


@dataclass
class Gold:
    headers: dict[str, dict]          # doc -> the docs.jsonl object
    tasks: dict[str, list[GoldTask]]  # doc -> tasks in document order

    @property
    def documents(self) -> list[str]:
        return sorted(set(self.headers) | set(self.tasks))


Row = dict[str, str]


@dataclass
class Prediction:
    documents: dict[str, Row]
    tasks: dict[str, list[Row]]
    # doc -> (folded task_id, folded role) -> rows in file order
    mentions: dict[str, dict[tuple[str, str], list[Row]]]

    @property
    def doc_ids(self) -> set[str]:
        return set(self.documents) | set(self.tasks)


# ----------------------------------------------------------------- prediction CSVs

def _header_row(path: str, reader: Iterator[list[str]], required: tuple[str, ...]) -> list[str]:
    header = next(reader, None)
    if header is None:
        raise EvaluationInputError(
            f"{path}: empty file (no header row); required columns: {', '.join(required)}")
    header = [name.replace("\ufeff", "").strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise EvaluationInputError(f"{path}: missing required column(s): {', '.join(missing)}"
                                   f" (found: {', '.join(header)})")
    return header


def _as_row(header: list[str], cells: list[str]) -> Row:
    """A record as a dict; the first of two equally named columns wins and short
    records are padded, as spreadsheets do."""
    row: Row = {}
    for i, name in enumerate(header):
        row.setdefault(name, cells[i] if i < len(cells) else "")
    return row


def read_table(path: str, required: tuple[str, ...]) -> list[Row]:
    """One CONTRACT CSV (BOM optional, any line ends); blank records are skipped."""
    if not os.path.isfile(path):
        raise EvaluationInputError(f"missing file: {path}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = _header_row(path, reader, required)
            return [_as_row(header, cells) for cells in reader if any(c.strip() for c in cells)]
    except UnicodeDecodeError as e:
        raise EvaluationInputError(f"{path}: not UTF-8 ({e})") from None
    except csv.Error as e:
        raise EvaluationInputError(f"{path}: CSV error: {e}") from None


def _documents_by_id(rows: list[Row], warnings: list[str]) -> dict[str, Row]:
    docs: dict[str, Row] = {}
    for row in rows:
        doc = clean(row["doc_id"])
        if doc in docs:
            warnings.append(f"pred documents.csv: doc {doc} listed twice; the first row is used")
        else:
            docs[doc] = row
    return docs


def load_prediction(pred_dir: str | os.PathLike, warnings: list[str]) -> Prediction:
    """The three CONTRACT tables of a run, grouped by document."""
    pred_dir = os.fspath(pred_dir) if pred_dir else ""
    if not pred_dir or not os.path.isdir(pred_dir):
        raise EvaluationInputError(f"prediction directory not found: {pred_dir}")
    tables = {name: read_table(os.path.join(pred_dir, name), cols)
              for name, cols in REQUIRED_COLUMNS.items()}
    tasks: dict[str, list[Row]] = defaultdict(list)
    for row in tables["tasks.csv"]:
        tasks[clean(row["doc_id"])].append(row)
    mentions: dict[str, dict[tuple[str, str], list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in tables["mentions.csv"]:
        key = (fold_code(row["task_id"]), fold(row["role"]))
        mentions[clean(row["doc_id"])][key].append(row)
    return Prediction(_documents_by_id(tables["documents.csv"], warnings), tasks, mentions)


# ----------------------------------------------------------------- gold JSONL

def _json_objects(path: str, warnings: list[str]) -> Iterator[tuple[int, dict]]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            lines = f.read().split("\n")
    except (OSError, UnicodeDecodeError) as e:
        warnings.append(f"gold {path}: unreadable ({e}); skipped")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            warnings.append(f"gold {path}:{number}: bad JSON ({e.msg}); line skipped")
            continue
        if isinstance(obj, dict):
            yield number, obj
        else:
            warnings.append(f"gold {path}:{number}: not a JSON object; line skipped")


def _gold_mentions(value: object, where: str, warnings: list[str]) -> list[GoldMention]:
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append(f"gold {where}: mentions are not a list; ignored")
        return []
    out = []
    for item in value:
        if isinstance(item, str):
            item = {"mention": item}
        if isinstance(item, dict):
            out.append(GoldMention(item.get("mention") or "", item.get("agency"),
                                   item.get("type"), item.get("level")))
    return out


def _gold_task(obj: dict, where: str, warnings: list[str]) -> GoldTask:
    return GoldTask(
        task_id=clean(obj.get("task_id")), text=obj.get("text") or "",
        lead=_gold_mentions(obj.get("lead"), where, warnings),
        support=_gold_mentions(obj.get("support"), where, warnings),
        time_start=obj.get("time_start"), time_end=obj.get("time_end"),
        recurrence=obj.get("recurrence"), time_source=obj.get("time_source"),
        ref_task=obj.get("ref_task"), deadline=obj.get("deadline"),
        has_deadline="deadline" in obj)


def _load_headers(gold_dir: str, warnings: list[str]) -> dict[str, dict]:
    headers: dict[str, dict] = {}
    origin: dict[str, str] = {}
    for path in sorted(glob.glob(os.path.join(gold_dir, "docs*.jsonl"))):
        for number, obj in _json_objects(path, warnings):
            doc = clean(obj.get("doc") or obj.get("doc_id"))
            if not doc:
                warnings.append(f"gold {path}:{number}: no 'doc'; line skipped")
                continue
            if doc in headers:
                warnings.append(f"gold doc {doc}: in {origin[doc]} and {path}:{number}; "
                                f"the later is used")
            headers[doc], origin[doc] = obj, f"{path}:{number}"
    return headers


def _load_task_file(path: str, doc: str, warnings: list[str]) -> list[GoldTask]:
    tasks = []
    for number, obj in _json_objects(path, warnings):
        where = f"{path}:{number}"
        if obj.get("doc") and clean(obj["doc"]) != doc:
            warnings.append(f"gold {where}: doc {obj['doc']!r} differs from the file name; "
                            f"the file name is used")
        tasks.append(_gold_task(obj, where, warnings))
    repeated = sorted(k for k, n in Counter(fold_code(t.task_id) for t in tasks).items() if n > 1)
    if repeated:
        warnings.append(f"gold tasks {doc}: task_id used more than once: {', '.join(repeated)} "
                        f"(mentions are joined on task_id)")
    return tasks


def _load_tasks(gold_dir: str, warnings: list[str]) -> dict[str, list[GoldTask]]:
    tasks = {}
    for path in sorted(glob.glob(os.path.join(gold_dir, "tasks", "*.jsonl"))):
        doc = clean(os.path.basename(path)[: -len(".jsonl")])
        tasks[doc] = _load_task_file(path, doc, warnings)
    return tasks


def _reconcile(headers: dict[str, dict], tasks: dict[str, list[GoldTask]],
               warnings: list[str]) -> None:
    """A header without a tasks file means "zero tasks" only when n_tasks says 0;
    otherwise the tasks are simply not annotated yet and are not scored."""
    for doc, obj in headers.items():
        if doc not in tasks:
            if obj.get("n_tasks") == 0:
                tasks[doc] = []
            else:
                warnings.append(f"gold doc {doc}: no tasks/{doc}.jsonl; task metrics not scored")
        elif isinstance(obj.get("n_tasks"), int) and obj["n_tasks"] != len(tasks[doc]):
            warnings.append(f"gold doc {doc}: n_tasks={obj['n_tasks']} but tasks file has "
                            f"{len(tasks[doc])} lines")
    for doc in tasks:
        if doc not in headers:
            warnings.append(f"gold doc {doc}: tasks file but no docs*.jsonl line; "
                            f"header not scored")


def _warn_cluster_spellings(tasks: dict[str, list[GoldTask]], warnings: list[str]) -> None:
    spellings: dict[str, set[str]] = defaultdict(set)
    for doc_tasks in tasks.values():
        for task in doc_tasks:
            for m in task.lead + task.support:
                if m.agency:
                    spellings[fold(m.agency)].add(clean(m.agency))
    for forms in spellings.values():
        if len(forms) > 1:
            warnings.append(f"gold agency key written {len(forms)} ways (scored as one): "
                            + " / ".join(sorted(forms)))


def load_gold(gold_dir: str | os.PathLike, warnings: list[str]) -> Gold:
    """Every docs*.jsonl and tasks/<doc>.jsonl of a gold folder."""
    gold_dir = os.fspath(gold_dir) if gold_dir else ""
    if not gold_dir or not os.path.isdir(gold_dir):
        raise EvaluationInputError(f"gold directory not found: {gold_dir}")
    headers = _load_headers(gold_dir, warnings)
    tasks = _load_tasks(gold_dir, warnings)
    _reconcile(headers, tasks, warnings)
    _warn_cluster_spellings(tasks, warnings)
    return Gold(headers, tasks)
