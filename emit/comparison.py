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

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is built: a batch's streamed comparison needs none
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
    import pandas as pd
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


def _doc_reference(ref_decisions: Iterable[str], implements: str) -> Reference | None:
    """The reference the alignment used, else the one the plan's acts name."""
    for symbol in _distinct(ref_decisions) + _distinct([implements]):
        ref = load_reference(symbol)
        if ref is not None:
            return ref
    return None


def _labels(docs: Iterable[dict[str, str]]) -> list[str]:
    """Column name stems: the locality (else issuer, else doc_id), with the
    doc_id added where two documents share it."""
    docs = list(docs)
    names = [d["locality"] or d["issuer"] or d["doc_id"] for d in docs]
    counts = Counter(names)
    return [f"{n} ({d['doc_id']})" if counts[n] > 1 else n for n, d in zip(names, docs)]


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


def _cell(tasks: list[dict[str, str]], support: dict[tuple[str, str], list[str]], kind: str) -> dict[str, str]:
    ids = [t["task_id"] for t in tasks]
    if kind == "not_aligned":
        covered = NOT_ALIGNED
    else:
        covered = "yes" if ids else "no"
    starts = [t["time_start"] for t in tasks if t["time_start"]]
    ends = [t["time_end"] for t in tasks if t["time_end"]]
    return {
        "covered": covered,
        "task_ids": SEP.join(ids),
        "lead_types": SEP.join(_distinct(t["lead_types"] for t in tasks)),
        "support_types": SEP.join(_distinct(
            s for t in tasks for s in support.get((t["doc_id"], t["task_id"]), []))),
        "time_start": min(starts) if starts else "",
        "time_end": max(ends) if ends else "",
        "adaptation": SEP.join(_distinct(t["adaptation"] for t in tasks)),
    }


def _cell_tasks(row: RefRow, tasks: list[dict[str, str]]) -> list[dict[str, str]]:
    """The document's tasks that fill the cell (row, document): ``tasks_for`` on records."""
    if row.kind == "not_aligned":
        return tasks
    if row.kind == "local":
        return [t for t in tasks if t["ref_task"] == ""]
    return [t for t in tasks if t["ref_task"] in row.members]


_CELL_COLUMNS = ("doc_id", "task_id", "ref_task", "ref_decision", "lead_types", "time_start",
                 "time_end", "adaptation")


def _tasks_by_doc(tasks: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """Each document's tasks as records, in file order: one pass instead of a
    filter per (row, document), which was quadratic in the corpus."""
    cols = [c for c in _CELL_COLUMNS if c in tasks.columns]
    out: dict[str, list[dict[str, str]]] = {}
    for values in zip(*(tasks[c].tolist() for c in cols)):
        rec = dict(zip(cols, values))
        out.setdefault(rec["doc_id"], []).append(rec)
    return out


def row_key(row: RefRow) -> tuple[str, str, str]:
    return (row.decision, row.code, row.kind)


def support_map(rows: Iterable[tuple[str, str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """(doc_id, task_id) → agency types of its support mentions, from
    (doc_id, task_id, role, agency_type) records."""
    out: dict[tuple[str, str], list[str]] = {}
    for d, t, role, a in rows:
        if role == "support" and a != "":
            out.setdefault((d, t), []).append(a)
    return out


def document_cells(implements: str, tasks: list[dict[str, str]], support: dict[tuple[str, str], list[str]]
                   ) -> tuple[str, list[tuple[RefRow, dict[str, str]]]]:
    """One compared document's part of the comparison: the symbol of its
    reference ("" when none) and its cell in each row it belongs to (every row
    of its decision, or its decision's ``not_aligned`` row). The comparison is
    these parts gathered row by row, so a batch can compute them per document."""
    ref = _doc_reference([t["ref_decision"] for t in tasks], implements)
    if ref is None:
        row = _not_aligned_row(implements)
        return "", [(row, _cell(_cell_tasks(row, tasks), support, row.kind))]
    # one pass over the tasks instead of one per row: most rows of a decision
    # hold no task of a given plan, and their cell is the empty one
    by_ref: dict[str, list[int]] = {}
    for i, t in enumerate(tasks):
        by_ref.setdefault(t["ref_task"], []).append(i)
    cells = []
    for r in _rows_of(ref.symbol):
        found = by_ref.get("", []) if r.kind == "local" else sorted(i for m in r.members for i in by_ref.get(m, ()))
        cells.append((r, _cell([tasks[i] for i in found], support, r.kind) if found else dict(_EMPTY_CELL)))
    return ref.symbol, cells


_EMPTY_CELL = {"covered": "no", "task_ids": "", "lead_types": "", "support_types": "", "time_start": "",
               "time_end": "", "adaptation": ""}
"""The cell of a row that none of the document's tasks fill (what :func:`_cell` gives for no task)."""


@lru_cache(maxsize=64)
def _rows_of(symbol: str) -> list[RefRow]:
    return _reference_rows(load_reference(symbol))


def comparison_rows(parts: Iterable[tuple[str, str]]) -> list[RefRow]:
    """The rows for documents given as (reference symbol, implements), in order:
    each reference's rows in the order the references first appear, then one
    ``not_aligned`` row per decision without a reference."""
    parts = list(parts)
    refs = dict.fromkeys(sym for sym, _ in parts if sym)
    rows = [r for sym in refs for r in _rows_of(sym)]
    return rows + [_not_aligned_row(i) for i in dict.fromkeys(impl for sym, impl in parts if not sym)]


def compare(documents: pd.DataFrame, tasks: pd.DataFrame, mentions: pd.DataFrame) -> Comparison:
    """Build the comparison from a run's three tables (all columns as text)."""
    import pandas as pd
    docs = documents[documents["status"] != "failed"].reset_index(drop=True).copy()
    by_doc = _tasks_by_doc(tasks)
    support = support_map(zip(*(mentions[c].tolist() for c in ("doc_id", "task_id", "role", "agency_type"))))
    decisions, cells = [], []
    for doc_id, implements in zip(docs["doc_id"], docs["implements"]):
        symbol, part = document_cells(implements, by_doc.get(doc_id, []), support)
        decisions.append(symbol)
        cells.append({row_key(r): c for r, c in part})
    docs["ref_decision"] = decisions
    docs["label"] = _labels(docs.to_dict("records"))
    rows = comparison_rows(zip(decisions, docs["implements"]))
    cmp = Comparison(docs, tasks, rows, pd.DataFrame(), pd.DataFrame())
    plain = docs[["doc_id", "locality", "label"]].to_dict("records")
    wide, long = [], []
    for row in rows:
        base = {"ref_decision": row.decision, "ref_task": row.code, "title": row.title,
                "row_kind": row.kind}
        line = {**base, "is_group": "yes" if row.is_group else "no"}
        key = row_key(row)
        for doc, doc_cells in zip(plain, cells):
            cell = doc_cells.get(key)
            if cell is None:
                continue
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
    """Write comparison.csv and comparison_long.csv into the run's folder:
    streamed (:mod:`emit.comparison_stream`) when the tables are in document
    order, as a run writes them; else from :func:`load_comparison`."""
    from .comparison_stream import Unordered, write_streamed

    out = Path(out_dir)
    try:
        return write_streamed(out)
    except Unordered:
        pass
    cmp = load_comparison(out)
    written = []
    for name, df in (("comparison", cmp.wide), ("comparison_long", cmp.long)):
        path = out / f"{name}.csv"
        write_csv(path, list(df.columns), df.to_dict("records"))
        written.append(path)
    return written
