"""The comparison: every task of a reference decision against every local plan.

Built from a run's tables (documents.csv, tasks.csv, mentions.csv), so it can be
rebuilt for any output folder without re-reading the plans.

Rows, per reference decision present in the run, in the decision's order:

* ``group`` — a group of the decision (``2``); a plan covers it when any of its
  tasks maps to the group code or to one of the group's lettered tasks;
* ``task`` — a lettered task (``2.a``), covered by the tasks mapped to it;
* ``local`` — the plan's tasks with no counterpart in the decision;
* ``not_aligned`` — one row per decision that has no reference file (Decision
  979/QĐ-TTg in the sample): the plans implementing it are listed there with
  all their tasks and ``covered`` = ``not aligned``.

Columns of comparison.csv: ``ref_decision, ref_task, title, is_group, row_kind``
then, for every compared document, ``<locality> covered``, ``<locality> task_ids``
and ``<locality> lead_types``. A cell of a row that belongs to another decision
than the plan's is empty. Two documents with the same locality are told apart by
their doc_id: ``Thành phố Hạ Long (000_6eb7e64af74a1c4e) covered``.
comparison_long.csv holds one row per (row, document of that row's decision)
with the columns of ``LONG_COLUMNS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from normalize.reference import Reference, load_reference

from .writers import write_csv

SEP = " ; "
BASE_COLUMNS = ["ref_decision", "ref_task", "title", "is_group", "row_kind"]
CELL_FIELDS = ["covered", "task_ids", "lead_types"]
LONG_COLUMNS = ["ref_decision", "ref_task", "title", "row_kind", "doc_id", "locality", "covered",
                "task_ids", "lead_types", "support_types", "time_start", "time_end", "adaptation"]
NOT_ALIGNED = "not aligned"


@dataclass(frozen=True)
class RefRow:
    """One row of the comparison; ``members`` are the ref_task codes it collects."""

    decision: str
    code: str
    title: str
    kind: str
    members: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass
class Comparison:
    """The comparison of one run, in wide and long form.

    ``documents`` are the compared documents (failed ones are left out) with two
    added columns: ``label`` (the column name stem) and ``ref_decision`` (empty
    when the plan's decision has no reference file).
    """

    documents: pd.DataFrame
    tasks: pd.DataFrame
    rows: list[RefRow]
    wide: pd.DataFrame
    long: pd.DataFrame

    def applies(self, row: RefRow, doc: pd.Series) -> bool:
        if row.kind == "not_aligned":
            return not doc["ref_decision"] and doc["implements"] == row.decision
        return doc["ref_decision"] == row.decision

    def tasks_for(self, row: RefRow, doc_id: str) -> pd.DataFrame:
        """The document's tasks that fill the cell (row, document)."""
        t = self.tasks[self.tasks["doc_id"] == doc_id]
        if row.kind == "not_aligned":
            return t
        if row.kind == "local":
            return t[t["ref_task"] == ""]
        return t[t["ref_task"].isin(row.members)]


def read_table(path: Path, columns: Iterable[str] = ()) -> pd.DataFrame:
    """A run's CSV as text (no NaN, no type guessing); an absent optional file
    gives an empty table with ``columns``."""
    if not path.exists() and columns:
        return pd.DataFrame(columns=list(columns), dtype=str)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _distinct(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        for part in str(v).split(";"):
            if part.strip():
                seen.setdefault(part.strip(), None)
    return list(seen)


def _doc_reference(doc_tasks: pd.DataFrame, implements: str) -> Reference | None:
    """The reference the alignment used, else the one the plan's acts name."""
    for symbol in _distinct(doc_tasks["ref_decision"]) + _distinct([implements]):
        ref = load_reference(symbol)
        if ref is not None:
            return ref
    return None


def _labels(docs: pd.DataFrame) -> list[str]:
    names = [d.locality or d.issuer or d.doc_id for d in docs.itertuples()]
    return [f"{n} ({d})" if names.count(n) > 1 else n for n, d in zip(names, docs["doc_id"])]


def _reference_rows(ref: Reference) -> list[RefRow]:
    rows = []
    for code in ref.codes:
        node = ref.get(code)
        if node.is_group:
            members = (code,) + tuple(t.code for t in ref.tasks_of(code))
            rows.append(RefRow(ref.symbol, code, node.title, "group", members))
        else:
            rows.append(RefRow(ref.symbol, code, node.title, "task", (code,)))
    rows.append(RefRow(ref.symbol, "", f"local tasks: no counterpart in {ref.symbol}", "local"))
    return rows


def _not_aligned_row(implements: str) -> RefRow:
    why = f"no reference task list for {implements}" if implements else "the plan names no national decision"
    return RefRow(implements, "", f"{NOT_ALIGNED}: {why}", "not_aligned")


def _cell(tasks: pd.DataFrame, support: dict[tuple[str, str], list[str]], kind: str) -> dict[str, str]:
    ids = list(tasks["task_id"])
    if kind == "not_aligned":
        covered = NOT_ALIGNED
    else:
        covered = "yes" if ids else "no"
    starts = [s for s in tasks["time_start"] if s]
    ends = [e for e in tasks["time_end"] if e]
    return {
        "covered": covered,
        "task_ids": SEP.join(ids),
        "lead_types": SEP.join(_distinct(tasks["lead_types"])),
        "support_types": SEP.join(_distinct(
            s for d, t in zip(tasks["doc_id"], ids) for s in support.get((d, t), []))),
        "time_start": min(starts) if starts else "",
        "time_end": max(ends) if ends else "",
        "adaptation": SEP.join(_distinct(tasks["adaptation"])),
    }


def _support_types(mentions: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    sup = mentions[(mentions["role"] == "support") & (mentions["agency_type"] != "")]
    out: dict[tuple[str, str], list[str]] = {}
    for d, t, a in zip(sup["doc_id"], sup["task_id"], sup["agency_type"]):
        out.setdefault((d, t), []).append(a)
    return out


def compare(documents: pd.DataFrame, tasks: pd.DataFrame, mentions: pd.DataFrame) -> Comparison:
    """Build the comparison from a run's three tables (all columns as text)."""
    docs = documents[documents["status"] != "failed"].reset_index(drop=True).copy()
    refs: dict[str, Reference] = {}
    decisions = []
    for d in docs.itertuples():
        ref = _doc_reference(tasks[tasks["doc_id"] == d.doc_id], d.implements)
        decisions.append(ref.symbol if ref else "")
        if ref:
            refs.setdefault(ref.symbol, ref)
    docs["ref_decision"] = decisions
    docs["label"] = _labels(docs)
    rows = [r for ref in refs.values() for r in _reference_rows(ref)]
    rows += [_not_aligned_row(i) for i in dict.fromkeys(docs.loc[docs["ref_decision"] == "", "implements"])]
    cmp = Comparison(docs, tasks, rows, pd.DataFrame(), pd.DataFrame())
    support = _support_types(mentions)
    wide, long = [], []
    for row in rows:
        base = {"ref_decision": row.decision, "ref_task": row.code, "title": row.title,
                "row_kind": row.kind}
        line = {**base, "is_group": "yes" if row.is_group else "no"}
        for _, doc in docs.iterrows():
            if not cmp.applies(row, doc):
                continue
            cell = _cell(cmp.tasks_for(row, doc["doc_id"]), support, row.kind)
            line.update({f"{doc['label']} {f}": cell[f] for f in CELL_FIELDS})
            long.append({**base, "doc_id": doc["doc_id"], "locality": doc["locality"], **cell})
        wide.append(line)
    columns = BASE_COLUMNS + [f"{label} {f}" for label in docs["label"] for f in CELL_FIELDS]
    cmp.wide = pd.DataFrame(wide, columns=columns).fillna("")
    cmp.long = pd.DataFrame(long, columns=LONG_COLUMNS).fillna("")
    return cmp


def load_comparison(out_dir: str | Path) -> Comparison:
    """The comparison of the run whose tables are in ``out_dir``."""
    out = Path(out_dir)
    mentions = read_table(out / "mentions.csv", ["doc_id", "task_id", "role", "agency_type"])
    return compare(read_table(out / "documents.csv"), read_table(out / "tasks.csv"), mentions)


def comparison_frames(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(comparison, comparison_long) of a run as DataFrames, for Python users."""
    cmp = load_comparison(out_dir)
    return cmp.wide, cmp.long


def write_comparison_tables(out_dir: str | Path) -> list[Path]:
    """Write comparison.csv and comparison_long.csv into the run's folder."""
    out = Path(out_dir)
    cmp = load_comparison(out)
    written = []
    for name, df in (("comparison", cmp.wide), ("comparison_long", cmp.long)):
        path = out / f"{name}.csv"
        write_csv(path, list(df.columns), df.to_dict("records"))
        written.append(path)
    return written
